package io.grantwatch.alerts.channel;

import java.time.Duration;

/**
 * The outcome of one attempt. RETRY may carry the receiver's Retry-After; PERMANENT means more
 * attempts cannot help (bad signature, 404, 410): the dispatcher parks the alerts.
 */
public record SendResult(Kind kind, int status, Duration retryAfter, String reason) {
    public enum Kind { ACCEPTED, RETRY, PERMANENT }

    public static SendResult accepted(int status) {
        return new SendResult(Kind.ACCEPTED, status, null, "accepted");
    }

    public static SendResult retry(int status, Duration retryAfter, String reason) {
        return new SendResult(Kind.RETRY, status, retryAfter, reason);
    }

    public static SendResult permanent(int status, String reason) {
        return new SendResult(Kind.PERMANENT, status, null, reason);
    }

    public boolean accepted() {
        return kind == Kind.ACCEPTED;
    }
}
