package io.grantwatch.systemtests.corpus;

import io.grantwatch.model.GrantType;

/**
 * Generator ground truth: one planted denial episode (one or more identical denials of one
 * principal). The oracle must hold a finding of that principal naming the denied grant.
 *
 * @param principalKey {@code cloud:principal key} as ingest keys it
 * @param kind         SCENARIO (a catalog scenario's own grant), PASS_ROLE, ASSUME_ROLE, EXPLICIT, UNMAPPED
 * @param scenarioId   the scenario the principal works in (null for unmapped)
 * @param grantType    the denied grant's type as the inference should name it
 * @param grantValue   the denied action (or trust principal for ASSUME_ROLE; the API for unmapped denials without action)
 * @param denials      how many denial records
 * @param resolved     whether a later success of the same call was planted
 */
public record Episode(String principalKey, Kind kind, String scenarioId, GrantType grantType, String grantValue, int denials,
        boolean resolved) {

    public enum Kind { SCENARIO, PASS_ROLE, ASSUME_ROLE, EXPLICIT, UNMAPPED }
}
