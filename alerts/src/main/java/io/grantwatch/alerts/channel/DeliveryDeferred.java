package io.grantwatch.alerts.channel;

import java.time.Duration;

/**
 * The channel did not accept within the retry budget (receiver down, throttling). Not a loss:
 * the dispatcher leaves the offsets uncommitted and delivers again after {@link #notBefore()}.
 */
public final class DeliveryDeferred extends Exception {
    private final Duration notBefore;

    public DeliveryDeferred(String message, Duration notBefore) {
        super(message);
        this.notBefore = notBefore;
    }

    public Duration notBefore() {
        return notBefore;
    }
}
