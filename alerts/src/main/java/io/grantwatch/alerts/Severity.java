package io.grantwatch.alerts;

import io.grantwatch.model.Certainty;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingStatus;

/** How loudly to tell people, derived from the finding (findings carry no severity of their own). */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH;

    /** An explicit deny hit this often is a feature blocked, not a guardrail doing its job once. */
    static final long REPEATED = 3;

    /**
     * Drift before breakage and regressions of working setups are HIGH (something used to work);
     * a denial with a certain fix is MEDIUM; an explicit deny is rated by what it blocks — MEDIUM when
     * it stops a catalog feature the principal works in or keeps being hit, LOW for a lone guardrail
     * hit; catalog gaps and an agency's over-reach (a review) are LOW; resolved is INFO.
     */
    public static Severity of(Finding f) {
        if (f.status() == FindingStatus.RESOLVED) {
            return INFO;
        }
        return switch (f.kind()) {
            case PREDICTED_BREAKAGE, REGRESSION -> HIGH;
            case MISSING_GRANT -> f.missing().stream().anyMatch(m -> m.certainty() == Certainty.CERTAIN) ? MEDIUM : LOW;
            case EXPLICIT_DENY -> f.scenarioId() != null || (f.evidence() != null && f.evidence().count() >= REPEATED) ? MEDIUM : LOW;
            case UNMAPPED_DENIAL -> LOW;
            case OVER_REACH -> LOW; // a review of scope: nothing is broken
        };
    }

    /** Why {@link #of} rates the finding as it does, in one sentence (the console shows it beside the severity). */
    public static String why(Finding f) {
        if (f.status() == FindingStatus.RESOLVED) {
            return "Resolved: nothing is waiting on a change.";
        }
        return switch (f.kind()) {
            case PREDICTED_BREAKAGE -> "HIGH: an IAM change removed a grant a scenario in use needs, before anything failed.";
            case REGRESSION -> "HIGH: an action that used to succeed for this principal is now denied.";
            case MISSING_GRANT -> f.missing().stream().anyMatch(m -> m.certainty() == Certainty.CERTAIN)
                    ? "MEDIUM: a call was denied and the grant that fixes it is certain."
                    : "LOW: the missing grants are likely or possible, none was denied outright.";
            case EXPLICIT_DENY -> f.scenarioId() != null
                    ? "MEDIUM: an explicit deny blocks a catalog feature the principal works in."
                    : f.evidence() != null && f.evidence().count() >= REPEATED
                    ? "MEDIUM: an explicit deny was hit " + f.evidence().count() + " times."
                    : "LOW: a single hit of an explicit deny (a guardrail doing its job).";
            case UNMAPPED_DENIAL -> "LOW: a denial the catalog does not explain yet (a catalog gap).";
            case OVER_REACH -> "LOW: a review of an agency's scope; nothing is broken.";
        };
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
