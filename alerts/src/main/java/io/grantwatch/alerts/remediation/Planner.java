package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.alerts.remediation.Plan.DenyReview;
import io.grantwatch.alerts.remediation.Plan.Entity;
import io.grantwatch.alerts.remediation.Plan.EntityKind;
import io.grantwatch.alerts.remediation.Plan.PolicyGrant;
import io.grantwatch.alerts.remediation.Plan.SystemPolicyGrant;
import io.grantwatch.alerts.remediation.Plan.SystemPolicyRole;
import io.grantwatch.alerts.remediation.Plan.TrustChange;
import io.grantwatch.alerts.remediation.Plan.WorkspaceRole;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Citation;
import io.grantwatch.model.CitationKind;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Evidence;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.KnownDeny;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.Principal;
import io.grantwatch.model.PrincipalType;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.catalog.IamScope;
import io.grantwatch.model.catalog.Phase;
import io.grantwatch.model.catalog.Qualifier;
import io.grantwatch.model.catalog.Requirement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finding → {@link Plan}: every decision of a remediation, made once for both clouds.
 *
 * <p>Rules, in the order they bite: an explicit deny or a denied root account is reviewed, never
 * answered with an Allow. The denied call is granted to the principal that was denied (a user, the
 * role of a role session, the agency of an agency session, a federated user's identity-provider
 * mapping) on the narrowest resource the evidence names. The scenario's other grants follow as the
 * seed prints them; a wildcard only where a seed prints it. A system policy is the fix only where
 * the seed names it as the fix and no denied action is known; otherwise it is the labelled coarse
 * alternative. A trust policy changes only when the evidence points at trust, and always as a merge.
 */
final class Planner {
    private static final Pattern POLICY_LAYER = Pattern.compile(
            "\\b(ControlPolicy|AccountLevelIdentityBasedPolicy|ResourceGroupLevelIdentityBasedPolicy|SessionPolicy"
                    + "|AssumeRolePolicy|ResourceBasedPolicy|IdentityBasedPolicy)\\b");
    private static final Pattern HUAWEI_LAYER = Pattern.compile("explicit deny in the ([a-z-]{2,40}) policy");
    private static final Pattern ENCODED = Pattern.compile("\"?EncodedDiagnosticMessage\"?\\s*[:=]\\s*\"?([A-Za-z0-9+/=]{8,4096})");
    static final String PAI_SERVICE = "pai.aliyuncs.com";
    /** Below this the scenario pick is no better than a coin flip between features: only the refused call is granted. */
    static final double WEAK_SCENARIO = 0.55;
    private static final Pattern ARN_REGION = Pattern.compile("^acs:[a-z0-9-]+:([a-z]{2}-[a-z0-9-]{2,30}):");
    private static final Pattern ROLE_ACCOUNT = Pattern.compile("^acs:ram:[a-z0-9*-]*:([0-9]{1,32}):role/");

    private final TrustPolicySource trustPolicies;
    private final Function<String, Optional<Requirement>> requirements;
    private final UnaryOperator<String> corrected;

    /**
     * @param trustPolicies current role trust policies
     * @param requirements  the catalog's requirement by id (its qualifiers and IAM scope), or nothing when unknown
     * @param corrected     an action as it should be printed (the catalog's errata)
     */
    Planner(TrustPolicySource trustPolicies, Function<String, Optional<Requirement>> requirements, UnaryOperator<String> corrected) {
        this.trustPolicies = trustPolicies;
        this.requirements = requirements;
        this.corrected = corrected;
    }

    private boolean activation(MissingGrant m) {
        return m.requirementId() != null && requirements.apply(m.requirementId()).map(r -> r.phase() == Phase.ACTIVATION).orElse(false);
    }

    private boolean projectScope(MissingGrant m) {
        return m.requirementId() != null && requirements.apply(m.requirementId()).map(r -> r.scope() == IamScope.PROJECT).orElse(false);
    }

