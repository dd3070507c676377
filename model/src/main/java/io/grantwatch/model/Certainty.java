package io.grantwatch.model;

/** How sure the inference is that a grant is missing. */
public enum Certainty {
    /** The cloud denied exactly this grant. */
    CERTAIN,
    /** The scenario documents it as required and the principal has not been seen using it. */
    LIKELY,
    /** The seed says it "may be needed" (e.g. optional dependent services). */
    POSSIBLE
}
