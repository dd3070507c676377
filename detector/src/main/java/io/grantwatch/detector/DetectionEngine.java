package io.grantwatch.detector;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Evidence;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingIds;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.IamChange;
import io.grantwatch.model.KnownDeny;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.ScenarioCandidate;
import io.grantwatch.detector.inventory.PolicyKnowledge;
import io.grantwatch.detector.inventory.PolicyRemoval;
import io.grantwatch.model.catalog.ActionPattern;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.catalog.Necessity;
import io.grantwatch.model.catalog.Phase;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.policy.PolicyEvaluator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The inference: one principal's state + one event (or one IAM change that affects it) + the
 * catalog → the new state and the findings that changed. Pure Java; the Streams topology and
 * {@code scan} both drive it.
 *
 * <p><b>Emission policy</b> (de-duplication): a finding is keyed by {@link FindingIds} (kind,
 * principal, scenario, denied grant). Every event updates it in the {@link FindingBook}, but it is
 * <em>emitted</em> only when it is first seen, when its set of missing grants (grant + certainty)
 * changes, when its status changes (resolved, reopened), and when its count reaches a milestone
 * (10, 100, 1000, ...). A storm of 300 identical denials is one finding, emitted at counts 1, 10 and
 * 100; its stored state (and {@code scan}'s output) says 300.
 *
 * <p><b>Time</b>: everything compares event times, not arrival order. An event older than the
 * principal's newest event time minus the grace is counted in {@link PrincipalState#late()} and
 * otherwise ignored; within the grace, out-of-order events are placed by their time (a success
 * resolves only denials before it; a regression needs a success before the denial).
 */
public final class DetectionEngine {
    /**
     * The service principal of ModelArts in an IAM v5 trust policy ({@code Principal.Service}, {@code service.<Name>}).
     * The catalog lists what an agency must be granted, not who must be able to assume it; the seed says who: 在后台
     * 异步作业中操作用户的资源(如OBS桶)前,需要用户通过IAM委托向ModelArts显式授权 (seed 004, 委托授权).
     */
    static final String MODELARTS_TRUST = "service.ModelArts";
    private static final Citation MODELARTS_TRUST_CITATION = new Citation("004_cae65db658487c65.txt", "委托授权");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z]+)}");

    private final DetectorSettings settings;

    public DetectionEngine(DetectorSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public DetectorSettings settings() {
        return settings;
    }

    /** Feeds one event of its own principal (state key {@link AuditEvent#partitionKey()}). */
    public Step onEvent(PrincipalState prior, AuditEvent e, CatalogLookup catalog, FindingBook book) {
        return onEvent(prior, e, catalog, book, List.of());
    }

    /**
     * Feeds one event with cross-principal context: for an agency or role session, what people of the
     * same account started shortly before ({@link AccountContext}).
     */
    public Step onEvent(PrincipalState prior, AuditEvent e, CatalogLookup catalog, FindingBook book, List<ContextSignal> context) {
        return onEvent(prior, e, catalog, book, context, PolicyKnowledge.NONE);
    }

    /**
     * Feeds one event with cross-principal context and what the account's inventory says the principal holds: a
     * denial's finding carries the known Deny statements that match its actions, and an explicit deny names the one
     * that explains it ({@link PolicyKnowledge}).
     */
    public Step onEvent(PrincipalState prior, AuditEvent e, CatalogLookup catalog, FindingBook book, List<ContextSignal> context,
                        PolicyKnowledge knowledge) {
        PrincipalState state = prior != null ? prior : PrincipalState.empty(e.partitionKey(), e.principal());
        if (state.watermark() != null && e.eventTime().isBefore(state.watermark().minus(settings.grace()))) {
            PrincipalState counted = new PrincipalState(state.key(), state.principal(), state.watermark(), state.recent(),
                    state.succeeded(), state.findings(), state.changes(), state.late() + 1);
            return new Step(counted, List.of(), List.of(), true, false);
        }
        Working w = new Working(state, e.principal());
        w.observe(e);
        List<Finding> emitted = new ArrayList<>();
        List<AuditEvent> unmapped = new ArrayList<>();
        boolean unmappedDenial = false;
        if (e.outcome() == Outcome.ALLOWED) {
            Set<String> keys = successKeys(e, catalog);
            for (String k : keys) {
                w.succeeded.merge(k, e.eventTime().toEpochMilli(), Math::max);
            }
            w.capSucceeded(settings.successCap());
            resolve(w, e.eventTime(), keys, book, emitted);
        } else if (e.outcome() == Outcome.DENIED) {
            unmappedDenial = deny(w, e, catalog, book, emitted, unmapped, context, knowledge);
        }
        return new Step(w.toState(settings), emitted, unmapped, false, unmappedDenial);
    }

    /** Applies an IAM change to the state of the principal it affects ({@link IamChangeEvent#targetKey()}). */
    public Step onChange(PrincipalState prior, IamChangeEvent change, CatalogLookup catalog, FindingBook book) {
        return onChange(prior, change, catalog, book, DriftContext.NONE);
    }

    /**
     * {@link #onChange(PrincipalState, IamChangeEvent, CatalogLookup, FindingBook)} with what the account says about
     * the target ({@link AccountContext#forChange}): the requests that named it, what people started recently.
     */
    public Step onChange(PrincipalState prior, IamChangeEvent change, CatalogLookup catalog, FindingBook book, DriftContext context) {
        PrincipalState state = prior != null ? prior : PrincipalState.empty(change.targetKey(), change.target());
        Working w = new Working(state, state.principal());
        AuditEvent e = change.event();
        IamChange record = new IamChange(e.eventId(), e.eventTime(), e.action(), e.principal().display(),
                change.targetLabel(), change.removedLabel());
        w.changes.add(record);
        while (w.changes.size() > settings.changeCap()) {
            w.changes.remove(0);
        }
        List<Finding> emitted = new ArrayList<>();
        if (change.kind() == IamChangeEvent.Kind.ATTACH_POLICY) {
            if (change.policyName() != null) {
                resolve(w, e.eventTime(), Set.of(attachKey(change.policyName())), book, emitted);
            }
            return new Step(w.toState(settings), emitted, List.of(), false, false);
        }
        predictBreakage(w, change, record, catalog, book, emitted, context);
        return new Step(w.toState(settings), emitted, List.of(), false, false);
    }

    // ---------------------------------------------------------------- denials

    private boolean deny(Working w, AuditEvent e, CatalogLookup catalog, FindingBook book, List<Finding> emitted, List<AuditEvent> unmapped,
                         List<ContextSignal> context, PolicyKnowledge knowledge) {
        List<Match> matches = DenialMatcher.match(e, catalog);
        String trigger = triggerKey(e);
        List<String> resolveKeys = resolveKeys(e);
        if (matches.isEmpty()) {
            FindingKind kind = e.explicitDeny() ? FindingKind.EXPLICIT_DENY : FindingKind.UNMAPPED_DENIAL;
            Grant grant = Grant.action(e.iamAction() != null ? e.iamAction() : DenialMatcher.apiLabel(e));
            List<KnownDeny> denies = knowledge.denies(actionsOf(List.of(), e), e.iamAction(), e.resource());
            List<MissingGrant> missing = List.of(new MissingGrant(grant, Certainty.CERTAIN, GrantInference.holderOf(e), null,
                    e.explicitDeny() ? explicitReason(e, denies) : "No catalog entry explains this denial of " + grant.value()
                            + "; the catalog's to-do list has it.", null, null));
            String id = FindingIds.of(kind, e.cloud(), w.principal, null, grant);
            Finding candidate = new Finding(id, kind, FindingStatus.OPEN, e.cloud(), w.principal, null, null, missing, 0.0,
                    List.of(), evidenceOf(e), null, catalog.version(), null, null, e.eventTime(), denies);
            boolean out = upsert(w, candidate, e, resolveKeys, book, emitted);
            if (out && kind == FindingKind.UNMAPPED_DENIAL) {
                unmapped.add(e);
            }
            resolveByLaterSuccess(w, e, kind, resolveKeys, book, emitted);
            return kind == FindingKind.UNMAPPED_DENIAL;
        }
        supersedeUnmapped(w, e, trigger, book, emitted);
        Ranking ranking = ScenarioRanker.rank(e, matches, w.snapshot(), catalog, settings, context);
        Scenario scenario = ranking.chosen();
        GrantInference.Inferred inferred = GrantInference.infer(e, matches, scenario, w.snapshot(), catalog);
        FindingKind kind;
        List<MissingGrant> missing;
        IamChange cause = null;
        List<KnownDeny> denies = knowledge.denies(actionsOf(inferred.missing(), e), e.iamAction(), e.resource());
        if (e.explicitDeny()) {
            kind = FindingKind.EXPLICIT_DENY;
            MissingGrant d = inferred.missing().get(0);
            missing = List.of(new MissingGrant(d.grant(), Certainty.CERTAIN, d.holder(), d.requirementId(), explicitReason(e, denies),
                    null, d.citation()));
        } else {
            Instant before = succeededBefore(w, resolveKeys, e.eventTime());
            kind = before != null ? FindingKind.REGRESSION : FindingKind.MISSING_GRANT;
            missing = inferred.missing();
            if (kind == FindingKind.REGRESSION) {
                cause = w.latestChangeBefore(e.eventTime());
                MissingGrant d = missing.get(0);
                List<MissingGrant> adjusted = new ArrayList<>(missing);
                adjusted.set(0, new MissingGrant(d.grant(), d.certainty(), d.holder(), d.requirementId(),
                        d.reason() + " It succeeded for this principal at " + before + " — a grant was removed"
                                + (cause == null ? "." : " (" + cause.action() + " by " + cause.actor() + " at " + cause.time() + ")."),
                        d.systemPolicy(), d.citation()));
                missing = adjusted;
            }
        }
        String id = FindingIds.of(kind, e.cloud(), w.principal, scenario.id(), idGrant(inferred.denied()));
        Finding candidate = new Finding(id, kind, FindingStatus.OPEN, e.cloud(), w.principal, scenario.id(), scenario.title(),
                missing, ranking.confidence(), ranking.candidates(), evidenceOf(e), cause, catalog.version(), null, null, e.eventTime(),
                denies);
        upsert(w, candidate, e, resolveKeys, book, emitted);
        resolveByLaterSuccess(w, e, kind, resolveKeys, book, emitted);
        return false;
    }

    /**
     * When the denied call last succeeded for this principal before the denial, or null: by its IAM action or by the
     * same API ({@code service/api}). A success names no IAM action unless the catalog maps its API (ActionTrail and
     * CTS log the action only for refusals), so keying on the action alone missed every regression of an unmapped call.
     * Only the newest success per key is kept: a key whose newest success is after the denial does not count.
     */
    private static Instant succeededBefore(Working w, List<String> keys, Instant denial) {
        long best = Long.MIN_VALUE;
        for (String k : keys) {
            Long t = w.succeeded.get(k);
            if (t != null && t < denial.toEpochMilli() && t > best) {
                best = t;
            }
        }
        return best == Long.MIN_VALUE ? null : Instant.ofEpochMilli(best);
    }

    /** The id uses the grant's resource only where it names a role (delegation); object paths would split one storm into many findings. */
    private static Grant idGrant(Grant g) {
        return g.type() == GrantType.PASS_ROLE || g.type() == GrantType.TRUST_PRINCIPAL ? g : new Grant(g.type(), g.value(), null);
    }

    private static String explicitReason(AuditEvent e, List<KnownDeny> denies) {
        String what = e.iamAction() != null ? e.iamAction() : DenialMatcher.apiLabel(e);
        KnownDeny named = denies.isEmpty() || !denies.get(0).matched() ? null : denies.get(0);
        if (named != null) {
            return "An explicit Deny blocks " + what + " for " + e.principal().display() + ": " + named.label()
                    + (named.conditional() ? " denies it under a Condition GrantWatch does not evaluate (the likely cause)" : " denies it")
                    + ". Adding an Allow will not help: change or remove that statement, or record an accepted-risk mute rule if it is intended.";
        }
        return "An explicit Deny blocks " + what + " for " + e.principal().display()
                + ". Adding an Allow will not help: review the Deny statement (identity policy, control policy / guardrail,"
                + " session or resource policy) that names it.";
    }

    /** The actions a finding would grant the principal: the denied one and the action grants among the missing. */
    private static List<String> actionsOf(List<MissingGrant> missing, AuditEvent e) {
        Set<String> out = new LinkedHashSet<>();
        if (e.iamAction() != null && !e.iamAction().isBlank()) {
            out.add(e.iamAction());
        }
        for (MissingGrant m : missing) {
            Grant g = m.grant();
            if (g == null) {
                continue;
            }
            switch (g.type()) {
                case ACTION, AGENCY_ACTION -> out.add(g.value());
                case PASS_ROLE -> out.add("ram:PassRole");
                default -> {
                }
            }
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------- resolution

    /**
     * A denial that arrives after a later success of the same grant (out of order within the grace:
     * the clouds deliver in batches, and the topology's paths differ in length) ends as it would have
     * in time order: opened, then resolved by that success. Only the newest success time per key is
     * kept, so {@code resolvedAt} is the newest success, not necessarily the first one after the denial.
     */
    private void resolveByLaterSuccess(Working w, AuditEvent e, FindingKind kind, List<String> resolveKeys, FindingBook book,
                                       List<Finding> emitted) {
        List<String> keys = kind == FindingKind.EXPLICIT_DENY ? resolveKeys.subList(0, Math.min(1, resolveKeys.size())) : resolveKeys;
        long newest = Long.MIN_VALUE;
        String key = null;
        for (String k : keys) {
            Long t = w.succeeded.get(k);
            if (t != null && t > newest) {
                newest = t;
                key = k;
            }
        }
        if (key != null && newest > e.eventTime().toEpochMilli()) {
            resolve(w, Instant.ofEpochMilli(newest), Set.of(key), book, emitted);
        }
    }

    private void resolve(Working w, Instant at, Set<String> keys, FindingBook book, List<Finding> emitted) {
        for (int i = 0; i < w.findings.size(); i++) {
            FindingRef ref = w.findings.get(i);
            if (!ref.open() || ref.kind() == FindingKind.EXPLICIT_DENY && !keys.contains(first(ref.resolveKeys()))) {
                continue;
            }
            if (at.isBefore(ref.lastSeen()) || !intersects(ref.resolveKeys(), keys)) {
                continue;
            }
            Finding f = book.get(ref.id());
            FindingRef closed = new FindingRef(ref.id(), ref.kind(), FindingStatus.RESOLVED, ref.scenarioId(), ref.resolveKeys(),
                    ref.firstSeen(), ref.lastSeen(), ref.count());
            w.findings.set(i, closed);
            if (f == null) {
                continue;
            }
            Instant first = f.evidence() != null && f.evidence().firstSeen() != null ? f.evidence().firstSeen() : ref.firstSeen();
            Finding resolved = new Finding(f.id(), f.kind(), FindingStatus.RESOLVED, f.cloud(), f.principal(), f.scenarioId(),
                    f.scenarioTitle(), f.missing(), f.confidence(), f.ranking(), f.evidence(), f.change(), f.catalogVersion(),
                    at, Duration.between(first, at), at, f.knownDenies());
            book.put(resolved);
            emitted.add(resolved);
        }
    }

    /**
     * A denial the catalog could not explain before (the catalog arrived late, or a new version maps
     * it) is closed once the same call is explained: the new finding replaces it. Closed as RESOLVED
     * without a time to grant — nothing was granted.
     */
    private static void supersedeUnmapped(Working w, AuditEvent e, String trigger, FindingBook book, List<Finding> emitted) {
        for (int i = 0; i < w.findings.size(); i++) {
            FindingRef ref = w.findings.get(i);
            if (!ref.open() || ref.kind() != FindingKind.UNMAPPED_DENIAL || trigger == null || !ref.resolveKeys().contains(trigger)) {
                continue;
            }
            w.findings.set(i, new FindingRef(ref.id(), ref.kind(), FindingStatus.RESOLVED, ref.scenarioId(), ref.resolveKeys(),
                    ref.firstSeen(), ref.lastSeen(), ref.count()));
            Finding f = book.get(ref.id());
            if (f != null) {
                Finding closed = new Finding(f.id(), f.kind(), FindingStatus.RESOLVED, f.cloud(), f.principal(), f.scenarioId(),
                        f.scenarioTitle(), f.missing(), f.confidence(), f.ranking(), f.evidence(), f.change(), f.catalogVersion(),
                        e.eventTime(), null, e.eventTime(), f.knownDenies());
                book.put(closed);
                emitted.add(closed);
            }
        }
    }

    private static String first(List<String> keys) {
        return keys.isEmpty() ? null : keys.get(0);
    }

    private static boolean intersects(List<String> a, Set<String> b) {
        for (String s : a) {
            if (b.contains(s)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- drift

    /** Why a scenario counts as in use by the changed principal ({@code why}, for the finding) and how strongly. */
    private record Usage(double weight, String why) {
    }

    private void predictBreakage(Working w, IamChangeEvent change, IamChange record, CatalogLookup catalog, FindingBook book,
                                 List<Finding> emitted, DriftContext context) {
        AuditEvent e = change.event();
        Map<String, Usage> candidates = activeScenarios(w, change, catalog, context);
        boolean groupWide = change.targetKind() == IamChangeEvent.TargetKind.GROUP || change.targetKind() == IamChangeEvent.TargetKind.POLICY;
        if (groupWide && change.policyName() != null) {
            // Group members and policy attachments are not in the audit trail we read: say which
            // scenarios need the removed policy, with low confidence, on the group or policy itself.
            for (Requirement r : catalog.index().bySystemPolicy(change.policyName())) {
                catalog.index().scenarioOf(r.id()).ifPresent(s -> candidates.putIfAbsent(s.id(), new Usage(0.3, null)));
            }
        }
        if (change.targetKind() == IamChangeEvent.TargetKind.ROLE && change.kind() == IamChangeEvent.Kind.UPDATE_TRUST && !w.recent.isEmpty()) {
            for (Scenario s : catalog.index().scenarios()) {
                if (s.cloud() == e.cloud() && s.requirements().stream().anyMatch(r -> r.grant().type() == GrantType.TRUST_PRINCIPAL)) {
                    candidates.putIfAbsent(s.id(), new Usage(0.5, "the role made calls within the last " + hours(settings.activityWindow())));
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
            if (b != null && groupWide) {
                b = b.with(Certainty.POSSIBLE, 0.3, b.why + "; GrantWatch does not see who belongs to "
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
        ranking.sort(Comparator.comparingDouble(ScenarioCandidate::score).reversed().thenComparing(ScenarioCandidate::scenarioId));
        String account = change.target().accountId();
        String roleName = change.target().roleName();
        String fillRole = change.targetKind() == IamChangeEvent.TargetKind.ROLE ? roleName : null;
        for (Broken b : all) {
            Grant removed = removedGrant(change, b);
            Grant shown = shownRemoved(change, removed);
            List<MissingGrant> missing = new ArrayList<>();
            String holder = holderOf(change.targetKind()).name();
            String unknown = shown.resource() == null && removed.resource() != null && change.targetKind() == IamChangeEvent.TargetKind.ROLE
                    ? " The record names no account id, so the role's ARN is not known: the role is " + roleName + "." : "";
            // a trust principal comes from the scenario's trust requirement: cite it, and list it once
            Requirement trust = shown.type() == GrantType.TRUST_PRINCIPAL ? b.requirements.get(0) : null;
            missing.add(new MissingGrant(shown, Certainty.CERTAIN, holder, trust == null ? null : trust.id(),
                    change.event().action() + " by " + record.actor() + " at " + record.time() + " " + whatItDid(change) + "; " + b.why + "."
                            + unknown + (b.note == null ? "" : " " + b.note),
                    b.systemPolicy, trust == null ? null : trust.citation()));
            Set<String> seen = new LinkedHashSet<>();
            seen.add(shown.key());
            if (trust != null) {
                seen.add(GrantInference.concrete(trust.grant(), account, fillRole).key());
            }
            for (Requirement r : b.requirements) {
                Grant g = GrantInference.concrete(r.grant(), account, fillRole);
                if (g.type() == GrantType.ACTION && change.targetKind() == IamChangeEvent.TargetKind.AGENCY) {
                    g = new Grant(GrantType.AGENCY_ACTION, g.value(), g.resource());
                }
                if (seen.add(g.key())) {
                    String gap = g.resource() == null && r.grant().resource() != null
                            ? " (" + r.grant().resource() + ": the record does not say which " + unfilledLabel(r.grant().resource()) + ")" : "";
                    missing.add(new MissingGrant(g, b.certainty, holder, r.id(), b.scenario.title() + " needs it: "
                            + (r.purpose() != null ? r.purpose() : r.service()) + gap + ". It will break.",
                            g.type() == GrantType.SYSTEM_POLICY ? g.value() : null, r.citation()));
                }
            }
            String id = FindingIds.of(FindingKind.PREDICTED_BREAKAGE, e.cloud(), w.principal, b.scenario.id(), removed);
            Evidence ev = new Evidence(List.of(e.eventId()), e.eventTime(), e.eventTime(), 1, e.service(), e.action(), null,
                    change.targetLabel(), null, null);
            Finding candidate = new Finding(id, FindingKind.PREDICTED_BREAKAGE, FindingStatus.OPEN, e.cloud(), w.principal,
                    b.scenario.id(), b.scenario.title(), missing, ScenarioRanker.round(b.confidence), ranking, ev, record,
                    catalog.version(), null, null, e.eventTime());
            List<String> keys = new ArrayList<>();
            if (change.policyName() != null) {
                keys.add(attachKey(change.policyName()));
            }
            keys.addAll(b.usedKeys);
            upsert(w, candidate, e, keys, book, emitted);
        }
    }

    /** The change in a few words: {@code removed X from user u}, {@code replaced the trust policy of role r}, ... */
    private static String whatItDid(IamChangeEvent change) {
        return switch (change.kind()) {
            case UPDATE_TRUST -> "replaced the trust policy of " + change.targetLabel();
            case DELETE_ROLE -> "deleted " + change.targetLabel();
            case UPDATE_AGENCY -> "changed the settings of " + change.targetLabel();
            case DELETE_POLICY -> "deleted " + change.removedLabel();
            case CHANGE_POLICY -> "changed the document in force of " + change.removedLabel() + ", which " + change.targetLabel() + " holds"
                    + (change.viaGroup() == null ? "" : " through group " + change.viaGroup());
            default -> "removed " + (change.policyName() != null && change.policyName().equals(change.policyId())
                    ? "the policy with id " + change.policyName() : change.removedLabel()) + " from " + change.holderLabel();
        };
    }

    /**
     * What a change breaks in one scenario.
     *
     * @param systemPolicy the removed policy when it is a system policy (the finding offers it back), else null
     * @param note         a sentence for the removed grant only (how to read a policy whose content is unknown), or null
     */
    private record Broken(Scenario scenario, List<Requirement> requirements, Certainty certainty, double confidence,
                          String why, List<String> usedKeys, String systemPolicy, String note) {
        Broken(Scenario scenario, List<Requirement> requirements, Certainty certainty, double confidence, String why, List<String> usedKeys) {
            this(scenario, requirements, certainty, confidence, why, usedKeys, null, null);
        }

        Broken with(Certainty c, double conf, String newWhy) {
            return new Broken(scenario, requirements, c, conf, newWhy, usedKeys, systemPolicy, note);
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
            case DETACH_POLICY, DELETE_POLICY, CHANGE_POLICY -> {
                String policy = change.policyName();
                PolicyRemoval removal = context.removal();
                if (removal != null && removal.granted() != null) {
                    return brokenByContent(change, s, removal, used, usedKeys, activity, lostCalls(w, change, s, removal, catalog));
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
                            ? new Broken(s, hit, Certainty.POSSIBLE, Math.min(1.0, 0.3 + activity), s.title() + " is in use and needs "
                                    + covers.get(0) + ", which " + policy + " (by its name) grants", usedKeys, system, null)
                            : new Broken(s, hit, Certainty.LIKELY, Math.min(1.0, 0.5 + activity),
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
                    return new Broken(s, used, Certainty.POSSIBLE, 0.3, what + " is unknown to GrantWatch; the principal was using these grants of "
                            + s.title(), usedKeys, system, note);
                }
                Holder holder = holderOf(change.targetKind());
                List<Requirement> held = s.requirements().stream().filter(r -> r.holder() == holder && r.phase() == Phase.USE
                        && r.grant().type() != GrantType.DENIED_ACTION && r.grant().type() != GrantType.SERVICE_ACTIVATION
                        && !stillGranted(removal, r)).toList();
                return held.isEmpty() ? null : new Broken(s, held, Certainty.POSSIBLE, 0.2, what + " is unknown to GrantWatch; " + s.title()
                        + " is in use and keeps these grants on the " + holder.name().toLowerCase(Locale.ROOT) + ", any of which it may have held",
                        usedKeys, system, note);
            }
            case DELETE_ROLE -> {
                // a row that names no grant (DENIED_ACTION) only answers denials: never listed as a grant
                List<Requirement> hit = used.isEmpty()
                        ? s.requirements().stream().filter(r -> r.grant().type() != GrantType.DENIED_ACTION).toList() : used;
                return new Broken(s, hit, Certainty.LIKELY, Math.min(1.0, 0.6 + activity),
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
                if (reading.error() != null) {
                    return new Broken(s, hit, Certainty.POSSIBLE, Math.min(1.0, 0.3 + activity), "GrantWatch could not read the new trust policy ("
                            + reading.error() + ") and it does not name " + service + ", which " + s.title() + " needs", usedKeys);
                }
                return new Broken(s, hit, Certainty.CERTAIN, Math.min(1.0, 0.4 + activity), "the new trust policy no longer lets " + service
                        + " assume " + change.targetLabel() + " (it trusts " + (reading.services().isEmpty() ? "no service principal"
                        : String.join(", ", reading.services())) + "), which " + s.title() + " needs", usedKeys);
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * A detach or deletion whose document the inventory knows: the scenario's grants that the document allowed and that
     * no other policy the principal holds (with a known document) still allows. Nothing is predicted when the document
     * grants none of them.
     */
    private static Broken brokenByContent(IamChangeEvent change, Scenario s, PolicyRemoval removal, List<Requirement> used,
                                          List<String> usedKeys, double activity, List<Requirement> lostCalls) {
        List<Requirement> hit = new ArrayList<>();
        for (Requirement r : s.requirements()) {
            if (grantsAction(r) && removal.granted().stream().anyMatch(p -> Patterns.matches(p, r.grant().value()))
                    && !stillGranted(removal, r)) {
                hit.add(r);
            }
        }
        hit.addAll(lostCalls);
        if (hit.isEmpty()) {
            return null;
        }
        boolean inUse = !lostCalls.isEmpty() || hit.stream().anyMatch(used::contains);
        String others = removal.unknownElsewhere().isEmpty() ? ""
                : " (unless one of the principal's policies whose content GrantWatch does not know grants it: "
                        + String.join(", ", removal.unknownElsewhere()) + ")";
        // the document is known, so the grants are; whether the scenario still runs depends on policies not known
        Certainty c = inUse && removal.unknownElsewhere().isEmpty() ? Certainty.CERTAIN : Certainty.LIKELY;
        String system = "custom".equalsIgnoreCase(change.policyType()) || change.policyName() == null
                || change.policyName().equals(change.policyId()) ? null : change.policyName();
        return new Broken(s, hit, c, Math.min(1.0, 0.5 + activity), s.title() + " is in use and needs what " + removal.label()
                + " allowed (its document is in the inventory), and no other policy the principal holds allows it" + others,
                usedKeys, system, null);
    }

    /**
     * The principal's own successful calls within the drift horizon that signal the scenario, that the removed document
     * allowed and that nothing else it holds (with a known document) allows: each as the one action to grant back. The
     * action is the document's own (non-wildcard) Action that allowed the call, else the catalog's action for the API;
     * a call allowed only by a wildcard the catalog cannot narrow is named in the reason, never granted as the wildcard.
     */
    private List<Requirement> lostCalls(Working w, IamChangeEvent change, Scenario s, PolicyRemoval removal, CatalogLookup catalog) {
        AuditEvent e = change.event();
        long from = e.eventTime().minus(settings.driftHorizon()).toEpochMilli();
        Holder holder = holderOf(change.targetKind());
        Map<String, Requirement> out = new LinkedHashMap<>();
        for (Activity a : w.recent) {
            if (a.at() < from || a.outcome() != Outcome.ALLOWED || a.api() == null
                    || !catalog.signalled(e.cloud(), a.api()).contains(s.id()) && (a.action() == null || !catalog.signalled(e.cloud(), a.action()).contains(s.id()))) {
                continue;
            }
            String key = a.action() != null ? a.action() : a.api();
            if (removal.granted().stream().noneMatch(p -> proves(key, p)) || removal.stillGranted().stream().anyMatch(p -> proves(key, p))) {
                continue;
            }
            String action = removal.granted().stream().filter(p -> !ActionPattern.isWildcard(p) && proves(key, p)).findFirst()
                    .or(() -> actionOfApi(catalog, e.cloud(), a.api())).orElse(null);
            if (action == null || out.containsKey(action.toLowerCase(Locale.ROOT))) {
                continue;
            }
            String service = a.api().substring(0, Math.max(0, a.api().indexOf('/')));
            out.put(action.toLowerCase(Locale.ROOT), new Requirement(null, service, Grant.action(action), List.of(), Phase.USE, Necessity.REQUIRED,
                    holder, "its call " + a.api() + " at " + a.time() + " succeeded with it, and " + removal.label() + " allowed it", null));
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

    /** Whether another policy the principal holds, whose document the inventory knows, still allows the requirement. */
    private static boolean stillGranted(PolicyRemoval removal, Requirement r) {
        return removal != null && grantsAction(r) && removal.stillGranted().stream().anyMatch(p -> Patterns.matches(p, r.grant().value()));
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
    private record TrustReading(List<String> services, String error, String text) {
        static TrustReading of(String doc) {
            try {
                return new TrustReading(PolicyEvaluator.trustedServices(Json.wire().readTree(doc)), null, doc);
            } catch (IllegalArgumentException | java.io.IOException ex) {
                String why = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
                return new TrustReading(List.of(), why.length() > 120 ? why.substring(0, 120) + "…" : why, doc);
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
    private static Grant shownRemoved(IamChangeEvent change, Grant removed) {
        if (removed.type() != GrantType.TRUST_PRINCIPAL || change.targetKind() != IamChangeEvent.TargetKind.ROLE
                || change.event().cloud() != Cloud.ALIBABA) {
            return removed;
        }
        String account = change.target().accountId();
        return removed.onResource(account == null || account.isBlank() ? null : "acs:ram::" + account + ":role/" + change.target().roleName());
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
                use(out, id, 0.1, 0.5, why);
            }
            for (String id : catalog.signalled(e.cloud(), a.api())) {
                use(out, id, 0.1, 0.5, why);
            }
        }
        // Longer-lived use: calls that succeeded within the drift horizon (the success map keeps one time per call).
        Instant horizon = e.eventTime().minus(settings.driftHorizon());
        for (Map.Entry<String, Long> used : w.succeeded.entrySet()) {
            if (used.getValue() >= horizon.toEpochMilli() && used.getValue() <= e.eventTime().toEpochMilli()) {
                for (String id : catalog.signalled(e.cloud(), used.getKey())) {
                    out.putIfAbsent(id, new Usage(0.1, "it succeeded at " + used.getKey() + " at " + Instant.ofEpochMilli(used.getValue())));
                }
            }
        }
        for (FindingRef f : w.findings) {
            if (f.open() && f.scenarioId() != null && f.kind() != FindingKind.PREDICTED_BREAKAGE) {
                out.putIfAbsent(f.scenarioId(), new Usage(0.2, "it has an open " + f.kind() + " finding in it"));
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
                    use(out, id, 0.3, 0.5, why);
                }
            }
        }
        // A role or agency that acted within the window, or that a request named, in an account where a person just
        // started what the platform runs under such an identity (a training job under the agency ModelArts was given).
        boolean acted = w.watermark != null && !w.watermark.isBefore(e.eventTime().minus(settings.activityWindow()));
        if (delegate && (acted || !context.references().isEmpty())) {
            RoleReference named = context.references().isEmpty() ? null : context.references().get(context.references().size() - 1);
            String because = acted ? "it acted at " + w.watermark : named.api() + " by " + named.who() + " at " + named.time() + " named it";
            for (ContextSignal c : context.signals()) {
                if (holds(catalog, c.scenarioId(), holder)) {
                    out.putIfAbsent(c.scenarioId(), new Usage(0.2, c.who() + " called " + c.api() + " at " + c.time()
                            + ", which the service runs under this " + kind + ", and " + because));
                }
            }
        }
        return out;
    }

    /** Whether a scenario keeps any of its grants on this kind of holder (an agency, a role). */
    private static boolean holds(CatalogLookup catalog, String scenarioId, Holder holder) {
        return catalog.scenario(scenarioId).map(s -> s.requirements().stream().anyMatch(r -> r.holder() == holder)).orElse(false);
    }

    /** Adds weight to a scenario's usage up to a cap; the first reason found stays the one the finding gives. */
    private static void use(Map<String, Usage> out, String id, double add, double cap, String why) {
        Usage u = out.get(id);
        out.put(id, u == null ? new Usage(Math.min(cap, add), why) : new Usage(Math.min(cap, u.weight() + add), u.why() != null ? u.why() : why));
    }

    private static String hours(Duration d) {
        return d.toMinutes() % 60 == 0 ? d.toHours() + " h" : d.toMinutes() + " min";
    }

    private static String attachKey(String policy) {
        return "attach:" + policy.toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- findings

    /**
     * Merges a freshly inferred finding into the stored one and decides whether to emit it.
     * @return whether it was emitted
     */
    private boolean upsert(Working w, Finding candidate, AuditEvent e, List<String> resolveKeys, FindingBook book, List<Finding> emitted) {
        int at = w.indexOf(candidate.id());
        Finding existing = at >= 0 ? book.get(candidate.id()) : null;
        Finding next;
        boolean emit;
        if (existing == null) {
            next = candidate;
            emit = true;
        } else if (existing.evidence().eventIds().contains(e.eventId())) {
            // A re-send of an event already counted (ingest re-sends after a crash between send and
            // checkpoint, pollers overlap their windows): event-id idempotence, nothing changes.
            return false;
        } else {
            Evidence old = existing.evidence();
            boolean newest = !e.eventTime().isBefore(old.lastSeen());
            List<String> ids = new ArrayList<>(old.eventIds());
            if (!ids.contains(e.eventId())) {
                ids.add(e.eventId());
            }
            while (ids.size() > settings.eventIdsKept()) {
                ids.remove(0);
            }
            long count = old.count() + 1;
            Evidence latest = candidate.evidence();
            Evidence merged = new Evidence(ids, min(old.firstSeen(), e.eventTime()), max(old.lastSeen(), e.eventTime()), count,
                    newest ? latest.service() : old.service(), newest ? latest.api() : old.api(),
                    newest ? latest.deniedAction() : old.deniedAction(), newest ? latest.resource() : old.resource(),
                    newest ? latest.errorCode() : old.errorCode(), newest ? latest.errorMessage() : old.errorMessage());
            boolean reopen = existing.status() == FindingStatus.RESOLVED && existing.resolvedAt() != null
                    && e.eventTime().isAfter(existing.resolvedAt());
            List<MissingGrant> missing = newest ? candidate.missing() : existing.missing();
            boolean missingChanged = !sameGrants(existing.missing(), missing);
            FindingStatus status = reopen ? FindingStatus.OPEN : existing.status();
            next = new Finding(existing.id(), existing.kind(), status, existing.cloud(), newest ? candidate.principal() : existing.principal(),
                    existing.scenarioId(), existing.scenarioTitle(), missing,
                    newest ? candidate.confidence() : existing.confidence(), newest ? candidate.ranking() : existing.ranking(),
                    merged, candidate.change() != null ? candidate.change() : existing.change(),
                    newest ? candidate.catalogVersion() : existing.catalogVersion(),
                    reopen ? null : existing.resolvedAt(), reopen ? null : existing.timeToGrant(),
                    max(existing.updatedAt(), e.eventTime()), newest ? candidate.knownDenies() : existing.knownDenies());
            // what the inventory says blocks the fix changed (a snapshot arrived, a Deny was removed): the fix changes with it
            boolean deniesChanged = !next.knownDenies().equals(existing.knownDenies());
            emit = reopen || missingChanged || deniesChanged || milestone(count);
        }
        book.put(next);
        FindingRef ref = new FindingRef(next.id(), next.kind(), next.status(), next.scenarioId(), resolveKeys,
                next.evidence().firstSeen(), next.evidence().lastSeen(), next.evidence().count());
        if (at >= 0) {
            w.findings.set(at, ref);
        } else {
            w.findings.add(ref);
        }
        if (emit) {
            emitted.add(next);
        }
        return emit;
    }

    /** Count milestones at which a repeated finding is re-emitted: 10, 100, 1000, ... */
    static boolean milestone(long count) {
        if (count < 10) {
            return false;
        }
        long c = count;
        while (c % 10 == 0) {
            c /= 10;
        }
        return c == 1;
    }

    private static boolean sameGrants(List<MissingGrant> a, List<MissingGrant> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).grant().equals(b.get(i).grant()) || a.get(i).certainty() != b.get(i).certainty()) {
                return false;
            }
        }
        return true;
    }

    private static Evidence evidenceOf(AuditEvent e) {
        return new Evidence(List.of(e.eventId()), e.eventTime(), e.eventTime(), 1, e.service(), e.action(), e.iamAction(),
                e.resource(), e.errorCode(), e.errorMessage());
    }

    // ---------------------------------------------------------------- keys

    /** The key whose earlier success makes a denial a regression: the IAM action, else {@code service/api}. */
    static String triggerKey(AuditEvent e) {
        if (e.iamAction() != null && !e.iamAction().isBlank()) {
            return e.iamAction().toLowerCase(Locale.ROOT);
        }
        return apiKey(e);
    }

    /** Keys whose later success resolves a denial: its IAM action and its API. */
    static List<String> resolveKeys(AuditEvent e) {
        Set<String> out = new LinkedHashSet<>();
        String t = triggerKey(e);
        if (t != null) {
            out.add(t);
        }
        String api = apiKey(e);
        if (api != null) {
            out.add(api);
        }
        return List.copyOf(out);
    }

    /** Keys a success proves: its IAM action, its API, and the actions the catalog maps that API to. */
    static Set<String> successKeys(AuditEvent e, CatalogLookup catalog) {
        Set<String> out = new LinkedHashSet<>();
        if (e.iamAction() != null && !e.iamAction().isBlank()) {
            out.add(e.iamAction().toLowerCase(Locale.ROOT));
        }
        String api = apiKey(e);
        if (api != null) {
            out.add(api);
        }
        for (String a : catalog.actionsForApi(e.cloud(), e.service(), e.action())) {
            if (!io.grantwatch.model.catalog.ActionPattern.isWildcard(a)) {
                out.add(a.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    static String apiKey(AuditEvent e) {
        if (e.action() == null) {
            return null;
        }
        return (e.service() == null ? "" : e.service().toLowerCase(Locale.ROOT)) + "/" + e.action().toLowerCase(Locale.ROOT);
    }

    private static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    // ---------------------------------------------------------------- working copy

    /** A mutable copy of a principal's state for the duration of one step. */
    private static final class Working {
        final String key;
        Principal principal;
        Instant watermark;
        final List<Activity> recent;
        final Map<String, Long> succeeded;
        final List<FindingRef> findings;
        final List<IamChange> changes;
        final long late;

        Working(PrincipalState s, Principal latest) {
            key = s.key();
            // An equal principal keeps the stored instance: its strings are already hashed and shared with the cached state.
            principal = latest == null || latest.equals(s.principal()) ? s.principal() : latest;
            watermark = s.watermark();
            recent = new ArrayList<>(s.recent());
            succeeded = new LinkedHashMap<>(s.succeeded());
            findings = new ArrayList<>(s.findings());
            changes = new ArrayList<>(s.changes());
            late = s.late();
        }

        void observe(AuditEvent e) {
            watermark = max(watermark, e.eventTime());
            Activity a = new Activity(e.eventTime(), e.iamAction() == null ? null : e.iamAction().toLowerCase(Locale.ROOT),
                    apiKey(e), e.outcome());
            int i = recent.size();
            while (i > 0 && recent.get(i - 1).at() > a.at()) {
                i--;
            }
            recent.add(i, a);
        }

        void capSucceeded(int cap) {
            if (succeeded.size() <= cap) {
                return;
            }
            List<Map.Entry<String, Long>> byAge = new ArrayList<>(succeeded.entrySet());
            byAge.sort(Map.Entry.comparingByValue());
            for (int i = 0; i < byAge.size() - cap; i++) {
                succeeded.remove(byAge.get(i).getKey());
            }
        }

        int indexOf(String id) {
            for (int i = 0; i < findings.size(); i++) {
                if (findings.get(i).id().equals(id)) {
                    return i;
                }
            }
            return -1;
        }

        IamChange latestChangeBefore(Instant t) {
            IamChange best = null;
            for (IamChange c : changes) {
                if (!c.time().isAfter(t) && (best == null || c.time().isAfter(best.time()))) {
                    best = c;
                }
            }
            return best;
        }

        PrincipalState snapshot() {
            return new PrincipalState(key, principal, watermark, recent, succeeded, findings, changes, late);
        }

        PrincipalState toState(DetectorSettings settings) {
            if (watermark != null) {
                long horizon = watermark.minus(settings.activityWindow()).toEpochMilli();
                recent.removeIf(a -> a.at() < horizon);
            }
            while (recent.size() > settings.activityCap()) {
                recent.remove(0);
            }
            while (findings.size() > settings.findingCap()) {
                int victim = 0;
                for (int i = 0; i < findings.size(); i++) {
                    if (!findings.get(i).open()) {
                        victim = i;
                        break;
                    }
                }
                findings.remove(victim);
            }
            return new PrincipalState(key, principal, watermark, recent, succeeded, findings, changes, late);
        }
    }
}