    Plan plan(Finding f) {
        Cloud cloud = f.cloud();
        Entity subject = subject(cloud, f.principal());
        Evidence ev = f.evidence();
        Set<Citation> citations = new LinkedHashSet<>();
        f.missing().forEach(m -> {
            if (m.citation() != null && m.citation().seed() != null && m.citation().section() != null) {
                citations.add(m.citation());
            }
        });
        boolean trustDenied = f.missing().stream().anyMatch(m -> m.certainty() == Certainty.CERTAIN
                && m.grant().type() == GrantType.TRUST_PRINCIPAL);
        if (f.kind() == FindingKind.EXPLICIT_DENY || (subject.kind() == EntityKind.ACCOUNT && !trustDenied)) {
            citations.add(cloud == Cloud.ALIBABA ? SeedCitations.RAM_POLICY_GRAMMAR : SeedCitations.HUAWEI_POLICY_GRAMMAR);
            return new Plan(f.id(), cloud, f.kind(), subject, List.of(), List.of(), List.of(), List.of(), List.of(),
                    denyReview(cloud, subject, ev, f), List.of(), List.copyOf(citations));
        }
        if (f.kind() == FindingKind.PREDICTED_BREAKAGE && f.status() == io.grantwatch.model.FindingStatus.RESOLVED) {
            // undone since (a re-attach, a rollback to the version in force before): printing the restore again would re-apply it
            return new Plan(f.id(), cloud, f.kind(), subject, List.of(), List.of(), List.of(), List.of(), List.of(), null,
                    List.of("Resolved" + (f.resolvedAt() == null ? "" : " at " + f.resolvedAt()) + ": what the change took away was "
                            + "given back (the policy re-attached, or the version in force before made the default again). Nothing to "
                            + "apply; if the feature still fails, a new finding will say why."),
                    List.copyOf(citations), List.of(), "Resolved: the change was undone; nothing to apply");
        }
        if (deletedPrincipal(f)) {
            return recreate(f, subject, citations);
        }
        List<PolicyGrant> grants = new ArrayList<>();
        List<SystemPolicyGrant> systemPolicies = new ArrayList<>();
        List<TrustChange> trust = new ArrayList<>();
        List<WorkspaceRole> workspaceRoles = new ArrayList<>();
        Set<String> activations = new LinkedHashSet<>();
        List<String> notes = new ArrayList<>();
        String denied = ev == null ? null : ev.deniedAction();
        boolean actionKnown = validAction(cloud, denied);
        String role = roleOf(f);
        boolean weakScenario = f.kind() == FindingKind.MISSING_GRANT && f.confidence() < WEAK_SCENARIO;
        boolean agencyDenied = subject.kind() == EntityKind.AGENCY || f.missing().stream().anyMatch(m -> m.certainty() == Certainty.CERTAIN
                && m.grant().type() == GrantType.AGENCY_ACTION);
        // a regression: the call worked before and was refused later, so the refused call is what was lost; the feature's
        // other rows are the seed's, not seen lost, and are named, not granted
        boolean regression = f.kind() == FindingKind.REGRESSION && actionKnown;
        List<String> notSeenLost = new ArrayList<>();
        for (MissingGrant m : f.missing()) {
            Grant g = m.grant();
            boolean evidenced = m.certainty() == Certainty.CERTAIN;
            boolean primary = m == f.missing().get(0);
            boolean primaryDenial = g.type() == GrantType.DENIED_ACTION && primary;
            if (regression && (g.type() == GrantType.ACTION || g.type() == GrantType.AGENCY_ACTION || g.type() == GrantType.SYSTEM_POLICY)) {
                if (!primary && !evidenced) {
                    if (validAction(cloud, g.value()) || Identifiers.policyName(g.value())) {
                        notSeenLost.add(validAction(cloud, g.value()) ? corrected.apply(g.value()) : g.value());
                    }
                    continue;
                }
                if (g.type() != GrantType.SYSTEM_POLICY && isWildcard(g.value()) && globCovers(g.value(), denied)) {
                    notes.add("Coarse alternative, not granted: " + g.value() + " is the seed's grant for the whole feature; the refused "
                            + "call " + denied + " is granted alone.");
                    continue;
                }
            }
            if (m.certainty() == Certainty.POSSIBLE && g.type() != GrantType.SERVICE_ACTIVATION && !primaryDenial) {
                notes.add(mayAlsoNeed(cloud, m, requirements.apply(String.valueOf(m.requirementId())).orElse(null)));
                continue;
            }
            if (!evidenced && weakScenario && g.type() != GrantType.SERVICE_ACTIVATION && g.type() != GrantType.TRUST_PRINCIPAL
                    && !primary) {
                // the feature is a guess: its other seed grants are named, not granted
                notes.add(mayAlsoNeed(cloud, m, requirements.apply(String.valueOf(m.requirementId())).orElse(null))
                        .replace("(the seed", "(the feature is a guess at confidence " + String.format(Locale.ROOT, "%.2f", f.confidence())
                                + "; the seed"));
                continue;
            }
            if (subject.kind() == EntityKind.ACCOUNT && g.type() != GrantType.TRUST_PRINCIPAL) {
                continue; // the account holds every permission; only the role it hands over can lack something
            }
            if (!evidenced && g.type() == GrantType.PASS_ROLE && (trustDenied || subject.kind() == EntityKind.ROLE)) {
                // PAI checks PassRole before AssumeRole: an AssumeRoleFailedError means the pass succeeded; and an
                // instance role's own session does not hand roles over
                continue;
            }
            if (!evidenced && !agencyDenied && (g.type() == GrantType.AGENCY_ACTION || m.holder() == Holder.AGENCY)) {
                // the principal's own denial says nothing about the agency's scope: point at it, do not grant it
                notes.add("The ModelArts agency may also need " + (validAction(cloud, g.value()) ? g.value() : "what the seed lists")
                        + " when jobs run with it (the seed's agency scope; not granted here: this denial was the caller's own)"
                        + (m.citation() == null ? "" : " — " + m.citation()) + ".");
                continue;
            }
            Entity to = entityFor(m, subject, role, cloud);
            switch (g.type()) {
                case ACTION, AGENCY_ACTION -> {
                    if (!validAction(cloud, g.value())) {
                        notes.add("The catalog names an action GrantWatch cannot print safely; see the cited section.");
                    } else if (isWildcard(g.value()) && !seedCited(m.citation())) {
                        notes.add("Not granted: " + g.value() + " is a wildcard that no seed prints; grant the specific actions the feature uses.");
                    } else {
                        Certainty c = m.certainty();
                        if (isWildcard(g.value()) && !actionKnown && (c == Certainty.CERTAIN || primary)) {
                            // the record names no action: the seed's wildcard would stand in for one refused call
                            notes.add("Coarse alternative, not granted: the record names no action, and " + g.value() + " is the seed's "
                                    + "grant for the whole feature (the seed prints this wildcard). Grant the one refused action once it is "
                                    + "known (the API's authorization table names it).");
                            continue;
                        }
                        String action = corrected.apply(g.value());
                        grants.add(new PolicyGrant(to, List.of(action), Resources.narrow(cloud, action, g.resource(), ev),
                                c, m.citation(), projectScope(m)));
                        if (evidenced && Identifiers.policyName(m.systemPolicy())) {
                            systemPolicies.add(new SystemPolicyGrant(to, m.systemPolicy(), SystemPolicyRole.COARSE_ALTERNATIVE, m.citation()));
                        }
                    }
                }
                // the seed's policy is the fix for an activation; for use, the refused call is, and the policy its coarse alternative
                case SYSTEM_POLICY -> {
                    if (removedHow(g) != null) {
                        removedPolicy(m, to, systemPolicies, notes);
                    } else {
                        systemPolicy(f, m, to, actionKnown && (evidenced || (primary && !activation(m))) ? denied : null, ev,
                                grants, systemPolicies);
                    }
                }
                case CUSTOM_POLICY -> {
                    if (policyDeleted(f)) {
                        // a deleted policy cannot be re-attached: the lost actions below are the live fix
                        notes.add("Policy " + g.value() + " was deleted by " + shown(f.change().action()) + ": it cannot be re-attached. The "
                                + "policy below grants the actions its holder's features used; to restore the whole of it, recreate it "
                                + "from its last known document (CreatePolicy / CreatePolicyV5) and attach that instead.");
                    } else {
                        removedPolicy(m, to, systemPolicies, notes);
                    }
                }
                case PASS_ROLE -> {
                    String passed = Identifiers.roleName(g.resource()).filter(r -> g.resource().contains("role/"))
                            .or(() -> Optional.ofNullable(role)).orElse(null);
                    Entity passer = subject.kind() == EntityKind.NONE ? to : subject;
                    grants.add(new PolicyGrant(passer, List.of("ram:PassRole"),
                            passed == null ? List.of() : List.of("acs:ram::*:role/" + passed), m.certainty(), SeedCitations.PASS_ROLE, false));
                    citations.add(SeedCitations.PASS_ROLE);
                }
                case TRUST_PRINCIPAL -> {
                    if (cloud == Cloud.HUAWEI) {
                        agencyTrust(m, subject, evidenced, trust, notes, citations);
                        continue;
                    }
                    String service = safeService(g.value());
                    String r = Identifiers.roleName(g.resource()).or(() -> Optional.ofNullable(role)).orElse(null);
                    if (evidenced) {
                        String roleAccount = roleAccount(g.resource()).orElse(subject.account());
                        JsonNode current = r == null ? null : trustPolicies.current(roleAccount, r).orElse(null);
                        trust.add(new TrustChange(r, roleAccount, service, current, SeedCitations.ASSUME_ROLE));
                        citations.add(SeedCitations.ASSUME_ROLE);
                    } else {
                        notes.add("Check, do not change yet: role " + (r == null ? "the instance role" : r) + " must trust " + service
                                + "; only if the call then fails with AssumeRoleFailedError, add it to the trust policy's Principal.Service.");
                    }
                }
                case WORKSPACE_ROLE -> workspaceRoles.add(new WorkspaceRole(subject.kind() == EntityKind.NONE ? to : subject,
                        safeWorkspaceRole(g.value()), workspaceOf(g.resource(), ev), regionOf(g.resource(), ev), m.citation()));
                case SERVICE_ACTIVATION -> activations.add(serviceName(g.value()));
                case DENIED_ACTION -> {
                    // the seed says "grant the service's fine-grained permissions as needed": the denied call is that need
                    if (actionKnown && denied.toLowerCase(Locale.ROOT).startsWith(g.value().toLowerCase(Locale.ROOT) + ":")) {
                        grants.add(new PolicyGrant(subject.kind() == EntityKind.NONE ? to : subject, List.of(denied),
                                Resources.narrow(cloud, denied, null, ev), Certainty.CERTAIN, m.citation(), projectScope(m)));
                    } else if (!actionKnown && ev != null && ev.api() != null && ev.api().matches("[A-Z][A-Za-z0-9]{1,80}")
                            && validAction(cloud, g.value() + ":" + ev.api())) {
                        // RAM names an API's action <service>:<ApiName>; inferred, so LIKELY and said so
                        grants.add(new PolicyGrant(subject.kind() == EntityKind.NONE ? to : subject, List.of(g.value() + ":" + ev.api()),
                                Resources.narrow(cloud, g.value() + ":" + ev.api(), null, ev), Certainty.LIKELY, m.citation(), projectScope(m)));
                        notes.add("The record does not name the action: " + g.value() + ":" + ev.api() + " is inferred from the API name "
                                + "(RAM names an API's action after it); confirm it in the API's authorization table.");
                    } else {
                        notes.add("The seed leaves " + serviceName(g.value()) + "'s permissions to what the work needs; the record names "
                                + "no action to grant" + (m.citation() == null ? "" : " — " + m.citation()) + ".");
                    }
                }
                default -> notes.add("Review grant type " + g.type() + " by hand; GrantWatch prints no change for it.");
            }
        }
        if (!notSeenLost.isEmpty()) {
            notes.add("Not granted: the refused call worked for " + subject.label() + " before, so it alone is evidenced lost; the "
                    + "feature's other rows (" + String.join(", ", notSeenLost) + ") are the seed's, not seen lost — grant one only "
                    + "when a refusal names it.");
        }
        boolean workspaceRefusal = ev != null && "NoPermissionError".equalsIgnoreCase(ev.errorCode())
                && f.missing().stream().anyMatch(m -> m.grant().type() == GrantType.WORKSPACE_ROLE);
        if (workspaceRefusal && workspaceRoles.isEmpty() && subject.kind() != EntityKind.ACCOUNT) {
            // PAI refuses from its workspace roles: membership is the fix, the role a choice among the seed's
            MissingGrant first = f.missing().stream().filter(m -> m.grant().type() == GrantType.WORKSPACE_ROLE).findFirst().orElseThrow();
            workspaceRoles.add(new WorkspaceRole(subject, null, workspaceOf(first.grant().resource(), ev),
                    regionOf(first.grant().resource(), ev), first.citation()));
        }
        boolean seedFix = systemPolicies.stream().anyMatch(sp -> sp.role() == SystemPolicyRole.REQUIRED);
        boolean covered = grants.stream().anyMatch(g -> g.to().equals(subject) && g.actions().stream().anyMatch(a -> a.equalsIgnoreCase(denied)));
        if (actionKnown && !covered && !seedFix && !workspaceRefusal && subject.kind() != EntityKind.ACCOUNT
                && subject.kind() != EntityKind.NONE) {
            // the refusal itself is the evidence: the denied call comes first, whatever the catalog matched
            Citation source = f.missing().isEmpty() ? null : f.missing().get(0).citation();
            grants.add(0, new PolicyGrant(subject, List.of(denied), Resources.narrow(cloud, denied, null, ev), Certainty.CERTAIN, source, false));
            systemPolicies.replaceAll(sp -> sp.role() == SystemPolicyRole.REQUIRED
                    ? new SystemPolicyGrant(sp.to(), sp.policy(), SystemPolicyRole.COARSE_ALTERNATIVE, sp.source()) : sp);
        }
        holdBackSensitive(cloud, f, subject, grants, notes);
        List<String> blocked = FixCheck.verify(cloud, f, subject, ev, grants);
        // only a refusal's own call can be looked up and granted: an IAM change behind a drift finding is the admin's call
        boolean refusal = ev != null && ev.errorCode() != null && f.kind() != FindingKind.PREDICTED_BREAKAGE && f.kind() != FindingKind.OVER_REACH;
        if (!actionKnown && grants.isEmpty() && trust.isEmpty() && workspaceRoles.isEmpty() && systemPolicies.isEmpty() && refusal) {
            String call = safeLabel(ev.service()) + " " + safeLabel(ev.api());
            notes.add("The record names no " + (cloud == Cloud.ALIBABA ? "RAM" : "IAM") + " action for " + call.trim() + ": look it up in that "
                    + "API's authorization table (the API reference lists the action and its resource), then grant it to "
                    + subject.label() + " on the narrowest resource.");
        }
        if ((f.kind() == FindingKind.PREDICTED_BREAKAGE || f.kind() == FindingKind.REGRESSION) && f.change() != null) {
            String action = f.change().action() != null && f.change().action().matches("[A-Za-z0-9_./:-]{1,80}") ? f.change().action()
                    : "an IAM change";
            String when = f.change().time() == null ? "" : " at " + f.change().time();
            // an attach removes nothing: what it added is a Deny, and no Allow can beat an explicit Deny
            notes.add(action.toLowerCase(Locale.ROOT).startsWith("attach")
                    ? action + when + " attached a policy whose Deny blocks what a feature still needs: change or remove that Deny statement"
                            + " (named in the finding); an Allow cannot override an explicit Deny. If the Deny is intended, record an"
                            + " accepted-risk mute rule instead."
                    : "This restores what " + action + when
                            + " removed while a feature still needs it; if the removal was intended, record an accepted-risk mute rule instead.");
        }
        if (f.missing().stream().anyMatch(m -> m.grant().resource() != null && m.grant().resource().startsWith("rg/")
                && (m.grant().type() == GrantType.CUSTOM_POLICY || m.grant().type() == GrantType.SYSTEM_POLICY)) && !grants.isEmpty()) {
            // held within one resource group: the lost actions alone would be attached account-wide, wider than what was taken
            grants.clear();
            notes.add("The lost actions alone are not offered as a policy of their own: GrantWatch attaches such a policy account-wide, "
                    + "and the change took them away within one resource group only.");
        }
        if (f.kind() == FindingKind.OVER_REACH) {
            notes.addAll(0, overReach(f, subject, grants.isEmpty()));
            citations.add(SeedCitations.AGENCY_MINIMAL_SCOPE);
        }
        if (citations.isEmpty()) {
            citations.add(cloud == Cloud.ALIBABA ? SeedCitations.PAI_DEPENDENCIES : SeedCitations.MODELARTS_DEPENDENCIES);
        }
        return new Plan(f.id(), cloud, f.kind(), subject, merge(grants), dedupe(systemPolicies), trust, workspaceRoles,
                List.copyOf(activations), null, notes, List.copyOf(citations), blocked);
    }

