package io.grantwatch.detector;

import io.grantwatch.detector.inventory.Inventory;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.PrincipalType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Cross-principal context, pure: which events feed it, which events read it, and the bounded lists
 * it keeps per account ({@link AccountActivity}): people's signalling calls, roles and agencies named by
 * requests, agency ids. The topology keeps one per account in a store (partitioned by account);
 * {@code scan} keeps them in a map; both through {@link DetectionFlow}.
 */
public final class AccountContext {
    /** Signals kept per account. */
    public static final int CAP = 50;

    private AccountContext() {
    }

    /** The account key: {@code cloud:accountId}, or null when the event names no account. */
    public static String accountKey(AuditEvent e) {
        return e.accountKey();
    }

    /** A denial of a delegated identity (agency or role session): the account's context may explain it. */
    public static boolean reads(AuditEvent e) {
        PrincipalType t = e.principal().type();
        return e.outcome() == Outcome.DENIED && (t == PrincipalType.ASSUMED_AGENCY || t == PrincipalType.ASSUMED_ROLE)
                && accountKey(e) != null;
    }

    /** The scenarios a person's successful call signals (empty when it feeds nothing). */
    public static List<String> signalled(AuditEvent e, CatalogLookup catalog) {
        PrincipalType t = e.principal().type();
        if (e.outcome() != Outcome.ALLOWED || (t != PrincipalType.USER && t != PrincipalType.ROOT_ACCOUNT && t != PrincipalType.FEDERATED)
                || accountKey(e) == null) {
            return List.of();
        }
        Set<String> ids = new LinkedHashSet<>(catalog.signalled(e.cloud(), e.iamAction()));
        ids.addAll(catalog.signalled(e.cloud(), DenialMatcher.apiLabel(e)));
        return List.copyOf(ids);
    }

    /** The account's list with the event's signals added: newest last, at most {@link #CAP}, older than the window dropped. */
    public static List<ContextSignal> add(List<ContextSignal> current, AuditEvent e, List<String> scenarioIds, Duration window) {
        List<ContextSignal> out = new ArrayList<>(current == null ? List.of() : current);
        for (String id : scenarioIds) {
            out.removeIf(s -> s.scenarioId().equals(id) && !s.time().isAfter(e.eventTime()));
            out.add(new ContextSignal(id, e.eventTime(), e.principal().display(), DenialMatcher.apiLabel(e)));
        }
        Instant newest = out.stream().map(ContextSignal::time).max(Instant::compareTo).orElse(e.eventTime());
        out.removeIf(s -> s.time().isBefore(newest.minus(window)));
        out.sort((a, b) -> a.time().compareTo(b.time()));
        while (out.size() > CAP) {
            out.remove(0);
        }
        return out;
    }

    // ---------------------------------------------------------------- roles and agencies in use by reference

