package io.grantwatch.detector.streams;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A key-value store of one processor with its most recently used values kept deserialized. The
 * store belongs to that processor alone, so a hit equals what the store would return and saves a
 * deserialization (Streams' own record cache keeps bytes). Writes go to the store first, then
 * here. {@link #clear()} on (re-)init and close: a task revived after an aborted transaction reads
 * the restored store.
 */
final class CachedStore<V> {
    private final int capacity;
    private KeyValueStore<String, V> store;
    private final Map<String, V> recent;

    CachedStore(int capacity) {
        this.capacity = capacity;
        this.recent = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CachedStore.this.capacity;
            }
        };
    }

    /** Attaches the task's store (on init); forgets every cached value. */
    void attach(KeyValueStore<String, V> taskStore) {
        this.store = taskStore;
        recent.clear();
    }

    void clear() {
        recent.clear();
    }

    V get(String key) {
        V v = recent.get(key);
        if (v == null) {
            v = store.get(key);
            if (v != null) {
                recent.put(key, v);
            }
        }
        return v;
    }

    void put(String key, V value) {
        store.put(key, value);
        recent.put(key, value);
    }

    /** A delete that does not read (and deserialize) the old value, as {@code delete} would. */
    void remove(String key) {
        store.put(key, null);
        recent.remove(key);
    }
}
