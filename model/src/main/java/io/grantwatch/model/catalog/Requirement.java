package io.grantwatch.model.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Grant;
import java.util.List;

/**
 * One row of a seed table: a scenario needs this grant.
 *
 * @param id         unique catalog id, e.g. {@code pai.eas.api-gateway}
 * @param service    the dependent service in the seed's words (OSS, NAS, API Gateway, OBS, SWR, ...)
 * @param grant      what must be granted
 * @param covers     for a system policy: action patterns it covers ({@code eas:*}), so a denied action finds it
 * @param phase      activation or use
 * @param necessity  required or may-be-needed
 * @param holder     who must hold it
 * @param purpose    what it enables, from the seed
 * @param citation   seed file + section
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Requirement(
        String id,
        String service,
        Grant grant,
        List<String> covers,
        Phase phase,
        Necessity necessity,
        Holder holder,
        String purpose,
        Citation citation) {

    public Requirement {
        covers = covers == null ? List.of() : List.copyOf(covers);
    }
}
