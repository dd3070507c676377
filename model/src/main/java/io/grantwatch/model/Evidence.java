package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What the finding rests on.
 *
 * @param eventIds      the most recent event ids (bounded, newest last)
 * @param firstSeen     first denial (or change) time
 * @param lastSeen      latest denial time
 * @param count         how many events fed this finding (a retry storm of 300 says 300)
 * @param service       the denied call's service as logged
 * @param api           the denied call's API/trace name as logged
 * @param deniedAction  the IAM action that was denied, when known
 * @param resource      the resource named by the denial, when known
 * @param errorCode     the cloud's error code
 * @param errorMessage  the cloud's error message (redacted)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Evidence(
        List<String> eventIds,
        Instant firstSeen,
        Instant lastSeen,
        long count,
        String service,
        String api,
        String deniedAction,
        String resource,
        String errorCode,
        String errorMessage) {

    public Evidence {
        eventIds = eventIds == null ? List.of() : List.copyOf(eventIds);
    }
}
