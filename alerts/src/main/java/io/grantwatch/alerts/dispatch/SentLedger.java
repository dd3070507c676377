package io.grantwatch.alerts.dispatch;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which (channel, idempotency key) pairs a channel already accepted. The in-memory ledger bounds
 * itself; {@link KafkaSentLedger} also writes each acceptance to a compacted topic before the
 * dispatcher moves on, so a restart after a crash resends only what was accepted in the instant
 * between the channel's 2xx and the ledger write (B.4: the only unavoidable duplicates).
 */
public class SentLedger {
    private static final int MAX = 500_000;
    private final Set<String> entries = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX;
        }
    }));

    public boolean contains(String channel, String key) {
        return entries.contains(channel + "|" + key);
    }

    public void record(String channel, Collection<String> keys) {
        keys.forEach(k -> entries.add(channel + "|" + k));
    }

    /** Entries loaded at start-up (already in the form {@code channel|key}). */
    protected void load(String entry) {
        entries.add(entry);
    }

    public int size() {
        return entries.size();
    }
}
