package io.grantwatch.detector;

import java.time.Instant;

/**
 * A call by a person in the same account that signals a scenario. ModelArts runs training jobs and
 * notebooks under the user's agency, PAI runs DSW instances under the instance role: a denial of
 * the agency or role is explained by what a person of the account started shortly before.
 *
 * @param scenarioId the scenario the call signals
 * @param time       when the call happened
 * @param who        the person (display form)
 * @param api        the call, {@code service/api}
 */
public record ContextSignal(String scenarioId, Instant time, String who, String api) {
}