    /** A drift finding whose own change deleted the policy (DeletePolicy, deletePolicyV5, a v3 custom policy deleted). */
    static boolean policyDeleted(Finding f) {
        return f.change() != null && f.change().action() != null
                && f.change().action().matches("(?i)delete(Policy|PolicyV5|CustomPolicy|CloudServiceCustomPolicy|AgencyCustomPolicy)");
    }

    private static final Pattern DELETED_PRINCIPAL = Pattern.compile("(?i)delete(Role|Agency|AgencyV5)");

    /** A drift finding whose change deleted the role or agency itself: every grant to it would go to nothing (an empty id). */
    static boolean deletedPrincipal(Finding f) {
        return (f.kind() == FindingKind.PREDICTED_BREAKAGE || f.kind() == FindingKind.REGRESSION) && f.change() != null
                && f.change().action() != null && DELETED_PRINCIPAL.matcher(f.change().action()).matches();
    }

    /**
     * The role or agency was deleted: nothing is granted to it (its id is gone, a lookup returns nothing, and a grant to an empty
     * id fails after leaving an orphan policy). The plan says to recreate it with the trust its feature needs and to give it
     * back what it held, as review steps: the identity is re-made by a person who knows what else used it.
     */
    private Plan recreate(Finding f, Entity subject, Set<Citation> citations) {
        Cloud cloud = f.cloud();
        boolean agency = cloud == Cloud.HUAWEI;
        String what = (agency ? "agency " : "role ") + (subject.known() ? subject.name() : "(the deleted one)");
        List<String> actions = new ArrayList<>();
        List<String> policies = new ArrayList<>();
        Set<String> services = new LinkedHashSet<>();
        for (MissingGrant m : f.missing()) {
            Grant g = m.grant();
            if (isActionGrant(g) && validAction(cloud, g.value()) && !actions.contains(g.value())) {
                actions.add(corrected.apply(g.value()));
            } else if ((g.type() == GrantType.SYSTEM_POLICY || g.type() == GrantType.CUSTOM_POLICY) && Identifiers.policyName(g.value())) {
                policies.add(g.value());
            } else if (g.type() == GrantType.TRUST_PRINCIPAL) {
                services.add(safeService(g.value()));
            }
        }
        if (!agency && services.isEmpty()) {
            services.add(PAI_SERVICE);
        }
        String when = f.change().time() == null ? "" : " at " + f.change().time();
        List<String> notes = new ArrayList<>();
        notes.add(shown(f.change().action()) + when + " deleted " + what + " while a feature still runs under it: nothing can be granted "
                + "to a deleted " + (agency ? "agency" : "role") + " (its id is gone; a grant to it fails after creating an orphan policy), "
                + "so GrantWatch prints no grant. If the deletion was intended, point the feature at another "
                + (agency ? "agency" : "role") + " or record an accepted-risk mute rule.");
        if (agency) {
            notes.add("To restore it: recreate " + what + " as an agency that ModelArts can assume (IAM v5: a trust agency whose trust "
                    + "policy allows service.ModelArts to sts:agencies:assume; IAM v3: a cloud-service agency delegated to ModelArts, "
                    + "which ModelArts > Global Configuration > Authorization creates), then select it again in ModelArts. "
                    + "The new agency has a new id: set it wherever the old id was configured.");
            citations.add(SeedCitations.MODELARTS_AGENCY);
        } else {
            notes.add("To restore it: recreate " + what + " (aliyun ram CreateRole) with a trust policy whose Principal.Service is "
                    + String.join(", ", services) + " (and only what else the deleted role trusted), then re-create the resources "
                    + "that ran under it or point them at the new role.");
            citations.add(SeedCitations.ASSUME_ROLE);
            JsonNode trusted = subject.known() ? trustPolicies.current(subject.account(), subject.name()).orElse(null) : null;
            if (trusted != null) {
                String doc = io.grantwatch.model.text.UnsafeText.oneLine(Script.compact(trusted));
                notes.add("Its trust policy as GrantWatch last knew it (review before reuse): "
                        + (doc.length() > 600 ? doc.substring(0, 600) + "…" : doc));
            }
        }
        if (!policies.isEmpty() || !actions.isEmpty()) {
            notes.add("Then give it back what the feature needs from what it held"
                    + (policies.isEmpty() ? "" : ": polic" + (policies.size() == 1 ? "y " : "ies ") + String.join(", ", policies))
                    + (actions.isEmpty() ? "" : (policies.isEmpty() ? ": " : "; ") + "the actions " + String.join(", ", actions))
                    + " — review each against what the deleted " + (agency ? "agency" : "role") + " was used for.");
        }
        return new Plan(f.id(), cloud, f.kind(), subject, List.of(), List.of(), List.of(), List.of(), List.of(), null, notes,
                List.copyOf(citations), List.of(), "Recreate " + what + " (deleted" + when + " while in use) and give it back what it "
                        + "held: review steps, no grant to the deleted " + (agency ? "agency" : "role"));
    }

