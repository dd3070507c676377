package io.grantwatch.detector.streams;

import io.grantwatch.detector.AccountActivity;
import io.grantwatch.detector.DetectionEngine;
import io.grantwatch.detector.DetectionFlow;
import io.grantwatch.detector.DetectorCounters;
import io.grantwatch.detector.FindingBook;
import io.grantwatch.detector.FindingRef;
import io.grantwatch.detector.PrincipalState;
import io.grantwatch.detector.Step;
import io.grantwatch.detector.inventory.Inventory;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.inventory.InventoryRecord;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The topology's processors. Each only adapts records and stores to the pure engine. */
final class Processors {
    private Processors() {
    }

    /** Global-store updater: keeps the catalog entries and tells the holder to rebuild its index. */
    static final class UpdateCatalog implements Processor<String, CatalogEntry, Void, Void> {
        private final String storeName;
        private final CatalogHolder holder;
        private KeyValueStore<String, CatalogEntry> store;

        UpdateCatalog(String storeName, CatalogHolder holder) {
            this.storeName = storeName;
            this.holder = holder;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<String, CatalogEntry> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
            holder.markDirty();
        }
    }

    /** Passes events already keyed by their account (the ingest contract, {@link AuditEvent#routingKey()}): no repartition. */
    static final class KeepAccountKeyed extends ContextualProcessor<String, AuditEvent, String, AuditEvent> {
        @Override
        public void process(Record<String, AuditEvent> record) {
            AuditEvent e = record.value();
            if (e != null && e.routingKey().equals(record.key())) {
                context().forward(record);
            }
        }
    }

    /**
     * Re-keys by account what another producer keyed otherwise (by principal, or not at all), so it
     * meets its account in one partition. One producer's keying is consistent, so a principal's
     * events keep their order.
     */
    static final class RouteToAccount extends ContextualProcessor<String, AuditEvent, String, AuditEvent> {
        @Override
        public void process(Record<String, AuditEvent> record) {
            AuditEvent e = record.value();
            if (e != null && !e.routingKey().equals(record.key())) {
                context().forward(record.withKey(e.routingKey()));
            }
        }
    }

    /**
     * Runs one account's events, in their order, through {@link DetectionFlow} — the same steps as
     * {@link io.grantwatch.detector.OfflineDetector} — over the topology's stores.
     */
    static final class Detect extends ContextualProcessor<String, Object, String, DetectorOutput> {
        /**
         * Deserialized values kept per task. A principal state at its caps is tens of KB as objects
         * (hundreds of calls and successes), so this bounds the state cache to some tens of MB per task.
         */
        private static final int STATE_CACHE = 2_000;
        private static final int FINDING_CACHE = 2_000;
        private static final int ACCOUNT_CACHE = 1_000;
        /** An inventory holds parsed policy documents (some KB to some hundred KB per account). */
        private static final int INVENTORY_CACHE = 200;
        private final DetectionFlow flow;
        private final CatalogHolder holder;
        private final String stateStore;
        private final String findingStore;
        private final String catalogStore;
        private final String activityStore;
        private final String inventoryStore;
        /** Every event reads and writes its principal's state; repeated denials read their open finding; signals their account's list. */
        private final CachedStore<PrincipalState> states = new CachedStore<>(STATE_CACHE);
        private final CachedStore<AccountActivity> activity = new CachedStore<>(ACCOUNT_CACHE);
        private final CachedStore<Finding> findings = new CachedStore<>(FINDING_CACHE);
        private final CachedStore<Inventory> inventories = new CachedStore<>(INVENTORY_CACHE);
        private ReadOnlyKeyValueStore<String, CatalogEntry> catalog;
        private FindingBook book;
        /** The record being processed: what the stores below forward their outputs with. */
        private Record<String, ?> current;
        private final DetectionFlow.States stores = new DetectionFlow.States() {
            @Override
            public PrincipalState principal(String key) {
                return states.get(key);
            }

            @Override
            public void keep(String key, PrincipalState prior, Step step) {
                Detect.this.keep(key, prior, step, current);
            }

            @Override
            public AccountActivity account(String accountKey) {
                return activity.get(accountKey);
            }

            @Override
            public void account(String accountKey, AccountActivity a) {
                activity.put(accountKey, a);
            }

            @Override
            public Inventory inventory(String accountKey) {
                return inventories.get(accountKey);
            }

            @Override
            public void inventory(String accountKey, Inventory inventory) {
                inventories.put(accountKey, inventory);
            }
        };

        Detect(DetectionEngine engine, CatalogHolder holder, DetectorCounters counters, String stateStore, String findingStore,
               String catalogStore, String activityStore, String inventoryStore) {
            this.flow = new DetectionFlow(engine, counters);
            this.holder = holder;
            this.stateStore = stateStore;
            this.findingStore = findingStore;
            this.catalogStore = catalogStore;
            this.activityStore = activityStore;
            this.inventoryStore = inventoryStore;
        }

        @Override
        public void init(ProcessorContext<String, DetectorOutput> context) {
            super.init(context);
            states.attach(context.getStateStore(stateStore));
            activity.attach(context.getStateStore(activityStore));
            findings.attach(context.getStateStore(findingStore));
            inventories.attach(context.getStateStore(inventoryStore));
            catalog = context.getStateStore(catalogStore);
            // The store holds the open findings (for interactive queries) and the resolved ones that their
            // principal's state still lists; a resolved finding leaves it only when that state evicts it
            // ({@link #forgetDropped}). The listings (StoredFindings, /api/findings) return open ones only; every
            // finding's latest form is on the compacted findings topic.
            book = new FindingBook() {
                @Override
                public Finding get(String id) {
                    return findings.get(id);
                }

                // A resolved finding is kept like an open one: a later denial continues (or reopens)
                // the same finding, as the offline book does.
                @Override
                public void put(Finding f) {
                    findings.put(f.id(), f);
                }
            };
        }

        @Override
        public void close() {
            states.clear();
            activity.clear();
            findings.clear();
            inventories.clear();
        }

        /** An account's audit event, or one of its {@code inventory} facts (both arrive here so that one processor owns the stores). */
        @Override
        public void process(Record<String, Object> record) {
            if (record.key() == null) {
                return;
            }
            current = record;
            if (record.value() instanceof AuditEvent e) {
                flow.accept(e, holder.current(catalog), book, stores);
            } else if (record.value() instanceof InventoryRecord r) {
                flow.accept(r, stores);
            }
        }

        private void keep(String key, PrincipalState prior, Step step, Record<String, ?> record) {
            states.put(key, step.state());
            forgetDropped(prior, step.state());
            for (Finding f : step.emitted()) {
                context().forward(new Record<>(f.id(), DetectorOutput.of(f), record.timestamp()));
            }
            for (AuditEvent u : step.unmapped()) {
                context().forward(new Record<>(u.partitionKey(), DetectorOutput.of(u), record.timestamp()));
            }
        }

        /** Deletes the stored findings the principal's state no longer lists (evicted at its cap). */
        private void forgetDropped(PrincipalState prior, PrincipalState next) {
            if (prior == null || prior.findings().isEmpty()) {
                return;
            }
            Set<String> kept = new HashSet<>();
            for (FindingRef ref : next.findings()) {
                kept.add(ref.id());
            }
            for (FindingRef ref : prior.findings()) {
                if (!kept.contains(ref.id())) {
                    findings.remove(ref.id());
                }
            }
        }
    }
}
