package io.grantwatch.alerts;

import io.grantwatch.model.Certainty;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingStatus;

/** How loudly to tell people, derived from the finding (findings carry no severity of their own). */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH;

    /**
     * Drift before breakage and regressions of working setups are HIGH (something used to work);
     * a denial with a certain fix is MEDIUM; guardrail denials and catalog gaps are LOW; resolved is INFO.
     */
    public static Severity of(Finding f) {
        if (f.status() == FindingStatus.RESOLVED) {
            return INFO;
        }
        return switch (f.kind()) {
            case PREDICTED_BREAKAGE, REGRESSION -> HIGH;
            case MISSING_GRANT -> f.missing().stream().anyMatch(m -> m.certainty() == Certainty.CERTAIN) ? MEDIUM : LOW;
            case EXPLICIT_DENY, UNMAPPED_DENIAL -> LOW;
        };
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
