package io.grantwatch.detector;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.grantwatch.model.Outcome;
import java.time.Instant;

/**
 * One recent call of a principal, as much as ranking needs: when, what, and how it ended. Stored
 * as a compact JSON array ({@code [epochMillis, action, api, outcome]}): a principal keeps up to a
 * few hundred of these and the state is read and written on every event.
 *
 * @param at      event time, epoch milliseconds
 * @param action  IAM action, lower case, when known
 * @param api     {@code service/api} as logged, lower case
 * @param outcome allowed, denied or failed
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"at", "action", "api", "outcome"})
public record Activity(long at, String action, String api, Outcome outcome) {

    public Activity(Instant time, String action, String api, Outcome outcome) {
        this(time.toEpochMilli(), action, api, outcome);
    }

    /** The event time as an Instant. */
    public Instant time() {
        return Instant.ofEpochMilli(at);
    }
}
