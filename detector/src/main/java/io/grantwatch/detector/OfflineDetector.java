package io.grantwatch.detector;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The detector without Kafka, for {@code scan} and tests: the same engine, states in a map, IAM
 * changes routed to the affected principal exactly as the topology routes them. Memory grows with
 * the number of principals and findings, never with the number of events (each state is bounded by
 * {@link DetectorSettings}). Feed events in event-time order ({@link ReorderBuffer} helps). Not thread-safe.
 */
public final class OfflineDetector {
    private final DetectionEngine engine;
    private final CatalogLookup catalog;
    private final Map<String, PrincipalState> states = new HashMap<>();
    private final Map<String, List<ContextSignal>> accounts = new HashMap<>();
    private final InMemoryFindingBook book = new InMemoryFindingBook();
    private final DetectorCounters counters = new DetectorCounters();
    private final List<AuditEvent> unmapped = new ArrayList<>();
    private final int unmappedKept;
    private long unmappedEmitted;

    public OfflineDetector(DetectorSettings settings, CatalogLookup catalog) {
        this(settings, catalog, 1000);
    }

    public OfflineDetector(DetectorSettings settings, CatalogLookup catalog, int unmappedKept) {
        this.engine = new DetectionEngine(settings);
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
        List<Finding> out = new ArrayList<>();
        String key = event.partitionKey();
        String account = AccountContext.accountKey(event);
        List<ContextSignal> context = AccountContext.reads(event)
                ? AccountContext.before(accounts.get(account), event.eventTime(), engine.settings().activityWindow()) : List.of();
        Step step = engine.onEvent(states.get(key), event, catalog, book, context);
        List<String> signalled = step.late() ? List.of() : AccountContext.signalled(event, catalog);
        if (!signalled.isEmpty()) {
            accounts.put(account, AccountContext.add(accounts.get(account), event, signalled, engine.settings().activityWindow()));
        }
        states.put(key, step.state());
        counters.record(event, step);
        out.addAll(step.emitted());
        unmappedEmitted += step.unmapped().size();
        for (AuditEvent u : step.unmapped()) {
            if (unmapped.size() < unmappedKept) {
                unmapped.add(u);
            }
        }
        Optional<IamChangeEvent> change = step.late() ? Optional.empty() : IamChanges.classify(event);
        if (change.isPresent()) {
            String target = change.get().targetKey();
            Step c = engine.onChange(states.get(target), change.get(), catalog, book);
            states.put(target, c.state());
            counters.recordChange(c);
            out.addAll(c.emitted());
        }
        return out;
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