    /**
     * What an over-reaching agency holds beyond the need, and the order to narrow it in: the minimal policy first (the
     * grants, additive), the broad one removed by a person once the agency's jobs run with the minimal one. GrantWatch
     * prints no removal: a job may use an item the seed lets an administrator add beyond the base scope.
     */
    private static List<String> overReach(Finding f, Entity subject, boolean noMinimal) {
        List<String> out = new ArrayList<>();
        for (io.grantwatch.model.Excess x : f.excess()) {
            // text for a person (every renderer escapes it for its medium), never part of a command
            out.add("Beyond the need: " + shown(x.policy()) + " (held by " + shown(x.via()) + ") allows "
                    + String.join(", ", x.actions().stream().map(Planner::shown).toList()) + ".");
        }
        out.add(noMinimal
                ? "No ModelArts feature of " + subject.label() + " is known to be in use, so no smaller set is proposed: keep the seed's "
                        + "rows for the features its jobs use (委托基础授权范围) and remove the rest by hand."
                : "Attach the policy below (only what the features in use need, by the seed's rows), check that the jobs under "
                        + subject.label() + " still run, then detach the broader policy above in IAM (or keep an item a job needs "
                        + "beyond the base scope, which the seed allows). GrantWatch prints no removal.");
        return out;
    }

