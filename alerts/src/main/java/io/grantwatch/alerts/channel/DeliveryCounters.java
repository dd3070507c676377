package io.grantwatch.alerts.channel;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Per-channel counters: delivered alerts and messages, retried attempts, digests, parked (failed) alerts, deferrals. */
public final class DeliveryCounters {
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    public void add(String channel, String counter, long n) {
        counters.computeIfAbsent(channel + "." + counter, k -> new AtomicLong()).addAndGet(n);
        counters.computeIfAbsent("total." + counter, k -> new AtomicLong()).addAndGet(n);
    }

    public long get(String channel, String counter) {
        AtomicLong v = counters.get(channel + "." + counter);
        return v == null ? 0 : v.get();
    }

    public long total(String counter) {
        return get("total", counter);
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
