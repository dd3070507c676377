package io.grantwatch.bench.e2e;

import io.grantwatch.app.runtime.TopicSetup;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.catalog.CatalogPublisher;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorCounters;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.detector.streams.DetectorConfig;
import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.detector.streams.DetectorTopology;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.BrokerMain;
import io.grantwatch.systemtests.Clients;
import io.grantwatch.systemtests.corpus.CorpusGenerator;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Memory per principal, measured on the detector alone (no broker in the heap): a corpus of N principals
 * (default 100,000, about 3 events each) parsed once, then fed to
 * <ol>
 *   <li>the offline inference ({@code scan}'s path: every principal's state on the heap), and</li>
 *   <li>the detector topology under Kafka's TopologyTestDriver (the real RocksDB stores in a state folder),</li>
 *   <li>the Streams detector itself ({@link DetectorRunner}, as {@code grantwatch detect} runs it) on a broker in a child JVM
 *   ({@code BrokerMain}, the product's EmbeddedKafka), the events loaded into {@code audit-events} first,</li>
 * </ol>
 * the first measured as heap retained after GC (the corpus itself, held throughout, is in the baseline), the second as
 * the size of its RocksDB state folder, the third as heap retained after GC over a baseline taken before the detector
 * started with the corpus no longer held, once it has processed every event (lag 0, counters still), and its state folder.
 * Figures are scaled to 100,000 principals; the caps per principal ({@link DetectorSettings}) bound what one principal can hold.
 *
 * <pre>java -Xmx4g -cp bench/target/grantwatch-bench.jar io.grantwatch.bench.e2e.MemoryMain [--principals N] [--events-per-principal K]
 *     [--streams-only]</pre>
 */
public final class MemoryMain {
    /** The product's default partitions ({@code topics.partitions}): one detector task (and store set) per partition. */
    private static final int TOPIC_PARTITIONS = 3;
    /** principal-state, principal-findings, account-activity, account-inventory. */
    private static final int PERSISTENT_STORES = 4;
    private static final long QUIET_MS = 3_000;

    private MemoryMain() {
    }

    /**
     * Reads every record the driver holds for the topics the topology wrote (findings, unmapped denials, the stores'
     * changelogs): the driver keeps them until read, and they are no part of the detector's heap. Returns the findings read.
     */
    private static long drain(TopologyTestDriver driver, TestOutputTopic<String, Finding> found, TestOutputTopic<String, AuditEvent> unmapped) {
        long findings = found.getQueueSize();
        found.readRecordsToList();
        unmapped.readRecordsToList();
        for (String topic : driver.producedTopicNames()) {
            driver.createOutputTopic(topic, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer()).readRecordsToList();
        }
        return findings;
    }

    public static void main(String[] args) throws Exception {
        int principals = 100_000;
        int perPrincipal = 3;
        boolean streamsOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--principals" -> principals = Integer.parseInt(args[++i]);
                case "--events-per-principal" -> perPrincipal = Integer.parseInt(args[++i]);
                case "--streams-only" -> streamsOnly = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Catalog catalog = CatalogLoader.loadBundled();
        CorpusGenerator.Corpus corpus = CorpusGenerator.generate(
                CorpusGenerator.Options.of(42, principals * perPrincipal).withPrincipals(principals), catalog);
        AuditParser parser = new AuditParser();
        List<AuditEvent> events = new ArrayList<>(corpus.records().size());
        for (RawRecord r : corpus.records()) {
            events.addAll(parser.parse(r.json(), "corpus#" + r.seq(), Hints.NONE).events());
        }
        corpus = null;
        DetectorSettings settings = DetectorSettings.defaults();
        int seen = (int) events.stream().map(AuditEvent::partitionKey).distinct().count();
        out.printf("memory per principal: %d events over %d principals; caps per principal: %d calls within %s, %d successes, %d findings, "
                        + "%d IAM changes, %d event ids per finding%n", events.size(), seen, settings.activityCap(), settings.activityWindow(),
                settings.successCap(), settings.findingCap(), settings.changeCap(), settings.eventIdsKept());
        double per100k = 100_000.0 / seen;
        String offlineFigures = "";
        if (!streamsOnly) {
            long offlineHeap = offline(out, events, settings, catalog, per100k);
            long stateBytes = topologyState(out, events, settings, catalog, per100k);
            offlineFigures = String.format("memory_offline_mb_per_100k=%.0f memory_state_mb_per_100k=%.0f ", offlineHeap / 1e6 * per100k,
                    stateBytes / 1e6 * per100k);
        }

        // 3. the Streams detector on a broker in a child JVM: only the detector's heap is measured
        Path work = Files.createTempDirectory("grantwatch-memory-streams");
        Topics topics = Topics.defaults();
        try (ChildBroker broker = ChildBroker.start(work.resolve("broker"))) {
            String bootstrap = broker.bootstrap();
            try (Admin admin = Clients.admin(bootstrap)) {
                // the corpus's events are weeks old and keep their event time as record time: with the default 7-day retention
                // the broker deleted them under the detector's feet (found at 100k principals)
                BenchKafka.createTopic(admin, topics.auditEvents().name(), TOPIC_PARTITIONS, Map.of("retention.ms", "-1"));
                TopicSetup.ensure(admin, topics, TOPIC_PARTITIONS, (short) 1, Duration.ofSeconds(60));
            }
            new CatalogPublisher(Map.of("bootstrap.servers", bootstrap)).publish(catalog, topics.catalog());
            long n = load(bootstrap, topics, events);
            events = null;
            StreamsFigures f = streamsDetector(bootstrap, topics, work.resolve("detector-state"), n);
            out.printf("  Streams detector (DetectorRunner as `grantwatch detect` runs it: EOS v2, 1 thread, %d partitions; broker in a child"
                            + " JVM): %d events processed in %.0fs (audit-events lag 0), %d finding versions; heap after GC %.1f MB over the baseline"
                            + " (taken before it started, the corpus not held) → %.0f MB per 100k principals (goal ≤ 200); RocksDB state"
                            + " folder %.1f MB → %.0f MB per 100k%n",
                    TOPIC_PARTITIONS, f.events(), f.seconds(), f.findings(), f.heapBytes() / 1e6, f.heapBytes() / 1e6 * per100k,
                    f.stateBytes() / 1e6, f.stateBytes() / 1e6 * per100k);
            out.printf("  off-heap, not in the heap figure: Kafka Streams' RocksDB defaults per store and task (the detector sets no"
                            + " RocksDBConfigSetter): a 50 MB LRU block cache (4 KB blocks) and up to 3 memtables of 16 MB; %d persistent"
                            + " stores × %d tasks. On the heap and bounded whatever the principal count: Streams' record cache"
                            + " (statestore.cache.max.bytes, 10 MB default) and the detector's deserialized caches (2,000 states, 2,000"
                            + " findings, 1,000 account lists, 200 inventories per task)%n", PERSISTENT_STORES, TOPIC_PARTITIONS);
            out.printf("%smemory_streams_heap_mb_per_100k=%.0f memory_streams_state_mb_per_100k=%.0f (goal heap ≤ 200)%n", offlineFigures,
                    f.heapBytes() / 1e6 * per100k, f.stateBytes() / 1e6 * per100k);
        } finally {
            Variants.delete(work);
        }
    }

    /** The offline inference ({@code scan}'s path): heap retained after GC with every principal's state; the events are in the baseline. */
    private static long offline(PrintStream out, List<AuditEvent> events, DetectorSettings settings, Catalog catalog, double per100k) {
        long base = Variants.heapAfterGc();
        OfflineDetector offline = new OfflineDetector(settings, CatalogLookup.of(catalog));
        for (AuditEvent e : events) {
            offline.accept(e);
        }
        long offlineHeap = Variants.heapAfterGc() - base;
        out.printf("  offline inference (scan): %d principals, %d findings, heap retained %.1f MB → %.0f MB per 100k principals%n",
                offline.principals(), offline.findings().size(), offlineHeap / 1e6, offlineHeap / 1e6 * per100k);
        return offlineHeap;
    }

    /** The detector topology under the TopologyTestDriver: the size of its RocksDB state folder. */
    private static long topologyState(PrintStream out, List<AuditEvent> events, DetectorSettings settings, Catalog catalog, double per100k)
            throws IOException {
        Path stateDir = Files.createTempDirectory("grantwatch-memory");
        Topics topics = Topics.withPrefix("m-");
        DetectorConfig config = DetectorConfig.defaults("unused:9092").withApplicationId("memory").withSettings(settings);
        Properties props = config.toProperties(topics);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        long findings = 0;
        long stateBytes;
        try (TopologyTestDriver driver = new TopologyTestDriver(DetectorTopology.build(topics, config, new DetectorCounters()), props,
                events.get(0).eventTime())) {
            TestInputTopic<String, CatalogEntry> catalogIn = driver.createInputTopic(topics.catalog().name(), Serdes.String().serializer(),
                    topics.catalog().valueSerde().serializer());
            for (Map.Entry<String, CatalogEntry> e : catalog.toEntries().entrySet()) {
                catalogIn.pipeInput(e.getKey(), e.getValue(), events.get(0).eventTime());
            }
            TestInputTopic<String, AuditEvent> audit = driver.createInputTopic(topics.auditEvents().name(), Serdes.String().serializer(),
                    topics.auditEvents().valueSerde().serializer());
            TestOutputTopic<String, Finding> found = driver.createOutputTopic(topics.findings().name(), Serdes.String().deserializer(),
                    topics.findings().valueSerde().deserializer());
            TestOutputTopic<String, AuditEvent> unmapped = driver.createOutputTopic(topics.unmappedDenials().name(),
                    Serdes.String().deserializer(), topics.unmappedDenials().valueSerde().deserializer());
            int k = 0;
            for (AuditEvent e : events) {
                audit.pipeInput(e.routingKey(), e, e.eventTime());
                if (++k % 10_000 == 0) {
                    findings += drain(driver, found, unmapped);
                }
            }
            findings += drain(driver, found, unmapped);
            driver.advanceWallClockTime(Duration.ofMinutes(1));
            drain(driver, found, unmapped);
            // before close: the driver deletes its state folder when it closes
            stateBytes = Variants.size(stateDir);
        }
        Variants.delete(stateDir);
        // the topology's heap is not measured here: the test driver's own bookkeeping dwarfs it (the Streams run below measures it)
        out.printf("  detector topology (TopologyTestDriver, RocksDB stores): %d finding records; RocksDB state folder %.1f MB → %.0f MB per"
                + " 100k principals (memtables not yet flushed are off-heap, not in it)%n", findings, stateBytes / 1e6, stateBytes / 1e6 * per100k);
        return stateBytes;
    }

    /** audit-events as ingest's sink writes them: keyed by {@link AuditEvent#routingKey()}, JSON, timestamped with the event time. */
    private static long load(String bootstrap, Topics topics, List<AuditEvent> events) {
        try (KafkaProducer<String, AuditEvent> p = new KafkaProducer<>(Clients.producerConfig(bootstrap), new StringSerializer(),
                topics.auditEvents().valueSerde().serializer())) {
            for (AuditEvent e : events) {
                p.send(new ProducerRecord<>(topics.auditEvents().name(), null, e.eventTime().toEpochMilli(), e.routingKey(), e));
            }
            p.flush();
        }
        return events.size();
    }

    private record StreamsFigures(long events, double seconds, long findings, long heapBytes, long stateBytes) {
    }

    /**
     * Runs the detector until it has processed every event, its lag on audit-events is 0 and its counters have not moved for
     * {@value #QUIET_MS} ms; then heap after GC (less the baseline before it started) and the state folder, with the detector
     * still running (its stores open, as in production).
     */
    private static StreamsFigures streamsDetector(String bootstrap, Topics topics, Path stateDir, long n) throws Exception {
        Files.createDirectories(stateDir);
        DetectorConfig config = new DetectorConfig("grantwatch-detector", bootstrap, stateDir, true, 1, DetectorSettings.defaults(), Map.of());
        long base = Variants.heapAfterGc();
        long t0 = System.nanoTime();
        try (DetectorRunner detector = new DetectorRunner(topics, config); Admin admin = Clients.admin(bootstrap)) {
            detector.start();
            long deadline = System.currentTimeMillis() + Duration.ofMinutes(30).toMillis();
            Map<String, Long> last = Map.of();
            long quietSince = System.currentTimeMillis();
            long nextReport = quietSince + 10_000;
            while (true) {
                Map<String, Long> now = detector.counters().snapshot();
                if (!now.equals(last)) {
                    last = now;
                    quietSince = System.currentTimeMillis();
                } else if (detector.counters().events() >= n && System.currentTimeMillis() - quietSince >= QUIET_MS
                        && lag(admin, config.applicationId(), topics.auditEvents().name()) == 0) {
                    break;
                }
                if (System.currentTimeMillis() >= nextReport) {
                    System.err.printf("memory: detector %s %s, audit-events lag %d%n", detector.state(), now,
                            lag(admin, config.applicationId(), topics.auditEvents().name()));
                    nextReport += 10_000;
                }
                if (System.currentTimeMillis() > deadline || detector.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("detector did not finish: " + detector.state() + " " + now);
                }
                Thread.sleep(200);
            }
            double seconds = (System.nanoTime() - t0) / 1e9 - QUIET_MS / 1e3;
            long heap = Variants.heapAfterGc() - base;
            return new StreamsFigures(detector.counters().events(), seconds, detector.counters().findingsEmitted(), heap, Variants.size(stateDir));
        }
    }

    /**
     * Records of {@code topic} the group has not committed past. audit-events only: on a topic written in transactions (the
     * repartition topic) the commit marker after the last record stays uncounted-for, so its lag never reads 0.
     */
    private static long lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicPartition tp : committed.keySet()) {
            if (tp.topic().equals(topic)) {
                latest.put(tp, OffsetSpec.latest());
            }
        }
        if (latest.size() < TOPIC_PARTITIONS) {
            return Long.MAX_VALUE;
        }
        long lag = 0;
        for (var e : admin.listOffsets(latest).all().get().entrySet()) {
            lag += e.getValue().offset() - committed.get(e.getKey()).offset();
        }
        return lag;
    }

    /**
     * The product's broker ({@link io.grantwatch.systemtests.BrokerMain}, i.e. EmbeddedKafka) in a child JVM on this classpath,
     * so that its heap is not in the measured one. Stopped (SIGTERM, then SIGKILL) on close, by its handle.
     */
    private record ChildBroker(Process process, String bootstrap) implements AutoCloseable {
        static ChildBroker start(Path dir) throws IOException, InterruptedException {
            Files.createDirectories(dir);
            int[] ports = Clients.freePorts(2);
            Path log = dir.resolveSibling("broker.log");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp",
                    System.getProperty("java.class.path"), BrokerMain.class.getName(), dir.toString(), String.valueOf(ports[0]),
                    String.valueOf(ports[1])).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.currentTimeMillis() + 120_000;
            while (System.currentTimeMillis() < deadline) {
                for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                    if (line.startsWith("READY ")) {
                        return new ChildBroker(p, line.substring("READY ".length()).strip());
                    }
                }
                if (!p.isAlive()) {
                    throw new IllegalStateException("broker exited with " + p.exitValue() + " (log " + log + ")");
                }
                Thread.sleep(200);
            }
            p.destroyForcibly();
            throw new IllegalStateException("broker not ready within 120 s (log " + log + ")");
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
