package io.grantwatch.alerts.channel;

import java.time.Instant;
import java.util.List;

/**
 * A delivery target. {@link #prepare} is pure (what goes on the wire, signed for {@code now});
 * {@link #send} makes one attempt. Retries, rate limits, size fitting and digests are the
 * {@link ChannelSender}'s job, so every channel gets them the same way.
 */
public interface Channel {
    /** The configured target name, used in logs and routes (never the URL). */
    String name();

    ChannelType type();

    RateLimits limits();

    int maxPayloadBytes();

    /** Builds one message for the alerts: one alert in full, several as a digest. */
    Outbound prepare(List<Alert> alerts, AlertFormatter.Detail detail, Instant now);

    /** Builds one message for a summary (drift report), escaped for this channel. */
    Outbound prepareSummary(Summary summary, Instant now);

    /** One attempt. Never throws for receiver or network faults: they are results. */
    SendResult send(Outbound message) throws InterruptedException;

}
