package io.grantwatch.detector;

import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;

/**
 * One catalog requirement that a denial touches, and how it was found.
 *
 * @param requirement the requirement
 * @param scenario    the scenario it belongs to
 * @param how         which lookup found it
 * @param strength    0..1, how directly the denial names it
 * @param detail      what matched (the action, error code, API or parameter)
 */
public record Match(Requirement requirement, Scenario scenario, How how, double strength, String detail) {

    /** The lookups, strongest first. */
    public enum How {
        EXACT_ACTION(1.0), ERROR_CODE(0.9), API_MAPPING(0.8), HINT(0.7), WILDCARD_ACTION(0.6), FALLBACK(0.3);

        private final double strength;

        How(double strength) {
            this.strength = strength;
        }

        public double strength() {
            return strength;
        }

        /** Whether a match of this kind names the denied grant itself (not just the area). */
        public boolean direct() {
            return this == EXACT_ACTION || this == ERROR_CODE || this == API_MAPPING || this == WILDCARD_ACTION;
        }
    }

    public String describe() {
        return switch (how) {
            case EXACT_ACTION -> "denied action " + detail + " is requirement " + requirement.id();
            case WILDCARD_ACTION -> "denied action " + detail + " falls under requirement " + requirement.id();
            case ERROR_CODE -> "error code " + detail + " names requirement " + requirement.id();
            case API_MAPPING -> "denied API " + detail + " maps to requirement " + requirement.id();
            case HINT -> "request parameter " + detail + " points at requirement " + requirement.id();
            case FALLBACK -> "service " + detail + " falls back to requirement " + requirement.id();
        };
    }
}
