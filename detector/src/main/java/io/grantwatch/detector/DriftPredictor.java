package io.grantwatch.detector;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.detector.inventory.PolicyRemoval;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Evidence;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingIds;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.IamChange;
import io.grantwatch.model.KnownDeny;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.ScenarioCandidate;
import io.grantwatch.model.catalog.ActionPattern;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.catalog.Necessity;
import io.grantwatch.model.catalog.Phase;
import io.grantwatch.model.catalog.Qualifier;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.policy.PolicyEvaluator;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drift: what an IAM change takes from the principal it hits, intersected with the scenarios that principal has in use,
 * as PREDICTED_BREAKAGE findings. Pure; {@link DetectionEngine#onChange} calls it with the principal's working state and
 * hands each prediction to the finding lifecycle ({@link Findings}). What is removed is read from the change itself
 * (a trust document, a deletion), from the inventory ({@link DriftContext#removal()}: the removed policy's document and
 * what the principal's other policies still allow), or from the catalog's reading of a policy's name.
 */
final class DriftPredictor {
    /**
     * The service principal of ModelArts in an IAM v5 trust policy ({@code Principal.Service}, {@code service.<Name>}).
     * The catalog lists what an agency must be granted, not who must be able to assume it; the seed says who: 在后台
     * 异步作业中操作用户的资源(如OBS桶)前,需要用户通过IAM委托向ModelArts显式授权 (seed 004, 委托授权).
     */
    static final String MODELARTS_TRUST = "service.ModelArts";
    private static final Citation MODELARTS_TRUST_CITATION = new Citation("004_cae65db658487c65.txt", "委托授权");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z]+)}");
    /** Where the actions go in a sentence shared by several lost actions. */
    private static final String ACTIONS = "<actions>";

    /** How sure a prediction starts, before the principal's activity adds to it (each capped at 1.0). */
    static final double CATALOG_POLICY = 0.5;
    static final double POLICY_BY_NAME = 0.3;
    static final double KNOWN_DOCUMENT = 0.5;
    /** A known document whose loss the evaluator cannot decide: a Condition, or resources narrowed to ones not known. */
    static final double UNDECIDED_RESIDUAL = 0.3;
    static final double UNKNOWN_CONTENT_USED = 0.3;
    static final double UNKNOWN_CONTENT_HELD = 0.2;
    static final double DELETED = 0.6;
    static final double TRUST_DROPPED = 0.4;
    static final double TRUST_UNREADABLE = 0.3;
    /** Group- or policy-wide changes whose holders are not known: what needs it, not who is active. */
    static final double GROUP_WIDE = 0.3;
    /** A user or agency a change names by an id that neither the trail nor the inventory maps to a name. */
    static final double UNRESOLVED_ID = 0.25;

    /** How much each sign of use adds to a scenario's weight ("in use"), and the cap of signalled use. */
    static final double SIGNAL_STEP = 0.1;
    static final double SIGNAL_CAP = 0.5;
    static final double SUCCEEDED = 0.1;
    static final double OPEN_FINDING = 0.2;
    static final double REFERENCED_STEP = 0.3;
    static final double PERSON_STARTED = 0.2;
    static final double ROLE_ACTIVE = 0.5;

    /** Where a prediction goes: the engine's finding lifecycle (dedup, milestones, the principal's finding list). */
    @FunctionalInterface
    interface Findings {
        boolean upsert(Working w, Finding candidate, AuditEvent e, List<String> resolveKeys, FindingBook book, List<Finding> emitted);
    }

    private final DetectorSettings settings;
    private final Findings findings;

    DriftPredictor(DetectorSettings settings, Findings findings) {
        this.settings = settings;
        this.findings = findings;
    }

    /**
     * Why a scenario counts as in use by the changed principal ({@code why}, for the finding), how strongly, and whether
     * its own calls show it ({@code own}) rather than what the account suggests.
     */
    private record Usage(double weight, String why, boolean own) {
        Usage(double weight, String why) {
            this(weight, why, false);
        }
    }

    void predict(Working w, IamChangeEvent change, IamChange record, CatalogLookup catalog, FindingBook book,
                                 List<Finding> emitted, DriftContext context) {
        AuditEvent e = change.event();
        Map<String, Usage> candidates = activeScenarios(w, change, catalog, context);
        boolean groupWide = change.targetKind() == IamChangeEvent.TargetKind.GROUP || change.targetKind() == IamChangeEvent.TargetKind.POLICY;
        if (groupWide && change.policyName() != null) {
            // Group members and policy attachments are not in the audit trail we read: say which
            // scenarios need the removed policy, with low confidence, on the group or policy itself.
            for (Requirement r : catalog.index().bySystemPolicy(change.policyName())) {
                catalog.index().scenarioOf(r.id()).ifPresent(s -> candidates.putIfAbsent(s.id(), new Usage(GROUP_WIDE, null)));
            }
        }
        if (change.targetKind() == IamChangeEvent.TargetKind.GROUP && change.kind() == IamChangeEvent.Kind.DETACH_POLICY) {
            // members unknown: the people of the account who just used a feature may be among them (named in the reason)
            Map<String, Set<String>> who = new LinkedHashMap<>();
            for (ContextSignal c : context.signals()) {
                who.computeIfAbsent(c.scenarioId(), k -> new LinkedHashSet<>()).add(c.who() + " (" + c.api() + " at " + c.time() + ")");
            }
            who.forEach((id, names) -> candidates.putIfAbsent(id, new Usage(GROUP_WIDE, "recently used by " + String.join(", ", names)
                    + ", who may be members")));
        }
        if (change.targetKind() == IamChangeEvent.TargetKind.ROLE && change.kind() == IamChangeEvent.Kind.UPDATE_TRUST && !w.recent.isEmpty()) {
            for (Scenario s : catalog.index().scenarios()) {
                if (s.cloud() == e.cloud() && s.requirements().stream().anyMatch(r -> r.grant().type() == GrantType.TRUST_PRINCIPAL)) {
                    candidates.putIfAbsent(s.id(), new Usage(ROLE_ACTIVE, "the role made calls within the last " + hours(settings.activityWindow())));
                }
            }
        }
        List<ScenarioCandidate> ranking = new ArrayList<>();
        List<Broken> all = new ArrayList<>();
        for (Map.Entry<String, Usage> c : candidates.entrySet()) {
            Scenario s = catalog.scenario(c.getKey()).orElse(null);
            if (s == null || s.cloud() != e.cloud()) {
                continue;
            }
            Broken b = broken(change, s, w, catalog, c.getValue().weight(), context);
            if (b != null && groupWide && c.getValue().why() != null) {
                b = b.with(Certainty.POSSIBLE, GROUP_WIDE, b.why + "; GrantWatch does not see who belongs to " + change.targetLabel()
                        + ": the feature was " + c.getValue().why());
            } else if (b != null && change.namedByIdOnly()) {
                b = b.with(Certainty.POSSIBLE, Math.min(b.confidence, UNRESOLVED_ID), b.why + "; the request names the "
                        + holderOf(change.targetKind()).name().toLowerCase(Locale.ROOT) + " by the id " + change.target().id()
                        + " only, and neither the trail nor the inventory says which one that is, so this is what the account has in use"
                        + (c.getValue().why() == null ? "" : " (" + c.getValue().why() + ")") + ", not what it is known to use");
            } else if (b != null && groupWide) {
                b = b.with(Certainty.POSSIBLE, GROUP_WIDE, b.why + "; GrantWatch does not see who belongs to "
                        + change.targetLabel() + " or uses it, so this says what needs it, not who is active");
            } else if (b != null && c.getValue().why() != null) {
                b = b.with(b.certainty, b.confidence, b.why + " (in use: " + c.getValue().why() + ")");
            }
            if (b != null) {
                all.add(b);
                ranking.add(new ScenarioCandidate(s.id(), ScenarioRanker.round(b.confidence), List.of(b.why)));
            }
        }
        if (all.isEmpty()) {
            return;
        }
        // on equal scores the principal's own calls name the feature before what the account suggests (a person's
        // AssumeRole read as a service running under the role): a role's sessions that served EAS broke EAS
        ranking.sort(Comparator.comparingDouble(ScenarioCandidate::score).reversed()
                .thenComparing(c -> !candidates.get(c.scenarioId()).own()).thenComparing(ScenarioCandidate::scenarioId));
        String account = change.target().accountId();
        String roleName = change.target().roleName();
        String fillRole = change.targetKind() == IamChangeEvent.TargetKind.ROLE ? roleName : null;
        // One change on one principal is one finding per grant it removes, listing what every affected scenario loses: the
        // same detach seen by six EAS scenarios is one fix, not six. The best-ranked scenario names it (and its id).
        Map<String, List<Broken>> byRemoved = new LinkedHashMap<>();
        for (ScenarioCandidate rank : ranking) {
            all.stream().filter(b -> b.scenario.id().equals(rank.scenarioId())).findFirst()
                    .ifPresent(b -> byRemoved.computeIfAbsent(removedGrant(change, b).key(), k -> new ArrayList<>()).add(b));
        }
        boolean attach = change.kind() == IamChangeEvent.Kind.ATTACH_POLICY;
        for (List<Broken> group : byRemoved.values()) {
            Broken b = group.get(0);
            Grant removed = removedGrant(change, b);
            Grant shown = shownRemoved(change, removed, context);
            List<MissingGrant> missing = new ArrayList<>();
            Holder holder = holderOf(change.targetKind());
            String unknown = shown.resource() == null && removed.resource() != null && change.targetKind() == IamChangeEvent.TargetKind.ROLE
                    ? " The record names no account id, so the role's ARN is not known: the role is " + roleName + "." : "";
            String also = group.size() == 1 ? "" : " The same change also breaks " + String.join(", ", group.subList(1, group.size()).stream()
                    .map(x -> x.scenario.title()).toList()) + ", also in use; every grant they lose is listed once below.";
            String because = change.event().action() + " by " + record.actor() + " at " + record.time() + " " + whatItDid(change, shown) + "; "
                    + b.why
                    + "." + also + unknown + (b.note == null ? "" : " " + b.note) + rollbackWarning(shown, context);
            // a trust principal comes from the scenario's trust requirement: cite it, and list it once
            Requirement trust = shown.type() == GrantType.TRUST_PRINCIPAL ? b.requirements.get(0) : null;
            Set<String> seen = new LinkedHashSet<>();
            if (!attach) {
                // what was removed is certain; a trust principal "removed" is as sure as the reading of the new document.
                // An attach removed no grant: its Deny blocks the actions below, and the first of them carries the reason.
                // a new document whose losses are all left to a Condition (or unknown resources) is no certain removal either
                Certainty removedCertainty = trust != null || change.kind() == IamChangeEvent.Kind.CHANGE_POLICY ? b.certainty : Certainty.CERTAIN;
                missing.add(new MissingGrant(shown, removedCertainty, holder, trust == null ? null : trust.id(),
                        because, b.systemPolicy, trust == null ? null : trust.citation()));
                seen.add(shown.key());
            }
            if (trust != null) {
                seen.add(GrantInference.concrete(trust.grant(), account, fillRole).key());
            }
            Set<KnownDeny> denies = new LinkedHashSet<>();
            List<String> keys = new ArrayList<>();
            if (change.policyName() != null) {
                keys.add(attachKey(change.policyName()));
            }
            for (Broken x : group) {
                denies.addAll(x.denies);
                x.usedKeys.stream().filter(k -> !keys.contains(k)).forEach(keys::add);
                for (Requirement r : x.requirements) {
                    Grant g = GrantInference.concrete(r.grant(), account, fillRole);
                    if (g.type() == GrantType.ACTION && change.targetKind() == IamChangeEvent.TargetKind.AGENCY) {
                        g = new Grant(GrantType.AGENCY_ACTION, g.value(), g.resource());
                    }
                    // what the lost document allowed it on, when that is one named resource: the fix gives back no more
                    String lostOn = g.resource() == null && context.removal() != null ? context.removal().lostOn(g.value()) : null;
                    if (lostOn != null) {
                        g = g.onResource(lostOn);
                    }
                    if (seen.add(g.key())) {
                        String gap = g.resource() == null && r.grant().resource() != null
                                ? " (" + r.grant().resource() + ": the record does not say which " + unfilledLabel(r.grant().resource()) + ")" : "";
                        String purpose = r.purpose() != null ? r.purpose().replaceAll("\\.\\s*$", "") : r.service();
                        String needs = x.scenario.title() + " needs it: " + purpose + gap + ". It will break.";
                        missing.add(new MissingGrant(g, x.certainty, holder, r.id(), missing.isEmpty() ? because + " " + needs : needs,
                                g.type() == GrantType.SYSTEM_POLICY ? g.value() : null, r.citation()));
                    }
                }
            }
            if (missing.isEmpty()) {
                continue;
            }
            String id = FindingIds.of(FindingKind.PREDICTED_BREAKAGE, e.cloud(), w.principal, b.scenario.id(), removed);
            Evidence ev = new Evidence(List.of(e.eventId()), e.eventTime(), e.eventTime(), 1, e.service(), e.action(), null,
                    change.targetLabel(), null, null);
            Finding candidate = Finding.newOpen(id, FindingKind.PREDICTED_BREAKAGE, e.cloud(), w.principal, e.eventTime())
                    .scenario(b.scenario.id(), b.scenario.title()).missing(missing).confidence(ScenarioRanker.round(b.confidence))
                    .ranking(ranking).evidence(ev).change(record).catalogVersion(catalog.version()).knownDenies(List.copyOf(denies)).build();
            findings.upsert(w, candidate, e, keys, book, emitted);
        }
    }

    /** For a new version that also added grants or Deny statements: why the fix is not a rollback. */
    private static String rollbackWarning(Grant shown, DriftContext context) {
        if (shown.resource() == null || !shown.resource().startsWith("changed/") || context.removal() == null) {
            return "";
        }
        List<String> added = context.removal().added();
        String v = shown.resource().substring("changed/".length());
        return " The new version also added " + String.join(", ", added.subList(0, Math.min(8, added.size())))
                + (added.size() > 8 ? " and " + (added.size() - 8) + " more" : "") + ": making " + ("?".equals(v) ? "the previous version"
                : "version " + v) + " the default again would take " + (added.size() == 1 ? "it" : "them") + " from every holder of "
                + shown.value() + ", so the fix grants only what this principal lost.";
    }

    /** The change in a few words: {@code removed X from user u}, {@code replaced the trust policy of role r}, ... */
    private static String whatItDid(IamChangeEvent change, Grant shown) {
        return switch (change.kind()) {
            case UPDATE_TRUST -> "replaced the trust policy of " + change.targetLabel();
            case DELETE_ROLE -> "deleted " + change.targetLabel();
            case UPDATE_AGENCY -> "changed the settings of " + change.targetLabel();
            case LEAVE_GROUP -> "removed " + change.targetLabel() + " from group " + change.viaGroup() + ", which holds " + change.removedLabel();
            case DELETE_POLICY -> "deleted " + change.removedLabel();
            case ATTACH_POLICY -> "attached " + change.removedLabel() + " to " + change.holderLabel();
            case CHANGE_POLICY -> "changed the document in force of " + change.removedLabel() + ", which " + change.targetLabel() + " holds"
                    + (change.viaGroup() == null ? "" : " through group " + change.viaGroup());
            default -> "removed " + (change.policyName() != null && change.policyName().equals(change.policyId())
                    ? (shown.value().equals(change.policyId()) ? "" : shown.value() + ", ") + "the policy with id " + change.policyName()
                    : change.removedLabel()) + " from " + change.holderLabel();
        };
    }

    /**
     * What a change breaks in one scenario.
     *
     * @param systemPolicy the removed policy when it is a system policy (the finding offers it back), else null
     * @param note         a sentence for the removed grant only (how to read a policy whose content is unknown), or null
     * @param denies       the known Deny statements that now block the lost grants (the finding carries them, so that no fix
     *                     proposes an Allow they would still block)
     */
    private record Broken(Scenario scenario, List<Requirement> requirements, Certainty certainty, double confidence,
                          String why, List<String> usedKeys, String systemPolicy, String note, List<KnownDeny> denies) {
        Broken(Scenario scenario, List<Requirement> requirements, Certainty certainty, double confidence, String why, List<String> usedKeys) {
            this(scenario, requirements, certainty, confidence, why, usedKeys, null, null, List.of());
        }

        Broken(Scenario scenario, List<Requirement> requirements, Certainty certainty, double confidence, String why, List<String> usedKeys,
               String systemPolicy, String note) {
            this(scenario, requirements, certainty, confidence, why, usedKeys, systemPolicy, note, List.of());
        }

        Broken with(Certainty c, double conf, String newWhy) {
            return new Broken(scenario, requirements, c, conf, newWhy, usedKeys, systemPolicy, note, denies);
        }
    }

    private static Holder holderOf(IamChangeEvent.TargetKind kind) {
        return switch (kind) {
            case ROLE -> Holder.ROLE;
            case AGENCY -> Holder.AGENCY;
            default -> Holder.USER;
        };
    }

    private Broken broken(IamChangeEvent change, Scenario s, Working w, CatalogLookup catalog, double activity, DriftContext context) {
        PrincipalState snap = w.snapshot();
        List<Requirement> used = new ArrayList<>();
        List<String> usedKeys = new ArrayList<>();
        for (Requirement r : s.requirements()) {
            String k = usedKey(r, snap);
            if (k != null) {
                used.add(r);
                usedKeys.add(k);
            }
        }
        switch (change.kind()) {
            case ATTACH_POLICY -> {
                // only an attached document with Deny statements the inventory knows can take anything
                PolicyRemoval removal = context.removal();
                return removal == null || removal.granted() == null ? null
                        : brokenByContent(change, s, removal, used, usedKeys, activity, lostCalls(w, change, s, removal, catalog, context));
            }
            case DETACH_POLICY, DELETE_POLICY, CHANGE_POLICY, LEAVE_GROUP -> {
                String policy = change.policyName();
                PolicyRemoval removal = context.removal();
                if (removal != null && removal.granted() != null) {
                    return brokenByContent(change, s, removal, used, usedKeys, activity, lostCalls(w, change, s, removal, catalog, context));
                }
                if (change.kind() == IamChangeEvent.Kind.CHANGE_POLICY) {
                    return null; // derived only where both documents are known
                }
                List<Requirement> providers = policy == null ? List.of() : catalog.index().bySystemPolicy(policy);
                List<String> covers = new ArrayList<>();
                providers.forEach(r -> covers.addAll(r.covers()));
                boolean custom = "custom".equalsIgnoreCase(change.policyType());
                boolean guessed = false;
                if (covers.isEmpty() && !custom && policy != null) {
                    String guess = SystemPolicies.guessCover(change.event().cloud(), policy);
                    if (guess != null) {
                        covers.add(guess);
                        guessed = true;
                    }
                }
                // offered back as a system policy unless it is custom or known by id only (an id is no policy name)
                String system = custom || policy != null && policy.equals(change.policyId()) ? null : policy;
                List<Requirement> hit = new ArrayList<>();
                for (Requirement r : s.requirements()) {
                    boolean byName = policy != null && r.grant().type() == GrantType.SYSTEM_POLICY && r.grant().value().equalsIgnoreCase(policy);
                    boolean byCover = covers.stream().anyMatch(c -> Patterns.matches(c, r.grant().value()));
                    if ((byName || byCover) && !stillGranted(removal, r)) {
                        hit.add(r);
                    }
                }
                if (!hit.isEmpty()) {
                    return guessed
                            ? new Broken(s, hit, Certainty.POSSIBLE, Math.min(1.0, POLICY_BY_NAME + activity), s.title() + " is in use and needs "
                                    + covers.get(0) + ", which " + policy + " (by its name) grants", usedKeys, system, null)
                            : new Broken(s, hit, Certainty.LIKELY, Math.min(1.0, CATALOG_POLICY + activity),
                                    s.title() + " is in use and needs what " + policy + " grants", usedKeys, system, null);
                }
                if (!providers.isEmpty() || guessed) {
                    return null; // a policy GrantWatch can read, and this scenario needs none of it
                }
                // Content unknown (a custom policy, or one named by id only): what the principal used, else what the
                // scenario keeps on this kind of principal, may have come from it. Lower confidence; say how to look.
                String what = policy == null ? "the removed policy (the record does not name it)"
                        : policy.equals(change.policyId()) ? "its content" : "the content of " + policy;
                String fetch = PolicyFetch.command(change);
                String note = fetch == null ? null : "Read the policy to confirm: " + fetch;
                used.removeIf(r -> stillGranted(removal, r));
                if (!used.isEmpty()) {
                    return new Broken(s, used, Certainty.POSSIBLE, UNKNOWN_CONTENT_USED, what
                            + " is unknown to GrantWatch; the principal was using these grants of "
                            + s.title(), usedKeys, system, note);
                }
                Holder holder = holderOf(change.targetKind());
                List<Requirement> held = s.requirements().stream().filter(r -> r.holder() == holder && r.phase() == Phase.USE
                        && r.grant().type() != GrantType.DENIED_ACTION && r.grant().type() != GrantType.SERVICE_ACTIVATION
                        && !stillGranted(removal, r)).toList();
                return held.isEmpty() ? null : new Broken(s, held, Certainty.POSSIBLE, UNKNOWN_CONTENT_HELD, what + " is unknown to GrantWatch; "
                        + s.title()
                        + " is in use and keeps these grants on the " + holder.name().toLowerCase(Locale.ROOT) + ", any of which it may have held",
                        usedKeys, system, note);
            }
            case DELETE_ROLE -> {
                // a row that names no grant (DENIED_ACTION) only answers denials: never listed as a grant; what the scenario
                // keeps on another holder (the user's ram:PassRole on the role) is not lost with the role
                // what it used first, then the rest the scenario keeps on it: what a recreated role or agency needs back
                Holder deleted = holderOf(change.targetKind());
                List<Requirement> hit = new ArrayList<>(used);
                // (a row the seed gives as an example, "AliyunOSSFullAccess 等", says nothing of what this one held)
                s.requirements().stream().filter(r -> r.grant().type() != GrantType.DENIED_ACTION && r.holder() == deleted && !hit.contains(r)
                                && !r.qualifiers().contains(Qualifier.EXAMPLE))
                        .forEach(hit::add);
                return new Broken(s, hit, Certainty.LIKELY, Math.min(1.0, DELETED + activity),
                        change.targetLabel() + " is deleted while " + s.title() + " uses it", usedKeys);
            }
            case UPDATE_TRUST, UPDATE_AGENCY -> {
                String doc = change.trustDocument();
                if (doc == null) {
                    return null;
                }
                TrustReading reading = TrustReading.of(doc);
                List<Requirement> hit = new ArrayList<>();
                for (Requirement r : trustRequirements(s)) {
                    if (!reading.trusts(r.grant().value())) {
                        hit.add(r);
                    }
                }
                if (hit.isEmpty()) {
                    return null;
                }
                String service = hit.get(0).grant().value();
                if (reading.conditional().stream().anyMatch(x -> x.equalsIgnoreCase(service))) {
                    // named under a Condition GrantWatch does not evaluate: it may still hold; never a merge that drops it
                    return new Broken(s, hit, Certainty.POSSIBLE, Math.min(1.0, TRUST_UNREADABLE + activity), "the new trust policy lets "
                            + service + " assume " + change.targetLabel() + " only under a Condition GrantWatch does not evaluate; if the"
                            + " Condition does not hold for it, " + s.title() + " breaks", usedKeys);
                }
                if (reading.error() != null) {
                    return new Broken(s, hit, Certainty.POSSIBLE, Math.min(1.0, TRUST_UNREADABLE + activity),
                            "GrantWatch could not read the new trust policy ("
                            + reading.error() + ") and it does not name " + service + ", which " + s.title() + " needs", usedKeys);
                }
                String trusts = denyNames(reading.text(), service) ? "a Deny statement names " + service + ", and a Deny wins over its Allow"
                        : "it trusts " + (reading.services().isEmpty() ? "no service principal" : String.join(", ", reading.services()));
                return new Broken(s, hit, Certainty.CERTAIN, Math.min(1.0, TRUST_DROPPED + activity), "the new trust policy no longer lets " + service
                        + " assume " + change.targetLabel() + " (" + trusts + "), which " + s.title() + " needs", usedKeys);
            }
            default -> {
                return null;
            }
        }
    }

    /** A grant a change takes, with what the principal's documents still say of it. */
    private record Lost(Requirement requirement, PolicyRemoval.Residual residual) {
    }

    /**
     * A change whose documents the inventory knows (a detach or deletion, a new document in force, an attached Deny): the
     * scenario's grants the change may take ({@link PolicyRemoval#granted}) that the principal's documents, evaluated after
     * it, no longer allow ({@link PolicyRemoval#residual}). Nothing is predicted when it takes none of them. A grant left
     * to a Condition or to resources GrantWatch does not know is still predicted, at lower certainty, and says so.
     */
    private static Broken brokenByContent(IamChangeEvent change, Scenario s, PolicyRemoval removal, List<Requirement> used,
                                          List<String> usedKeys, double activity, List<Lost> lostCalls) {
        Holder holder = holderOf(change.targetKind());
        if (lostCalls.isEmpty() && s.requirements().stream().noneMatch(r -> r.holder() == holder)) {
            // its grants sit on another kind of principal (an agency's, for a user): not this principal's to lose, unless its
            // own calls used them (a person working through a role's sessions holds the caller's grants on the role)
            return null;
        }
        List<Lost> lost = new ArrayList<>();
        for (Requirement r : s.requirements()) {
            if (grantsAction(r) && r.holder() == holder && removal.granted().stream().anyMatch(p -> Patterns.matches(p, r.grant().value()))) {
                PolicyRemoval.Residual x = removal.residual(r.grant().value());
                if (x.lost()) {
                    lost.add(new Lost(r, x));
                }
            }
        }
        lost.addAll(lostCalls);
        if (lost.isEmpty()) {
            return null;
        }
        List<Requirement> hit = lost.stream().map(Lost::requirement).toList();
        boolean inUse = !lostCalls.isEmpty() || hit.stream().anyMatch(used::contains);
        boolean decided = lost.stream().allMatch(l -> l.residual().certain());
        String others = removal.unknownElsewhere().isEmpty() ? ""
                : " (unless one of the principal's policies whose content GrantWatch does not know grants it: "
                        + String.join(", ", removal.unknownElsewhere()) + ")";
        // the documents are known, so the grants are; whether the scenario still runs depends on policies not known, and on
        // Conditions and resources the documents leave open
        Certainty c = !decided ? Certainty.LIKELY : inUse && removal.unknownElsewhere().isEmpty() ? Certainty.CERTAIN : Certainty.LIKELY;
        String system = "custom".equalsIgnoreCase(change.policyType()) || change.policyName() == null
                || change.policyName().equals(change.policyId()) ? null : change.policyName();
        Set<String> why = new LinkedHashSet<>();
        List<String> gone = lost.stream().filter(l -> l.residual().kind() == PolicyRemoval.Residual.Kind.LOST)
                .map(l -> l.requirement().grant().value()).distinct().toList();
        if (!gone.isEmpty()) {
            why.add("no other policy the principal holds allows " + (gone.size() == lost.size() ? "it" : String.join(", ", gone)));
        }
        // one sentence per policy and kind: "p allows a, b only under a Condition …", not one per action
        Map<String, List<String>> sentences = new LinkedHashMap<>();
        for (Lost l : lost) {
            String text = l.residual().text();
            String action = l.requirement().grant().value();
            if (text != null && text.contains(action)) {
                List<String> actions = sentences.computeIfAbsent(text.replaceFirst(Pattern.quote(action), ACTIONS), k -> new ArrayList<>());
                if (!actions.contains(action)) {
                    actions.add(action);
                }
            }
        }
        sentences.forEach((template, actions) -> why.add(template.replace(ACTIONS, String.join(", ", actions))));
        List<KnownDeny> denies = lost.stream().map(l -> l.residual().deny()).filter(d -> d != null).distinct().toList();
        String what = change.kind() == IamChangeEvent.Kind.ATTACH_POLICY
                ? s.title() + " is in use and what it needs is now denied: "
                : s.title() + " is in use and needs what " + removal.label() + " allowed (its document is in the inventory), and ";
        double base = decided ? KNOWN_DOCUMENT : UNDECIDED_RESIDUAL;
        return new Broken(s, hit, c, Math.min(1.0, base + activity), what + String.join("; ", why) + others,
                usedKeys, system, null, denies);
    }

    /**
     * The principal's own successful calls within the drift horizon that signal the scenario, whose action the change may
     * take and that its documents no longer allow after it: each as the one action to grant back. The action is the
     * document's own (non-wildcard) Action that matched the call, else the catalog's action for the API; a call matched
     * only by a wildcard the catalog cannot narrow is left out, never granted as the wildcard.
     */
    private List<Lost> lostCalls(Working w, IamChangeEvent change, Scenario s, PolicyRemoval removal, CatalogLookup catalog,
                                 DriftContext context) {
        AuditEvent e = change.event();
        long from = e.eventTime().minus(settings.driftHorizon()).toEpochMilli();
        Holder holder = holderOf(change.targetKind());
        boolean attach = change.kind() == IamChangeEvent.Kind.ATTACH_POLICY;
        Map<String, Lost> out = new LinkedHashMap<>();
        List<Activity> calls = new ArrayList<>(w.recent);
        Map<Activity, String> by = new LinkedHashMap<>();
        if (change.targetKind() == IamChangeEvent.TargetKind.GROUP) {
            // a group has no calls of its own: the account's people who signalled this scenario may be its members
            for (ContextSignal c : context.signals()) {
                if (c.scenarioId().equals(s.id()) && c.api() != null) {
                    Activity a = new Activity(c.time().toEpochMilli(), null, c.api().toLowerCase(Locale.ROOT), Outcome.ALLOWED);
                    calls.add(a);
                    by.put(a, c.who());
                }
            }
        }
        for (Activity a : calls) {
            if (a.at() < from || a.outcome() != Outcome.ALLOWED || a.api() == null
                    || !catalog.signalled(e.cloud(), a.api()).contains(s.id()) && (a.action() == null || !catalog.signalled(e.cloud(), a.action())
                            .contains(s.id()))) {
                continue;
            }
            // a success names only its API (CreateJobV2): the catalog's action for it is what the document must allow
            String key = a.action() != null ? a.action() : actionOfApi(catalog, e.cloud(), a.api()).orElse(a.api());
            if (removal.granted().stream().noneMatch(p -> proves(key, p))) {
                continue;
            }
            String action = removal.granted().stream().filter(p -> !ActionPattern.isWildcard(p) && proves(key, p)).findFirst()
                    .or(() -> actionOfApi(catalog, e.cloud(), a.api())).orElse(null);
            if (action == null || out.containsKey(action.toLowerCase(Locale.ROOT))) {
                continue;
            }
            PolicyRemoval.Residual x = removal.residual(action);
            if (!x.lost()) {
                continue;
            }
            String service = a.api().substring(0, Math.max(0, a.api().indexOf('/')));
            out.put(action.toLowerCase(Locale.ROOT), new Lost(new Requirement(null, service, Grant.action(action), List.of(), Phase.USE,
                    Necessity.REQUIRED, holder, (by.containsKey(a) ? by.get(a) + "'s" : "its") + " call " + a.api() + " at " + a.time()
                            + " succeeded with it" + (attach ? "" : ", and " + removal.label() + " allowed it"), null), x));
        }
        return List.copyOf(out.values());
    }

    /** The catalog's one non-wildcard action for an API key ({@code paidlc/getjob}), if it maps it. */
    private static Optional<String> actionOfApi(CatalogLookup catalog, Cloud cloud, String api) {
        int slash = api.indexOf('/');
        List<String> actions = catalog.actionsForApi(cloud, api.substring(0, slash), api.substring(slash + 1)).stream()
                .filter(x -> !ActionPattern.isWildcard(x)).toList();
        return actions.size() == 1 ? Optional.of(actions.get(0)) : Optional.empty();
    }

    /** Whether a requirement is an action a policy document can allow (not a system policy, trust or activation). */
    private static boolean grantsAction(Requirement r) {
        return r.grant().type() == GrantType.ACTION || r.grant().type() == GrantType.AGENCY_ACTION;
    }

    /**
     * Whether the policies the principal keeps, whose documents the inventory knows, still allow the requirement: evaluated,
     * so a Deny or a Condition among them counts ({@link PolicyRemoval#residual}).
     */
    private static boolean stillGranted(PolicyRemoval removal, Requirement r) {
        return removal != null && grantsAction(r) && !removal.residual(r.grant().value()).lost();
    }

    /**
     * The service principals a scenario's role or agency must trust: the catalog's trust requirements, and for a
     * ModelArts scenario whose grants sit on the agency, ModelArts itself ({@link #MODELARTS_TRUST}).
     */
    private static List<Requirement> trustRequirements(Scenario s) {
        List<Requirement> out = new ArrayList<>(s.requirements().stream().filter(r -> r.grant().type() == GrantType.TRUST_PRINCIPAL).toList());
        if (s.cloud() == Cloud.HUAWEI && out.isEmpty() && s.requirements().stream().anyMatch(r -> r.holder() == Holder.AGENCY)) {
            out.add(new Requirement(s.id() + "/trust:" + MODELARTS_TRUST, "IAM", new Grant(GrantType.TRUST_PRINCIPAL, MODELARTS_TRUST, null),
                    List.of(), Phase.USE, Necessity.REQUIRED, Holder.AGENCY,
                    "ModelArts uses the agency's temporary credentials to work on the user's resources, so the agency must let ModelArts"
                            + " assume it (an IAM v5 trust agency names it as the service principal " + MODELARTS_TRUST + ")",
                    MODELARTS_TRUST_CITATION));
        }
        return out;
    }

    /**
     * A new trust document as the evaluator reads it ({@link PolicyEvaluator#trustedServices}: RAM, or a Huawei IAM v5
     * trust agency's). A document it cannot read is kept as text: then only a service it does not even name counts
     * as dropped, and the finding says the document was not read.
     */
    private record TrustReading(List<String> services, List<String> conditional, String error, String text) {
        static TrustReading of(String doc) {
            try {
                JsonNode node = Json.wire().readTree(doc);
                return new TrustReading(PolicyEvaluator.trustedServices(node), PolicyEvaluator.conditionallyTrustedServices(node), null, doc);
            } catch (IllegalArgumentException | IOException ex) {
                String why = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
                return new TrustReading(List.of(), List.of(), why.length() > 120 ? why.substring(0, 120) + "…" : why, doc);
            }
        }

        boolean trusts(String service) {
            if (error != null) {
                return text.toLowerCase(Locale.ROOT).contains(service.toLowerCase(Locale.ROOT));
            }
            return services.stream().anyMatch(x -> x.equalsIgnoreCase(service));
        }
    }

    private static Grant removedGrant(IamChangeEvent change, Broken b) {
        if (change.policyName() != null) {
            return Grant.systemPolicy(change.policyName());
        }
        if (change.kind() == IamChangeEvent.Kind.UPDATE_TRUST || change.kind() == IamChangeEvent.Kind.UPDATE_AGENCY) {
            Requirement r = b.requirements.get(0);
            return new Grant(GrantType.TRUST_PRINCIPAL, r.grant().value(), change.targetLabel());
        }
        GrantType type = change.targetKind() == IamChangeEvent.TargetKind.AGENCY ? GrantType.AGENCY_ACTION : GrantType.PASS_ROLE;
        return new Grant(type, change.targetLabel(), null);
    }

    /**
     * The removed grant as the finding shows it. Its id keeps the {@link #removedGrant} form (ids of existing findings
     * stay), but a RAM role's trust principal is shown on the role's ARN ({@code acs:ram::<account>:role/<name>}), or on
     * no resource when the record names no account (the reason says so), never on a label or a template.
     */
    private static Grant shownRemoved(IamChangeEvent change, Grant removed, DriftContext context) {
        if (removed.type() == GrantType.SYSTEM_POLICY) {
            return shownPolicy(change, removed, context);
        }
        if (removed.type() != GrantType.TRUST_PRINCIPAL || change.targetKind() != IamChangeEvent.TargetKind.ROLE
                || change.event().cloud() != Cloud.ALIBABA) {
            return removed;
        }
        String account = change.target().accountId();
        return removed.onResource(account == null || account.isBlank() ? null : "acs:ram::" + account + ":role/" + change.target().roleName());
    }

    /**
     * A removed policy as what it is ({@link GrantType#CUSTOM_POLICY} when the change or the inventory says Custom, when it is
     * known by id only, and for a new version: system policies have none a customer sets) and how it was held, so the fix
     * restores it that way: {@code version/<id>} for a new default version ({@code ?} when the trail gave no id),
     * {@code group/<name>} for a detach from a group.
     */
    private static Grant shownPolicy(IamChangeEvent change, Grant removed, DriftContext context) {
        boolean changed = change.kind() == IamChangeEvent.Kind.CHANGE_POLICY;
        // a policy known by id only is no system policy name (the fetch command reads it by id)
        boolean custom = changed || "custom".equalsIgnoreCase(change.policyType()) || removed.value().equals(change.policyId());
        String group = change.viaGroup() != null ? change.viaGroup()
                : change.targetKind() == IamChangeEvent.TargetKind.GROUP ? change.targetLabel().substring("group ".length()) : null;
        String how = null;
        if (changed && context.replacedVersion() != null) {
            String v = context.replacedVersion();
            // a new version that also added grants or Deny statements: rolling back would take those from every holder
            boolean addedToo = context.removal() != null && !context.removal().added().isEmpty();
            how = (addedToo ? "changed/" : "version/") + (v.startsWith("@") ? "?" : v);
        } else if (group != null && change.kind() == IamChangeEvent.Kind.DETACH_POLICY) {
            // IAM v5 names the group and the policy by id: the exact undo is AttachGroupPolicyV5 with them
            boolean v5 = change.event().cloud() == Cloud.HUAWEI && "detachGroupPolicyV5".equals(change.event().action()) && ids(group)
                    && ids(change.policyId());
            how = v5 ? "v5/group/" + group + "/" + change.policyId() : "group/" + group;
        } else if (group != null && change.kind() == IamChangeEvent.Kind.LEAVE_GROUP) {
            how = "member/" + group; // still attached to the group: the member is what to restore
        } else if (change.kind() == IamChangeEvent.Kind.DETACH_POLICY && IamChanges.resourceGroup(change.event()) != null) {
            // held within one resource group (ResourceManager DetachPolicy): restored there, never account-wide
            Map<String, String> p = change.event().parameters();
            how = "rg/" + IamChanges.resourceGroup(change.event()) + "/" + (custom ? "Custom" : "System") + "/" + Arns.param(p, "PrincipalType") + "/"
                    + Arns.param(p, "PrincipalName");
        } else if (change.kind() == IamChangeEvent.Kind.DETACH_POLICY && v5Detach(change)) {
            // the exact undo in the same API family: Attach{Agency,User}PolicyV5 with the ids the record carries
            how = "v5/" + (change.targetKind() == IamChangeEvent.TargetKind.AGENCY ? "agency/" : "user/") + change.target().id() + "/"
                    + change.policyId();
        }
        // a change naming the policy by id only: its name, where the inventory knows it, is what a person recognises
        String name = removed.value().equals(change.policyId()) && context.removal() != null && context.removal().name() != null
                && !context.removal().name().isBlank() ? context.removal().name() : removed.value();
        return new Grant(custom ? GrantType.CUSTOM_POLICY : GrantType.SYSTEM_POLICY, name, how);
    }

    /** Whether a trust document has a Deny statement whose Principal.Service names the service. */
    private static boolean denyNames(String doc, String service) {
        try {
            JsonNode statements = Json.wire().readTree(doc).path("Statement");
            for (JsonNode st : statements.isArray() ? statements : Json.wire().createArrayNode().add(statements)) {
                JsonNode named = st.path("Principal").path("Service");
                if ("Deny".equalsIgnoreCase(st.path("Effect").asText())) {
                    for (JsonNode n : named.isArray() ? named : Json.wire().createArrayNode().add(named)) {
                        if (n.asText().equalsIgnoreCase(service)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        } catch (IOException | RuntimeException ex) {
            return false;
        }
    }


    /** A Huawei IAM v5 detach from an agency or a user whose record carries both ids (policy_id, agency_id / user_id). */
    private static boolean v5Detach(IamChangeEvent change) {
        String api = change.event().action();
        return change.event().cloud() == Cloud.HUAWEI && api != null && api.matches("detach(Agency|User)PolicyV5")
                && (change.targetKind() == IamChangeEvent.TargetKind.AGENCY || change.targetKind() == IamChangeEvent.TargetKind.USER)
                && ids(change.target().id()) && ids(change.policyId());
    }

    private static boolean ids(String id) {
        return id != null && id.matches("[A-Za-z0-9_-]{1,64}");
    }

    /** {@code acs:ram::${AccountId}:role/${RoleName}} → {@code account id and role name}: what a template still needed. */
    private static String unfilledLabel(String template) {
        List<String> names = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            String n = m.group(1).replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        return names.isEmpty() ? "resource" : String.join(" and ", names);
    }

    /** The success key through which the principal was seen using a requirement's grant, or null. */
    private static String usedKey(Requirement r, PrincipalState state) {
        List<String> patterns = new ArrayList<>(r.covers());
        patterns.addAll(r.answers());
        if (r.grant().type() == GrantType.ACTION || r.grant().type() == GrantType.AGENCY_ACTION) {
            patterns.add(0, r.grant().value());
        }
        for (String p : patterns) {
            for (String used : state.succeeded().keySet()) {
                if (proves(used, p)) {
                    return used;
                }
            }
        }
        return null;
    }

    /**
     * Whether a success key shows use of an action (or pattern): it is that action, or it is the API key
     * {@code service/Op} of a call whose action the clouds name {@code service:…:Op} — RAM {@code paidlc:GetJob} for
     * PaiDlc GetJob, OBS {@code obs:object:GetObject} for getObject. A success carries an IAM action only when the
     * catalog maps its API (ActionTrail and CTS name the action only in refusals), so without this an agency's every
     * OBS read and a RAM user's every unmapped call proved nothing.
     */
    static boolean proves(String usedKey, String actionOrPattern) {
        if (Patterns.matches(actionOrPattern, usedKey)) {
            return true;
        }
        int slash = usedKey.indexOf('/');
        if (slash <= 0 || usedKey.indexOf(':') >= 0 || actionOrPattern == null) {
            return false;
        }
        String[] parts = actionOrPattern.split(":");
        return parts.length >= 2 && Patterns.matches(parts[0], usedKey.substring(0, slash))
                && Patterns.matches(parts[parts.length - 1], usedKey.substring(slash + 1));
    }

    /**
     * Scenarios the changed principal is in, with why: its recent calls signal them, it succeeded at one of their calls
     * within the drift horizon, it holds an open finding in one, or (from the account) a create/update request named it
     * as the role or agency a resource runs under.
     */
    private Map<String, Usage> activeScenarios(Working w, IamChangeEvent change, CatalogLookup catalog, DriftContext context) {
        AuditEvent e = change.event();
        Map<String, Usage> out = new LinkedHashMap<>();
        long from = e.eventTime().minus(settings.activityWindow()).toEpochMilli();
        for (Activity a : w.recent) {
            if (a.at() < from) {
                continue;
            }
            String why = "its call " + a.api() + " at " + a.time();
            for (String id : catalog.signalled(e.cloud(), a.action())) {
                use(out, id, SIGNAL_STEP, SIGNAL_CAP, why, true);
            }
            for (String id : catalog.signalled(e.cloud(), a.api())) {
                use(out, id, SIGNAL_STEP, SIGNAL_CAP, why, true);
            }
        }
        // Longer-lived use: calls that succeeded within the drift horizon (the success map keeps one time per call).
        Instant horizon = e.eventTime().minus(settings.driftHorizon());
        for (Map.Entry<String, Long> used : w.succeeded.entrySet()) {
            if (used.getValue() >= horizon.toEpochMilli() && used.getValue() <= e.eventTime().toEpochMilli()) {
                for (String id : catalog.signalled(e.cloud(), used.getKey())) {
                    out.putIfAbsent(id, new Usage(SUCCEEDED, "it succeeded at " + used.getKey() + " at " + Instant.ofEpochMilli(used.getValue()),
                            true));
                }
            }
        }
        for (FindingRef f : w.findings) {
            if (f.open() && f.scenarioId() != null && f.kind() != FindingKind.PREDICTED_BREAKAGE) {
                out.putIfAbsent(f.scenarioId(), new Usage(OPEN_FINDING, "it has an open " + f.kind() + " finding in it"));
            }
        }
        // Named by a request as what a resource runs under: in use before (or without) a call of its own, for the
        // scenarios of that request whose grants sit on such an identity (a DSW instance under its role).
        boolean delegate = change.targetKind() == IamChangeEvent.TargetKind.AGENCY || change.targetKind() == IamChangeEvent.TargetKind.ROLE;
        Holder holder = holderOf(change.targetKind());
        String kind = holder == Holder.AGENCY ? "agency" : "role";
        for (RoleReference r : context.references()) {
            String why = r.api() + " by " + r.who() + " at " + r.time() + " named it as the " + kind + " the resource runs under";
            for (String id : catalog.signalled(e.cloud(), r.api())) {
                if (delegate && holds(catalog, id, holder)) {
                    use(out, id, REFERENCED_STEP, SIGNAL_CAP, why, false);
                }
            }
        }
        if (change.namedByIdOnly() && (change.targetKind() == IamChangeEvent.TargetKind.USER || !acted(w, e, settings))
                && context.references().isEmpty()) {
            // named by an id nobody maps to a name: its own state is empty, so what people of the account just started is
            // the only sign of use (said so, at lower confidence, rather than silence)
            for (ContextSignal c : context.signals()) {
                if (holds(catalog, c.scenarioId(), holder)) {
                    out.putIfAbsent(c.scenarioId(), new Usage(UNRESOLVED_ID, c.who() + " called " + c.api() + " at " + c.time()));
                }
            }
        }
        // A role or agency that acted within the window, or that a request named, in an account where a person just
        // started what the platform runs under such an identity (a training job under the agency ModelArts was given).
        boolean acted = acted(w, e, settings);
        if (delegate && (acted || !context.references().isEmpty())) {
            RoleReference named = context.references().isEmpty() ? null : context.references().get(context.references().size() - 1);
            String because = acted ? "it acted at " + w.watermark : named.api() + " by " + named.who() + " at " + named.time() + " named it";
            for (ContextSignal c : context.signals()) {
                if (holds(catalog, c.scenarioId(), holder)) {
                    out.putIfAbsent(c.scenarioId(), new Usage(PERSON_STARTED, c.who() + " called " + c.api() + " at " + c.time()
                            + ", which the service runs under this " + kind + ", and " + because));
                }
            }
        }
        return out;
    }

    private static boolean acted(Working w, AuditEvent e, DetectorSettings settings) {
        return w.watermark != null && !w.watermark.isBefore(e.eventTime().minus(settings.activityWindow()));
    }

    /** Whether a scenario keeps any of its grants on this kind of holder (an agency, a role). */
    private static boolean holds(CatalogLookup catalog, String scenarioId, Holder holder) {
        return catalog.scenario(scenarioId).map(s -> s.requirements().stream().anyMatch(r -> r.holder() == holder)).orElse(false);
    }

    /** Adds weight to a scenario's usage up to a cap; the first reason found stays the one the finding gives. */
    private static void use(Map<String, Usage> out, String id, double add, double cap, String why, boolean own) {
        Usage u = out.get(id);
        out.put(id, u == null ? new Usage(Math.min(cap, add), why, own)
                : new Usage(Math.min(cap, u.weight() + add), u.why() != null ? u.why() : why, own || u.own()));
    }

    private static String hours(Duration d) {
        return d.toMinutes() % 60 == 0 ? d.toHours() + " h" : d.toMinutes() + " min";
    }

    static String attachKey(String policy) {
        return "attach:" + policy.toLowerCase(Locale.ROOT);
    }

}
