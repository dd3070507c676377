package io.grantwatch.detector;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.IamChange;
import io.grantwatch.model.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the detector remembers about one principal, bounded by {@link DetectorSettings}:
 * recent activity (a time window and a cap), the actions seen succeeding (a cap, oldest evicted),
 * a summary of its findings (a cap, resolved evicted first) and the recent IAM changes that hit it.
 * Memory per principal is constant whatever the number of events.
 *
 * @param key        the state key ({@code cloud:principal-key})
 * @param principal  the principal as last seen
 * @param watermark  newest event time seen for this principal
 * @param recent     recent activity, oldest first
 * @param succeeded  lower-case action or {@code service/api} → last success time (epoch milliseconds)
 * @param findings   finding summaries, oldest first
 * @param changes    recent IAM changes that affected this principal, oldest first
 * @param late       events that arrived later than the grace and were not used
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PrincipalState(
        String key,
        Principal principal,
        Instant watermark,
        List<Activity> recent,
        Map<String, Long> succeeded,
        List<FindingRef> findings,
        List<IamChange> changes,
        long late) {

    public PrincipalState {
        recent = recent == null ? List.of() : List.copyOf(recent);
        succeeded = succeeded == null || succeeded.isEmpty() ? Map.of() : SealedMap.of(succeeded);
        findings = findings == null ? List.of() : List.copyOf(findings);
        changes = changes == null ? List.of() : List.copyOf(changes);
    }

    public static PrincipalState empty(String key, Principal principal) {
        return new PrincipalState(key, principal, null, List.of(), Map.of(), List.of(), List.of(), 0);
    }
}
