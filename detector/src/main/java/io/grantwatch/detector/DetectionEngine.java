package io.grantwatch.detector;

import io.grantwatch.detector.inventory.PolicyKnowledge;
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
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

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

    private final DetectorSettings settings;
    private final DriftPredictor drift;

    public DetectionEngine(DetectorSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.drift = new DriftPredictor(settings, this::upsert);
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
            return Step.lateEvent(counted);
        }
        if (e.outcome() == Outcome.DENIED && alreadyCounted(state, e, book)) {
            // a re-send (ingest after a crash, a replayed folder, overlapping pollers): event-id idempotence across every
            // finding of the principal, so the replay can neither count the denial again nor rank it into another scenario
            return Step.of(state, List.of());
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
        return Step.inTime(w.toState(settings), emitted, unmapped, unmappedDenial);
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
        // the change hits the role, not the session last seen acting as it: its findings name the role
        Working w = new Working(state, state.principal() == null ? change.target() : state.principal().withoutSession());
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
                resolve(w, e.eventTime(), Set.of(DriftPredictor.attachKey(change.policyName())), book, emitted);
            }
            if (context.removal() == null) {
                return Step.of(w.toState(settings), emitted);
            }
            // an attached policy whose known document holds Deny statements can take what a feature in use needs
        }
        if (change.kind() == IamChangeEvent.Kind.DELETE_ROLE) {
            // a deleted agency holds nothing any more: nothing left to be beyond the need
            resolve(w, e.eventTime(), new LinkedHashSet<>(List.of("scope:" + change.target().key(), "scope:" + w.principal.key())), book,
                    emitted);
        }
        drift.predict(w, change, record, catalog, book, emitted, context);
        return Step.of(w.toState(settings), emitted);
    }

    /**
     * An agency's scope checked against seed 004's minimal scope ({@link AgencyScope}): an OVER_REACH finding on the
     * agency naming what it holds beyond the need and the minimal set, updated as the inventory changes; resolved once
     * nothing known is beyond the need ({@code result} null).
     */
    Step onScope(PrincipalState prior, Principal agency, String stateKey, AuditEvent e, AgencyScope.Result result, CatalogLookup catalog,
                 FindingBook book) {
        PrincipalState state = prior != null ? prior : PrincipalState.empty(stateKey, agency);
        Working w = new Working(state, state.principal());
        List<Finding> emitted = new ArrayList<>();
        String key = "scope:" + agency.key();
        if (result == null) {
            resolve(w, e.eventTime(), Set.of(key), book, emitted);
            return Step.of(w.toState(settings), emitted);
        }
        String seedRule = "seed 004 (委托授权的最小化) asks that an agency hold what the ModelArts features in use need";
        List<MissingGrant> minimal = new ArrayList<>();
        for (Requirement r : result.minimal()) {
            Scenario s = catalog.index().scenarioOf(r.id()).orElse(null);
            minimal.add(new MissingGrant(new Grant(GrantType.AGENCY_ACTION, r.grant().value(), null), Certainty.LIKELY, Holder.AGENCY,
                    r.id(), (s == null ? "" : s.title() + " needs it: ") + (r.purpose() != null ? r.purpose() : r.service()) + ".", null,
                    r.citation()));
        }
        List<ScenarioCandidate> ranking = result.inUse().stream()
                .map(s -> new ScenarioCandidate(s.id(), 1.0, List.of("in use by the agency or by what named it"))).toList();
        String label = "agency " + agency.roleName();
        Evidence ev = new Evidence(List.of(e.eventId()), e.eventTime(), e.eventTime(), 1, e.service(), e.action(), null, label, null,
                result.inUse().isEmpty() ? seedRule + "; no feature of this agency is known to be in use, so it was compared with the seed's"
                        + " whole base scope" : seedRule + ": " + String.join(", ", result.inUse().stream().map(Scenario::title).toList()));
        Scenario first = result.inUse().isEmpty() ? null : result.inUse().get(0);
        String id = FindingIds.of(FindingKind.OVER_REACH, Cloud.HUAWEI, w.principal, null, null);
        Finding candidate = Finding.newOpen(id, FindingKind.OVER_REACH, Cloud.HUAWEI, w.principal, e.eventTime())
                .scenario(first == null ? null : first.id(), first == null ? null : first.title()).missing(minimal)
                .confidence(result.inUse().isEmpty() ? 0.3 : 0.6).ranking(ranking).evidence(ev).catalogVersion(catalog.version())
                .excess(result.excess()).build();
        upsert(w, candidate, e, List.of(key), book, emitted);
        return Step.of(w.toState(settings), emitted);
    }

    /**
     * Seed 004: the user an agency is configured for must hold what the agency is given (请用户确保当前用户具备委托授权中
     * 包含的依赖策略项权限). A MISSING_GRANT on the user listing what it lacks of the agency's (needed) grants; resolved when
     * a later authorization of the same agency finds nothing lacking.
     */
    Step onDelegation(PrincipalState prior, Principal user, String stateKey, AuditEvent e, String agency, List<Requirement> lacks,
                      CatalogLookup catalog, FindingBook book) {
        PrincipalState state = prior != null ? prior : PrincipalState.empty(stateKey, user);
        Working w = new Working(state, state.principal());
        List<Finding> emitted = new ArrayList<>();
        String key = "delegation:" + agency;
        if (lacks.isEmpty()) {
            resolve(w, e.eventTime(), Set.of(key), book, emitted);
            return Step.of(w.toState(settings), emitted);
        }
        List<MissingGrant> missing = new ArrayList<>();
        for (Requirement r : lacks) {
            missing.add(new MissingGrant(Grant.action(r.grant().value()), Certainty.LIKELY, Holder.USER, null,
                    "agency " + agency + " was configured for user " + user.name() + (user.id() != null && !user.id().equals(user.name())
                            ? " (" + user.id() + ")" : "") + " (" + e.action() + " at " + e.eventTime() + ") and is given "
                            + r.grant().value() + ", which the user's known policies do not allow; seed 004 asks that the user hold what"
                            + " the agency is given (请用户确保当前用户具备委托授权中包含的依赖策略项权限).",
                    null, DELEGATING_USER));
        }
        Scenario scenario = lacks.stream().map(r -> catalog.index().scenarioOf(r.id()).orElse(null)).filter(Objects::nonNull).findFirst()
                .orElse(null);
        Grant id = new Grant(GrantType.AGENCY_ACTION, "delegate:" + agency, null);
        Evidence ev = new Evidence(List.of(e.eventId()), e.eventTime(), e.eventTime(), 1, e.service(), e.action(), null,
                "agency " + agency, null, null);
        Finding candidate = Finding.newOpen(FindingIds.of(FindingKind.MISSING_GRANT, Cloud.HUAWEI, w.principal, null, id),
                        FindingKind.MISSING_GRANT, Cloud.HUAWEI, w.principal, e.eventTime())
                .scenario(scenario == null ? null : scenario.id(), scenario == null ? null : scenario.title()).missing(missing)
                .confidence(DELEGATION_CONFIDENCE).evidence(ev).catalogVersion(catalog.version()).build();
        upsert(w, candidate, e, List.of(key), book, emitted);
        return Step.of(w.toState(settings), emitted);
    }

    /** The seed states the rule and the inventory states the facts: strong enough that every lacking grant is printed. */
    private static final double DELEGATION_CONFIDENCE = 0.7;

    /** Seed 004, 功能依赖: the user must hold the dependent permissions its agency is given. */
    private static final Citation DELEGATING_USER = new Citation("004_cae65db658487c65.txt", "功能依赖");

    // ---------------------------------------------------------------- denials

    private boolean deny(Working w, AuditEvent e, CatalogLookup catalog, FindingBook book, List<Finding> emitted, List<AuditEvent> unmapped,
                         List<ContextSignal> context, PolicyKnowledge knowledge) {
        List<Match> matches = DenialMatcher.match(e, catalog);
        String trigger = triggerKey(e);
        List<String> resolveKeys = resolveKeys(e);
        if (matches.isEmpty()) {
            Grant grant = Grant.action(e.iamAction() != null ? e.iamAction() : DenialMatcher.apiLabel(e));
            List<KnownDeny> denies = knowledge.denies(actionsOf(List.of(), e), e.iamAction(), e.resource());
            boolean explicit = e.explicitDeny() || knownExplicit(denies);
            FindingKind kind = explicit ? FindingKind.EXPLICIT_DENY : FindingKind.UNMAPPED_DENIAL;
            List<MissingGrant> missing = List.of(new MissingGrant(grant, Certainty.CERTAIN, GrantInference.holderOf(e), null,
                    explicit ? explicitReason(e, denies) : "No catalog entry explains this denial of " + grant.value()
                            + "; the catalog's to-do list has it.", null, null));
            String id = FindingIds.of(kind, e.cloud(), w.principal, null, grant);
            Finding candidate = Finding.newOpen(id, kind, e.cloud(), w.principal, e.eventTime()).missing(missing).evidence(evidenceOf(e))
                    .change(explicit ? denyingChange(w, e, denies) : null).catalogVersion(catalog.version()).knownDenies(denies).build();
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
        if (e.explicitDeny() || knownExplicit(denies)) {
            kind = FindingKind.EXPLICIT_DENY;
            MissingGrant d = inferred.missing().get(0);
            // what was denied, never a grant to add: a policy the catalog would grant is no answer to an explicit Deny
            Grant denied = d.grant().type() != GrantType.SYSTEM_POLICY && d.grant().type() != GrantType.CUSTOM_POLICY ? d.grant()
                    : Grant.action(evidenceOf(e, catalog).deniedAction() != null ? evidenceOf(e, catalog).deniedAction()
                            : DenialMatcher.apiLabel(e));
            missing = List.of(new MissingGrant(denied, Certainty.CERTAIN, d.holder(), d.requirementId(), explicitReason(e, denies),
                    null, d.citation()));
            cause = denyingChange(w, e, denies);
        } else {
            Instant before = succeededBefore(w, resolveKeys, e.eventTime());
            kind = before != null ? FindingKind.REGRESSION : FindingKind.MISSING_GRANT;
            missing = inferred.missing();
            if (kind == FindingKind.REGRESSION) {
                cause = w.latestChangeBefore(e.eventTime());
                MissingGrant d = missing.get(0);
                List<MissingGrant> adjusted = new ArrayList<>(missing);
                boolean attached = cause != null && cause.action() != null && cause.action().toLowerCase(Locale.ROOT).startsWith("attach");
                adjusted.set(0, new MissingGrant(d.grant(), d.certainty(), d.holder(), d.requirementId(),
                        d.reason() + " It succeeded for this principal at " + before + (cause == null ? " — a grant was removed."
                                : attached ? " — since then " + cause.action() + " by " + cause.actor() + " at " + cause.time() + " attached "
                                        + cause.removed() + ", which may hold a Deny that blocks it (its document is not known)."
                                : " — a grant was removed (" + cause.action() + " by " + cause.actor() + " at " + cause.time() + ")."),
                        d.systemPolicy(), d.citation()));
                missing = adjusted;
            }
        }
        String id = FindingIds.of(kind, e.cloud(), w.principal, scenario.id(), idGrant(inferred.denied()));
        Finding candidate = Finding.newOpen(id, kind, e.cloud(), w.principal, e.eventTime()).scenario(scenario.id(), scenario.title())
                .missing(missing).confidence(ranking.confidence()).ranking(ranking.candidates())
                .evidence(kind == FindingKind.REGRESSION ? evidenceOf(e, catalog) : evidenceOf(e)).change(cause)
                .catalogVersion(catalog.version()).knownDenies(denies).build();
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

    /**
     * Whether the inventory holds an unconditional Deny that matches the denied call: then the refusal is an explicit deny
     * even where the record does not say so (ActionTrail's NoPermission reads the same for both), since an explicit Deny
     * wins over any Allow (RAM and Huawei IAM alike) and an Allow would not fix it — the planner's fix check agrees.
     */
    private static boolean knownExplicit(List<KnownDeny> denies) {
        return !denies.isEmpty() && denies.get(0).matched() && !denies.get(0).conditional();
    }

    /** The principal's latest change before the denial when it attached (or changed) the policy that holds the Deny named. */
    private static IamChange denyingChange(Working w, AuditEvent e, List<KnownDeny> denies) {
        IamChange latest = w.latestChangeBefore(e.eventTime());
        KnownDeny named = denies.isEmpty() || !denies.get(0).matched() ? null : denies.get(0);
        return latest != null && named != null && latest.removed() != null && latest.removed().equals(named.policy()) ? latest : null;
    }

    private static String explicitReason(AuditEvent e, List<KnownDeny> denies) {
        String what = e.iamAction() != null ? e.iamAction() : DenialMatcher.apiLabel(e);
        KnownDeny named = denies.isEmpty() || !denies.get(0).matched() ? null : denies.get(0);
        if (named != null) {
            return "An explicit Deny blocks " + what + " for " + e.principal().display() + ": " + named.label()
                    + (named.conditional() ? " denies it under a Condition GrantWatch does not evaluate (the likely cause)"
                            : " denies it" + (e.explicitDeny() ? "" : " (the record does not say which kind of refusal; GrantWatch's "
                            + "inventory holds this unconditional Deny, and a Deny wins over any Allow)"))
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

    /** Whether a finding of the principal already holds this event (only findings whose evidence spans its time are read). */
    private static boolean alreadyCounted(PrincipalState state, AuditEvent e, FindingBook book) {
        for (FindingRef ref : state.findings()) {
            if (ref.firstSeen() != null && ref.lastSeen() != null && !e.eventTime().isBefore(ref.firstSeen())
                    && !e.eventTime().isAfter(ref.lastSeen())) {
                Finding f = book.get(ref.id());
                if (f != null && f.evidence() != null && f.evidence().eventIds().contains(e.eventId())) {
                    return true;
                }
            }
        }
        return false;
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
            Finding resolved = f.resolved(at, Duration.between(first, at));
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
                Finding closed = f.resolved(e.eventTime(), null);
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

    // ---------------------------------------------------------------- findings

    /**
     * Merges a freshly inferred finding into the stored one and decides whether to emit it.
     * @return whether it was emitted
     */
    boolean upsert(Working w, Finding candidate, AuditEvent e, List<String> resolveKeys, FindingBook book, List<Finding> emitted) {
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
            if (newest && !reopen && existing.open() && existing.kind() == FindingKind.PREDICTED_BREAKAGE && existing.change() != null
                    && candidate.change() != null && !existing.change().eventId().equals(candidate.change().eventId())) {
                // a second change on the same policy (two new versions in a row): what the first took is still lost, and the
                // version to go back to is still the one before the first
                missing = accumulated(existing.missing(), candidate.missing());
            }
            boolean missingChanged = !sameGrants(existing.missing(), missing);
            Finding.Builder merging = existing.toBuilder().evidence(merged).updatedAt(max(existing.updatedAt(), e.eventTime()));
            if (newest) {
                // the newest event's inference wins; id, kind, cloud and (once named) scenario stay the stored finding's
                merging.principal(candidate.principal()).missing(missing).confidence(candidate.confidence()).ranking(candidate.ranking())
                        .catalogVersion(candidate.catalogVersion()).knownDenies(candidate.knownDenies()).excess(candidate.excess());
            }
            if (candidate.change() != null) {
                merging.change(candidate.change());
            }
            // a finding raised before any feature was known in use (an agency's scope at its authorization) names one once it is
            boolean named = existing.scenarioId() == null && newest && candidate.scenarioId() != null;
            if (named) {
                merging.scenario(candidate.scenarioId(), candidate.scenarioTitle());
            }
            if (reopen) {
                merging.status(FindingStatus.OPEN).resolvedAt(null).timeToGrant(null);
            }
            next = merging.build();
            // what the inventory says blocks the fix changed (a snapshot arrived, a Deny was removed): the fix changes with it
            boolean deniesChanged = !next.knownDenies().equals(existing.knownDenies()) || !next.excess().equals(existing.excess());
            emit = reopen || named || missingChanged || deniesChanged || milestone(count);
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

    /** The open prediction's grants, its first row (the removed policy, how it was held) kept and told what came after. */
    private static List<MissingGrant> accumulated(List<MissingGrant> was, List<MissingGrant> now) {
        List<MissingGrant> out = new ArrayList<>(was);
        if (!out.isEmpty() && !now.isEmpty()) {
            MissingGrant first = out.get(0);
            out.set(0, new MissingGrant(first.grant(), first.certainty(), first.holder(), first.requirementId(),
                    first.reason() + " Then: " + now.get(0).reason(), first.systemPolicy(), first.citation()));
        }
        Set<String> seen = new LinkedHashSet<>();
        was.forEach(m -> seen.add(m.grant().type() + " " + m.grant().value()));
        now.stream().skip(was.isEmpty() ? 0 : 1).filter(m -> seen.add(m.grant().type() + " " + m.grant().value())).forEach(out::add);
        return out;
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

    /**
     * A regression's evidence: a record that names no IAM action (CTS names the API only) carries the one action the
     * catalog maps its API to, so the fix grants the refused call itself rather than the feature's rows around it.
     */
    private static Evidence evidenceOf(AuditEvent e, CatalogLookup catalog) {
        List<String> mapped = e.iamAction() != null ? List.of() : catalog.actionsForApi(e.cloud(), e.service(), e.action());
        return mapped.size() != 1 ? evidenceOf(e) : new Evidence(List.of(e.eventId()), e.eventTime(), e.eventTime(), 1, e.service(),
                e.action(), mapped.get(0), e.resource(), e.errorCode(), e.errorMessage());
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

}
