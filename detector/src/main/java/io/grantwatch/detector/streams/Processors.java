package io.grantwatch.detector.streams;

import io.grantwatch.detector.AccountActivity;
import io.grantwatch.detector.AccountContext;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.ContextSignal;
import io.grantwatch.detector.DetectionEngine;
import io.grantwatch.detector.DetectorCounters;
import io.grantwatch.detector.FindingBook;
import io.grantwatch.detector.IamChangeEvent;
import io.grantwatch.detector.IamChanges;
import io.grantwatch.detector.PrincipalState;
import io.grantwatch.detector.Step;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.catalog.CatalogEntry;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.grantwatch.model.json.JsonSerde;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The topology's processors. Each only adapts records and stores to the pure engine. */
final class Processors {
    /** Header on records that carry an IAM change to the principal it affects, or travel through the account partition. */
    static final String ROUTE_HEADER = "grantwatch.route";
    static final byte[] ROUTE_CHANGE = "iam-change".getBytes(StandardCharsets.UTF_8);
    static final byte[] ROUTE_SIGNAL = "account-signal".getBytes(StandardCharsets.UTF_8);
    static final byte[] ROUTE_DELEGATED = "delegated-denial".getBytes(StandardCharsets.UTF_8);
    /** Header with the account's recent signals (JSON {@link AccountActivity}) on a delegated denial. */
    static final String CONTEXT_HEADER = "grantwatch.context";
    private static final JsonSerde<AccountActivity> ACTIVITY = JsonSerde.of(AccountActivity.class);

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

    /** Passes events already keyed by their principal (the ingest contract): no repartition needed. */
    static final class KeepKeyed extends ContextualProcessor<String, AuditEvent, String, AuditEvent> {
        @Override
        public void process(Record<String, AuditEvent> record) {
            AuditEvent e = record.value();
            if (e != null && e.partitionKey().equals(record.key()) && !AccountContext.reads(e)) {
                context().forward(record);
            }
        }
    }

    /**
     * Keys what must move to another principal's partition: an IAM change goes to the principal it
     * affects (marked with {@link #ROUTE_HEADER}); an event keyed other than by its principal goes to its own.
     */
    static final class RouteToPrincipal extends ContextualProcessor<String, AuditEvent, String, AuditEvent> {
        @Override
        public void process(Record<String, AuditEvent> record) {
            AuditEvent e = record.value();
            if (e == null) {
                return;
            }
            if (!e.partitionKey().equals(record.key()) && !AccountContext.reads(e)) {
                context().forward(record.withKey(e.partitionKey()).withHeaders(new RecordHeaders(record.headers().toArray())));
            }
            Optional<IamChangeEvent> change = IamChanges.classify(e);
            if (change.isPresent()) {
                RecordHeaders headers = new RecordHeaders(record.headers().toArray());
                headers.remove(ROUTE_HEADER);
                headers.add(ROUTE_HEADER, ROUTE_CHANGE);
                context().forward(new Record<>(change.get().targetKey(), e, record.timestamp(), headers));
            }
        }
    }

