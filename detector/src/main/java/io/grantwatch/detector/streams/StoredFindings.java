package io.grantwatch.detector.streams;

import io.grantwatch.model.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries over the {@code principal-findings} store of this instance (each instance holds
 * the findings of its own partitions; the HTTP API asks every instance or routes by key). The store
 * also keeps the resolved findings their principal still remembers, so that a later denial reopens
 * the same finding; the listings return open ones only.
 */
public final class StoredFindings {
    private final ReadOnlyKeyValueStore<String, Finding> store;

    public StoredFindings(ReadOnlyKeyValueStore<String, Finding> store) {
        this.store = store;
    }

    /** The local store of a running instance; throws Kafka's InvalidStateStoreException while it is not queryable. */
    public static StoredFindings of(KafkaStreams streams) {
        return new StoredFindings(streams.store(StoreQueryParameters.fromNameAndType(DetectorTopology.PRINCIPAL_FINDINGS,
                QueryableStoreTypes.<String, Finding>keyValueStore())));
    }

    /** The finding, open or (while its principal remembers it) resolved. */
    public Optional<Finding> get(String id) {
        return Optional.ofNullable(store.get(id));
    }

    /** Every open finding of this instance, up to {@code limit}. */
    public List<Finding> open(int limit) {
        List<Finding> out = new ArrayList<>();
        try (KeyValueIterator<String, Finding> it = store.all()) {
            while (it.hasNext() && out.size() < limit) {
                KeyValue<String, Finding> kv = it.next();
                if (kv.value != null && kv.value.open()) {
                    out.add(kv.value);
                }
            }
        }
        return out;
    }

    /** Every finding this instance holds, open or (while its principal remembers it) resolved, up to {@code limit}. */
    public List<Finding> held(int limit) {
        List<Finding> out = new ArrayList<>();
        try (KeyValueIterator<String, Finding> it = store.all()) {
            while (it.hasNext() && out.size() < limit) {
                Finding f = it.next().value;
                if (f != null) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** Open findings of one principal ({@code Principal.key()}), up to {@code limit}. */
    public List<Finding> ofPrincipal(String principalKey, int limit) {
        List<Finding> out = new ArrayList<>();
        try (KeyValueIterator<String, Finding> it = store.all()) {
            while (it.hasNext() && out.size() < limit) {
                Finding f = it.next().value;
                if (f != null && f.open() && f.principal() != null && principalKey.equals(f.principal().key())) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    public long approximateCount() {
        return store.approximateNumEntries();
    }
}
