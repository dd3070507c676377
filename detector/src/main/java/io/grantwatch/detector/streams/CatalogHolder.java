package io.grantwatch.detector.streams;

import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogEntry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog index the detect processor uses, rebuilt from the global catalog store when the
 * catalog topic changes. A new version is adopted only once complete: its manifest (written last
 * by the publisher) is present and every key it lists carries that version; until then the previous
 * index stays in use, so a half-published catalog never drives inference. Shared by the stream
 * threads of one instance; the global thread only marks it dirty.
 */
final class CatalogHolder {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogHolder.class);

    private volatile CatalogLookup current;
    private volatile boolean dirty = true;
    /** The entries the current index was built from (guarded by this). */
    private List<CatalogEntry> lastEntries = List.of();

    void markDirty() {
        dirty = true;
    }

    CatalogLookup current(ReadOnlyKeyValueStore<String, CatalogEntry> store) {
        CatalogLookup c = current;
        if (c != null && !dirty) {
            return c;
        }
        synchronized (this) {
            if (current == null || dirty) {
                dirty = false;
                CatalogLookup rebuilt = rebuild(store);
                if (rebuilt != null) {
                    current = rebuilt;
                    LOG.info("Catalog version {} in use: {} scenarios", rebuilt.version(), rebuilt.index().scenarios().size());
                }
            }
            return current != null ? current : CatalogLookup.empty();
        }
    }

    private CatalogLookup rebuild(ReadOnlyKeyValueStore<String, CatalogEntry> store) {
        CatalogEntry manifest = store.get(CatalogEntry.MANIFEST_KEY);
        if (manifest != null && manifest.manifest() != null) {
            List<CatalogEntry> entries = new ArrayList<>();
            for (String key : manifest.manifest()) {
                CatalogEntry e = store.get(key);
                if (e == null || manifest.version() != null && !manifest.version().equals(e.version())) {
                    LOG.debug("Catalog version {} incomplete at {}; keeping the previous one", manifest.version(), key);
                    return current == null ? everything(store) : null;
                }
                entries.add(e);
            }
            entries.add(manifest);
            if (current != null && manifest.version() != null && manifest.version().equals(current.version()) && same(entries)) {
                return null;
            }
            lastEntries = entries;
            return CatalogLookup.of(Catalog.fromEntries(entries));
        }
        return current == null ? everything(store) : null;
    }

    private boolean same(List<CatalogEntry> entries) {
        return entries.equals(lastEntries);
    }

    /** No complete manifest yet and nothing in use: use what is there rather than nothing. */
    private static CatalogLookup everything(ReadOnlyKeyValueStore<String, CatalogEntry> store) {
        List<CatalogEntry> entries = new ArrayList<>();
        try (KeyValueIterator<String, CatalogEntry> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, CatalogEntry> kv = it.next();
                if (kv.value != null) {
                    entries.add(kv.value);
                }
            }
        }
        return entries.isEmpty() ? null : CatalogLookup.of(Catalog.fromEntries(entries));
    }
}
