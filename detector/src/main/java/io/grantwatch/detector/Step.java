package io.grantwatch.detector;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import java.util.List;

/**
 * The result of feeding one event (or one IAM change) to the engine.
 *
 * @param state    the principal's new state (store it)
 * @param emitted  findings that changed in a way worth publishing (first seen, missing grants, status, count milestone)
 * @param unmapped the event, when it is a denial no catalog entry explains and its finding was emitted
 * @param late     true when the event was later than the grace and was only counted
 * @param unmappedDenial true when the event was an unmapped denial (emitted or not): for the counter
 */
public record Step(PrincipalState state, List<Finding> emitted, List<AuditEvent> unmapped, boolean late, boolean unmappedDenial) {
    public Step {
        emitted = List.copyOf(emitted);
        unmapped = List.copyOf(unmapped);
    }

    /** A step that may have emitted findings and saw no denial the catalog cannot explain. */
    public static Step of(PrincipalState state, List<Finding> emitted) {
        return new Step(state, emitted, List.of(), false, false);
    }

    /** A step for an event later than the grace: only counted in {@code counted}, nothing emitted. */
    public static Step lateEvent(PrincipalState counted) {
        return new Step(counted, List.of(), List.of(), true, false);
    }

    /** A step for an event in time, saying whether it was a denial no catalog entry explains ({@code unmapped}: if emitted). */
    public static Step inTime(PrincipalState state, List<Finding> emitted, List<AuditEvent> unmapped, boolean unmappedDenial) {
        return new Step(state, emitted, unmapped, false, unmappedDenial);
    }
}
