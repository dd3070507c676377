package io.grantwatch.systemtests;

import io.grantwatch.catalog.CatalogPublisher;
import io.grantwatch.detector.DetectorCounters;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.PrincipalState;
import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.detector.streams.DetectorTopology;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reliability scenario 5: catalog churn mid-stream (a) and out-of-order and too-late events (b), each phase on its own topics and
 * in-process detector, against {@link ChurnAndLateness}'s oracle (bench/README.md, "Scenario 5").
 */
class Scenario05ChurnAndLatenessIT extends SystemTest {
    @Override
    Result run() throws Exception {
        // Semantics, switch point and oracle: ChurnAndLateness and bench/README.md ("Scenario 5"). Two phases, each on its own
        // topics and detector, so that a difference is attributed to the catalog churn or to the arrival order, not to both.
        DetectorSettings settings = DetectorSettings.defaults();
        List<AuditEvent> events = Env.parse(corpus.records());

        ChurnAndLateness.Plan churn = ChurnAndLateness.churn(events, env.catalog, settings);
        ChurnAndLateness.Replay churnWant = ChurnAndLateness.replay(churn, false, settings);
        out.printf("  s5a churn: segment 2's catalog lacks the entries that explain %s %s, segment 3's has them back and %s retitled;"
                + " segments of %s events in event-time order%n", churn.churn(), churn.churn().removed(), churn.churn().retitled(),
                churn.segments().stream().map(s -> s.arrival().size()).toList());
        Run a = run("s5a-", churn, churnWant);
        ChurnAndLateness.Comparison churnCmp = ChurnAndLateness.compare(churnWant.emitted(), a.findings());
        String v2 = churn.segments().get(1).catalog().version();
        Predicate<Finding> unmappedChurned = f -> f.kind() == FindingKind.UNMAPPED_DENIAL && v2.equals(f.catalogVersion())
                && f.status() == FindingStatus.OPEN && churn.churn().names(f);
        Predicate<Finding> retitled = f -> f.scenarioTitle() != null && f.scenarioTitle().endsWith(ChurnAndLateness.TITLE_SUFFIX);
        long unmapped = a.findings().stream().filter(unmappedChurned).count();
        long unmappedWant = churnWant.emitted().stream().filter(unmappedChurned).count();
        long superseded = ChurnAndLateness.superseded(a.findings());
        long supersededWant = ChurnAndLateness.superseded(churnWant.emitted());
        long titled = a.findings().stream().filter(retitled).count();
        long titledWant = churnWant.emitted().stream().filter(retitled).count();
        Map<String, Long> byVersion = new LinkedHashMap<>();
        for (ChurnAndLateness.Segment s : churn.segments()) {
            byVersion.put(s.catalog().version(), a.findings().stream().filter(f -> s.catalog().version().equals(f.catalogVersion())).count());
        }
        boolean churnOk = churnCmp.matches() && supersededWant > 0 && superseded == supersededWant && unmapped == unmappedWant
                && titled == titledWant && a.unmappedTopic() == churnWant.unmappedOut();
        String churnFigures = String.format("(a) catalog churn: switches %s; finding versions by catalog version %s; unmapped-denial versions of %s"
                        + " while its entries were missing %d (oracle %d); unmapped findings superseded when they returned %d (oracle %d);"
                        + " versions with the changed title %d (oracle %d); unmapped-denials records %d (oracle %d; deleted by the broker's"
                        + " time retention by the end: %d); findings vs oracle %s%s",
                a.switches(), byVersion.values(), churn.churn(), unmapped, unmappedWant, superseded, supersededWant, titled, titledWant,
                a.unmappedTopic(), churnWant.unmappedOut(), a.unmappedDeleted(), churnCmp, diagnosis(churnCmp.differing(), churn,
                        churnWant, a.findings(), settings));

        ChurnAndLateness.Plan late = ChurnAndLateness.lateness(events, env.catalog, settings, S5_JITTER, quick ? 9 : 30, 5);
        ChurnAndLateness.Replay lateWant = ChurnAndLateness.replay(late, false, settings);
        out.printf("  s5b order: arrival delayed 0..%ds (grace %dm) → %d events arrive after a later one of their principal; planted late %s%n",
                S5_JITTER.toSeconds(), settings.grace().toMinutes(), late.inverted(), late.late().stream().map(ChurnAndLateness.Late::kind).toList());
        Run b = run("s5b-", late, lateWant);
        ChurnAndLateness.LifecycleComparison lifecycles = ChurnAndLateness.compareLifecycles(lateWant.emitted(), b.findings());
        ChurnAndLateness.Comparison lateCmp = ChurnAndLateness.compare(lateWant.emitted(), b.findings());
        long planted = late.late().size();
        // Defined semantics: the lifecycles equal the event-time oracle's except denials attributed to another scenario because
        // a signalling call arrived after them (ChurnAndLateness.reattributed), and equal the arrival-order replay's exactly.
        int reattributed = ChurnAndLateness.reattributed(lateWant.emitted(), b.findings(), lifecycles.differing());
        ChurnAndLateness.LifecycleComparison vsArrival = ChurnAndLateness.compareLifecycles(
                ChurnAndLateness.replay(late, true, settings).emitted(), b.findings());
        boolean lateOk = lifecycles.differing().size() == reattributed && vsArrival.matches()
                && b.counters().late() == planted && b.lateInStates() == planted && lateWant.counters().late() == planted
                && b.counters().iamChanges() == lateWant.counters().iamChanges();
        String lateFigures = String.format("(b) out of order within the grace + too late: late events planted %d, counted %d (Σ PrincipalState.late"
                        + " %d, oracle %d); IAM changes applied %d (oracle %d: late copies are not applied); finding lifecycles vs oracle %s"
                        + " (of which re-attributed to another scenario by arrival order: %d ids); vs the arrival-order replay %s;"
                        + " versions with counts (not a criterion here) %s%s", planted, b.counters().late(), b.lateInStates(),
                                lateWant.counters().late(),
                b.counters().iamChanges(), lateWant.counters().iamChanges(), lifecycles, reattributed, vsArrival, lateCmp.counts(),
                diagnosis(lifecycles.differing(), late, lateWant, b.findings(), settings));
        boolean pass = churnOk && lateOk;
        return new Result("5 catalog churn + late/out-of-order events", pass ? "PASS" : "FAIL",
                churnCmp.missing() + Math.max(0, lifecycles.missing() - reattributed / 2),
                churnCmp.duplicates() + lateCmp.duplicates(), 0, 0, "(a) " + (churnOk ? "PASS" : "FAIL") + ", (b) " + (lateOk ? "PASS" : "FAIL")
                        + "; " + churnFigures + "; " + lateFigures);
    }