    private static void systemPolicy(Finding f, MissingGrant m, Entity to, String deniedAction, Evidence ev, List<PolicyGrant> grants,
            List<SystemPolicyGrant> systemPolicies) {
        String name = m.grant().value();
        if (!Identifiers.policyName(name)) {
            return;
        }
        if (deniedAction != null) {
            // the denied action itself is the least-privilege fix; the policy is the broader alternative
            grants.add(new PolicyGrant(to, List.of(deniedAction), Resources.narrow(f.cloud(), deniedAction, m.grant().resource(), ev),
                    Certainty.CERTAIN, m.citation(), false));
            systemPolicies.add(new SystemPolicyGrant(to, name, SystemPolicyRole.COARSE_ALTERNATIVE, m.citation()));
        } else if (f.kind() == FindingKind.PREDICTED_BREAKAGE || f.kind() == FindingKind.REGRESSION) {
            // the detector names a removed policy as a system policy only when the change said it was one
            systemPolicies.add(new SystemPolicyGrant(to, name, m.systemPolicy() == null ? SystemPolicyRole.RESTORE_CUSTOM
                    : SystemPolicyRole.RESTORE, m.citation()));
        } else if (f.missing().stream().anyMatch(x -> x.certainty() == Certainty.CERTAIN && isActionGrant(x.grant()))) {
            systemPolicies.add(new SystemPolicyGrant(to, name, SystemPolicyRole.COARSE_ALTERNATIVE, m.citation()));
        } else {
            systemPolicies.add(new SystemPolicyGrant(to, name, SystemPolicyRole.REQUIRED, m.citation()));
        }
    }

    /** {@code group} or {@code version}: how a removed policy was held ({@link GrantType#CUSTOM_POLICY}'s resource); else null. */
    private static String removedHow(Grant g) {
        String r = g.resource();
        return r == null ? null : r.startsWith("group/") ? "group" : r.startsWith("version/") ? "version" : r.startsWith("member/") ? "member"
                : r.startsWith("v5/") ? "v5" : r.startsWith("rg/") ? "rg" : r.startsWith("changed/") ? "changed" : null;
    }

