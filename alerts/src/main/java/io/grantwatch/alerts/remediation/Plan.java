package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.KnownDeny;
import java.util.List;

/**
 * What to do about one finding, decided once and rendered many times (policy JSON, CLI, Terraform,
 * console steps). Cloud-neutral in shape; resources are already in the cloud's ARN/URN form. A name
 * that is {@code null} is unknown from the evidence: renderers turn it into a named input with the
 * command that looks it up, never into a bare placeholder.
 *
 * @param findingId    the finding it answers
 * @param cloud        alibaba | huawei
 * @param kind         the finding's kind
 * @param subject      the principal that was denied, as an entity that can receive grants
 * @param grants       custom-policy statements: the denied action first, then the seed's other grants
 * @param systemPolicies managed/system policies: the seed's fix, a restore, or the labelled coarse alternative
 * @param trust        trust-policy additions (only where the evidence points at trust)
 * @param workspaceRoles workspace member roles to add
 * @param activations  services the account must activate
 * @param denyReview   for an explicit deny (or a denied root account): what to review instead of granting
 * @param notes        what the seed says may also be needed, and checks that are not changes
 * @param citations    where the plan's knowledge comes from
 * @param blocked      what a Deny the inventory knows says about the fix, first thing a person reads: a grant it blocks is
 *                     not in {@code grants}; one it may block under a Condition is, with the warning
 * @param headline     the summary when no grant is the answer: the change deleted the role or agency itself (what to do
 *                     instead; the steps say how), or the change was undone since (resolved); else null
 */
