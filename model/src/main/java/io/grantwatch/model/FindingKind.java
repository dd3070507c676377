package io.grantwatch.model;

/** Why a finding exists. */
public enum FindingKind {
    /** A denial that the catalog explains: grants to add. */
    MISSING_GRANT,
    /** A denial caused by an explicit Deny or guardrail: never answered with "add an Allow". */
    EXPLICIT_DENY,
    /** An action that used to succeed for the principal and is now denied. */
    REGRESSION,
    /** An IAM change removed a grant that an actively used scenario needs, before any denial. */
    PREDICTED_BREAKAGE,
    /** A denial no catalog entry explains: the catalog's to-do list. */
    UNMAPPED_DENIAL,
    /**
     * A Huawei agency holds Allow actions beyond what the ModelArts features in use need (seed 004, 委托授权的最小化):
     * {@link Finding#excess} names them per policy, {@link Finding#missing} is the minimal set the seed's rows give. A
     * review: the fix adds the minimal policy; removing the broad one is left to a person.
     */
    OVER_REACH
}
