package io.grantwatch.detector.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.detector.StreamsFixtures;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.topic.DlqHeaders;
import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detector against a real broker: catalog + events in, findings out; a catalog change mid-stream; a poison record. */
@WithKafka
class DetectorIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    private DetectorRunner runner;

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.close();
        }
    }

    private DetectorRunner start(KafkaBroker kafka, KafkaTestScope scope) {
        DetectorConfig config = DetectorConfig.defaults(kafka.bootstrapServers())
                .withApplicationId(scope.name("detector"))
                .withStateDir(stateDir)
                .withKafka(Map.of("consumer.session.timeout.ms", "10000"));
        runner = new DetectorRunner(scope.topics(), config);
        runner.start();
        await("detector RUNNING").atMost(WAIT).until(runner::running);
        return runner;
    }

    private static void publish(KafkaBroker kafka, Topics topics, Catalog catalog) {
        try (KafkaProducer<String, CatalogEntry> p = kafka.producer(topics.catalog())) {
            for (Map.Entry<String, CatalogEntry> e : catalog.toEntries().entrySet()) {
                p.send(new ProducerRecord<>(topics.catalog().name(), e.getKey(), e.getValue()));
            }
        }
    }

    private static void send(KafkaBroker kafka, Topics topics, AuditEvent... events) {
        try (KafkaProducer<String, AuditEvent> p = kafka.producer(topics.auditEvents())) {
            for (AuditEvent e : events) {
                // Synchronous: a lost send fails here, not as a wait for a finding that never comes.
                p.send(new ProducerRecord<>(topics.auditEvents().name(), null, e.eventTime().toEpochMilli(), e.routingKey(), e)).get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new AssertionError("the broker did not take an event", e.getCause());
        }
    }

    @Test
    void shouldWriteFindingsWhenCatalogAndEventsGoIn(KafkaBroker kafka, KafkaTestScope scope) {
        Topics topics = scope.topics();
        publish(kafka, topics, StreamsFixtures.catalog("v1"));
        start(kafka, scope);
        var t0 = StreamsFixtures.T0;
        send(kafka, topics,
                StreamsFixtures.dswPassRoleDenied("bob", t0),
                StreamsFixtures.ok("carol", t0.plusSeconds(1), "Eas", "CreateService", "eas:CreateService"),
                StreamsFixtures.change("admin", t0.plusSeconds(60), "DetachPolicyFromUser",
                        Map.of("UserName", "carol", "PolicyName", "AliyunPAIEASFullAccess", "PolicyType", "System")),
                StreamsFixtures.denied("dave", t0.plusSeconds(2), "Ecs", "RunInstances", "ecs:RunInstances", "NoPermission"));

        List<ConsumerRecord<String, Finding>> out = kafka.readAtLeast(topics.findings(), 3, WAIT);
        assertThat(out).extracting(r -> r.value().kind())
                .contains(FindingKind.MISSING_GRANT, FindingKind.PREDICTED_BREAKAGE, FindingKind.UNMAPPED_DENIAL);
        assertThat(out).allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().id()));
        // compacted on the broker's clock: old event times neither roll a segment per append nor let the cleaner eat versions
        assertThat(out).allSatisfy(r -> assertThat(r.timestampType()).isEqualTo(org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME));
        assertThat(kafka.readAtLeast(topics.unmappedDenials(), 1, WAIT)).allSatisfy(r ->
                // Stamped by the broker: a denial from an old trail must not fall to retention on arrival.
                assertThat(r.timestampType()).isEqualTo(org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME))
                .extracting(r -> r.value().action()).contains("RunInstances");
        await("open findings queryable").atMost(WAIT).ignoreExceptions()
                .until(() -> runner.storedFindings().open(100).size() >= 2);
    }

    @Test
    void shouldUseANewCatalogVersionPublishedMidStream(KafkaBroker kafka, KafkaTestScope scope) {
        Topics topics = scope.topics();
        publish(kafka, topics, StreamsFixtures.catalog("v1"));
        start(kafka, scope);
        var t0 = StreamsFixtures.T0;
        send(kafka, topics, StreamsFixtures.denied("carol", t0, "Eas", "CreateService", "eas:CreateService", "NoPermission"));
        assertThat(kafka.readAtLeast(topics.findings(), 1, WAIT)).extracting(r -> r.value().catalogVersion()).containsExactly("v1");

        publish(kafka, topics, StreamsFixtures.catalog("v2"));
        // The global thread applies v2 asynchronously: keep denying (new principals) until a finding says v2.
        await("a finding made with catalog v2").atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            send(kafka, topics, StreamsFixtures.denied("user" + System.nanoTime(), t0.plusSeconds(5), "Eas", "CreateService",
                    "eas:CreateService", "NoPermission"));
            return kafka.readAll(topics.findings(), WAIT).stream().anyMatch(r -> "v2".equals(r.value().catalogVersion()));
        });
        assertThat(runner.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    @Test
    void shouldDeadLetterAPoisonRecordAndKeepRunning(KafkaBroker kafka, KafkaTestScope scope) {
        Topics topics = scope.topics();
        publish(kafka, topics, StreamsFixtures.catalog("v1"));
        start(kafka, scope);
        TopicSpec<byte[], byte[]> raw = new TopicSpec<>(topics.auditEvents().name(), Topics.BYTES, Topics.BYTES, Map.of());
        try (KafkaProducer<byte[], byte[]> p = kafka.producer(raw)) {
            p.send(new ProducerRecord<>(raw.name(), "poison".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8)));
        }
        send(kafka, topics, StreamsFixtures.dswPassRoleDenied("bob", StreamsFixtures.T0));

        List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAtLeast(topics.detectorDlq(), 1, WAIT);
        assertThat(dead).singleElement().satisfies(r -> {
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(r.headers().lastHeader(DlqHeaders.EXCEPTION_CLASS)).isNotNull();
            assertThat(r.headers().lastHeader(DlqHeaders.REASON)).isNotNull();
        });
        assertThat(kafka.readAtLeast(topics.findings(), 1, WAIT)).extracting(r -> r.value().kind()).contains(FindingKind.MISSING_GRANT);
        assertThat(runner.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    /** 6,000 pre-loaded events (10% denied), exactly-once, 3 partitions, one thread: scan's findings, and a first broker figure. */
    @Test
    void shouldWriteTheFindingsTheOfflineInferenceFindsInTheSameEvents(KafkaBroker kafka, KafkaTestScope scope) {
        Topics topics = scope.topics();
        Catalog catalog = io.grantwatch.catalog.CatalogLoader.loadBundled();
        publish(kafka, topics, catalog);
        List<AuditEvent> events = TestCorpus.corpus(6_000);
        // Every send is checked (and a failed one sent again): a silently lost batch would look like a stalled detector.
        List<AuditEvent> pending = events;
        for (int attempt = 0; attempt < 3 && !pending.isEmpty(); attempt++) {
            List<AuditEvent> failed = new ArrayList<>();
            try (KafkaProducer<String, AuditEvent> p = kafka.producer(topics.auditEvents())) {
                List<Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();
                for (AuditEvent e : pending) {
                    sent.add(p.send(new ProducerRecord<>(topics.auditEvents().name(), null, e.eventTime().toEpochMilli(), e.routingKey(), e)));
                }
                p.flush();
                for (int i = 0; i < sent.size(); i++) {
                    try {
                        sent.get(i).get();
                    } catch (Exception ex) {
                        failed.add(pending.get(i));
                    }
                }
            }
            pending = failed;
        }
        assertThat(pending).as("events the broker did not take").isEmpty();
        start(kafka, scope);
        await("first event").atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> runner.counters().events() > 0);
        long t0 = System.nanoTime();
        long c0 = runner.counters().events();
        await("all events").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(50))
                .conditionEvaluationListener(c -> {
                    if (c.getElapsedTimeInMS() % 5000 < 50) {
                        org.slf4j.LoggerFactory.getLogger(DetectorIT.class).info("processed {} {}", runner.counters().snapshot(), runner.state());
                    }
                })
                .until(() -> runner.counters().events() >= events.size());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = (events.size() - c0) / seconds;
        org.slf4j.LoggerFactory.getLogger(DetectorIT.class).info(
                "Broker throughput: {} events in {} s = {} events/s (exactly_once_v2, 3 partitions, 1 thread, in-process broker on this box)",
                events.size() - c0, String.format("%.1f", seconds), Math.round(rate));
        // what the topology wrote is what the offline inference (scan) finds in the same events: every id, kind and status
        OfflineDetector offline = new OfflineDetector(DetectorSettings.defaults(), CatalogLookup.of(catalog));
        events.forEach(offline::accept);
        Map<String, String> expected = new TreeMap<>();
        offline.findings().forEach(f -> expected.put(f.id(), f.kind() + " " + f.status()));
        assertThat(expected).hasSizeGreaterThan(50);
        await("the topology's findings equal the offline inference's").atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<String, String> written = new TreeMap<>();
            kafka.readAll(topics.findings(), Duration.ofSeconds(5)).forEach(r -> written.put(r.key(), r.value().kind() + " "
                    + r.value().status()));
            return written.equals(expected);
        });
    }
}