    /** What one phase of scenario 5 observed. */
    /**
     * @param unmappedTopic   unmapped-denials records read as they were committed
     * @param unmappedDeleted unmapped-denials records the broker had deleted by the end (log start offsets): the detector
     *                        writes them with the event's time, so a denial older than the topic's time retention is deleted
     *                        at the broker's next retention check
     */
    private record Run(List<Finding> findings, DetectorCounters counters, long lateInStates, long unmappedTopic, long unmappedDeleted,
                       List<String> switches) {
    }

    /** Counts a topic's committed records as they are written (read_committed, from the beginning) until closed. */
    private static final class Tail implements AutoCloseable {
        private final AtomicLong count = new AtomicLong();
        private final Thread thread;
        private volatile boolean stop;

        Tail(String bootstrap, String topic) {
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Clients.consumerConfig(bootstrap, null), new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(topic, p.partition())).toList();
                    c.assign(parts);
                    c.seekToBeginning(parts);
                    while (!stop) {
                        count.addAndGet(c.poll(Duration.ofMillis(100)).count());
                    }
                }
            }, "tail-" + topic);
            thread.setDaemon(true);
            thread.start();
        }

        long count() {
            return count.get();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(10_000);
        }
    }

    /** Records deleted from the start of a topic (sum of the log start offsets). */
    private long logStart(String topic) throws Exception {
        try (Admin admin = Clients.admin(env.bootstrap)) {
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> req.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest()));
            return admin.listOffsets(req).all().get().values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
    }

    /**
     * Runs a plan against a fresh detector: each segment is produced once the previous one is processed and its catalog is in the
     * detector's global store (the switch point); returns what the topics and the detector say once the findings settle.
     */
    private Run run(String prefix, ChurnAndLateness.Plan plan, ChurnAndLateness.Replay want) throws Exception {
        Topics t = env.topics(prefix);
        CatalogPublisher publisher = new CatalogPublisher(Map.of("bootstrap.servers", env.bootstrap));
        List<String> switches = new ArrayList<>();
        try (DetectorRunner runner = env.detector(t, prefix + "detector", env.dir(prefix + "state"));
             Tail unmapped = new Tail(env.bootstrap, t.unmappedDenials().name())) {
            runner.start();
            int last = plan.segments().size() - 1;
            for (int i = 0; i <= last; i++) {
                ChurnAndLateness.Segment segment = plan.segments().get(i);
                if (i > 0) {
                    long t0 = System.currentTimeMillis();
                    awaitDrained(runner, want.eventsAt()[i - 1], want.changesAt()[i - 1]);
                    long t1 = System.currentTimeMillis();
                    CatalogPublisher.Result published = publisher.publish(segment.catalog(), t.catalog());
                    long t2 = System.currentTimeMillis();
                    awaitInGlobalStore(runner, segment.catalog());
                    switches.add(String.format("%s (%d records, %d tombstones): drained %.1fs, acknowledged %.1fs, in the global store %.1fs",
                            segment.catalog().version(), published.written(), published.tombstoned().size(), (t1 - t0) / 1000.0,
                            (t2 - t1) / 1000.0, (System.currentTimeMillis() - t2) / 1000.0));
                }
                List<AuditEvent> events = segment.arrival();
                for (int from = 0; from < events.size(); from += 500) {
                    if (env.produce(t, events.subList(from, Math.min(events.size(), from + 500))) > 0) {
                        throw new IllegalStateException("events not acknowledged by the broker");
                    }
                }
            }
            awaitDrained(runner, want.eventsAt()[last], want.changesAt()[last]);
            List<Finding> seen = settleFindings(t, want.emitted().size(), 120_000);
            out.println("  " + prefix + " detector " + runner.state() + " " + runner.counters().snapshot() + "; oracle "
                    + "" + want.counters().snapshot());
            return new Run(seen, runner.counters(), lateInStates(runner), unmapped.count(), logStart(t.unmappedDenials().name()), switches);
        }
    }

    /**
     * Sorts the ids that differ from the oracle: those that differ the same way when the offline engine is fed the arrival order
     * (the engine's order sensitivity, by what the principal's arrival order did) and those that do not (the topology differs
     * from the offline detector).
     */
    private static String diagnosis(Set<String> differing, ChurnAndLateness.Plan plan, ChurnAndLateness.Replay want, List<Finding> seen,
                                    DetectorSettings settings) {
        if (differing.isEmpty()) {
            return "";
        }
        ChurnAndLateness.Replay arrival = ChurnAndLateness.replay(plan, true, settings);
        Set<String> unlikeArrival = ChurnAndLateness.compare(arrival.emitted(), seen).differing();
        Set<String> order = new LinkedHashSet<>(differing);
        order.removeIf(unlikeArrival::contains);
        Set<String> topology = new LinkedHashSet<>(differing);
        topology.removeAll(order);
        return String.format("; differing ids %d: %d differ as the offline engine fed the arrival order does %s, %d differ from that replay too %s"
                        + " (offline arrival-order replay vs oracle: %s)", differing.size(), order.size(),
                examples(ChurnAndLateness.classify(order, want.emitted(), seen, plan)), topology.size(),
                examples(ChurnAndLateness.classify(topology, want.emitted(), seen, plan)),
                ChurnAndLateness.compareLifecycles(want.emitted(), arrival.emitted()));
    }

    /** Arrival jitter of scenario 5: ActionTrail and CTS deliver minutes late, well within the 30-min grace. */
    private static final Duration S5_JITTER = Duration.ofMinutes(5);

    /**
     * Until the detector has processed every event produced so far and the IAM changes the oracle applies
     * (they travel through the by-principal repartition topic), then 1.5 s without any counter moving.
     */
    private static void awaitDrained(DetectorRunner runner, long events, long changes) {
        DetectorCounters c = runner.counters();
        if (!pollUntil(Duration.ofSeconds(180), Duration.ofMillis(50), () -> c.events() >= events && c.iamChanges() >= changes)) {
            throw new IllegalStateException("detector did not process the segment: " + c.snapshot() + ", want events=" + events
                    + " iam-changes=" + changes);
        }
        // then quiet: no counter moves for 1.5 s (what the segment derived has been emitted)
        AtomicReference<Map<String, Long>> before = new AtomicReference<>(c.snapshot());
        AtomicLong quietSince = new AtomicLong(System.currentTimeMillis());
        pollUntil(Duration.ofSeconds(180), Duration.ofMillis(100), () -> {
            Map<String, Long> now = c.snapshot();
            if (!now.equals(before.get())) {
                before.set(now);
                quietSince.set(System.currentTimeMillis());
            }
            return System.currentTimeMillis() - quietSince.get() >= 1500;
        });
    }

    /** Until the detector's global catalog store holds the version complete (CatalogHolder's adoption rule) and nothing removed. */
    private static void awaitInGlobalStore(DetectorRunner runner, io.grantwatch.model.catalog.Catalog catalog) {
        Map<String, CatalogEntry> want = catalog.toEntries();
        boolean complete = pollUntil(Duration.ofSeconds(60), Duration.ofMillis(50), () -> {
            try {
                ReadOnlyKeyValueStore<String, CatalogEntry> store = runner.streams().store(StoreQueryParameters.fromNameAndType(
                        DetectorTopology.CATALOG_ENTRIES, QueryableStoreTypes.<String, CatalogEntry>keyValueStore()));
                boolean all = true;
                for (String key : want.keySet()) {
                    CatalogEntry e = store.get(key);
                    all &= e != null && catalog.version().equals(e.version());
                }
                try (KeyValueIterator<String, CatalogEntry> it = store.all()) {
                    while (it.hasNext()) {
                        all &= want.containsKey(it.next().key);
                    }
                }
                return all;
            } catch (InvalidStateStoreException e) {
                return false; // rebalancing or starting: ask again
            }
        });
        if (!complete) {
            throw new IllegalStateException("catalog " + catalog.version() + " not in the detector's global store after 60 s");
        }
    }

    private static long lateInStates(DetectorRunner runner) {
        ReadOnlyKeyValueStore<String, PrincipalState> store = runner.streams().store(StoreQueryParameters.fromNameAndType(
                DetectorTopology.PRINCIPAL_STATE, QueryableStoreTypes.<String, PrincipalState>keyValueStore()));
        long late = 0;
        try (KeyValueIterator<String, PrincipalState> it = store.all()) {
            while (it.hasNext()) {
                late += it.next().value.late();
            }
        }
        return late;
    }

    /** Findings on the topic once it carries at least the expected versions and stays unchanged for 3 s, or at the timeout. */
    private List<Finding> settleFindings(Topics t, long expected, long timeoutMillis) {
        AtomicReference<List<Finding>> seen = new AtomicReference<>(List.of());
        AtomicLong stableSince = new AtomicLong(System.currentTimeMillis());
        AtomicInteger last = new AtomicInteger(-1);
        pollUntil(Duration.ofMillis(timeoutMillis), Duration.ofMillis(500), () -> {
            seen.set(Clients.findings(env.bootstrap, t.findings()));
            if (seen.get().size() != last.get()) {
                last.set(seen.get().size());
                stableSince.set(System.currentTimeMillis());
            }
            long stable = System.currentTimeMillis() - stableSince.get();
            return seen.get().size() >= expected && stable >= 3000 || stable >= 30_000;
        });
        return seen.get();
    }

    private static String examples(Map<String, List<String>> byKind) {
        StringBuilder sb = new StringBuilder("{");
        byKind.forEach((kind, ids) -> sb.append(sb.length() > 1 ? ", " : "").append(kind).append('=').append(ids.size())
                .append(ids.stream().limit(3).toList()));
        return sb.append('}').toString();
    }
}