public record Plan(
        String findingId,
        Cloud cloud,
        FindingKind kind,
        Entity subject,
        List<PolicyGrant> grants,
        List<SystemPolicyGrant> systemPolicies,
        List<TrustChange> trust,
        List<WorkspaceRole> workspaceRoles,
        List<String> activations,
        DenyReview denyReview,
        List<String> notes,
        List<Citation> citations,
        List<String> blocked,
        String headline) {

    Plan(String findingId, Cloud cloud, FindingKind kind, Entity subject, List<PolicyGrant> grants, List<SystemPolicyGrant> systemPolicies,
         List<TrustChange> trust, List<WorkspaceRole> workspaceRoles, List<String> activations, DenyReview denyReview, List<String> notes,
         List<Citation> citations) {
        this(findingId, cloud, kind, subject, grants, systemPolicies, trust, workspaceRoles, activations, denyReview, notes, citations, List.of());
    }

    Plan(String findingId, Cloud cloud, FindingKind kind, Entity subject, List<PolicyGrant> grants, List<SystemPolicyGrant> systemPolicies,
         List<TrustChange> trust, List<WorkspaceRole> workspaceRoles, List<String> activations, DenyReview denyReview, List<String> notes,
         List<Citation> citations, List<String> blocked) {
        this(findingId, cloud, kind, subject, grants, systemPolicies, trust, workspaceRoles, activations, denyReview, notes, citations, blocked,
                null);
    }

    public Plan {
        blocked = List.copyOf(blocked);
        grants = List.copyOf(grants);
        systemPolicies = List.copyOf(systemPolicies);
        trust = List.copyOf(trust);
        workspaceRoles = List.copyOf(workspaceRoles);
        activations = List.copyOf(activations);
        notes = List.copyOf(notes);
        citations = List.copyOf(citations);
    }

    /** Whether the plan changes nothing (a review, or nothing GrantWatch can print safely). */
    public boolean grantsNothing() {
        return grants.isEmpty() && systemPolicies.stream().noneMatch(s -> s.role() != SystemPolicyRole.COARSE_ALTERNATIVE)
                && trust.isEmpty() && workspaceRoles.isEmpty();
    }

    /** Who can receive a grant. */
    public enum EntityKind {
        /** A RAM user; a Huawei IAM user (granted through a user group). */
        USER,
        /** A RAM role (role sessions, DSW instance roles). */
        ROLE,
        /** A Huawei agency (委托). */
        AGENCY,
        /** A Huawei federated user: the identity provider's mapping decides its user groups. */
        IDP_MAPPING,
        /** The root account / domain: it holds every permission, there is nothing to grant. */
        ACCOUNT,
        /** A cloud service or an unknown identity type: nothing to grant. */
        NONE
    }

    /**
     * An entity; {@code name} is null when the evidence does not give it.
     *
     * @param kind    what it is
     * @param name    user, role, agency or identity-provider name
     * @param id      the cloud's id when the evidence gives it (Huawei user id)
     * @param account account UID / domain id, when known
     */
    public record Entity(EntityKind kind, String name, String id, String account) {
        public boolean known() {
            return name != null;
        }

        public String label() {
            String n = name == null ? "(to be looked up)" : name;
            return switch (kind) {
                case USER -> "user " + n;
                case ROLE -> "role " + n;
                case AGENCY -> "agency " + n;
                case IDP_MAPPING -> "the mapping of identity provider " + n;
                case ACCOUNT -> "the root account";
                case NONE -> "the caller";
            };
        }
    }

    /**
     * One Allow statement for a custom policy.
     *
     * @param to        the entity that receives it
     * @param actions   actions, exactly as the cloud names them
     * @param resources resources in ARN/URN form; {@code *} only where the evidence names none
     * @param certainty CERTAIN for the denied call, LIKELY for the rest of the seed's scenario
     * @param source    the seed section or vendor reference behind it
     * @param projectScope Huawei: the seed says this dependency is configured in the IAM project view
     */
    public record PolicyGrant(Entity to, List<String> actions, List<String> resources, Certainty certainty, Citation source,
            boolean projectScope) {
        public PolicyGrant {
            actions = List.copyOf(actions);
            resources = List.copyOf(resources);
        }
    }

    /** Why a system policy appears. */
    public enum SystemPolicyRole {
        /** The seed names it as the fix for this scenario (activation by a RAM user, MaxCompute activation). */
        REQUIRED,
        /** It was removed by an IAM change that an active scenario needs. */
        RESTORE,
        /** A custom policy (or one known only by id) removed by an IAM change: re-attached as custom, not as a system policy. */
        RESTORE_CUSTOM,
        /**
         * A custom policy still attached whose new default version took grants away: the version that was in force is made
         * the default again ({@link SystemPolicyGrant#version}, null when the trail did not give its id).
         */
        RESTORE_VERSION,
        /**
         * A Huawei IAM v5 identity policy detached from an agency or a user: the exact undo, Attach{Agency,User}PolicyV5 with
         * the ids the record carried ({@link SystemPolicyGrant#heldAt}: {@code agency/<id>/<policy id>} or
         * {@code user/<id>/<policy id>}).
         */
        RESTORE_ATTACH_V5,
        /**
         * A RAM policy detached from a principal within one resource group (ResourceManager DetachPolicy): re-attached in that
         * group, never account-wide ({@link SystemPolicyGrant#heldAt}: {@code <group id>/<policy type>/<principal type>/<name>}).
         */
        RESTORE_RESOURCE_GROUP,
        /** Broader than needed: printed as the labelled alternative to the custom policy, commented out. */
        COARSE_ALTERNATIVE
    }

    /**
     * A policy to attach (or, {@link SystemPolicyRole#RESTORE_VERSION}, whose default version to restore).
     *
     * @param group   a restore: the group the change detached it from (re-attached to the group, never to {@code to}, its
     *                member); else null
     * @param version {@link SystemPolicyRole#RESTORE_VERSION}: the version to make the default again ({@code v1}), null when
     *                unknown
     * @param heldAt  where the restore puts it back: the v5 ids or the resource group (see the roles), else null
     */
    public record SystemPolicyGrant(Entity to, String policy, SystemPolicyRole role, Citation source, String group, String version,
                                    String heldAt) {
        public SystemPolicyGrant(Entity to, String policy, SystemPolicyRole role, Citation source, String group, String version) {
            this(to, policy, role, source, group, version, null);
        }

        public SystemPolicyGrant(Entity to, String policy, SystemPolicyRole role, Citation source) {
            this(to, policy, role, source, null, null, null);
        }
    }

    /**
     * Add {@code service} to the role's trust policy. Always a merge: with {@code current} known the
     * merged document is printed for review; the commands always merge into the live one. {@code account}
     * is the role's account when known.
     */
    public record TrustChange(String role, String account, String service, JsonNode current, Citation source) {
    }

    /**
     * Add {@code member} to a workspace with a role; {@code role}, {@code workspace} and {@code region} are null
     * when the evidence does not name them.
     */
    public record WorkspaceRole(Entity member, String role, String workspace, String region, Citation source) {
    }

    /**
     * An explicit deny (or a denied root account): review, never Allow.
     *
     * @param subject            the denied entity
     * @param action             the denied action, when valid
     * @param resource           the denied resource in ARN form, when known
     * @param layer              the policy layer the denial names (ControlPolicy, SessionPolicy, ...)
     * @param encodedDiagnostic  Alibaba's EncodedDiagnosticMessage, when present
     * @param named              the Deny statement the inventory holds that matches the denied call, when it knows one
     */
    public record DenyReview(Entity subject, String action, String resource, String layer, String encodedDiagnostic, KnownDeny named) {
    }
}
