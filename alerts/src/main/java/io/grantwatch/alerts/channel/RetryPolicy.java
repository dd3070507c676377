package io.grantwatch.alerts.channel;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: {@code sleep = random(0, min(cap, base * 2^attempt))}
 * (Brooker, "Exponential Backoff And Jitter"), never shorter than the receiver's Retry-After.
 *
 * @param base        first backoff ceiling
 * @param cap         largest backoff ceiling
 * @param maxAttempts attempts per message inside one delivery call before deferring
 * @param budget      time one delivery call may spend before deferring to the dispatcher (which
 *                    keeps the offsets uncommitted and tries again later, forever)
 */
public record RetryPolicy(Duration base, Duration cap, int maxAttempts, Duration budget) {
    public static RetryPolicy defaults() {
        return new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), 6, Duration.ofSeconds(90));
    }

    public long backoffMillis(int attempt) {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() * (1L << Math.min(attempt, 30)));
        return ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    /** The pause before the next attempt: full jitter, but at least Retry-After. */
    public long pauseMillis(int attempt, Duration retryAfter) {
        long jitter = backoffMillis(attempt);
        return retryAfter == null ? jitter : Math.max(jitter, retryAfter.toMillis());
    }
}
