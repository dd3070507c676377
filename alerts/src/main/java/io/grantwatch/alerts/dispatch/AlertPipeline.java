package io.grantwatch.alerts.dispatch;

import io.grantwatch.alerts.channel.Alert;
import io.grantwatch.alerts.channel.ChannelSender;
import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.DeliveryDeferred;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.Finding;
import io.grantwatch.model.Remediation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka-free half of the dispatcher: one batch of findings → remediations (always), mute check,
 * routing, and delivery to every routed channel in parallel. Returns only when every routed
 * channel accepted or parked each alert; otherwise throws {@link DeliveryDeferred} and the caller
 * keeps its offsets. A ledger of (channel, idempotency key) already accepted makes a retried batch
 * resend only what was not accepted (in this process; after a crash duplicates are possible and
 * carry the same key).
 */
public final class AlertPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertPipeline.class);
    private static final int LEDGER_MAX = 200_000;

    /** Where parked alerts go (a channel refused permanently): kept for replay, never dropped. */
    @FunctionalInterface
    public interface ParkSink {
        void park(String channel, String reason, Finding finding, String idempotencyKey);
    }

    private final RemediationPlanner planner;
    private final Router router;
    private final Supplier<MuteRules> mutes;
    private final Map<String, ChannelSender> senders = new LinkedHashMap<>();
    private final DeliveryCounters counters;
    private final Supplier<Instant> now;
    private final ExecutorService pool;
    private final SentLedger delivered;
    private final Set<String> published = Collections.synchronizedSet(Collections.newSetFromMap(lru()));

    public AlertPipeline(RemediationPlanner planner, Router router, MuteRules mutes, List<ChannelSender> senders,
            DeliveryCounters counters, Supplier<Instant> now) {
        this(planner, router, mutes, senders, counters, now, new SentLedger());
    }

    public AlertPipeline(RemediationPlanner planner, Router router, MuteRules mutes, List<ChannelSender> senders,
            DeliveryCounters counters, Supplier<Instant> now, SentLedger ledger) {
        this(planner, router, () -> mutes, senders, counters, now, ledger);
    }

    /** @param mutes the mute rules in force, asked per batch (the console's mutes change while the dispatcher runs) */
    public AlertPipeline(RemediationPlanner planner, Router router, Supplier<MuteRules> mutes, List<ChannelSender> senders,
            DeliveryCounters counters, Supplier<Instant> now, SentLedger ledger) {
        this.delivered = ledger;
        this.planner = planner;
        this.router = router;
        this.mutes = mutes;
        senders.forEach(s -> {
            this.senders.put(s.channel().name(), s);
            // rate limits hold across restarts: the limiter starts from the previous process's attempts
            s.keepRateHistoryIn(ledger);
        });
        this.counters = counters;
        this.now = now;
        this.pool = Executors.newFixedThreadPool(Math.max(1, senders.size()), r -> {
            Thread t = new Thread(r, "grantwatch-alerts-channel");
            t.setDaemon(true);
            return t;
        });
    }

    public DeliveryCounters counters() {
        return counters;
    }

    public void process(List<Finding> batch, Consumer<Remediation> remediations, ParkSink park)
            throws DeliveryDeferred, InterruptedException {
        Map<String, List<Alert>> perChannel = new LinkedHashMap<>();
        Map<String, Finding> byKey = new LinkedHashMap<>();
        MuteRules mutes = this.mutes.get();
        for (Finding f : batch) {
            Remediation r;
            try {
                r = planner.plan(f);
            } catch (RuntimeException e) {
                // one malformed finding must not stop delivery of the rest: it is parked with the reason
                LOG.error("cannot plan a remediation for finding {}: {}", f.id(), e.toString());
                counters.add("pipeline", "plannerErrors", 1);
                park.park("planner", "planner error: " + e.getClass().getSimpleName(), f, Alert.keyOf(f));
                continue;
            }
            Alert a = Alert.of(f, r);
            byKey.put(a.idempotencyKey(), f);
            if (published.add(a.idempotencyKey())) {
                remediations.accept(r);
            }
            counters.add("pipeline", "findings", 1);
            Optional<MuteRule> mute = mutes.muting(f, now.get());
            if (mute.isPresent()) {
                counters.add("pipeline", "muted", 1);
                LOG.debug("finding {} muted by rule {}", f.id(), mute.get().id());
                continue;
            }
            for (String ch : router.channelsFor(f)) {
                if (!delivered.contains(ch, a.idempotencyKey())) {
                    perChannel.computeIfAbsent(ch, k -> new ArrayList<>()).add(a);
                } else {
                    counters.add(ch, "resendsAvoided", 1);
                }
            }
        }
        List<Future<?>> futures = new ArrayList<>();
        for (Map.Entry<String, List<Alert>> e : perChannel.entrySet()) {
            ChannelSender sender = senders.get(e.getKey());
            futures.add(pool.submit(() -> {
                sender.deliver(e.getValue(),
                        keys -> delivered.record(e.getKey(), keys),
                        // parked alerts are not recorded as sent: until the park record is flushed they may be retried
                        (keys, reason) -> keys.forEach(k -> park.park(e.getKey(), reason, byKey.get(k), k)));
                return null;
            }));
        }
        DeliveryDeferred deferred = null;
        try {
            for (Future<?> fu : futures) {
                try {
                    fu.get();
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof DeliveryDeferred d) {
                        deferred = deferred == null || d.notBefore().compareTo(deferred.notBefore()) > 0 ? d : deferred;
                    } else if (ex.getCause() instanceof InterruptedException ie) {
                        throw ie;
                    } else {
                        // a bug in a channel must not lose the batch: defer and retry
                        LOG.error("channel delivery failed unexpectedly", ex.getCause());
                        deferred = new DeliveryDeferred("unexpected: " + ex.getCause(), Duration.ofSeconds(1));
                    }
                }
            }
        } catch (InterruptedException ie) {
            futures.forEach(fu -> fu.cancel(true));
            throw ie;
        }
        // what was accepted is in the ledger before the caller commits the batch
        delivered.flush();
        if (deferred != null) {
            throw deferred;
        }
    }

    private static <K> Map<K, Boolean> lru() {
        return new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Boolean> eldest) {
                return size() > LEDGER_MAX;
            }
        };
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
