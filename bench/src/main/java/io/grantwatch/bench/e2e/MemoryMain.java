package io.grantwatch.bench.e2e;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorCounters;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.detector.streams.DetectorConfig;
import io.grantwatch.detector.streams.DetectorTopology;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.corpus.CorpusGenerator;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
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
 * </ol>
 * the first measured as heap retained after GC (the corpus itself, held throughout, is in the baseline), the second as
 * the size of its RocksDB state folder. Figures are scaled to 100,000 principals; the caps per principal
 * ({@link DetectorSettings}) bound what one principal can hold.
 *
 * <pre>java -Xmx6g -cp bench/target/grantwatch-bench.jar io.grantwatch.bench.e2e.MemoryMain [--principals N] [--events-per-principal K]</pre>
 */
public final class MemoryMain {
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
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--principals" -> principals = Integer.parseInt(args[++i]);
                case "--events-per-principal" -> perPrincipal = Integer.parseInt(args[++i]);
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
        out.printf("memory per principal: %d events over %d principals; caps per principal: %d calls within %s, %d successes, %d findings, "
                        + "%d IAM changes, %d event ids per finding%n", events.size(), principals, settings.activityCap(), settings.activityWindow(),
                settings.successCap(), settings.findingCap(), settings.changeCap(), settings.eventIdsKept());

        long base = Variants.heapAfterGc();
        OfflineDetector offline = new OfflineDetector(settings, CatalogLookup.of(catalog));
        for (AuditEvent e : events) {
            offline.accept(e);
        }
        long offlineHeap = Variants.heapAfterGc() - base;
        int seen = offline.principals();
        out.printf("  offline inference (scan): %d principals, %d findings, heap retained %.1f MB → %.0f MB per 100k principals%n", seen,
                offline.findings().size(), offlineHeap / 1e6, offlineHeap / 1e6 * 100_000 / seen);
        offline = null;

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
        // the topology's heap is not measured here: the test driver's own bookkeeping dwarfs it (run.sh's (d) measures it on a broker)
        out.printf("  detector topology (RocksDB stores, no broker): %d finding records; RocksDB state folder %.1f MB → %.0f MB per 100k "
                + "principals (memtables not yet flushed are off-heap, not in it)%n", findings, stateBytes / 1e6, stateBytes / 1e6 * 100_000 / seen);
        out.printf("memory_offline_mb_per_100k=%.0f memory_state_mb_per_100k=%.0f (goal heap ≤ 200)%n", offlineHeap / 1e6 * 100_000 / seen,
                stateBytes / 1e6 * 100_000 / seen);
    }
}
