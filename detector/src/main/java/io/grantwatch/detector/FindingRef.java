package io.grantwatch.detector;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import java.time.Instant;
import java.util.List;

/**
 * What a principal's state remembers of one finding: enough to de-duplicate, resolve and rank
 * without loading the full finding.
 *
 * @param id          the finding id
 * @param kind        its kind
 * @param status      open or resolved
 * @param scenarioId  the scenario it is about (null for unmapped denials)
 * @param resolveKeys lower-case action or {@code service/api} keys whose later success resolves it
 * @param firstSeen   first denial (or change) time
 * @param lastSeen    latest denial time
 * @param count       how many events fed it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FindingRef(
        String id,
        FindingKind kind,
        FindingStatus status,
        String scenarioId,
        List<String> resolveKeys,
        Instant firstSeen,
        Instant lastSeen,
        long count) {

    public FindingRef {
        resolveKeys = resolveKeys == null ? List.of() : List.copyOf(resolveKeys);
    }

    public boolean open() {
        return status == FindingStatus.OPEN;
    }
}
