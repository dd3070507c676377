package io.grantwatch.alerts.dispatch;

import io.grantwatch.alerts.channel.RateHistory;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which (channel, idempotency key) pairs a channel already accepted. The in-memory ledger bounds
 * itself; {@link KafkaSentLedger} also writes each acceptance to a compacted topic while the channel
 * sends its next message, so a restart after a crash resends only the message in flight and the one
 * before it if its write had not landed (B.4: the only unavoidable duplicates). It is also
 * the rate-limited channels' {@link RateHistory}, so a restarted dispatcher keeps their limits.
 */
public class SentLedger implements RateHistory {
    private static final int MAX = 500_000;
    private final Set<String> entries = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX;
        }
    }));
    private final Map<String, Snapshot> rates = new ConcurrentHashMap<>();

    public boolean contains(String channel, String key) {
        return entries.contains(channel + "|" + key);
    }

    public void record(String channel, Collection<String> keys) {
        keys.forEach(k -> entries.add(channel + "|" + k));
    }

    /** Makes every entry recorded so far durable (nothing to do in memory). */
    public void flush() {
    }

    @Override
    public void attempting(String channel, Snapshot snapshot) {
        rates.put(channel, snapshot);
    }

    @Override
    public void answered(String channel, Snapshot snapshot) {
        rates.put(channel, snapshot);
    }

    @Override
    public Snapshot restore(String channel) {
        return rates.getOrDefault(channel, Snapshot.EMPTY);
    }

    /** A channel's rate history loaded at start-up. */
    protected void loadRate(String channel, Snapshot snapshot) {
        rates.put(channel, snapshot);
    }

    /** Entries loaded at start-up (already in the form {@code channel|key}). */
    protected void load(String entry) {
        entries.add(entry);
    }

    public int size() {
        return entries.size();
    }
}