    /**
     * Sends to the account's partition what cross-principal context needs: a person's successful
     * call that signals a scenario (at most once a minute per account and scenario: a best-effort
     * in-memory filter; a repeat costs only volume) and every denial of an agency or role session.
     */
    static final class RouteToAccount extends ContextualProcessor<String, AuditEvent, String, AuditEvent> {
        private static final long REPEAT_MS = 60_000;
        private final CatalogHolder holder;
        private final String catalogStore;
        private ReadOnlyKeyValueStore<String, CatalogEntry> catalog;
        private final Map<String, Long> lastSent = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > 10_000;
            }
        };

        RouteToAccount(CatalogHolder holder, String catalogStore) {
            this.holder = holder;
            this.catalogStore = catalogStore;
        }

        @Override
        public void init(ProcessorContext<String, AuditEvent> context) {
            super.init(context);
            catalog = context.getStateStore(catalogStore);
        }

        @Override
        public void process(Record<String, AuditEvent> record) {
            AuditEvent e = record.value();
            if (e == null) {
                return;
            }
            String account = AccountContext.accountKey(e);
            if (AccountContext.reads(e)) {
                forward(record, account, ROUTE_DELEGATED);
                return;
            }
            List<String> signalled = AccountContext.signalled(e, holder.current(catalog));
            boolean fresh = false;
            long t = e.eventTime().toEpochMilli();
            for (String id : signalled) {
                Long last = lastSent.get(account + "|" + id);
                if (last == null || Math.abs(t - last) >= REPEAT_MS) {
                    lastSent.put(account + "|" + id, t);
                    fresh = true;
                }
            }
            if (fresh) {
                forward(record, account, ROUTE_SIGNAL);
            }
        }

        private void forward(Record<String, AuditEvent> record, String account, byte[] route) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(ROUTE_HEADER, route);
            context().forward(new Record<>(account, record.value(), record.timestamp(), headers));
        }
    }

    /** Keeps each account's recent signals; sends a delegated denial on to its principal with them attached. */
    static final class AttachAccountContext extends ContextualProcessor<String, AuditEvent, String, AuditEvent> {
        private final CatalogHolder holder;
        private final String catalogStore;
        private final String activityStore;
        private final java.time.Duration window;
        private ReadOnlyKeyValueStore<String, CatalogEntry> catalog;
        private KeyValueStore<String, AccountActivity> activity;

        AttachAccountContext(CatalogHolder holder, String catalogStore, String activityStore, java.time.Duration window) {
            this.holder = holder;
            this.catalogStore = catalogStore;
            this.activityStore = activityStore;
            this.window = window;
        }

        @Override
        public void init(ProcessorContext<String, AuditEvent> context) {
            super.init(context);
            catalog = context.getStateStore(catalogStore);
            activity = context.getStateStore(activityStore);
        }

        @Override
        public void process(Record<String, AuditEvent> record) {
            AuditEvent e = record.value();
            Header route = record.headers().lastHeader(ROUTE_HEADER);
            if (e == null || record.key() == null || route == null) {
                return;
            }
            AccountActivity known = activity.get(record.key());
            if (java.util.Arrays.equals(route.value(), ROUTE_SIGNAL)) {
                List<String> ids = AccountContext.signalled(e, holder.current(catalog));
                if (!ids.isEmpty()) {
                    activity.put(record.key(), new AccountActivity(AccountContext.add(known == null ? List.of() : known.signals(), e, ids, window)));
                }
                return;
            }
            List<ContextSignal> relevant = AccountContext.before(known == null ? List.of() : known.signals(), e.eventTime(), window);
            RecordHeaders headers = new RecordHeaders();
            if (!relevant.isEmpty()) {
                headers.add(CONTEXT_HEADER, ACTIVITY.serializer().serialize(null, new AccountActivity(relevant)));
            }
            context().forward(new Record<>(e.partitionKey(), e, record.timestamp(), headers));
        }
    }

    /** Runs the engine against the principal's state and the open findings. */
    static final class Detect extends ContextualProcessor<String, AuditEvent, String, DetectorOutput> {
        private static final int STATE_CACHE = 2_000;
        private final DetectionEngine engine;
        private final CatalogHolder holder;
        private final DetectorCounters counters;
        private final String stateStore;
        private final String findingStore;
        private final String catalogStore;
        private KeyValueStore<String, PrincipalState> states;
        /**
         * The last state this task wrote per principal, deserialized: the store is this processor's
         * alone, so a hit equals what the store would return and saves a JSON read on every event.
         * Cleared on (re-)init and close, so a task revived after an aborted transaction reads the store.
         */
        private final Map<String, PrincipalState> recentStates = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PrincipalState> eldest) {
                return size() > STATE_CACHE; // a state is a few KB: this bounds the cache to some MB per task
            }
        };
        private KeyValueStore<String, Finding> findings;
        private ReadOnlyKeyValueStore<String, CatalogEntry> catalog;
        private FindingBook book;

        Detect(DetectionEngine engine, CatalogHolder holder, DetectorCounters counters, String stateStore, String findingStore,
               String catalogStore) {
            this.engine = engine;
            this.holder = holder;
            this.counters = counters;
            this.stateStore = stateStore;
            this.findingStore = findingStore;
            this.catalogStore = catalogStore;
        }

        @Override
        public void init(ProcessorContext<String, DetectorOutput> context) {
            super.init(context);
            states = context.getStateStore(stateStore);
            recentStates.clear();
            findings = context.getStateStore(findingStore);
            catalog = context.getStateStore(catalogStore);
            // Open findings stay in the store for interactive queries; a resolved one leaves it
            // (its final state is on the compacted findings topic).
            book = new FindingBook() {
                @Override
                public Finding get(String id) {
                    return findings.get(id);
                }

                @Override
                public void put(Finding f) {
                    if (f.open()) {
                        findings.put(f.id(), f);
                    } else {
                        findings.put(f.id(), null); // a delete that does not read (and deserialize) the old value
                    }
                }
            };
        }

        private PrincipalState state(String key) {
            PrincipalState s = recentStates.get(key);
            return s != null ? s : states.get(key);
        }

        @Override
        public void close() {
            recentStates.clear();
        }

        @Override
        public void process(Record<String, AuditEvent> record) {
            AuditEvent e = record.value();
            if (e == null || record.key() == null) {
                return;
            }
            CatalogLookup lookup = holder.current(catalog);
            Header route = record.headers().lastHeader(ROUTE_HEADER);
            Step step;
            if (route != null) {
                Optional<IamChangeEvent> change = IamChanges.classify(e);
                if (change.isEmpty() || !change.get().targetKey().equals(record.key())) {
                    return;
                }
                step = engine.onChange(state(record.key()), change.get(), lookup, book);
                counters.recordChange(step);
            } else {
                Header ctx = record.headers().lastHeader(CONTEXT_HEADER);
                List<ContextSignal> context = ctx == null ? List.of() : ACTIVITY.deserializer().deserialize(null, ctx.value()).signals();
                step = engine.onEvent(state(record.key()), e, lookup, book, context);
                counters.record(e, step);
            }
            states.put(record.key(), step.state());
            recentStates.put(record.key(), step.state());
            for (Finding f : step.emitted()) {
                context().forward(new Record<>(f.id(), DetectorOutput.of(f), record.timestamp()));
            }
            for (AuditEvent u : step.unmapped()) {
                context().forward(new Record<>(u.partitionKey(), DetectorOutput.of(u), record.timestamp()));
            }
        }
    }
}
