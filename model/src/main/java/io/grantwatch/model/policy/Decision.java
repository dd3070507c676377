package io.grantwatch.model.policy;

/** What a set of policies decides for one {@link Request}. */
public enum Decision {
    /** An unconditional Allow statement matches and no Deny statement does. */
    ALLOW,
    /** An unconditional Deny statement matches. */
    EXPLICIT_DENY,
    /** No statement matches. */
    IMPLICIT_DENY,
    /**
     * The outcome depends on a {@code Condition} the evaluator does not evaluate: a conditional Deny matches
     * (and no unconditional Deny does), or only conditional Allows match.
     */
    CONDITION_NOT_EVALUATED
}