    /**
     * A policy an IAM change took away, restored the way it was held: a new default version is undone by making the version
     * that was in force the default again; a policy detached from a group goes back to the group, never to the member (that
     * would hand the whole policy to one user); a policy detached from the principal itself is re-attached to it. The lost
     * actions, as the finding lists them, are the minimal alternative ({@code grants}).
     */
    private static void removedPolicy(MissingGrant m, Entity to, List<SystemPolicyGrant> systemPolicies, List<String> notes) {
        Grant g = m.grant();
        if (!Identifiers.policyName(g.value())) {
            return;
        }
        String how = removedHow(g);
        String rest = how == null ? null : g.resource().substring(how.length() + 1);
        SystemPolicyRole restore = g.type() == GrantType.CUSTOM_POLICY || m.systemPolicy() == null
                ? SystemPolicyRole.RESTORE_CUSTOM : SystemPolicyRole.RESTORE;
        if ("member".equals(how)) {
            // the policy is still the group's: the member left the group, so re-attaching (to the group or the member) is wrong
            notes.add("The change removed " + to.label() + " from group " + rest + ", which still holds policy " + g.value() + ": if "
                    + to.label() + " should keep it, add them back to the group (RAM AddUserToGroup; IAM addUserToGroupV5 or "
                    + "KeystoneAddUserToGroup); else grant only the lost actions as below.");
            return;
        }
        if ("version".equals(how)) {
            if ("-".equals(rest)) {
                // an IAM v3 custom policy has no versions: its old document is not GrantWatch's to put back
                notes.add("Policy " + g.value() + " has no versions to go back to: put its previous document back by hand, or grant "
                        + "only the lost actions as below.");
                return;
            }
            systemPolicies.add(new SystemPolicyGrant(to, g.value(), SystemPolicyRole.RESTORE_VERSION, m.citation(), null,
                    rest != null && rest.matches("v[0-9]{1,4}") ? rest : null));
        } else if ("v5".equals(how) && rest.matches("(agency|user|group)/[A-Za-z0-9_-]{1,64}/[A-Za-z0-9_-]{1,64}")) {
            systemPolicies.add(new SystemPolicyGrant(to, g.value(), SystemPolicyRole.RESTORE_ATTACH_V5, m.citation(), null, null, rest));
        } else if ("changed".equals(how)) {
            // the new version also added grants or Deny statements (the reason names them): a rollback would undo those for every
            // holder, so the lost actions below are the live fix and the rollback a reviewed option only
            notes.add("Policy " + g.value() + "'s new version did more than take these away (the finding says what it added): the "
                    + "policy below gives " + to.label() + " only what it lost. To roll the whole policy back instead, for every holder, "
                    + "review both versions first" + (rest.matches("v[0-9]{1,4}") ? " (SetDefaultPolicyVersion to " + rest + ")" : "") + ".");
        } else if ("rg".equals(how)) {
            // held in one resource group: put back there or not at all (an account-wide attach would widen it)
            if (rest.matches("rg-[A-Za-z0-9]{1,60}/(Custom|System)/(IMSUser|IMSGroup|ServiceRole)/[A-Za-z0-9_.@-]{1,128}")) {
                systemPolicies.add(new SystemPolicyGrant(to, g.value(), SystemPolicyRole.RESTORE_RESOURCE_GROUP, m.citation(), null, null,
                        rest));
            } else {
                notes.add("Policy " + g.value() + " was detached within a resource group, and the record's group id or principal name "
                        + "cannot be printed safely: re-attach it in that resource group (aliyun resourcemanager AttachPolicy "
                        + "--ResourceGroupId …), never account-wide.");
            }
        } else if ("group".equals(how) && Identifiers.name(rest)) {
            systemPolicies.add(new SystemPolicyGrant(to, g.value(), restore, m.citation(), rest, null));
        } else if (how == null) {
            systemPolicies.add(new SystemPolicyGrant(to, g.value(), restore, m.citation()));
        }
    }

    private static boolean isActionGrant(Grant g) {
        return g.type() == GrantType.ACTION || g.type() == GrantType.AGENCY_ACTION || g.type() == GrantType.PASS_ROLE;
    }

    /** The denied principal as an entity that can receive grants. */
    private static String agencyId(String principalId) {
        if (principalId == null) {
            return null;
        }
        String id = principalId.contains(":") ? principalId.substring(0, principalId.indexOf(':')) : principalId;
        return id.matches("[A-Za-z0-9-]{1,64}") ? id : null;
    }

    static Entity subject(Cloud cloud, Principal p) {
        if (p == null) {
            return new Entity(EntityKind.NONE, null, null, null);
        }
        String account = Identifiers.account(p.accountId()) ? p.accountId() : null;
        String id = Identifiers.name(p.id()) ? p.id() : null;
        return switch (p.type()) {
            case USER -> new Entity(EntityKind.USER, Identifiers.name(p.name()) ? p.name() : null, id, account);
            case ASSUMED_ROLE -> new Entity(EntityKind.ROLE, Identifiers.name(p.roleName()) ? p.roleName() : null, null, account);
            // an agency session's principal id is <agency-id>:<session>: the id before the colon is the agency's
            case ASSUMED_AGENCY -> new Entity(EntityKind.AGENCY, Identifiers.agencyName(p.roleName()) ? p.roleName() : null,
                    agencyId(p.id()), account);
            // Huawei: the identity provider's mapping assigns groups; Alibaba: SAML SSO lands in a RAM role
            case FEDERATED -> cloud == Cloud.HUAWEI
                    ? new Entity(EntityKind.IDP_MAPPING, Identifiers.name(p.issuer()) ? p.issuer() : null, null, account)
                    : new Entity(EntityKind.ROLE, Identifiers.name(p.roleName()) ? p.roleName() : null, null, account);
            case ROOT_ACCOUNT -> new Entity(EntityKind.ACCOUNT, null, null, account);
            case SERVICE, OTHER -> new Entity(EntityKind.NONE, null, null, account);
        };
    }

