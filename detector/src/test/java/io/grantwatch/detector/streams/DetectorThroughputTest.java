package io.grantwatch.detector.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.detector.StreamsFixtures;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A first throughput figure (the benchmark module makes it rigorous): a deterministic mix of 200
 * principals on PAI and ModelArts, 10% denials, a few IAM changes, through the real catalog; the
 * Streams topology in TopologyTestDriver (RocksDB stores, JSON serdes, no broker) and the bare
 * engine ({@code scan}'s path). Logs events/s; asserts only a floor far below what it measures so
 * a slow CI box does not fail it, and that the run found something.
 */
class DetectorThroughputTest {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorThroughputTest.class);
    private static final int EVENTS = 30_000;
    /** TopologyTestDriver commits after every record: a smaller slice keeps the suite fast. */
    private static final int DRIVER_EVENTS = 10_000;

    static List<AuditEvent> corpus(int n) {
        Random r = new Random(42);
        List<AuditEvent> out = new ArrayList<>(n);
        String[][] alibaba = {{"PaiDsw", "ListInstances", null}, {"PaiDsw", "CreateInstance", "paidsw:CreateInstance"},
            {"Eas", "DescribeService", "eas:DescribeService"}, {"Eas", "CreateService", "eas:CreateService"},
            {"Oss", "GetObject", "oss:GetObject"}, {"PaiDlc", "CreateJob", "paidlc:CreateJob"}};
        String[][] huawei = {{"ModelArts", "CreateJobV2", null}, {"ModelArts", "createNotebook", null},
            {"OBS", "getObject", "obs:object:GetObject"}, {"OBS", "putObject", "obs:object:PutObject"},
            {"ModelArts", "CreateDataset", "modelarts:dataset:createDataset"}};
        Instant t = StreamsFixtures.T0;
        for (int i = 0; i < n; i++) {
            t = t.plusMillis(200 + r.nextInt(200));
            boolean hw = r.nextBoolean();
            int who = r.nextInt(100);
            Principal p = hw ? StreamsFixtures.iamUser("u" + who) : StreamsFixtures.ramUser("u" + who);
            String[] call = hw ? huawei[r.nextInt(huawei.length)] : alibaba[r.nextInt(alibaba.length)];
            boolean denied = r.nextInt(10) == 0;
            if (i % 5000 == 4999) {
                out.add(StreamsFixtures.change("root", t, "DetachPolicyFromUser", Map.of("UserName", "u" + who, "PolicyName",
                        "AliyunPAIEASFullAccess", "PolicyType", "System")));
                continue;
            }
            out.add(StreamsFixtures.event(p, t, call[0], call[1], call[2], denied ? Outcome.DENIED : Outcome.ALLOWED,
                    denied ? (hw ? "403" : "NoPermission") : null));
        }
        return out;
    }

    @Test
    void shouldProcessARealisticMixAtAMeasuredRate() throws Exception {
        Catalog catalog = CatalogLoader.loadBundled();
        List<AuditEvent> events = corpus(EVENTS);
        Topics topics = Topics.withPrefix("perf-");
        DetectorConfig config = DetectorConfig.defaults("unused:9092").withApplicationId("detector-perf");
        Path state = Files.createTempDirectory("gw-perf");
        Properties props = config.toProperties(topics);
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        long findingsOut;
        double streamsRate;
        try (TopologyTestDriver driver = new TopologyTestDriver(DetectorTopology.build(topics, config), props, StreamsFixtures.T0)) {
            TestInputTopic<String, CatalogEntry> cat = driver.createInputTopic(topics.catalog().name(), Serdes.String().serializer(),
                    topics.catalog().valueSerde().serializer());
            catalog.toEntries().forEach((k, v) -> cat.pipeInput(k, v, StreamsFixtures.T0));
            TestInputTopic<String, AuditEvent> in = driver.createInputTopic(topics.auditEvents().name(), Serdes.String().serializer(),
                    topics.auditEvents().valueSerde().serializer());
            TestOutputTopic<String, Finding> out = driver.createOutputTopic(topics.findings().name(), Serdes.String().deserializer(),
                    topics.findings().valueSerde().deserializer());
            for (int i = 0; i < 2_000; i++) { // warm-up on the same mix
                AuditEvent e = events.get(i);
                in.pipeInput(e.routingKey(), e, e.eventTime());
            }
            long start = System.nanoTime();
            for (int i = 2_000; i < DRIVER_EVENTS; i++) {
                AuditEvent e = events.get(i);
                in.pipeInput(e.routingKey(), e, e.eventTime());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            streamsRate = (DRIVER_EVENTS - 2_000) / seconds;
            findingsOut = out.getQueueSize();
        }

        OfflineDetector offline = new OfflineDetector(DetectorSettings.defaults(), CatalogLookup.of(catalog));
        events.subList(0, 2_000).forEach(offline::accept);
        long start = System.nanoTime();
        events.subList(2_000, events.size()).forEach(offline::accept);
        double engineRate = (events.size() - 2_000) / ((System.nanoTime() - start) / 1e9);

        LOG.info("Throughput (10% denied, 200 principals, real catalog): topology in TopologyTestDriver {} events/s over {} events "
                + "({} findings emitted); engine alone (scan path) {} events/s over {} events", Math.round(streamsRate), DRIVER_EVENTS,
                findingsOut, Math.round(engineRate), events.size());
        assertThat(findingsOut).isGreaterThan(0);
        assertThat(streamsRate).isGreaterThan(200);
        assertThat(engineRate).isGreaterThan(streamsRate / 10);
    }
}
