package io.grantwatch.detector;

import io.grantwatch.detector.inventory.Inventory;
import io.grantwatch.detector.inventory.InventoryChanges;
import io.grantwatch.detector.inventory.PolicyKnowledge;
import io.grantwatch.detector.inventory.PolicyRemoval;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.inventory.InventoryRecord.PolicyRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One audit event through the detector: the steps the Streams processor ({@code Processors.Detect}) and
 * {@link OfflineDetector} both take, written once, over a small interface to where each keeps its state.
 *
 * <ol>
 *   <li>the event against its principal's state ({@link DetectionEngine#onEvent}), with the account's recent
 *       signals when the event is a role's or agency's denial ({@link AccountContext});</li>
 *   <li>unless the event was too late: the account's activity learns from it (a person's signalling call, a
 *       request that names a role or agency, the id of an agency session's agency);</li>
 *   <li>an IAM change ({@link IamChanges}), its target as the account knows it (an agency id → its name), against
 *       the principal it affects ({@link DetectionEngine#onChange}), with what the account says about that
 *       principal ({@link DriftContext}: requests that named it, what people of the account started).</li>
 * </ol>
 * Pure apart from the {@link States} it is handed; not thread-safe (one instance per stream task or scan).
 */
public final class DetectionFlow {
    private final DetectionEngine engine;
    private final DetectorCounters counters;

    /** Where the flow reads and writes: the topology's stores, or scan's maps. */
    public interface States {
        /** The principal's state under {@code key}, or null. */
        PrincipalState principal(String key);

        /** Stores a step's new state under {@code key} and passes on what it emitted (findings, unmapped denials). */
        void keep(String key, PrincipalState prior, Step step);

        /** The account's activity under {@code accountKey} ({@code cloud:account-id}), or null. */
        AccountActivity account(String accountKey);

        /** Stores the account's activity. */
        void account(String accountKey, AccountActivity activity);

        /** What the account's principals hold ({@code cloud:account-id}), or null. */
        Inventory inventory(String accountKey);

        /** Stores the account's inventory. */
        void inventory(String accountKey, Inventory inventory);
    }

    public DetectionFlow(DetectionEngine engine, DetectorCounters counters) {
        this.engine = engine;
        this.counters = counters;
    }

    public DetectionEngine engine() {
        return engine;
    }

    /** Feeds one event (and, for an IAM change, its effect on the affected principal). */
    public void accept(AuditEvent e, CatalogLookup catalog, FindingBook book, States states) {
        String account = e.accountKey();
        Duration window = engine.settings().activityWindow();
        Optional<IamChangeEvent> change = IamChanges.classify(e);
        // The account is read by a delegated denial (signals), by an IAM change (what names or uses its target), and
        // by the events that add to it: a person's signalling call, a request naming a role, an agency session.
        List<String> signals = AccountContext.signalled(e, catalog);
        List<String> referenced = AccountContext.referenced(e, catalog);
        boolean reads = AccountContext.reads(e);
        // a new policy version is no IAM change of its own, but its drift reads the account as a detach's does
        boolean iam = change.isPresent() || InventoryChanges.mayChange(e);
        AccountActivity known = account == null || !reads && signals.isEmpty() && !AccountContext.touches(e, referenced, iam)
                ? null : states.account(account);
        List<ContextSignal> context = reads
                ? AccountContext.before(known == null ? List.of() : known.signals(), e.eventTime(), window) : List.of();
        String key = e.partitionKey(); // built anew by every call: once, and its hash is computed once
        PrincipalState prior = states.principal(key);
        PolicyKnowledge knowledge = e.outcome() == Outcome.DENIED && account != null
                ? PolicyKnowledge.of(states.inventory(account), e.cloud(), e.principal()) : PolicyKnowledge.NONE;
        Step step = engine.onEvent(prior, e, catalog, book, context, knowledge);
        counters.record(e, step);
        states.keep(key, prior, step);
        if (step.late()) {
            return;
        }
        if (account != null) {
            AccountActivity learned = AccountContext.learn(known, e, signals, referenced, window);
            if (learned != known) {
                String[] alias = AccountContext.agencyIdOf(e);
                boolean newAlias = alias != null && !alias[1].equals((known == null ? AccountActivity.empty() : known).agencyIds().get(alias[0]));
                states.account(account, learned);
                known = learned;
                if (newAlias) {
                    agencyLearned(e, account, alias, catalog, book, states, known);
                }
            }
        }
        AccountActivity knownNow = known;
        // the inventory before this change is applied to it: who an id is, what the removed policy granted, who is in the group
        Inventory inv = change.isPresent() && account != null ? states.inventory(account) : null;
        Optional<IamChangeEvent> resolved = change.map(c -> AccountContext.resolve(c, knownNow, inv));
        if (resolved.isPresent()) {
            boolean counted = false;
            for (IamChangeEvent reachedOne : reached(resolved.get().withKnownPolicyType(inv), inv)) {
                // a member the inventory knows by id (Huawei groups list user ids) as its calls are kept: by name
                IamChangeEvent c = reachedOne == resolved.get() ? reachedOne : AccountContext.resolve(reachedOne, knownNow, inv);
                String target = c.targetKey();
                if (c.kind() == IamChangeEvent.Kind.DETACH_POLICY && IamChanges.resourceGroup(e) != null && inv != null
                        && heldAccountWide(inv, c)) {
                    continue; // detached within one resource group while the account-wide attachment stays: nothing is lost
                }
                PrincipalState targetPrior = states.principal(target);
                DriftContext drift = AccountContext.forChange(c, known, window, engine.settings().driftHorizon());
                if (c.kind() == IamChangeEvent.Kind.DETACH_POLICY || c.kind() == IamChangeEvent.Kind.DELETE_POLICY
                        || c.kind() == IamChangeEvent.Kind.LEAVE_GROUP) {
                    drift = drift.withRemoval(PolicyRemoval.of(inv, e.cloud(), c.target(), c.removedPolicy(), c.viaGroup(),
                            c.kind() == IamChangeEvent.Kind.LEAVE_GROUP));
                } else if (c.kind() == IamChangeEvent.Kind.ATTACH_POLICY && c.targetKind() != IamChangeEvent.TargetKind.GROUP) {
                    drift = drift.withRemoval(PolicyRemoval.ofAttach(inv, e.cloud(), c.target(), c.removedPolicy(), c.viaGroup()));
                }
                Step s = engine.onChange(targetPrior, c, catalog, book, drift);
                if (counted) {
                    counters.recordDerived(s);
                } else {
                    counters.recordChange(s);
                    counted = true;
                }
                states.keep(target, targetPrior, s);
            }
        }
        if (account != null && InventoryChanges.mayChange(e)) {
            List<InventoryRecord> facts = InventoryChanges.of(e, resolved);
            if (!facts.isEmpty() && resolved.isEmpty()) {
                counters.recordInventoryChange(); // a new policy version or document: an IAM change, though no detach or delete
            }
            if (!facts.isEmpty()) {
                Inventory before = states.inventory(account);
                Inventory after = apply(account, facts, states);
                if (before != null && after != before) {
                    contentChanges(e, facts, before, after, catalog, book, states, known, window);
                }
                if (after != before) {
                    agencyScopes(e, agenciesTouched(facts, after), after, catalog, book, states, known);
                }
            }
        }
        if (account != null && e.cloud() == io.grantwatch.model.Cloud.HUAWEI && !referenced.isEmpty()) {
            // an agency handed to ModelArts: its scope against the features that use it
            agencyScopes(e, referenced, states.inventory(account), catalog, book, states, known);
        }
        if (account != null && e.cloud() == io.grantwatch.model.Cloud.HUAWEI && e.outcome() == Outcome.ALLOWED) {
            rescope(e, signals, referenced, catalog, book, states, known);
        }
    }

    /**
     * An agency whose scope was checked before any feature of it was seen in use (at CreateAuthorization, at an import)
     * is checked again once one is: a person starts what the platform runs under an agency (a training job), or the
     * agency's own call signals a feature. Only an open OVER_REACH finding that names no feature in use asks for it, so a
     * busy agency is not re-checked on every call.
     */
    private void rescope(AuditEvent e, List<String> signals, List<String> checked, CatalogLookup catalog, FindingBook book, States states,
                         AccountActivity known) {
        Set<String> agencies = new LinkedHashSet<>(checked); // checked by this event already
        int already = agencies.size();
        if (!signals.isEmpty() && known != null) {
            known.references().forEach(r -> {
                if (!agencies.contains(r.name()) && overReachWithoutUse(e, r.name(), states)) {
                    agencies.add(r.name());
                }
            });
        }
        Principal p = e.principal();
        if (p.type() == io.grantwatch.model.PrincipalType.ASSUMED_AGENCY && p.roleName() != null && !agencies.contains(p.roleName())
                && (!catalog.signalled(e.cloud(), e.iamAction()).isEmpty() || !catalog.signalled(e.cloud(), DenialMatcher.apiLabel(e)).isEmpty())
                && overReachWithoutUse(e, p.roleName(), states)) {
            agencies.add(p.roleName());
        }
        if (agencies.size() > already) {
            agencyScopes(e, List.copyOf(agencies).subList(already, agencies.size()), states.inventory(e.accountKey()), catalog, book, states,
                    known != null ? known : states.account(e.accountKey()));
        }
    }

    private static boolean overReachWithoutUse(AuditEvent e, String agencyName, States states) {
        Principal agency = IamChanges.principal(e, IamChangeEvent.TargetKind.AGENCY, agencyName);
        PrincipalState s = states.principal(e.cloud().wire() + ":" + agency.key());
        return s != null && s.findings().stream().anyMatch(f -> f.open() && f.kind() == FindingKind.OVER_REACH && f.scenarioId() == null);
    }

    private static boolean heldAccountWide(Inventory inv, IamChangeEvent c) {
        return c.holderType() != null && c.holderName() != null && inv.holds(c.holderType(), c.holderName(), c.removedPolicy());
    }

    /**
     * An agency's id the trail just taught (its session's {@code <agency-id>:<session>}): the inventory, which may know the
     * agency by id only (a snapshot without {@code GetAgencyV5}), learns its name too, and its scope is checked by name.
     */
    private void agencyLearned(AuditEvent e, String account, String[] alias, CatalogLookup catalog, FindingBook book, States states,
                               AccountActivity known) {
        Inventory before = states.inventory(account);
        if (before == null || before.canonical("agency/" + alias[0]).equals("agency/" + alias[1])) {
            return;
        }
        InventoryRecord r = new InventoryRecord(e.cloud(), e.principal().accountId(), e.eventTime(), "event " + e.eventId() + " (agency session "
                + e.principal().id() + ")", InventoryRecord.Kind.ALIAS, "agency", alias[1], null, null, null, null, false, null, alias[0]);
        Inventory after = apply(account, List.of(r), states);
        if (after != before) {
            agencyScopes(e, List.of(alias[1]), after, catalog, book, states, known);
        }
    }

    /** The agencies whose policies the facts changed: attached, detached, listed, or a policy they hold given a new document. */
    private static List<String> agenciesTouched(List<InventoryRecord> facts, Inventory inv) {
        Set<String> out = new LinkedHashSet<>();
        for (InventoryRecord r : facts) {
            if ("agency".equals(r.holderType()) && r.holder() != null) {
                out.add(r.holder());
            } else if (r.policy() != null && (r.kind() == InventoryRecord.Kind.POLICY || r.kind() == InventoryRecord.Kind.POLICY_VERSION)) {
                String key = Inventory.resolve(inv.policies(), inv.aliases(), r.policy().key());
                holdersOf(inv, key).stream().filter(h -> h.getKey() == IamChangeEvent.TargetKind.AGENCY).forEach(h -> out.add(h.getValue()));
            }
        }
        return List.copyOf(out);
    }

    /**
     * Seed 004's minimal agency scope for each named agency the inventory knows policies of ({@link AgencyScope}): in use are
     * the features signalled by the requests that named it and by its own calls; its own successes count as need.
     */
    private void agencyScopes(AuditEvent e, List<String> agencies, Inventory inv, CatalogLookup catalog, FindingBook book, States states,
                              AccountActivity known) {
        if (inv == null || e.cloud() != io.grantwatch.model.Cloud.HUAWEI) {
            return;
        }
        long horizon = e.eventTime().minus(engine.settings().driftHorizon()).toEpochMilli();
        for (String name : agencies) {
            Principal agency = IamChanges.principal(e, IamChangeEvent.TargetKind.AGENCY, name);
            String key = e.cloud().wire() + ":" + agency.key();
            PrincipalState prior = states.principal(key);
            Set<String> used = new LinkedHashSet<>();
            Set<String> inUse = new LinkedHashSet<>();
            if (prior != null) {
                prior.succeeded().forEach((k, t) -> {
                    if (t >= horizon) {
                        used.add(k);
                    }
                });
                prior.recent().forEach(a -> {
                    inUse.addAll(catalog.signalled(e.cloud(), a.api()));
                    inUse.addAll(catalog.signalled(e.cloud(), a.action()));
                });
            }
            if (known != null) {
                known.references().stream().filter(r -> r.name().equals(name) && r.time().toEpochMilli() >= horizon)
                        .forEach(r -> inUse.addAll(catalog.signalled(e.cloud(), r.api())));
                // what people of the account started within the window that the platform runs under an agency
                AccountContext.before(known.signals(), e.eventTime(), engine.settings().activityWindow()).forEach(c -> inUse.add(c.scenarioId()));
            }
            AgencyScope.Result result = AgencyScope.check(inv, agency, catalog, used, inUse);
            AgencyScope.Result excess = result == null || result.withinNeed() ? null : result;
            boolean wasOver = prior != null && prior.findings().stream().anyMatch(f -> f.open() && f.kind() == FindingKind.OVER_REACH);
            if (excess != null || wasOver) {
                Step s = engine.onScope(prior, agency, key, e, excess, catalog, book);
                counters.recordDerived(s);
                states.keep(key, prior, s);
            }
            delegation(e, name, inv, result, catalog, book, states, known);
        }
    }

    /**
     * A ModelArts authorization that gives an agency to one user: that user must hold what the agency is given within
     * the need ({@link AgencyScope#userLacks}); what the inventory says the user lacks is a finding on the user.
     */
    private void delegation(AuditEvent e, String agencyName, Inventory inv, AgencyScope.Result agency, CatalogLookup catalog, FindingBook book,
                            States states, AccountActivity known) {
        if (agency == null || e.action() == null || !e.action().equalsIgnoreCase("CreateAuthorization")
                || !agencyName.equals(Arns.param(e.parameters(), "content"))) {
            return;
        }
        String userId = Arns.param(e.parameters(), "user_id");
        if (userId == null || userId.equalsIgnoreCase("all-users")) {
            return; // every user of the account: not one user's policies to read
        }
        // the user by name when anything knows it (the inventory, the trail, the caller itself): the finding is theirs
        String canonical = inv.canonical("user/" + userId).substring("user/".length());
        String learned = known == null ? null : known.agencyIds().get("user/" + userId);
        String name = !canonical.equals(userId) ? canonical : learned != null ? learned
                : userId.equals(e.principal().id()) && e.principal().name() != null ? e.principal().name() : userId;
        Principal user = new Principal(io.grantwatch.model.PrincipalType.USER, userId, name, e.principal().accountId(), null, null, null, null);
        List<io.grantwatch.model.catalog.Requirement> lacks = AgencyScope.userLacks(inv, user, agency);
        if (lacks == null) {
            return;
        }
        String key = e.cloud().wire() + ":" + user.key();
        PrincipalState prior = states.principal(key);
        Step s = engine.onDelegation(prior, user, key, e, agencyName, lacks, catalog, book);
        counters.recordDerived(s);
        states.keep(key, prior, s);
    }

    /**
     * A policy whose document in force changed (a new default version): drift for every principal that holds it, as for a
     * detach of what the new document no longer allows ({@link IamChangeEvent.Kind#CHANGE_POLICY}). Groups count through
     * the members the inventory knows.
     */
    private void contentChanges(AuditEvent e, List<InventoryRecord> facts, Inventory before, Inventory after, CatalogLookup catalog,
                                FindingBook book, States states, AccountActivity known, Duration window) {
        Set<String> named = new LinkedHashSet<>();
        for (InventoryRecord r : facts) {
            if (r.policy() != null) {
                named.add(Inventory.resolve(after.policies(), after.aliases(), r.policy().key()));
            }
        }
        for (String key : named) {
            Inventory.Policy was = before.policy(key);
            Inventory.Policy is = after.policy(key);
            Map.Entry<String, Inventory.Doc> oldDoc = was == null ? null : was.current();
            Map.Entry<String, Inventory.Doc> newDoc = is == null ? null : is.current();
            if (oldDoc == null || newDoc == null || oldDoc.getValue().document().equals(newDoc.getValue().document())) {
                continue;
            }
            for (Map.Entry<IamChangeEvent.TargetKind, String> holder : holdersOf(after, key)) {
                PolicyRef ref = is.ref();
                // a holder the inventory knows by id only (IAM v5 lists attachments by user or agency id): by the name the
                // trail taught, as its calls are kept
                Principal held = IamChanges.principal(e, holder.getKey(), holder.getValue());
                IamChangeEvent c = AccountContext.resolve(new IamChangeEvent(e, IamChangeEvent.Kind.CHANGE_POLICY, held, holder.getKey(),
                        ref.name() != null ? ref.name() : ref.id(), ref.type(), null, ref.id()), known, after);
                Principal target = c.target();
                PolicyRemoval removal = PolicyRemoval.ofChange(after, e.cloud(), held, ref, key, oldDoc.getValue().document(),
                        oldDoc.getKey(), newDoc.getValue().document(), newDoc.getKey());
                if (was.versions().containsKey(newDoc.getKey())) {
                    // a rollback to a version that was there before undoes the change a predicted breakage on this policy was
                    // about, as a re-attach does: resolved first; whatever the old version still lacks is predicted below
                    IamChangeEvent restored = new IamChangeEvent(e, IamChangeEvent.Kind.ATTACH_POLICY, target, holder.getKey(),
                            c.policyName(), ref.type(), null, ref.id());
                    PrincipalState rolledBack = states.principal(restored.targetKey());
                    Step back = engine.onChange(rolledBack, restored, catalog, book, DriftContext.NONE);
                    counters.recordDerived(back);
                    states.keep(restored.targetKey(), rolledBack, back);
                }
                if (removal == null) {
                    continue;
                }
                DriftContext drift = AccountContext.forChange(c, known, window, engine.settings().driftHorizon()).withRemoval(removal)
                        .withReplacedVersion(oldDoc.getKey());
                PrincipalState prior = states.principal(c.targetKey());
                Step s = engine.onChange(prior, c, catalog, book, drift);
                counters.recordDerived(s);
                states.keep(c.targetKey(), prior, s);
            }
        }
    }

    /**
     * The principals a change reaches: its target; for a policy detached from a group whose members the inventory
     * knows, each member instead (the group-wide guess is for groups nobody knows the members of); for a user removed
     * from a group, the user once per policy the inventory says the group holds.
     */
    private static List<IamChangeEvent> reached(IamChangeEvent c, Inventory inv) {
        if (c.kind() == IamChangeEvent.Kind.LEAVE_GROUP) {
            // the member loses each policy the group holds; a group whose policies nobody knows takes nothing known
            return PolicyRemoval.groupPolicies(inv, c.viaGroup()).stream().map(c::forGroupPolicy).toList();
        }
        // an attach reaches the members only when the attached document holds a Deny: else it can only resolve, on the group
        boolean denyingAttach = c.kind() == IamChangeEvent.Kind.ATTACH_POLICY && inv != null
                && PolicyRemoval.denies(inv, c.event().cloud(), c.removedPolicy());
        if (c.targetKind() != IamChangeEvent.TargetKind.GROUP || c.kind() != IamChangeEvent.Kind.DETACH_POLICY && !denyingAttach
                || inv == null) {
            return List.of(c);
        }
        String group = c.target().name().substring("group/".length());
        List<String> members = members(inv, group);
        return members.isEmpty() ? List.of(c)
                : members.stream().map(u -> c.forMember(IamChanges.principal(c.event(), IamChangeEvent.TargetKind.USER, u), group)).toList();
    }

    /** The users the inventory says are in a group (by the group's name or id). */
    private static List<String> members(Inventory inv, String group) {
        String key = inv.canonical("group/" + group);
        List<String> out = new ArrayList<>();
        inv.groups().forEach((user, groups) -> {
            if (user.startsWith("user/") && groups.keySet().stream().anyMatch(g -> inv.canonical("group/" + g).equals(key))) {
                out.add(user.substring("user/".length()));
            }
        });
        return out;
    }

    /** The users, roles and agencies that hold a policy: directly, or (users) through a group that holds it. */
    private static List<Map.Entry<IamChangeEvent.TargetKind, String>> holdersOf(Inventory inv, String policyKey) {
        Set<Map.Entry<IamChangeEvent.TargetKind, String>> out = new LinkedHashSet<>();
        for (Map.Entry<String, Map<String, Long>> a : inv.attachments().entrySet()) {
            boolean holds = a.getValue().keySet().stream().anyMatch(k -> Inventory.resolve(inv.policies(), inv.aliases(), k).equals(policyKey));
            if (!holds) {
                continue;
            }
            IamChangeEvent.TargetKind kind = IamChangeEvent.TargetKind.ofHolder(a.getKey());
            String name = a.getKey().substring(a.getKey().indexOf('/') + 1);
            if (kind == IamChangeEvent.TargetKind.GROUP) {
                members(inv, name).forEach(u -> out.add(Map.entry(IamChangeEvent.TargetKind.USER, u)));
            } else if (kind != null && kind != IamChangeEvent.TargetKind.POLICY) {
                out.add(Map.entry(kind, name));
            }
        }
        return List.copyOf(out);
    }

    /** One snapshot record (or a record from the {@code inventory} topic) into its account's inventory. */
    public void accept(InventoryRecord r, States states) {
        apply(r.accountKey(), List.of(r), states);
    }

    /** Writes the account's inventory when the facts changed it (also when they emptied it: what it held is gone); returns it. */
    private static Inventory apply(String account, List<InventoryRecord> facts, States states) {
        Inventory before = states.inventory(account);
        Inventory after = before == null ? Inventory.empty() : before;
        for (InventoryRecord r : facts) {
            after = after.apply(r);
        }
        if (before == null ? !after.isEmpty() : after != before) {
            states.inventory(account, after);
        }
        return after;
    }
}
