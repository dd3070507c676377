package io.grantwatch.detector;

import io.grantwatch.model.Finding;

/**
 * Where the engine keeps full findings between events: a state store in the topology, a map in
 * {@code scan}. The principal's state keeps only {@link FindingRef}s; the full finding (with its
 * ranking and missing grants) is loaded when it changes.
 */
public interface FindingBook {
    /** The finding with this id, or null. */
    Finding get(String id);

    /** Stores the finding's newest state (open or resolved). */
    void put(Finding finding);
}
