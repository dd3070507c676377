package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.catalog.Holder;

/**
 * A grant the inference says is missing.
 *
 * @param grant         the grant
 * @param certainty     CERTAIN for the denied grant itself, LIKELY/POSSIBLE for the rest of the scenario
 * @param holder        who must hold it (the catalog's vocabulary; on the wire its name: ACCOUNT, USER, ROLE, AGENCY, ...)
 * @param requirementId the catalog requirement this comes from
 * @param reason        one sentence a person can read
 * @param systemPolicy  the documented system policy that covers it, if the seed names one
 * @param citation      the seed section
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MissingGrant(
        Grant grant,
        Certainty certainty,
        Holder holder,
        String requirementId,
        String reason,
        String systemPolicy,
        Citation citation) {
}
