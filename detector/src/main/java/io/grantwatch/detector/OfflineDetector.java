package io.grantwatch.detector;

import io.grantwatch.detector.inventory.Inventory;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.inventory.InventoryRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The detector without Kafka, for {@code scan} and tests: the same {@link DetectionFlow} as the topology,
 * its states in maps. Memory grows with the number of principals, accounts and findings, never with the
 * number of events (each state is bounded by {@link DetectorSettings}). Feed events in event-time order ({@link ReorderBuffer} helps). Not
 * thread-safe.
 */
public final class OfflineDetector {
    private final DetectionFlow flow;
    private final CatalogLookup catalog;
    private final Map<String, PrincipalState> states = new HashMap<>();
    private final Map<String, AccountActivity> accounts = new HashMap<>();
    private final Map<String, Inventory> inventories = new HashMap<>();
    private final InMemoryFindingBook book = new InMemoryFindingBook();
    private final DetectorCounters counters = new DetectorCounters();
    private final List<AuditEvent> unmapped = new ArrayList<>();
    private final int unmappedKept;
    private long unmappedEmitted;
    /** The findings the event being accepted emitted. */
    private List<Finding> emitted = new ArrayList<>();
    private final DetectionFlow.States stores = new DetectionFlow.States() {
        @Override
        public PrincipalState principal(String key) {
            return states.get(key);
        }

        @Override
        public void keep(String key, PrincipalState prior, Step step) {
            states.put(key, step.state());
            emitted.addAll(step.emitted());
            unmappedEmitted += step.unmapped().size();
            for (AuditEvent u : step.unmapped()) {
                if (unmapped.size() < unmappedKept) {
                    unmapped.add(u);
                }
            }
        }

        @Override
        public AccountActivity account(String accountKey) {
            return accounts.get(accountKey);
        }

        @Override
        public void account(String accountKey, AccountActivity activity) {
            accounts.put(accountKey, activity);
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

    public OfflineDetector(DetectorSettings settings, CatalogLookup catalog) {
        this(settings, catalog, 1000);
    }

    public OfflineDetector(DetectorSettings settings, CatalogLookup catalog, int unmappedKept) {
        this.flow = new DetectionFlow(new DetectionEngine(settings), counters);
        this.catalog = catalog;
        this.unmappedKept = unmappedKept;
    }

    /** Processes one event (and, for an IAM change, its effect on the affected principal); returns the findings emitted. */
    public List<Finding> accept(AuditEvent event) {
        return accept(event, catalog);
    }

    /**
     * {@link #accept(AuditEvent)} with the catalog version in force for this event: what a running
     * detector does when a new catalog version arrives mid-stream (the reliability suite's oracle).
     */
    public List<Finding> accept(AuditEvent event, CatalogLookup catalog) {
        emitted = new ArrayList<>();
        flow.accept(event, catalog, book, stores);
        return emitted;
    }

    /**
     * One snapshot record into its account's inventory ({@code scan --inventory}: fed before the first event, as the
     * detector applies an {@code inventory} record as soon as it reads it).
     */
    public void accept(InventoryRecord record) {
        flow.accept(record, stores);
    }

    /** Every account's inventory, by account key. */
    public Map<String, Inventory> inventories() {
        return Collections.unmodifiableMap(inventories);
    }

    /** What the account's principals hold, or null. */
    public Inventory inventory(String accountKey) {
        return inventories.get(accountKey);
    }

    /** Every finding's newest state, in first-seen order. */
    public Collection<Finding> findings() {
        return book.all();
    }

    public PrincipalState state(String key) {
        return states.get(key);
    }

    public int principals() {
        return states.size();
    }

    /** The first unmapped denials seen (bounded), the catalog's to-do list. */
    public List<AuditEvent> unmapped() {
        return List.copyOf(unmapped);
    }

    /** How many unmapped denials were emitted (what the detector writes to {@code unmapped-denials}). */
    public long unmappedEmitted() {
        return unmappedEmitted;
    }

    /** Events counted as later than the grace, summed over every principal's state. */
    public long lateInStates() {
        return states.values().stream().mapToLong(PrincipalState::late).sum();
    }

    public DetectorCounters counters() {
        return counters;
    }
}
