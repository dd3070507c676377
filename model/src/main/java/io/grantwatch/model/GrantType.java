package io.grantwatch.model;

/** The kinds of grant a feature can need. Delegation (PassRole, trust, agency) is its own kind. */
public enum GrantType {
    /** An IAM action on a resource: {@code oss:GetObject}, {@code modelarts:trainJob:create}. */
    ACTION,
    /**
     * A documented system policy: {@code AliyunPAIFullAccess}, {@code ModelArts FullAccess}. Removed by a change, its
     * resource is {@code group/<name>} when it was detached from a group ({@link #CUSTOM_POLICY}).
     */
    SYSTEM_POLICY,
    /** {@code ram:PassRole} on a role the user hands to a service (DSW instance RAM role). */
    PASS_ROLE,
    /** A service principal that a role's trust policy must name, e.g. {@code pai.aliyuncs.com}. */
    TRUST_PRINCIPAL,
    /** An action granted to a ModelArts agency (委托), not to the user. */
    AGENCY_ACTION,
    /** A role inside a workspace, e.g. MaxCompute Developer or a PAI workspace role. */
    WORKSPACE_ROLE,
    /** A service that the account must activate (開通 / 开通) before anyone can use it. */
    SERVICE_ACTIVATION,
    /**
     * The seed says to grant a dependent service's fine-grained permissions "as the work needs" and
     * names none (e.g. OSSは詳細なRAM制御ポリシーを提供します). The value is the service's action prefix
     * ({@code oss}); the requirement's {@code answers} patterns say which denials it answers. It is
     * never printed as a grant of its own: a denial turns it into the concrete denied action.
     */
    DENIED_ACTION,
    /**
     * A customer-managed policy (RAM {@code Custom}, a Huawei custom or IAM v5 identity policy) that an IAM change took
     * away, by name: drift shows what was removed as the kind of policy it is. Its resource says how it was held when not
     * directly: {@code group/<name>} for a policy detached from (or changed for) a group, {@code member/<group>} for a
     * policy a user lost by being removed from a group that still holds it, {@code version/<id>} for a
     * policy whose document in force a new default version replaced ({@code <id>} the version that was in force, or
     * {@code ?} when the trail did not give its id).
     */
    CUSTOM_POLICY
}
