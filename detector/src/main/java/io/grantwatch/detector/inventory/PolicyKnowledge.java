package io.grantwatch.detector.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.KnownDeny;
import io.grantwatch.model.Principal;
import io.grantwatch.model.inventory.InventoryRecord.PolicyRef;
import io.grantwatch.model.policy.Decision;
import io.grantwatch.model.policy.Evaluation;
import io.grantwatch.model.policy.PolicyEvaluator;
import io.grantwatch.model.policy.Request;
import io.grantwatch.model.policy.SystemPolicyDocuments;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The policies the inventory says one principal holds, with their documents where known: attached to the user and
 * to the groups it is in, to a role session's role, to an agency session's agency. Pure; built per denial from the
 * account's {@link Inventory}. It answers two questions with {@link PolicyEvaluator}: which Deny statement explains an
 * explicit deny ({@link #explain}), and which Deny statements could block an Allow for some actions ({@link #denies}).
 * It does not see control policies, session policies or resource policies, and does not evaluate Conditions.
 */
public final class PolicyKnowledge {
    public static final PolicyKnowledge NONE = new PolicyKnowledge(List.of(), List.of());
    /** Deny statements carried on one finding. */
    public static final int MAX_DENIES = 10;

    /**
     * One policy the principal holds, with the document in force.
     *
     * @param ref      the policy
     * @param version  the version of {@code document} ({@code -} for a policy without versions, null for a system policy's
     *                 cited document when its version is not tracked)
     * @param via      how it is held: {@code user alice}, {@code group data-sci}, {@code role R}, {@code agency A}
     * @param document the document
     */
    public record Held(PolicyRef ref, String version, String via, JsonNode document) {
    }

    private final List<Held> held;
    private final List<String> unknown;

    private PolicyKnowledge(List<Held> held, List<String> unknown) {
        this.held = List.copyOf(held);
        this.unknown = List.copyOf(unknown);
    }

    /** What the inventory knows of the principal's policies; {@link #NONE} when it knows nothing. */
    public static PolicyKnowledge of(Inventory inv, Cloud cloud, Principal p) {
        if (inv == null || inv.isEmpty() || p == null) {
            return NONE;
        }
        List<Held> held = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, String> h : holders(inv, p).entrySet()) {
            Map<String, Long> attached = inv.attachments().get(h.getKey());
            if (attached == null) {
                continue;
            }
            String via = h.getValue();
            for (String key : attached.keySet()) {
                Inventory.Policy policy = inv.policy(key);
                Map.Entry<String, Inventory.Doc> current = policy == null ? null : policy.current();
                PolicyRef ref = policy != null ? policy.ref() : refOf(key);
                if (current != null) {
                    held.add(new Held(ref, current.getKey(), via, current.getValue().document()));
                    continue;
                }
                Optional<SystemPolicyDocuments.Entry> cited = "System".equals(ref.type())
                        ? SystemPolicyDocuments.of(cloud, ref.name()) : Optional.empty();
                if (cited.isPresent()) {
                    held.add(new Held(ref, cited.get().version(), via, cited.get().document()));
                } else {
                    unknown.add(ref.label() + " (" + via + ")");
                }
            }
        }
        return held.isEmpty() && unknown.isEmpty() ? NONE : new PolicyKnowledge(held, unknown);
    }

    /**
     * The holders whose policies apply to the principal, as inventory keys, each with how a person reads it
     * ({@code user wang.lei} also for the key by the user's id, which is how Huawei v5 names users).
     */
    static Map<String, String> holders(Inventory inv, Principal p) {
        Map<String, String> out = new LinkedHashMap<>();
        switch (p.type()) {
            case USER -> {
                String label = "user " + (p.name() != null ? p.name() : p.id());
                for (String who : new String[] {p.name(), p.id()}) {
                    if (who == null || who.isBlank()) {
                        continue;
                    }
                    String user = inv.canonical("user/" + who);
                    out.putIfAbsent(user, label);
                    for (String g : inv.groups().getOrDefault(user, Map.of()).keySet()) {
                        String group = inv.canonical("group/" + g);
                        out.putIfAbsent(group, group.replaceFirst("/", " "));
                    }
                }
            }
            case ASSUMED_ROLE, FEDERATED -> {
                // a role session's role; Alibaba SAML SSO lands in a RAM role too
                if (p.roleName() != null) {
                    out.putIfAbsent(inv.canonical("role/" + p.roleName()), "role " + p.roleName());
                }
            }
            case ASSUMED_AGENCY -> {
                if (p.roleName() != null) {
                    String label = "agency " + p.roleName();
                    out.putIfAbsent(inv.canonical("agency/" + p.roleName()), label);
                    if (p.id() != null) {
                        int colon = p.id().indexOf(':');
                        out.putIfAbsent(inv.canonical("agency/" + (colon > 0 ? p.id().substring(0, colon) : p.id())), label);
                    }
                }
            }
            default -> {
            }
        }
        return out;
    }

    private static PolicyRef refOf(String key) {
        int slash = key.indexOf('/');
        String kind = key.substring(0, slash);
        String rest = key.substring(slash + 1);
        return kind.equals("id") ? new PolicyRef(null, null, rest) : new PolicyRef(kind, rest, null);
    }

    public boolean isEmpty() {
        return held.isEmpty() && unknown.isEmpty();
    }

    /** The policies held with a known document. */
    public List<Held> held() {
        return held;
    }

    /** The policies held whose content is unknown: {@code deny-prod (Custom) (group data-sci)}. */
    public List<String> unknown() {
        return unknown;
    }

    /**
     * The Deny statement that explains a refusal of {@code action} on {@code resource}: the first statement, in the
     * order the policies are held, whose unconditional Deny matches; else the first conditional Deny that matches
     * (its Condition is not evaluated: {@link KnownDeny#conditional}). Empty when no known Deny matches.
     *
     * @param resource an ARN/URN, or null (then only statements on every resource match)
     */
    public Optional<KnownDeny> explain(String action, String resource) {
        if (action == null || action.isBlank()) {
            return Optional.empty();
        }
        Request request = new Request(action, urn(resource));
        KnownDeny conditional = null;
        for (Held h : held) {
            Evaluation ev = evaluate(h.document(), request);
            if (ev == null) {
                continue;
            }
            if (ev.decision() == Decision.EXPLICIT_DENY) {
                return Optional.of(deny(h, ev.statement(), true));
            }
            if (ev.decision() == Decision.CONDITION_NOT_EVALUATED && conditional == null && isDeny(h.document(), ev.statement())) {
                conditional = deny(h, ev.statement(), true);
            }
        }
        return Optional.ofNullable(conditional);
    }

    /**
     * The Deny statements that match any of {@code actions} on some resource (the resource is left to whoever checks a
     * concrete Allow against them), those that also match {@code deniedAction} on {@code resource} first and marked
     * {@link KnownDeny#matched}; at most {@link #MAX_DENIES}.
     */
    public List<KnownDeny> denies(Collection<String> actions, String deniedAction, String resource) {
        if (held.isEmpty()) {
            return List.of();
        }
        KnownDeny explained = deniedAction == null ? null : explain(deniedAction, resource).orElse(null);
        List<KnownDeny> out = new ArrayList<>();
        if (explained != null) {
            out.add(explained);
        }
        for (Held h : held) {
            List<JsonNode> statements = statements(h.document());
            for (int i = 0; i < statements.size() && out.size() < MAX_DENIES; i++) {
                JsonNode s = statements.get(i);
                if (!s.isObject() || !"Deny".equals(s.path("Effect").asText()) || explained != null && same(explained, h, i)) {
                    continue;
                }
                for (String a : actions) {
                    if (a != null && !a.isBlank() && matchesAction(h.document(), s, a)) {
                        out.add(deny(h, i, false));
                        break;
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    private static boolean same(KnownDeny d, Held h, int index) {
        return d.index() == index && d.policy().equals(name(h.ref())) && Objects.equals(d.via(), h.via());
    }

    /** Whether a Deny statement's Action (or NotAction) covers the action on any resource, by the evaluator's own matching. */
    private static boolean matchesAction(JsonNode doc, JsonNode statement, String action) {
        ObjectNode one = ((ObjectNode) statement).deepCopy();
        one.remove("NotResource");
        one.remove("Condition");
        one.put("Resource", "*");
        ObjectNode d = io.grantwatch.model.json.Json.wire().createObjectNode();
        d.set("Version", doc.get("Version"));
        d.putArray("Statement").add(one);
        Evaluation ev = evaluate(d, new Request(action, null));
        return ev != null && ev.decision() == Decision.EXPLICIT_DENY;
    }

    /** The evaluation, or null for a document the evaluator refuses (malformed, or in another language). */
    private static Evaluation evaluate(JsonNode doc, Request request) {
        try {
            return PolicyEvaluator.evaluate(doc, request);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    static boolean isDeny(JsonNode doc, int index) {
        List<JsonNode> s = statements(doc);
        return index >= 0 && index < s.size() && "Deny".equals(s.get(index).path("Effect").asText());
    }

    static List<JsonNode> statements(JsonNode doc) {
        JsonNode st = doc.get("Statement");
        List<JsonNode> out = new ArrayList<>();
        if (st != null && st.isArray()) {
            st.forEach(out::add);
        } else if (st != null && st.isObject()) {
            out.add(st);
        }
        return out;
    }

    static KnownDeny deny(Held h, int index, boolean matched) {
        JsonNode s = statements(h.document()).get(index);
        JsonNode sid = s.get("Sid");
        JsonNode condition = s.get("Condition");
        return new KnownDeny(name(h.ref()), h.ref().type(), h.ref().id(), "-".equals(h.version()) ? null : h.version(), h.via(),
                sid != null && sid.isTextual() ? sid.asText() : null, index, s.toString(), h.document().path("Version").asText(null),
                condition != null && condition.isObject() && !condition.isEmpty(), matched);
    }

    private static String name(PolicyRef ref) {
        return ref.name() != null ? ref.name() : ref.id();
    }

    /** An ARN or URN as a request's resource; a bare name (a CTS resource_name) is no resource a policy names. */
    static String urn(String resource) {
        return resource != null && resource.indexOf(':') > 0 && !resource.contains(" ") ? resource : null;
    }
}