    /** Services whose requests name roles as what they change (IAM itself), not as what a resource runs under. */
    private static final Set<String> IAM_SERVICES = Set.of("ram", "sts", "iam", "resourcemanager", "sts5", "iam5");
    private static final Pattern AGENCY_ID = Pattern.compile("[A-Za-z0-9-]{8,64}");
    /** The part of an agency session's {@code <agency-id>:<session>} principal id before the colon: the agency's id, any length. */
    private static final Pattern SESSION_AGENCY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /**
     * The roles and agencies a successful create or update request of an ML platform resource names, so that they
     * count as in use before they make a call of their own. The request must signal a catalog scenario (it is a PAI
     * or ModelArts resource) and not be an IAM request. Alibaba: every RAM role ARN of the caller's account in the
     * request (DSW {@code CreateInstance}/{@code UpdateInstance} and DLC {@code CreateJob} {@code CredentialConfig},
     * any other parameter holding a role ARN). Huawei: ModelArts {@code CreateAuthorization} with {@code type}
     * agency names it in {@code content}; any parameter named {@code agency} or {@code agency_name}.
     */
    public static List<String> referenced(AuditEvent e, CatalogLookup catalog) {
        if (e.outcome() != Outcome.ALLOWED || e.accountKey() == null || e.action() == null || e.parameters().isEmpty()) {
            return List.of();
        }
        String api = e.action().toLowerCase(Locale.ROOT);
        if (!api.startsWith("create") && !api.startsWith("update")
                || e.service() != null && IAM_SERVICES.contains(e.service().toLowerCase(Locale.ROOT))) {
            return List.of();
        }
        if (catalog.signalled(e.cloud(), DenialMatcher.apiLabel(e)).isEmpty() && catalog.signalled(e.cloud(), e.iamAction()).isEmpty()) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        if (e.cloud() == Cloud.ALIBABA) {
            for (String value : e.parameters().values()) {
                for (String arn : Arns.roleArns(value)) {
                    String account = Arns.account(arn);
                    String role = Arns.roleName(arn);
                    // another account's role lives in that account's partition: not ours to mark
                    if (role != null && !role.isBlank() && (account == null || account.equals(e.principal().accountId()))) {
                        names.add(role);
                    }
                }
            }
        } else {
            String type = Arns.param(e.parameters(), "type");
            String content = Arns.param(e.parameters(), "content");
            if (type != null && type.equalsIgnoreCase("agency") && content != null) {
                names.add(content);
            }
            for (Map.Entry<String, String> p : e.parameters().entrySet()) {
                String leaf = p.getKey().substring(p.getKey().lastIndexOf('.') + 1).replace("_", "").toLowerCase(Locale.ROOT);
                if ((leaf.equals("agency") || leaf.equals("agencyname")) && p.getValue() != null && !p.getValue().isBlank()) {
                    names.add(p.getValue());
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * The agency an agency session runs as, by id: {@code [id, name]} from a Huawei {@code AssumedAgency} caller whose
     * {@code principal_id} is {@code <agency-id>:<session>} (or whose id is the agency id), else null.
     */
    public static String[] agencyIdOf(AuditEvent e) {
        io.grantwatch.model.Principal p = e.principal();
        if (e.cloud() != Cloud.HUAWEI || p.type() != PrincipalType.ASSUMED_AGENCY || p.id() == null || p.roleName() == null
                || e.accountKey() == null) {
            return null;
        }
        int colon = p.id().indexOf(':');
        String id = colon > 0 ? p.id().substring(0, colon) : p.id();
        // <id>:<session> says which part is the id; a bare id must look like one (not a name repeated)
        boolean looksLikeId = colon > 0 ? SESSION_AGENCY_ID.matcher(id).matches() : AGENCY_ID.matcher(id).matches();
        return looksLikeId && !id.equals(p.roleName()) ? new String[] {id, p.roleName()} : null;
    }

    /**
     * The account's activity after one event (not too late): its signals, the roles it references, the agency id it
     * reveals. The same instance when nothing changed, so a caller writes only what changed (an agency's every OBS
     * call reads the account, almost none writes it).
     */
    public static AccountActivity learn(AccountActivity known, AuditEvent e, List<String> signals, List<String> referenced, Duration window) {
        AccountActivity a = known == null ? AccountActivity.empty() : known;
        List<ContextSignal> s = signals.isEmpty() ? a.signals() : add(a.signals(), e, signals, window);
        List<RoleReference> r = referenced.isEmpty() ? a.references() : reference(a.references(), e, referenced);
        Map<String, String> ids = a.agencyIds();
        String[] alias = agencyIdOf(e);
        if (alias == null && !signals.isEmpty()) {
            alias = userIdOf(e); // a person whose calls put a scenario in use: a v5 body may name them by id only
        }
        if (alias != null && !alias[1].equals(ids.get(alias[0]))) {
            LinkedHashMap<String, String> next = new LinkedHashMap<>(ids);
            next.remove(alias[0]);
            next.put(alias[0], alias[1]);
            while (next.size() > CAP) {
                // users are many and each learned again from their next call: an agency's id goes last
                String victim = next.keySet().stream().filter(k -> k.startsWith("user/")).findFirst().orElse(next.keySet().iterator().next());
                next.remove(victim);
            }
            ids = SealedMap.owning(next); // the activity below takes it without another copy
        }
        if (s == a.signals() && r == a.references() && ids == a.agencyIds()) {
            return known;
        }
        return new AccountActivity(s, r, ids);
    }

    private static List<RoleReference> reference(List<RoleReference> current, AuditEvent e, List<String> names) {
        List<RoleReference> out = new ArrayList<>(current);
        for (String name : names) {
            out.removeIf(r -> r.name().equals(name) && !r.time().isAfter(e.eventTime()));
            out.add(new RoleReference(name, e.eventTime(), e.principal().display(), DenialMatcher.apiLabel(e)));
        }
        out.sort((x, y) -> x.time().compareTo(y.time()));
        while (out.size() > CAP) {
            out.remove(0);
        }
        return out;
    }

    /** {@code user/<id>} and the name of a Huawei IAM user's call (CTS gives both), or null. */
    static String[] userIdOf(AuditEvent e) {
        io.grantwatch.model.Principal p = e.principal();
        if (e.cloud() != Cloud.HUAWEI || p.type() != PrincipalType.USER || p.id() == null || p.name() == null || p.id().equals(p.name())) {
            return null;
        }
        return new String[] {"user/" + p.id(), p.name()};
    }

    /** Whether an event reads or writes its account's activity beyond the signals: references, an agency id, an IAM change. */
    public static boolean touches(AuditEvent e, List<String> referenced, boolean change) {
        return e.accountKey() != null && (change || !referenced.isEmpty() || agencyIdOf(e) != null);
    }

    /**
     * An IAM change as the account knows its target: an agency or user named by id (IAM v5 request bodies carry
     * {@code agency_id}, {@code user_id} only) becomes the agency or user by name, the key its calls' state is kept under,
     * from what the trail taught ({@link AccountActivity#agencyIds}) or else the inventory's aliases (a snapshot's
     * {@code GetAgencyV5}). A target neither knows stays named by its id ({@link IamChangeEvent#namedByIdOnly}).
     */
    public static IamChangeEvent resolve(IamChangeEvent change, AccountActivity known, Inventory inv) {
        String type = switch (change.targetKind()) {
            case AGENCY -> "agency";
            case USER -> "user";
            default -> null;
        };
        if (type == null) {
            return change;
        }
        String named = change.targetKind() == IamChangeEvent.TargetKind.AGENCY ? change.target().roleName() : change.target().name();
        String id = change.target().id() != null ? change.target().id() : named;
        if (id == null || !id.equals(named)) {
            return change; // named by its name already
        }
        String name = known == null ? null : known.agencyIds().get(type.equals("agency") ? id : "user/" + id);
        if (name == null && inv != null) {
            String canonical = inv.canonical(type + "/" + id);
            name = canonical.equals(type + "/" + id) ? null : canonical.substring(type.length() + 1);
        }
        return name == null ? change : change.withTargetName(name);
    }

    /** What the account says about an IAM change's target: who named it in a request, what people started recently. */
    public static DriftContext forChange(IamChangeEvent change, AccountActivity known, Duration window, Duration horizon) {
        if (known == null) {
            return DriftContext.NONE;
        }
        Instant at = change.event().eventTime();
        String name = change.target().roleName();
        List<RoleReference> refs = name == null ? List.of() : known.references().stream()
                .filter(r -> r.name().equals(name) && !r.time().isAfter(at) && !r.time().isBefore(at.minus(horizon))).toList();
        return new DriftContext(refs, before(known.signals(), at, window));
    }

    /** The signals relevant to a denial at {@code at}: within the window before it. */
    public static List<ContextSignal> before(List<ContextSignal> signals, Instant at, Duration window) {
        if (signals == null) {
            return List.of();
        }
        return signals.stream().filter(s -> !s.time().isAfter(at) && !s.time().isBefore(at.minus(window))).toList();
    }
}
