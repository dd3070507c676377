package io.grantwatch.detector;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.detector.inventory.Inventory;
import io.grantwatch.detector.inventory.PolicyKnowledge;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Excess;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.Principal;
import io.grantwatch.model.catalog.ActionPattern;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import io.grantwatch.model.policy.Decision;
import io.grantwatch.model.policy.PolicyEvaluator;
import io.grantwatch.model.policy.Request;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Seed 004's rule for a ModelArts agency's scope (委托授权的最小化: 委托授权的范围应该基于实际业务场景所需权限范围来进行
 * 定制): what the agency is given should be what the features in use need — the seed's 委托基础授权范围 rows, in the
 * catalog as the agency requirements of the {@code modelarts.agency.*} scenarios — plus what its jobs were seen to use
 * (the seed lets an administrator add items the jobs need beyond the base scope). Pure. It reads the agency's policies
 * from the inventory and names every Allow action beyond that, per policy, with the minimal set for the features in use.
 *
 * <p>It compares actions, not resources or Conditions; it names policies whose content is unknown and does not judge them;
 * a wildcard is beyond the need unless the seed writes that very wildcard (it writes none for an agency).
 */
final class AgencyScope {

    /**
     * An agency given more than its features need.
     *
     * @param excess  per policy, the Allow action patterns beyond the need
     * @param minimal the agency requirements of the features in use; empty when no feature is known to be in use (then the
     *                agency was compared with the seed's whole base scope, and no smaller set is proposed)
     * @param inUse   the scenarios counted as in use
     * @param unknown the agency's policies whose content is unknown
     */
    record Result(List<Excess> excess, List<Requirement> minimal, List<Scenario> inUse, List<String> unknown, List<Requirement> heldNeeded) {
        /** Whether the agency holds nothing beyond the need (as far as its known policies say). */
        boolean withinNeed() {
            return excess.isEmpty();
        }
    }

    private AgencyScope() {
    }

    /**
     * The agency's scope read against the need, or null when the inventory knows none of its policies.
     *
     * @param used  the agency's own success keys within the horizon ({@code obs/getobject}, actions)
     * @param inUse ids of scenarios in use by what named the agency (a ModelArts authorization, a training job)
     */
    static Result check(Inventory inv, Principal agency, CatalogLookup catalog, Collection<String> used, Set<String> inUse) {
        if (inv == null || inv.isEmpty()) {
            return null;
        }
        PolicyKnowledge knowledge = PolicyKnowledge.of(inv, Cloud.HUAWEI, agency);
        if (knowledge.held().isEmpty()) {
            return null;
        }
        List<Scenario> agencyScenarios = catalog.index().scenarios().stream()
                .filter(s -> s.cloud() == Cloud.HUAWEI && s.requirements().stream().anyMatch(AgencyScope::agencyAction)).toList();
        // in use: what named the agency or started work under it says which features; else those whose agency actions it used
        List<Scenario> active = agencyScenarios.stream().filter(s -> inUse.contains(s.id())).toList();
        if (active.isEmpty()) {
            active = agencyScenarios.stream().filter(s -> s.requirements().stream()
                    .anyMatch(r -> agencyAction(r) && used.stream().anyMatch(k -> DriftPredictor.proves(k, r.grant().value())))).toList();
        }
        Set<String> need = new LinkedHashSet<>();
        List<Requirement> minimal = new ArrayList<>();
        for (Scenario s : active.isEmpty() ? agencyScenarios : active) {
            for (Requirement r : s.requirements()) {
                if (agencyAction(r) && need.add(r.grant().value().toLowerCase(Locale.ROOT))) {
                    minimal.add(r);
                }
            }
        }
        List<Excess> excess = new ArrayList<>();
        Set<String> grantedExactly = new LinkedHashSet<>();
        for (PolicyKnowledge.Held h : knowledge.held()) {
            List<String> granted;
            try {
                granted = PolicyEvaluator.actionsGranted(h.document());
            } catch (IllegalArgumentException malformed) {
                continue;
            }
            List<String> beyond = new ArrayList<>();
            for (String p : granted) {
                grantedExactly.add(p.toLowerCase(Locale.ROOT));
                boolean needed = need.contains(p.toLowerCase(Locale.ROOT));
                boolean usedExactly = !ActionPattern.isWildcard(p) && used.stream().anyMatch(k -> DriftPredictor.proves(k, p));
                if (!needed && !usedExactly) {
                    beyond.add(p);
                }
            }
            if (!beyond.isEmpty()) {
                String v = h.version();
                excess.add(new Excess(h.ref().label() + (v == null || "-".equals(v) || v.startsWith("@") ? "" : " version " + v), h.via(), beyond));
            }
        }
        // what the agency is given within the need, by evaluation: obs:*:* gives the OBS actions the seed lists
        List<JsonNode> agencyDocs = documents(knowledge);
        // what a wildcard gives counts only within the features known to be in use: read against the seed's whole base scope
        // it would ask the user for every OBS action (PutBucketPolicy, PutBucketAcl, ...) when the work needs three
        boolean featuresKnown = !active.isEmpty();
        List<Requirement> heldNeeded = minimal.stream().filter(r -> grantedExactly.contains(r.grant().value().toLowerCase(Locale.ROOT))
                || featuresKnown && allows(agencyDocs, r.grant().value())).toList();
        return new Result(excess, active.isEmpty() ? List.of() : minimal, active, knowledge.unknown(), heldNeeded);
    }

    /**
     * Seed 004's other rule (请用户确保当前用户具备委托授权中包含的依赖策略项权限): the user an agency is configured for must
     * hold what the agency is given. Of what the agency holds within the need, what the user's known policies do not allow;
     * null when the inventory knows none of the user's policies.
     */
    static List<Requirement> userLacks(Inventory inv, Principal user, Result agency) {
        PolicyKnowledge knowledge = PolicyKnowledge.of(inv, Cloud.HUAWEI, user);
        if (knowledge.held().isEmpty() && knowledge.unknown().isEmpty()) {
            return null;
        }
        List<JsonNode> docs = documents(knowledge);
        return agency.heldNeeded().stream().filter(r -> !allows(docs, r.grant().value())).toList();
    }

    /** The known documents the evaluator accepts (a document it refuses grants nothing it can tell). */
    private static List<JsonNode> documents(PolicyKnowledge knowledge) {
        List<JsonNode> out = new ArrayList<>();
        for (PolicyKnowledge.Held h : knowledge.held()) {
            try {
                PolicyEvaluator.actionsGranted(h.document());
                out.add(h.document());
            } catch (IllegalArgumentException malformed) {
                // left out
            }
        }
        return out;
    }

    /**
     * Whether the documents allow the action on some resource unconditionally, with no Deny of it on every resource: the
     * evaluator's reading (wildcards, NotAction, explicit Deny wins), not a comparison of Action strings.
     */
    private static boolean allows(List<JsonNode> docs, String action) {
        if (docs.isEmpty() || action == null) {
            return false;
        }
        if (PolicyEvaluator.evaluate(docs, new Request(action, null)).decision() == Decision.EXPLICIT_DENY) {
            return false;
        }
        return docs.stream().anyMatch(d -> !PolicyEvaluator.allowedResources(d, action).isEmpty());
    }

    /** A requirement the seed puts on the agency as an action. */
    private static boolean agencyAction(Requirement r) {
        return r.holder() == Holder.AGENCY && (r.grant().type() == GrantType.AGENCY_ACTION || r.grant().type() == GrantType.ACTION);
    }
}
