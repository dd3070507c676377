package io.grantwatch.alerts.channel;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to one channel: rate limit (every attempt takes a permit), digest when the
 * batch exceeds the free permits (never drop), fit the payload under the channel's size limit
 * (FULL → COMPACT → MINIMAL, then split), retry with full-jitter backoff honouring Retry-After.
 * Progress is reported per accepted message, so a deferral after partial success resends nothing
 * that was accepted. A limited channel's attempt times go to a {@link RateHistory} before each
 * attempt, so a successor process starts from them.
 */
public final class ChannelSender {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelSender.class);

    private final Channel channel;
    private final RateLimiter limiter;
    private final RetryPolicy retry;
    private final DeliveryCounters counters;
    private final Pacer clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile RateHistory history = RateHistory.NONE;

    public ChannelSender(Channel channel, RetryPolicy retry, DeliveryCounters counters, Pacer clock, long rateMarginMillis) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.retry = retry;
        this.counters = counters;
        this.clock = clock;
        this.limiter = new RateLimiter(channel.limits(), rateMarginMillis, clock);
    }

    public Channel channel() {
        return channel;
    }

    /**
     * Records this channel's attempts in {@code history} from now on; the first history given also
     * seeds the limiter with what the previous process recorded there. Unlimited channels ignore it.
     */
    public void keepRateHistoryIn(RateHistory history) {
        if (!limiter.limited()) {
            return;
        }
        synchronized (inFlight) {
            if (this.history == RateHistory.NONE) {
                limiter.seed(history.restore(channel.name()).grantsAt(clock.millis()));
            }
            this.history = history;
        }
    }

    /**
     * @param alerts      alerts routed to this channel, in order
     * @param onDelivered called with the idempotency keys of each accepted message
     * @param onParked    called with the keys and reason when the channel refuses permanently
     * @throws DeliveryDeferred when the retry budget runs out; accepted messages were reported
     */
    public void deliver(List<Alert> alerts, Consumer<List<String>> onDelivered, BiConsumer<List<String>, String> onParked)
            throws DeliveryDeferred, InterruptedException {
        if (alerts.isEmpty()) {
            return;
        }
        List<List<Alert>> messages = new ArrayList<>();
        int free = limiter.limited() ? limiter.available() : Integer.MAX_VALUE;
        // a lone alert waits for its permit: a "digest" of one would only inflate the digest counters
        if (alerts.size() <= Math.max(free, 1)) {
            alerts.forEach(a -> messages.add(List.of(a)));
        } else {
            // keep one permit for the digest of the rest: over the limit we digest, never drop
            int singles = Math.max(0, free - 1);
            alerts.subList(0, singles).forEach(a -> messages.add(List.of(a)));
            messages.add(List.copyOf(alerts.subList(singles, alerts.size())));
            counters.add(channel.name(), "digests", 1);
            counters.add(channel.name(), "digested", alerts.size() - singles);
        }
        long started = clock.millis();
        for (List<Alert> m : messages) {
            for (Fitted f : fit(m)) {
                send(f.alerts().stream().map(Alert::idempotencyKey).toList(), now -> channel.prepare(f.alerts(), f.detail(), now),
                        started, onDelivered, onParked);
            }
        }
    }

    /** Delivers a summary (drift report) with the same limits and retries; false when refused permanently. */
    public boolean deliverSummary(Summary summary) throws DeliveryDeferred, InterruptedException {
        boolean[] ok = {false};
        send(List.of(summary.key()), now -> channel.prepareSummary(summary, now), clock.millis(), k -> ok[0] = true, (k, r) -> { });
        return ok[0];
    }

    private void recordAttempt() throws DeliveryDeferred, InterruptedException {
        if (!limiter.limited()) {
            return;
        }
        int pending = inFlight.incrementAndGet();
        try {
            history.attempting(channel.name(), new RateHistory.Snapshot(limiter.history(), pending));
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while recording an attempt");
            }
            // without the record a restart could exceed the limit: try later instead of sending now
            counters.add(channel.name(), "deferred", 1);
            throw new DeliveryDeferred("channel " + channel.name() + ": cannot record the attempt's time before sending: " + e,
                    retry.base());
        }
    }

    private void recordAnswer() {
        if (!limiter.limited()) {
            return;
        }
        try {
            history.answered(channel.name(), new RateHistory.Snapshot(limiter.history(), inFlight.decrementAndGet()));
        } catch (RuntimeException e) {
            // best effort by contract: a restart then treats the attempt as still in flight
            LOG.debug("channel {}: answer time not recorded: {}", channel.name(), e.toString());
        }
    }

    record Fitted(List<Alert> alerts, AlertFormatter.Detail detail) {
    }

    /** Largest detail that fits the size limit; a digest that does not fit even minimal is split. */
    List<Fitted> fit(List<Alert> alerts) {
        Instant now = Instant.ofEpochMilli(clock.millis());
        for (AlertFormatter.Detail d : AlertFormatter.Detail.values()) {
            if (channel.prepare(alerts, d, now).body().length <= channel.maxPayloadBytes()) {
                return List.of(new Fitted(alerts, d));
            }
        }
        if (alerts.size() == 1) {
            // cannot happen with capped fields; deliver minimal and let the receiver judge
            return List.of(new Fitted(alerts, AlertFormatter.Detail.MINIMAL));
        }
        int half = alerts.size() / 2;
        List<Fitted> out = new ArrayList<>(fit(alerts.subList(0, half)));
        out.addAll(fit(alerts.subList(half, alerts.size())));
        return out;
    }

    private void send(List<String> keys, Function<Instant, Outbound> prepare, long started,
            Consumer<List<String>> onDelivered, BiConsumer<List<String>, String> onParked) throws DeliveryDeferred, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            long[] grant = limiter.acquire();
            recordAttempt();
            Outbound out = prepare.apply(Instant.ofEpochMilli(clock.millis()));
            SendResult r;
            try {
                r = channel.send(out);
            } finally {
                limiter.completed(grant);
                recordAnswer();
            }
            counters.add(channel.name(), "attempts", 1);
            switch (r.kind()) {
                case ACCEPTED -> {
                    counters.add(channel.name(), "messages", 1);
                    counters.add(channel.name(), "delivered", keys.size());
                    onDelivered.accept(keys);
                    return;
                }
                case PERMANENT -> {
                    LOG.warn("channel {} refused {} alert(s) permanently: {}", channel.name(), keys.size(), r.reason());
                    counters.add(channel.name(), "failed", keys.size());
                    onParked.accept(keys, r.reason());
                    return;
                }
                case RETRY -> {
                    counters.add(channel.name(), "retried", 1);
                    long pause = retry.pauseMillis(attempt, r.retryAfter());
                    long spent = clock.millis() - started;
                    if (attempt + 1 >= retry.maxAttempts() || spent + pause > retry.budget().toMillis()) {
                        counters.add(channel.name(), "deferred", 1);
                        throw new DeliveryDeferred("channel " + channel.name() + " did not accept after " + (attempt + 1)
                                + " attempt(s): " + r.reason(), Duration.ofMillis(pause));
                    }
                    LOG.debug("channel {} attempt {} failed ({}), retrying in {} ms", channel.name(), attempt + 1, r.reason(), pause);
                    clock.sleep(pause);
                }
                default -> throw new IllegalStateException();
            }
        }
    }
}
