package io.grantwatch.detector.inventory;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one change to the policies a principal holds takes from it, as far as the account's inventory knows, read before
 * the change is applied to it: a detach or deletion, a new document in force, or an attached policy that holds Deny
 * statements. Pure. Drift reads it to name the exact grants lost instead of guessing from the policy's name: what the
 * principal can still do is evaluated ({@link #residual}), so an added Deny, a NotAction or a narrowed Resource counts,
 * not only a missing Action.
 *
 * @param label           the changed policy as a person reads it: {@code dlc-job-viewer (Custom) version v2}
 * @param granted         the Action patterns the change may take away (the removed or old document's Allow statements, an
 *                        attached document's Deny statements); null when that document is unknown
 * @param stillGranted    the Action patterns the principal's other known policies allow (directly, through its groups,
 *                        or the same policy held another way)
 * @param unknownElsewhere the other policies the principal holds whose content is unknown
 * @param before          the policies with a known document the principal held before the change
 * @param after           the same after the change
 * @param name            the policy's name as the inventory knows it (a change may name it by id only), or null
 * @param added           for a new document in force: what it allows that the old one did not, and the actions its new Deny
 *                        statements name ({@code Deny x:Y}): what rolling back to the old document would take from every holder
 */
public record PolicyRemoval(String label, List<String> granted, List<String> stillGranted, List<String> unknownElsewhere,
                            List<PolicyKnowledge.Held> before, List<PolicyKnowledge.Held> after, String name, List<String> added) {

    public PolicyRemoval {
        granted = granted == null ? null : List.copyOf(granted);
        stillGranted = List.copyOf(stillGranted);
        unknownElsewhere = List.copyOf(unknownElsewhere);
        before = List.copyOf(before);
        after = List.copyOf(after);
        added = added == null ? List.of() : List.copyOf(added);
    }

    /**
     * What the change does to one action, by evaluating the principal's known documents before and after it.
     *
     * @param kind what happened to the action
     * @param text for a kind other than KEPT and LOST, the sentence that says why (names the statement or policy)
     * @param deny for DENIED, the Deny statement that now blocks it
     */
    public record Residual(Kind kind, String text, KnownDeny deny) {
        public enum Kind {
            /** Still allowed (or already denied before the change): nothing lost. */
            KEPT,
            /** No known policy allows it any more. */
            LOST,
            /** An unconditional Deny now blocks it; an Allow cannot override it. */
            DENIED,
            /** Still allowed (or denied) only under a Condition GrantWatch does not evaluate. */
            CONDITIONAL,
            /** Still allowed, but on fewer resources than before; whether the principal's calls are among them is not known. */
            NARROWED
        }

        public boolean lost() {
            return kind != Kind.KEPT;
        }

        /** Whether the loss is as sure as the documents: nothing left to a Condition or to resources not known. */
        public boolean certain() {
            return kind == Kind.LOST || kind == Kind.DENIED;
        }
    }

    /**
     * What the change does to {@code action} on an unnamed resource (the calls' resources are not kept). Policy semantics
     * (RAM and Huawei IAM alike): an explicit Deny wins over any Allow; without an Allow the action is implicitly denied. An
     * action the documents already denied before the change is KEPT: the change took nothing.
     */
    public Residual residual(String action) {
        if (action == null || action.isBlank()) {
            return new Residual(Residual.Kind.KEPT, null, null);
        }
        Evaluation was = evaluate(before, action);
        if (was != null && was.decision() == Decision.EXPLICIT_DENY) {
            return new Residual(Residual.Kind.KEPT, null, null);
        }
        List<PolicyKnowledge.Held> now = valid(after);
        Evaluation is = evaluate(now, action);
        Decision d = is == null ? Decision.IMPLICIT_DENY : is.decision();
        switch (d) {
            case ALLOW -> {
                return new Residual(Residual.Kind.KEPT, null, null);
            }
            case EXPLICIT_DENY -> {
                KnownDeny deny = PolicyKnowledge.deny(now.get(is.document()), is.statement(), true);
                return new Residual(Residual.Kind.DENIED, deny.label() + " denies " + action
                        + " (an explicit Deny wins over any Allow, so granting it again will not help: change or remove that statement)", deny);
            }
            case CONDITION_NOT_EVALUATED -> {
                PolicyKnowledge.Held h = now.get(is.document());
                boolean deny = PolicyKnowledge.isDeny(h.document(), is.statement());
                // a conditional Deny is carried too: an Allow given back cannot override it when its Condition holds
                return new Residual(Residual.Kind.CONDITIONAL, h.ref().label() + versionLabel(h.version()) + " (" + h.via() + ") "
                        + (deny ? "denies " + action + " under" : "allows " + action + " only under")
                        + " a Condition GrantWatch does not evaluate", deny ? PolicyKnowledge.deny(h, is.statement(), true) : null);
            }
            default -> {
                List<String> on = resources(now, action);
                if (on.isEmpty()) {
                    // allowed on named resources under a Condition (neither is known for the calls): it may still hold
                    for (PolicyKnowledge.Held h : now) {
                        List<String> c = PolicyEvaluator.conditionallyAllowedResources(h.document(), action);
                        if (!c.isEmpty()) {
                            return new Residual(Residual.Kind.CONDITIONAL, h.ref().label() + versionLabel(h.version()) + " (" + h.via()
                                    + ") allows " + action + " only under a Condition GrantWatch does not evaluate"
                                    + (c.equals(List.of("*")) ? "" : ", on " + String.join(", ", c)), null);
                        }
                    }
                    return new Residual(Residual.Kind.LOST, null, null);
                }
                List<String> had = resources(valid(before), action);
                if (on.containsAll(had)) {
                    return new Residual(Residual.Kind.KEPT, null, null);
                }
                return new Residual(Residual.Kind.NARROWED, "the policies left allow " + action + " only on " + String.join(", ", on)
                        + (had.isEmpty() ? "" : " (before: " + String.join(", ", had) + ")")
                        + "; whether the principal's calls are on those resources is not known", null);
            }
        }
    }

    /**
     * The one resource the documents the change took (held before, not after) allowed {@code action} on, when they name exactly
     * one and it is not {@code *}; else null (the fix then says what it does not know).
     */
    public String lostOn(String action) {
        if (action == null || action.isBlank()) {
            return null;
        }
        List<PolicyKnowledge.Held> gone = new ArrayList<>(valid(before));
        gone.removeAll(after);
        List<String> on = resources(gone, action);
        return on.size() == 1 && !on.get(0).contains("*") && !on.get(0).startsWith("not ") ? on.get(0) : null;
    }

    /** The documents the evaluator accepts (a malformed one tells nothing and must not hide the others). */
    private static List<PolicyKnowledge.Held> valid(List<PolicyKnowledge.Held> held) {
        List<PolicyKnowledge.Held> out = new ArrayList<>();
        for (PolicyKnowledge.Held h : held) {
            if (actions(h.document()) != null) {
                out.add(h);
            }
        }
        return out;
    }

    private static Evaluation evaluate(List<PolicyKnowledge.Held> held, String action) {
        List<PolicyKnowledge.Held> ok = valid(held);
        if (ok.isEmpty()) {
            return null;
        }
        List<JsonNode> docs = ok.stream().map(PolicyKnowledge.Held::document).toList();
        return PolicyEvaluator.evaluate(docs, new Request(action, null));
    }

    private static List<String> resources(List<PolicyKnowledge.Held> held, String action) {
        Set<String> out = new LinkedHashSet<>();
        held.forEach(h -> out.addAll(PolicyEvaluator.allowedResources(h.document(), action)));
        return List.copyOf(out);
    }

    /**
     * The removal of {@code removed} from {@code target}; null when the inventory knows nothing of the target or the
     * policy (then drift keeps to what the catalog says of the policy's name).
     */
    public static PolicyRemoval of(Inventory inv, Cloud cloud, Principal target, PolicyRef removed) {
        return of(inv, cloud, target, removed, null);
    }

    /**
     * The same, for a policy removed from {@code group} (a group {@code target} is in); null group: from the target itself.
     */
    public static PolicyRemoval of(Inventory inv, Cloud cloud, Principal target, PolicyRef removed, String group) {
        return of(inv, cloud, target, removed, group, false);
    }

    /**
     * The same; {@code leaving}: the target leaves {@code group}, so every policy it held through the group goes with
     * {@code removed} (what the principal keeps is what it holds otherwise).
     */
    public static PolicyRemoval of(Inventory inv, Cloud cloud, Principal target, PolicyRef removed, String group, boolean leaving) {
        if (inv == null || inv.isEmpty() || target == null || removed == null) {
            return null;
        }
        String removedKey = Inventory.resolve(inv.policies(), inv.aliases(), removed.key());
        Inventory.Policy policy = inv.policy(removed.key());
        Map.Entry<String, Inventory.Doc> current = policy == null ? null : policy.current();
        JsonNode doc = document(inv, cloud, removed);
        List<String> granted = doc == null ? null : actions(doc);
        PolicyKnowledge knowledge = PolicyKnowledge.of(inv, cloud, target);
        String direct = group != null ? inv.canonical("group/" + group).replaceFirst("/", " ")
                : PolicyKnowledge.holders(inv, target).values().stream().findFirst().orElse(null);
        List<String> still = new ArrayList<>();
        List<PolicyKnowledge.Held> kept = new ArrayList<>();
        for (PolicyKnowledge.Held h : knowledge.held()) {
            boolean theRemovedOne = h.via().equals(direct)
                    && (leaving && group != null || Inventory.resolve(inv.policies(), inv.aliases(), h.ref().key()).equals(removedKey));
            if (!theRemovedOne) {
                kept.add(h);
                List<String> a = actions(h.document());
                if (a != null) {
                    still.addAll(a);
                }
            }
        }
        List<PolicyKnowledge.Held> held = new ArrayList<>(kept);
        if (doc != null) {
            held.add(new PolicyKnowledge.Held(policy != null ? policy.ref() : removed, current == null ? null : current.getKey(),
                    direct == null ? "the principal" : direct, doc));
        }
        List<String> unknown = knowledge.unknown().stream()
                .filter(u -> !(direct != null && u.endsWith("(" + direct + ")") && (leaving && group != null || u.startsWith(removed.label()))))
                .toList();
        if (granted == null && still.isEmpty() && unknown.isEmpty()) {
            return null;
        }
        String version = current == null ? "" : versionLabel(current.getKey());
        PolicyRef known = policy != null ? policy.ref() : removed;
        return new PolicyRemoval(known.label() + version, granted, still, unknown, held, kept, known.name(), List.of());
    }

    /**
     * A new document in force for a policy {@code target} holds (directly or through a group): what the old document
     * allowed and what the new one denies are {@link #granted}; the new one and the target's other known policies are
     * {@link #stillGranted}.
     */
    public static PolicyRemoval ofChange(Inventory after, Cloud cloud, Principal target, PolicyRef ref, String policyKey,
                                         JsonNode oldDoc, String oldVersion, JsonNode newDoc, String newVersion) {
        List<String> allowedBefore = actions(oldDoc);
        List<String> still = new ArrayList<>();
        List<String> now = actions(newDoc);
        if (allowedBefore == null || now == null) {
            return null;
        }
        Set<String> granted = new LinkedHashSet<>(allowedBefore);
        granted.addAll(PolicyEvaluator.actionsDenied(newDoc));
        still.addAll(now);
        PolicyKnowledge knowledge = PolicyKnowledge.of(after, cloud, target);
        List<PolicyKnowledge.Held> was = new ArrayList<>();
        List<PolicyKnowledge.Held> is = new ArrayList<>();
        for (PolicyKnowledge.Held h : knowledge.held()) {
            if (!Inventory.resolve(after.policies(), after.aliases(), h.ref().key()).equals(policyKey)) {
                was.add(h);
                is.add(h);
                List<String> a = actions(h.document());
                if (a != null) {
                    still.addAll(a);
                }
            } else {
                was.add(new PolicyKnowledge.Held(h.ref(), oldVersion, h.via(), oldDoc));
                is.add(new PolicyKnowledge.Held(h.ref(), newVersion, h.via(), newDoc));
            }
        }
        if (is.stream().noneMatch(h -> h.document() == newDoc)) {
            // held, but not through a holder PolicyKnowledge reads: the documents still decide
            was.add(new PolicyKnowledge.Held(ref, oldVersion, "the principal", oldDoc));
            is.add(new PolicyKnowledge.Held(ref, newVersion, "the principal", newDoc));
        }
        String replacement = newVersion == null || "-".equals(newVersion) ? "a new document"
                : newVersion.startsWith("@") ? "the version created at " + newVersion.substring(1) : "version " + newVersion;
        return new PolicyRemoval(ref.label() + versionLabel(oldVersion) + " (replaced by " + replacement + ")", List.copyOf(granted), still,
                knowledge.unknown(), was, is, ref.name(), added(oldDoc, newDoc, allowedBefore, now));
    }

    /**
     * A policy attached to {@code target} (or to {@code group}, a group it is in; null: to the target itself) whose
     * document holds Deny statements: what those statements may take away ({@link #granted} are their Action patterns).
     * Null when the inventory does not know the document, or it denies nothing.
     */
    public static PolicyRemoval ofAttach(Inventory inv, Cloud cloud, Principal target, PolicyRef attached, String group) {
        if (inv == null || inv.isEmpty() || target == null || attached == null) {
            return null;
        }
        Inventory.Policy policy = inv.policy(attached.key());
        Map.Entry<String, Inventory.Doc> current = policy == null ? null : policy.current();
        JsonNode doc = document(inv, cloud, attached);
        List<String> denied = denied(doc);
        if (denied.isEmpty()) {
            return null;
        }
        PolicyKnowledge knowledge = PolicyKnowledge.of(inv, cloud, target);
        List<String> still = new ArrayList<>();
        for (PolicyKnowledge.Held h : knowledge.held()) {
            List<String> a = actions(h.document());
            if (a != null) {
                still.addAll(a);
            }
        }
        String via = group != null ? inv.canonical("group/" + group).replaceFirst("/", " ")
                : PolicyKnowledge.holders(inv, target).values().stream().findFirst().orElse("the principal");
        PolicyRef ref = policy != null ? policy.ref() : attached;
        List<PolicyKnowledge.Held> now = new ArrayList<>(knowledge.held());
        now.add(new PolicyKnowledge.Held(ref, current == null ? null : current.getKey(), via, doc));
        return new PolicyRemoval(ref.label() + versionLabel(current == null ? null : current.getKey()), denied, still, knowledge.unknown(),
                knowledge.held(), now, ref.name(), List.of());
    }

    /** The policies the inventory says a group (by name or id) holds; empty when it knows none. */
    public static List<PolicyRef> groupPolicies(Inventory inv, String group) {
        if (inv == null || group == null) {
            return List.of();
        }
        List<PolicyRef> out = new ArrayList<>();
        for (String key : inv.attachments().getOrDefault(inv.canonical("group/" + group), Map.of()).keySet()) {
            Inventory.Policy p = inv.policy(key);
            int slash = key.indexOf('/');
            out.add(p != null ? p.ref() : key.startsWith("id/") ? new PolicyRef(null, null, key.substring(3))
                    : new PolicyRef(key.substring(0, slash), key.substring(slash + 1), null));
        }
        return out;
    }

    /** Whether the inventory knows the policy's document and it holds a Deny statement. */
    public static boolean denies(Inventory inv, Cloud cloud, PolicyRef ref) {
        return ref != null && !denied(document(inv, cloud, ref)).isEmpty();
    }

    /** The document in force the inventory knows for a policy, or a system policy's cited one; null when neither. */
    private static JsonNode document(Inventory inv, Cloud cloud, PolicyRef ref) {
        Inventory.Policy policy = inv.policy(ref.key());
        Map.Entry<String, Inventory.Doc> current = policy == null ? null : policy.current();
        return current != null ? current.getValue().document()
                : "System".equals(ref.type()) ? SystemPolicyDocuments.of(cloud, ref.name()).map(SystemPolicyDocuments.Entry::document).orElse(null)
                : null;
    }

    private static List<String> denied(JsonNode doc) {
        try {
            return doc == null ? List.of() : PolicyEvaluator.actionsDenied(doc);
        } catch (IllegalArgumentException malformed) {
            return List.of();
        }
    }

    /** What the new document adds: Allow actions the old one did not name, and Deny actions (hardening) it did not have. */
    private static List<String> added(JsonNode oldDoc, JsonNode newDoc, List<String> allowedBefore, List<String> allowedNow) {
        Set<String> before = new LinkedHashSet<>();
        allowedBefore.forEach(a -> before.add(a.toLowerCase(Locale.ROOT)));
        List<String> out = new ArrayList<>();
        allowedNow.stream().filter(a -> !before.contains(a.toLowerCase(Locale.ROOT))).distinct().forEach(out::add);
        Set<String> deniedBefore = new LinkedHashSet<>();
        denied(oldDoc).forEach(a -> deniedBefore.add(a.toLowerCase(Locale.ROOT)));
        denied(newDoc).stream().filter(a -> !deniedBefore.contains(a.toLowerCase(Locale.ROOT))).distinct().forEach(a -> out.add("Deny " + a));
        return out;
    }

    static String versionLabel(String v) {
        return v == null || "-".equals(v) || v.startsWith("@") ? "" : " version " + v;
    }

    private static List<String> actions(JsonNode doc) {
        try {
            return PolicyEvaluator.actionsGranted(doc);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }
}