    /**
     * Who holds a grant: the denied call's grant goes to the denied principal; the catalog's holder
     * decides for the rest of the scenario (the instance role, the ModelArts agency).
     */
    static Entity entityFor(MissingGrant m, Entity subject, String role, Cloud cloud) {
        if (m.certainty() == Certainty.CERTAIN && subject.kind() != EntityKind.NONE) {
            return subject;
        }
        Holder holder = m.holder();
        if (holder == Holder.ROLE || holder == Holder.SERVICE_LINKED_ROLE) {
            if (subject.kind() == EntityKind.ROLE) {
                return subject;
            }
            return new Entity(EntityKind.ROLE, role, null, subject.account());
        }
        if (holder == Holder.AGENCY || m.grant().type() == GrantType.AGENCY_ACTION) {
            if (subject.kind() == EntityKind.AGENCY) {
                return subject;
            }
            String agency = Identifiers.agencyName(m.grant().resource()) ? m.grant().resource() : null;
            return new Entity(EntityKind.AGENCY, agency, null, subject.account());
        }
        return subject.kind() == EntityKind.NONE ? new Entity(cloud == Cloud.HUAWEI ? EntityKind.USER : EntityKind.USER, null, null,
                subject.account()) : subject;
    }

    /** The RAM role a finding is about: a PassRole/trust grant's role, the event's role ARN, or the session's role. */
    static String roleOf(Finding f) {
        for (MissingGrant m : f.missing()) {
            if (m.grant().type() == GrantType.PASS_ROLE || m.grant().type() == GrantType.TRUST_PRINCIPAL) {
                Optional<String> r = Identifiers.roleName(m.grant().resource()).filter(x -> m.grant().resource().contains("role/"));
                if (r.isPresent()) {
                    return r.get();
                }
            }
        }
        if (f.evidence() != null && f.evidence().resource() != null && f.evidence().resource().contains(":role/")) {
            Optional<String> r = Identifiers.roleName(f.evidence().resource());
            if (r.isPresent()) {
                return r.get();
            }
        }
        Principal p = f.principal();
        return p != null && p.type() == PrincipalType.ASSUMED_ROLE && Identifiers.name(p.roleName()) ? p.roleName() : null;
    }

    private static DenyReview denyReview(Cloud cloud, Entity subject, Evidence ev, Finding f) {
        KnownDeny named = f.knownDenies().stream().filter(KnownDeny::matched).findFirst().orElse(null);
        String action = ev != null && validAction(cloud, ev.deniedAction()) ? ev.deniedAction() : null;
        String resource = ev == null ? null : Resources.exact(cloud, ev.resource());
        String message = ev == null ? null : ev.errorMessage();
        String layer = message == null ? null : group(cloud == Cloud.ALIBABA ? POLICY_LAYER : HUAWEI_LAYER, message);
        String encoded = message == null || cloud != Cloud.ALIBABA ? null : group(ENCODED, message);
        return new DenyReview(subject, action, resource, layer, encoded, named);
    }

    /**
     * An action that changes identities or permissions (RAM/IAM writes) is printed only where a seed itself
     * lists it for the feature: anywhere else a refusal of it is at least as likely a guardrail doing its job
     * (or someone probing) as a gap, and granting it is privilege escalation. It is named, not granted.
     */
    private static void holdBackSensitive(Cloud cloud, Finding f, Entity subject, List<PolicyGrant> grants, List<String> notes) {
        Set<String> vouched = new LinkedHashSet<>();
        for (MissingGrant m : f.missing()) {
            if (seedCited(m.citation())) {
                vouched.add(m.grant().value().toLowerCase(Locale.ROOT));
            }
        }
        for (int i = 0; i < grants.size(); i++) {
            PolicyGrant g = grants.get(i);
            List<String> held = g.actions().stream().filter(a -> sensitive(cloud, a) && !vouched.contains(a.toLowerCase(Locale.ROOT))).toList();
            if (held.isEmpty()) {
                continue;
            }
            notes.add("Not granted: " + String.join(", ", held) + " would let " + g.to().label() + " change identities or permissions "
                    + "(privilege escalation), and no seed lists it for this feature. If the refusal is not a guardrail doing its job, "
                    + "grant it by hand after review.");
            List<String> rest = g.actions().stream().filter(a -> !held.contains(a)).toList();
            if (rest.isEmpty()) {
                grants.remove(i--);
            } else {
                grants.set(i, new PolicyGrant(g.to(), rest, g.resources(), g.certainty(), g.source(), g.projectScope()));
            }
        }
    }

    /** RAM / Huawei IAM actions that write identities, policies or trust (reads, PassRole and service-linked roles are not). */
    static boolean sensitive(Cloud cloud, String action) {
        String a = action.toLowerCase(Locale.ROOT);
        String verb = a.substring(a.lastIndexOf(':') + 1);
        boolean read = verb.startsWith("get") || verb.startsWith("list") || verb.startsWith("show") || verb.startsWith("check")
                || verb.startsWith("describe") || verb.startsWith("query");
        if (cloud == Cloud.ALIBABA) {
            return (a.startsWith("ram:") || a.startsWith("resourcemanager:")) && !read
                    && !a.equals("ram:passrole") && !a.equals("ram:createservicelinkedrole");
        }
        return (a.startsWith("iam:") || a.startsWith("organizations:")) && !read && !a.equals("iam:tokens:assume");
    }

    /** Adjacent grants to the same entity with the same resources and certainty become one statement. */
    private static List<PolicyGrant> merge(List<PolicyGrant> grants) {
        List<PolicyGrant> out = new ArrayList<>();
        for (PolicyGrant g : grants) {
            int at = -1;
            for (int i = 0; i < out.size(); i++) {
                PolicyGrant o = out.get(i);
                if (o.to().equals(g.to()) && o.resources().equals(g.resources()) && o.projectScope() == g.projectScope()
                        && (o.certainty() == Certainty.CERTAIN) == (g.certainty() == Certainty.CERTAIN)) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                out.add(g);
            } else {
                PolicyGrant o = out.get(at);
                Set<String> actions = new LinkedHashSet<>(o.actions());
                boolean added = false;
                for (String a : g.actions()) {
                    added |= actions.stream().noneMatch(x -> x.equalsIgnoreCase(a)) && actions.add(a);
                }
                if (added) {
                    out.set(at, new PolicyGrant(o.to(), List.copyOf(actions), o.resources(), o.certainty(), o.source(), o.projectScope()));
                }
            }
        }
        return out;
    }

