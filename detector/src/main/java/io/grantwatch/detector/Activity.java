package io.grantwatch.detector;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.Outcome;
import java.time.Instant;

/**
 * One recent call of a principal, as much as ranking needs: when, what, and how it ended.
 *
 * @param time    event time
 * @param action  IAM action, lower case, when known
 * @param api     {@code service/api} as logged, lower case
 * @param outcome allowed, denied or failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Activity(Instant time, String action, String api, Outcome outcome) {
}
