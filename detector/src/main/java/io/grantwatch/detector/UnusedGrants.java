package io.grantwatch.detector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.detector.inventory.Inventory;
import io.grantwatch.detector.inventory.PolicyKnowledge;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.catalog.ActionPattern;
import io.grantwatch.model.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Least privilege in the other direction: the Allow actions a principal holds (by the inventory's documents) that no
 * successful call of it proved within the period, per policy, with the smaller document that would still allow every
 * call seen. Pure. Feed it every event ({@link #observe}) and read it once ({@link #report}); memory is one set of call
 * keys per principal.
 *
 * <p>What it decides: a pattern is used when a success key of the principal proves it ({@link DriftPredictor#proves}:
 * the IAM action, or {@code service/Op} for a call whose action the trail does not name). A wildcard that some calls
 * used is narrowed to the concrete actions those calls need when every one of them has a known name (the catalog's
 * action for the API); else it is kept and said so. Resources, Conditions and Deny statements are kept as written.
 * What it does not: resource-level use (a grant used on one bucket and held on all), session or resource policies.
 */
public final class UnusedGrants {

    /**
     * One policy a principal holds, with what of it went unused.
     *
     * @param cloud         the cloud
     * @param account       the account
     * @param principal     {@code user alice}, {@code role r}, {@code agency a}
     * @param policy        the policy and version: {@code dlc-job-viewer (Custom) v2}
     * @param via           how it is held: {@code user alice}, {@code group g}
     * @param unused        the Allow action patterns no call proved
     * @param used          the Allow action patterns a call proved
     * @param smaller       the document with only what was used (null when nothing in it was used: detach it instead)
     * @param note          what the smaller document could not narrow, or null
     */
    public record Held(Cloud cloud, String account, String principal, String policy, String via, List<String> unused, List<String> used,
                       String smaller, String note) {
    }

    private final CatalogLookup catalog;
    /** account key → principal label → success key → its last time (epoch ms). */
    private final Map<String, Map<String, Map<String, Long>>> calls = new HashMap<>();
    private Instant first;
    private Instant last;

    public UnusedGrants(CatalogLookup catalog) {
        this.catalog = catalog;
    }

    /** One event of the period: a success adds its call keys to its principal. */
    public void observe(AuditEvent e) {
        if (e.eventTime() != null) {
            first = first == null || e.eventTime().isBefore(first) ? e.eventTime() : first;
            last = last == null || e.eventTime().isAfter(last) ? e.eventTime() : last;
        }
        String label = label(e.principal());
        if (e.outcome() != Outcome.ALLOWED || e.accountKey() == null || label == null) {
            return;
        }
        Map<String, Long> keys = calls.computeIfAbsent(e.accountKey(), k -> new HashMap<>()).computeIfAbsent(label, k -> new HashMap<>());
        long at = e.eventTime().toEpochMilli();
        for (String k : DetectionEngine.successKeys(e, catalog)) {
            keys.merge(k, at, Math::max);
        }
    }

    /** The first and last event time seen: the period "unused" is measured over. */
    public Instant first() {
        return first;
    }

    public Instant last() {
        return last;
    }

    /**
     * Every held policy with something unused within {@code window} before the last event, for each principal the
     * inventory names directly (user, role, agency).
     */
    public List<Held> report(Map<String, Inventory> inventories, Duration window) {
        long since = last == null ? Long.MIN_VALUE : last.minus(window).toEpochMilli();
        List<Held> out = new ArrayList<>();
        for (Map.Entry<String, Inventory> account : inventories.entrySet()) {
            String accountKey = account.getKey();
            Inventory inv = account.getValue();
            int colon = accountKey.indexOf(':');
            Cloud cloud = Cloud.fromWire(accountKey.substring(0, colon));
            String accountId = accountKey.substring(colon + 1);
            Set<String> holders = new LinkedHashSet<>(inv.attachments().keySet());
            inv.groups().keySet().forEach(holders::add);
            // a policy held through a group is one row for the group, used by what any member called (several
            // members share it: judged for one member, it would be "unused" for another and detached under both)
            Map<String, Set<String>> groupKeys = new LinkedHashMap<>();
            Map<String, PolicyKnowledge.Held> groupHeld = new LinkedHashMap<>();
            for (String holder : holders) {
                Principal p = principal(holder, accountId);
                if (p == null) {
                    continue;
                }
                String label = label(p);
                Set<String> keys = keysOf(accountKey, label, since);
                for (PolicyKnowledge.Held h : PolicyKnowledge.of(inv, cloud, p).held()) {
                    if (h.via().startsWith("group ")) {
                        String g = h.via() + "|" + h.ref().key();
                        groupHeld.putIfAbsent(g, h);
                        groupKeys.computeIfAbsent(g, k -> new LinkedHashSet<>()).addAll(keys);
                        continue;
                    }
                    Held unused = unused(cloud, accountId, label, h, keys);
                    if (unused != null) {
                        out.add(unused);
                    }
                }
            }
            for (Map.Entry<String, PolicyKnowledge.Held> g : groupHeld.entrySet()) {
                Held unused = unused(cloud, accountId, g.getValue().via() + " (its members)", g.getValue(), groupKeys.get(g.getKey()));
                if (unused != null) {
                    out.add(unused);
                }
            }
        }
        return out;
    }

    /** The success keys of one principal at or after {@code since}. */
    private Set<String> keysOf(String accountKey, String label, long since) {
        Set<String> keys = new LinkedHashSet<>();
        calls.getOrDefault(accountKey, Map.of()).getOrDefault(label, Map.of()).forEach((k, t) -> {
            if (t >= since) {
                keys.add(k);
            }
        });
        return keys;
    }

    private Held unused(Cloud cloud, String account, String principal, PolicyKnowledge.Held h, Set<String> keys) {
        List<String> used = new ArrayList<>();
        List<String> unused = new ArrayList<>();
        List<String> granted;
        try {
            granted = io.grantwatch.model.policy.PolicyEvaluator.actionsGranted(h.document());
        } catch (IllegalArgumentException malformed) {
            return null;
        }
        for (String pattern : granted) {
            (keys.stream().anyMatch(k -> DriftPredictor.proves(k, pattern)) ? used : unused).add(pattern);
        }
        List<String> vague = new ArrayList<>();
        String smaller = used.isEmpty() ? null : smaller(cloud, h.document(), keys, vague).toString();
        // a wildcard some calls used still grants every other action of its service: where the calls name theirs, the
        // smaller document narrows it, and what it grants beyond them is unused too
        for (String pattern : used) {
            if (ActionPattern.isWildcard(pattern) && !vague.contains(pattern)) {
                unused.add(pattern + " (beyond the actions used)");
            }
        }
        if (unused.isEmpty()) {
            return null;
        }
        String version = h.version() == null || "-".equals(h.version()) || h.version().startsWith("@") ? "" : " " + h.version();
        String note = vague.isEmpty() ? null : "kept as written, the calls that used them name no action GrantWatch can narrow to: "
                + String.join(", ", vague);
        return new Held(cloud, account, principal, h.ref().label() + version, h.via(), unused, used, smaller, note);
    }

    /** The document with only its used Allow actions (wildcards narrowed where every call names its action); Denies as written. */
    private ObjectNode smaller(Cloud cloud, JsonNode doc, Set<String> keys, List<String> vague) {
        ObjectNode out = Json.wire().createObjectNode();
        if (doc.has("Version")) {
            out.set("Version", doc.get("Version"));
        }
        ArrayNode statements = out.putArray("Statement");
        JsonNode st = doc.get("Statement");
        List<JsonNode> list = new ArrayList<>();
        if (st != null && st.isArray()) {
            st.forEach(list::add);
        } else if (st != null && st.isObject()) {
            list.add(st);
        }
        for (JsonNode s : list) {
            if (!s.isObject() || !"Allow".equals(s.path("Effect").asText()) || !s.has("Action")) {
                statements.add(s); // Deny, NotAction: as written
                continue;
            }
            List<String> actions = new ArrayList<>();
            JsonNode a = s.get("Action");
            (a.isArray() ? a : Json.wire().createArrayNode().add(a)).forEach(x -> actions.add(x.asText()));
            Set<String> keep = new LinkedHashSet<>();
            for (String pattern : actions) {
                List<String> provers = keys.stream().filter(k -> DriftPredictor.proves(k, pattern)).toList();
                if (provers.isEmpty()) {
                    continue;
                }
                if (!ActionPattern.isWildcard(pattern)) {
                    keep.add(pattern);
                    continue;
                }
                List<String> named = new ArrayList<>();
                for (String k : provers) {
                    String action = actionOf(cloud, k);
                    if (action == null) {
                        named = null;
                        break;
                    }
                    named.add(action);
                }
                if (named == null) {
                    keep.add(pattern);
                    vague.add(pattern);
                } else {
                    // the catalog's name and the trail's lower-cased one are one action: keep the first spelling
                    named.stream().filter(n -> keep.stream().noneMatch(x -> x.equalsIgnoreCase(n))).forEach(keep::add);
                }
            }
            if (!keep.isEmpty()) {
                ObjectNode copy = ((ObjectNode) s).deepCopy();
                ArrayNode arr = copy.putArray("Action");
                keep.forEach(arr::add);
                statements.add(copy);
            }
        }
        return out;
    }

    /** The action a success key names: itself when it is an action, else the catalog's one action for the API. */
    private String actionOf(Cloud cloud, String key) {
        if (key.indexOf(':') > 0) {
            return key;
        }
        int slash = key.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        List<String> a = catalog.actionsForApi(cloud, key.substring(0, slash), key.substring(slash + 1)).stream()
                .filter(x -> !ActionPattern.isWildcard(x)).toList();
        return a.size() == 1 ? a.get(0) : null;
    }

    /** {@code user/alice} → the user; {@code role/r}, {@code agency/a} → a session of it; groups are held through users. */
    private static Principal principal(String holder, String account) {
        IamChangeEvent.TargetKind kind = IamChangeEvent.TargetKind.ofHolder(holder);
        return kind == IamChangeEvent.TargetKind.USER || kind == IamChangeEvent.TargetKind.ROLE || kind == IamChangeEvent.TargetKind.AGENCY
                ? IamChanges.principal(account, kind, holder.substring(holder.indexOf('/') + 1)) : null;
    }

    /** How calls and holdings meet: {@code user <name>}, {@code role <name>}, {@code agency <name>}. */
    private static String label(Principal p) {
        if (p == null) {
            return null;
        }
        return switch (p.type()) {
            case USER -> p.name() != null ? "user " + p.name() : p.id() != null ? "user " + p.id() : null;
            case ASSUMED_ROLE, FEDERATED -> p.roleName() == null ? null : "role " + p.roleName();
            case ASSUMED_AGENCY -> p.roleName() == null ? null : "agency " + p.roleName();
            default -> null;
        };
    }

}
