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

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