    private static List<SystemPolicyGrant> dedupe(List<SystemPolicyGrant> in) {
        List<SystemPolicyGrant> out = new ArrayList<>();
        for (SystemPolicyGrant s : in) {
            boolean stronger = out.stream().anyMatch(o -> o.to().equals(s.to()) && o.policy().equals(s.policy()));
            if (!stronger) {
                out.add(s);
            } else if (s.role() != SystemPolicyRole.COARSE_ALTERNATIVE) {
                out.removeIf(o -> o.to().equals(s.to()) && o.policy().equals(s.policy()));
                out.add(s);
            }
        }
        return out;
    }

    private String mayAlsoNeed(Cloud cloud, MissingGrant m, Requirement r) {
        Grant g = m.grant();
        String what = validAction(cloud, g.value()) ? corrected.apply(g.value()) : Identifiers.policyName(g.value()) ? g.value() : "(see the seed)";
        String kind = switch (g.type()) {
            case SYSTEM_POLICY -> "system policy ";
            case WORKSPACE_ROLE -> "workspace role ";
            case AGENCY_ACTION -> "agency action ";
            default -> "";
        };
        String sp = Identifiers.policyName(m.systemPolicy()) && !m.systemPolicy().equals(g.value()) ? " (system policy " + m.systemPolicy() + ")"
                : "";
        String why = r == null || r.qualifiers().isEmpty() ? "the seed qualifies it"
                : "the seed says: " + String.join(", ", r.qualifiers().stream().map(Planner::qualifierText).toList());
        return "May also be needed (" + why + "; not included above): " + kind + what + sp
                + (m.citation() == null ? "" : " — " + m.citation());
    }

    private static String qualifierText(Qualifier q) {
        return switch (q) {
            case RECOMMENDED -> "recommended (建议配置)";
            case ADMIN_ONLY -> "administrators only (仅管理员需要)";
            case ONLY_WHEN_DELETING -> "only when deleting a workspace (删除工作空间时)";
            case EXAMPLE -> "an example (例)";
            case IF_WORKSPACES_ENABLED -> "only if workspaces are enabled (若开通了工作空间功能)";
        };
    }

    static boolean validAction(Cloud cloud, String action) {
        return cloud == Cloud.ALIBABA ? Identifiers.alibabaAction(action) : Identifiers.huaweiAction(action);
    }

    /** Whether an action pattern ({@code *}, {@code ?}) matches the action, case-insensitively. */
    static boolean globCovers(String pattern, String action) {
        if (action == null) {
            return false;
        }
        StringBuilder re = new StringBuilder("(?i)");
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return action.matches(re.toString());
    }

    static boolean isWildcard(String action) {
        return action.indexOf('*') >= 0 || action.indexOf('?') >= 0;
    }

    /** A citation of one of the seed documents (not a vendor reference). */
    static boolean seedCited(Citation c) {
        return c != null && c.kind() == CitationKind.SEED;
    }

    private static String workspaceOf(String grantResource, Evidence ev) {
        return Identifiers.workspaceOf(grantResource)
                .or(() -> ev == null ? Optional.empty() : Identifiers.workspaceOf(ev.resource())).orElse(null);
    }

    /** The region of an {@code acs:<service>:<region>:...} ARN in the grant or the event; null when neither names one. */
    private static String regionOf(String grantResource, Evidence ev) {
        for (String r : new String[] {grantResource, ev == null ? null : ev.resource()}) {
            if (r != null) {
                Matcher m = ARN_REGION.matcher(r);
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return null;
    }

    /** A Huawei service principal as a trust policy names it ({@code service.ModelArts}). */
    private static final Pattern HUAWEI_SERVICE = Pattern.compile("service\\.[A-Za-z0-9_-]{1,64}");

    /**
     * A service a Huawei agency's trust policy lost: merged back into the live trust policy (IAM v5) when the change is
     * evidenced and the agency known; otherwise a check to make, not a change.
     */
    private static void agencyTrust(MissingGrant m, Entity subject, boolean evidenced, List<TrustChange> trust, List<String> notes,
                                    Set<Citation> citations) {
        String service = m.grant().value();
        boolean known = subject.kind() == EntityKind.AGENCY && subject.known() && Identifiers.name(subject.name());
        if (evidenced && known && service != null && HUAWEI_SERVICE.matcher(service).matches()) {
            Citation source = m.citation() != null ? m.citation() : SeedCitations.MODELARTS_AGENCY;
            trust.add(new TrustChange(subject.name(), subject.account(), service, null, source));
            citations.add(source);
        } else {
            notes.add("Check, do not change yet: agency " + (known ? subject.name() : "(the agency)") + " must let "
                    + (service != null && HUAWEI_SERVICE.matcher(service).matches() ? service : "ModelArts") + " assume it.");
        }
    }

    static String safeService(String s) {
        return s != null && s.matches("[a-z0-9.-]{1,100}\\.aliyuncs\\.com") ? s : PAI_SERVICE;
    }

    private static String safeWorkspaceRole(String s) {
        return s != null && s.matches("[A-Za-z0-9 ._-]{1,64}") ? s : null;
    }

    private static String serviceName(String s) {
        return s != null && s.matches("[A-Za-z0-9 ._()-]{1,64}") ? s : "the dependent service";
    }

    /** The account in {@code acs:ram::123:role/R}; empty for {@code *} or no ARN. */
    private static Optional<String> roleAccount(String arn) {
        if (arn == null) {
            return Optional.empty();
        }
        Matcher m = ROLE_ACCOUNT.matcher(arn);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Event text for a sentence: a plain API or service name, or nothing. */
    /** Event or inventory text shown in prose: one line, control characters escaped, at most 120 characters. */
    private static String shown(String s) {
        String one = io.grantwatch.model.text.UnsafeText.oneLine(s == null ? "" : s);
        return one.length() > 120 ? one.substring(0, 120) + "…" : one;
    }

    private static String safeLabel(String s) {
        return s != null && s.matches("[A-Za-z0-9._/-]{1,80}") ? s : "";
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
