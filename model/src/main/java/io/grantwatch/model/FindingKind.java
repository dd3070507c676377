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
    UNMAPPED_DENIAL
}
