package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * A person's decision about one finding, made in the findings console: the record on the compacted
 * {@code finding-actions} topic, keyed by {@link #findingId}, so the newest decision per finding is the one in force.
 * A mute has the mute rules' contract (reason, owner and expiry required; it ends at {@code expires}).
 *
 * @param findingId the finding it is about
 * @param action    MUTE, ACKNOWLEDGE or REOPEN (REOPEN undoes either)
 * @param reason    why (required for a mute)
 * @param owner     who decided (required for a mute)
 * @param expires   when a mute stops (required for a mute, null otherwise)
 * @param at        when it was decided
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FindingAction(String findingId, Kind action, String reason, String owner, Instant expires, Instant at) {

    /** What the decision does. */
    public enum Kind {
        MUTE, ACKNOWLEDGE, REOPEN
    }

    public FindingAction {
        Objects.requireNonNull(findingId, "findingId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(at, "at");
        if (action == Kind.MUTE) {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("a mute needs a reason");
            }
            if (owner == null || owner.isBlank()) {
                throw new IllegalArgumentException("a mute needs an owner");
            }
            Objects.requireNonNull(expires, "a mute needs an expiry");
            if (!expires.isAfter(at)) {
                throw new IllegalArgumentException("a mute's expiry must be after it is made");
            }
        }
    }

    /** A mute in force at {@code now}. */
    public boolean mutes(Instant now) {
        return action == Kind.MUTE && now.isBefore(expires);
    }
}
