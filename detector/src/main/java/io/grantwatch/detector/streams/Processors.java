package io.grantwatch.detector.streams;

import io.grantwatch.detector.AccountActivity;
import io.grantwatch.detector.AccountContext;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.ContextSignal;
import io.grantwatch.detector.DetectionEngine;
import io.grantwatch.detector.DetectorCounters;
import io.grantwatch.detector.FindingBook;
import io.grantwatch.detector.FindingRef;
import io.grantwatch.detector.IamChangeEvent;
import io.grantwatch.detector.IamChanges;
import io.grantwatch.detector.PrincipalState;
import io.grantwatch.detector.Step;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.catalog.CatalogEntry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
     * Runs the engine for one account's events, in their order: the event against its principal's
     * state (with the account's recent signals for a role or agency denial), then an IAM change
     * against the principal it affects — the same steps as {@link io.grantwatch.detector.OfflineDetector}.
     */
    static final class Detect extends ContextualProcessor<String, AuditEvent, String, DetectorOutput> {
        /**
         * Deserialized values kept per task. A principal state at its caps is tens of KB as objects
         * (hundreds of calls and successes), so this bounds the state cache to some tens of MB per task.
         */
        private static final int STATE_CACHE = 2_000;
        private static final int FINDING_CACHE = 2_000;
        private static final int ACCOUNT_CACHE = 1_000;
        private final DetectionEngine engine;
        private final CatalogHolder holder;
        private final DetectorCounters counters;
        private final String stateStore;
        private final String findingStore;
        private final String catalogStore;
        private final String activityStore;
        /** Every event reads and writes its principal's state; repeated denials read their open finding; signals their account's list. */
        private final CachedStore<PrincipalState> states = new CachedStore<>(STATE_CACHE);
        private final CachedStore<AccountActivity> activity = new CachedStore<>(ACCOUNT_CACHE);
        private final CachedStore<Finding> findings = new CachedStore<>(FINDING_CACHE);
        private ReadOnlyKeyValueStore<String, CatalogEntry> catalog;
        private FindingBook book;

        Detect(DetectionEngine engine, CatalogHolder holder, DetectorCounters counters, String stateStore, String findingStore,
               String catalogStore, String activityStore) {
            this.engine = engine;
            this.holder = holder;
            this.counters = counters;
            this.stateStore = stateStore;
            this.findingStore = findingStore;
            this.catalogStore = catalogStore;
            this.activityStore = activityStore;
        }

        @Override
        public void init(ProcessorContext<String, DetectorOutput> context) {
            super.init(context);
            states.attach(context.getStateStore(stateStore));
            activity.attach(context.getStateStore(activityStore));
            findings.attach(context.getStateStore(findingStore));
            catalog = context.getStateStore(catalogStore);
            // Open findings stay in the store for interactive queries; a resolved one leaves it
            // (its final state is on the compacted findings topic).
            book = new FindingBook() {
                @Override
                public Finding get(String id) {
                    return findings.get(id);
                }

                // Resolved findings stay while their principal's state lists them: a later denial
                // continues (or reopens) the same finding, as the offline book does; they leave the
                // store when the state drops them ({@link #forgetDropped}).
                @Override
                public void put(Finding f) {
                    findings.put(f.id(), f);
                }
            };
        }

        private PrincipalState state(String key) {
            return states.get(key);
        }

        @Override
        public void close() {
            states.clear();
            activity.clear();
            findings.clear();
        }

        @Override
        public void process(Record<String, AuditEvent> record) {
            AuditEvent e = record.value();
            if (e == null || record.key() == null) {
                return;
            }
            CatalogLookup lookup = holder.current(catalog);
            String account = e.accountKey();
            Duration window = engine.settings().activityWindow();
            // The account's signals are read only by a delegated denial and written only by a person's signalling call.
            List<String> signals = AccountContext.signalled(e, lookup);
            AccountActivity known = account == null || !AccountContext.reads(e) && signals.isEmpty() ? null : activity.get(account);
            List<ContextSignal> context = AccountContext.reads(e)
                    ? AccountContext.before(known == null ? List.of() : known.signals(), e.eventTime(), window) : List.of();
            String key = e.partitionKey(); // built anew by every call: once, and its hash is computed once
            PrincipalState prior = state(key);
            Step step = engine.onEvent(prior, e, lookup, book, context);
            counters.record(e, step);
            keep(key, prior, step, record);
            if (step.late()) {
                return;
            }
            if (!signals.isEmpty()) {
                activity.put(account, new AccountActivity(AccountContext.add(known == null ? List.of() : known.signals(), e, signals, window)));
            }
            Optional<IamChangeEvent> change = IamChanges.classify(e);
            if (change.isPresent()) {
                String target = change.get().targetKey();
                PrincipalState targetPrior = state(target);
                Step c = engine.onChange(targetPrior, change.get(), lookup, book);
                counters.recordChange(c);
                keep(target, targetPrior, c, record);
            }
        }

        private void keep(String key, PrincipalState prior, Step step, Record<String, AuditEvent> record) {
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
            java.util.Set<String> kept = new java.util.HashSet<>();
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
