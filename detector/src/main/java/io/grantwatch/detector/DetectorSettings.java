package io.grantwatch.detector;

import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of the inference, shared by the streaming detector and {@code scan}.
 *
 * @param activityWindow how far back recent activity counts as "the scenario the principal is working in"
 * @param activityCap    at most this many recent activities per principal (newest kept)
 * @param successCap     at most this many distinct actions remembered as "seen succeeding" per principal
 * @param findingCap     at most this many findings remembered per principal (resolved ones are evicted first)
 * @param changeCap      at most this many recent IAM changes remembered per principal
 * @param eventIdsKept   how many event ids a finding's evidence keeps (newest last)
 * @param grace          events older than the principal's newest event time minus this are too late: counted, not used
 * @param driftHorizon   for drift: a scenario counts as in use when the principal succeeded at one of its calls this recently
 */
public record DetectorSettings(
        Duration activityWindow,
        int activityCap,
        int successCap,
        int findingCap,
        int changeCap,
        int eventIdsKept,
        Duration grace,
        Duration driftHorizon) {

    public DetectorSettings {
        Objects.requireNonNull(activityWindow, "activityWindow");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(driftHorizon, "driftHorizon");
        if (activityCap < 1 || successCap < 1 || findingCap < 1 || changeCap < 1 || eventIdsKept < 1) {
            throw new IllegalArgumentException("caps must be positive");
        }
    }

    public static DetectorSettings defaults() {
        return new DetectorSettings(Duration.ofHours(1), 200, 500, 100, 20, 10, Duration.ofMinutes(30), Duration.ofDays(7));
    }

    public DetectorSettings withGrace(Duration newGrace) {
        return new DetectorSettings(activityWindow, activityCap, successCap, findingCap, changeCap, eventIdsKept, newGrace, driftHorizon);
    }

    public DetectorSettings withActivityWindow(Duration window) {
        return new DetectorSettings(window, activityCap, successCap, findingCap, changeCap, eventIdsKept, grace, driftHorizon);
    }

    public DetectorSettings withDriftHorizon(Duration horizon) {
        return new DetectorSettings(activityWindow, activityCap, successCap, findingCap, changeCap, eventIdsKept, grace, horizon);
    }

    public DetectorSettings withActivityCap(int cap) {
        return new DetectorSettings(activityWindow, cap, successCap, findingCap, changeCap, eventIdsKept, grace, driftHorizon);
    }
}
