package io.grantwatch.detector.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Principal;
import io.grantwatch.model.inventory.InventoryRecord.PolicyRef;
import io.grantwatch.model.policy.PolicyEvaluator;
import io.grantwatch.model.policy.SystemPolicyDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What detaching (or deleting) one policy takes from one principal, as far as the account's inventory knows, read
 * before the change is applied to it. Pure. Drift reads it to name the exact grants lost instead of guessing from the
 * policy's name.
 *
 * @param label           the removed policy as a person reads it: {@code dlc-job-viewer (Custom) version v2}
 * @param granted         the Action patterns of the removed document's Allow statements; null when its document is unknown
 * @param stillGranted    the Action patterns the principal's other known policies allow (directly, through its groups,
 *                        or the same policy held another way)
 * @param unknownElsewhere the other policies the principal holds whose content is unknown
 */
public record PolicyRemoval(String label, List<String> granted, List<String> stillGranted, List<String> unknownElsewhere) {

    public PolicyRemoval {
        granted = granted == null ? null : List.copyOf(granted);
        stillGranted = List.copyOf(stillGranted);
        unknownElsewhere = List.copyOf(unknownElsewhere);
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
        if (inv == null || inv.isEmpty() || target == null || removed == null) {
            return null;
        }
        String removedKey = Inventory.resolve(inv.policies(), inv.aliases(), removed.key());
        Inventory.Policy policy = inv.policy(removed.key());
        Map.Entry<String, Inventory.Doc> current = policy == null ? null : policy.current();
        JsonNode doc = current != null ? current.getValue().document()
                : "System".equals(removed.type()) ? SystemPolicyDocuments.of(cloud, removed.name()).map(SystemPolicyDocuments.Entry::document)
                        .orElse(null)
                : null;
        List<String> granted = doc == null ? null : actions(doc);
        PolicyKnowledge knowledge = PolicyKnowledge.of(inv, cloud, target);
        String direct = group != null ? inv.canonical("group/" + group).replaceFirst("/", " ")
                : PolicyKnowledge.holders(inv, target).values().stream().findFirst().orElse(null);
        List<String> still = new ArrayList<>();
        for (PolicyKnowledge.Held h : knowledge.held()) {
            boolean theRemovedOne = h.via().equals(direct)
                    && Inventory.resolve(inv.policies(), inv.aliases(), h.ref().key()).equals(removedKey);
            if (!theRemovedOne) {
                List<String> a = actions(h.document());
                if (a != null) {
                    still.addAll(a);
                }
            }
        }
        List<String> unknown = knowledge.unknown().stream()
                .filter(u -> !(direct != null && u.endsWith("(" + direct + ")") && u.startsWith(removed.label()))).toList();
        if (granted == null && still.isEmpty() && unknown.isEmpty()) {
            return null;
        }
        String version = current == null ? "" : versionLabel(current.getKey());
        PolicyRef known = policy != null ? policy.ref() : removed;
        return new PolicyRemoval(known.label() + version, granted, still, unknown);
    }

    /**
     * A new document in force for a policy {@code target} holds (directly or through a group): what the old document
     * allowed is {@link #granted}; the new one and the target's other known policies are {@link #stillGranted}.
     */
    public static PolicyRemoval ofChange(Inventory after, Cloud cloud, Principal target, PolicyRef ref, String policyKey,
                                         JsonNode oldDoc, String oldVersion, JsonNode newDoc, String newVersion) {
        List<String> granted = actions(oldDoc);
        List<String> still = new ArrayList<>();
        List<String> now = actions(newDoc);
        if (granted == null || now == null) {
            return null;
        }
        still.addAll(now);
        PolicyKnowledge knowledge = PolicyKnowledge.of(after, cloud, target);
        for (PolicyKnowledge.Held h : knowledge.held()) {
            if (!Inventory.resolve(after.policies(), after.aliases(), h.ref().key()).equals(policyKey)) {
                List<String> a = actions(h.document());
                if (a != null) {
                    still.addAll(a);
                }
            }
        }
        String replacement = newVersion == null || "-".equals(newVersion) ? "a new document"
                : newVersion.startsWith("@") ? "the version created at " + newVersion.substring(1) : "version " + newVersion;
        return new PolicyRemoval(ref.label() + versionLabel(oldVersion) + " (replaced by " + replacement + ")", granted, still, knowledge.unknown());
    }

    private static String versionLabel(String v) {
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
