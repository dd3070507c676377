package io.grantwatch.detector.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.detector.StreamsFixtures;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two detector instances share the work through Kafka Streams' partition assignment on a
 * three-broker cluster; one stops mid-stream and the other takes over its tasks. Under exactly-once,
 * every principal's finding appears exactly once on {@code findings} (read_committed): none lost,
 * none duplicated.
 */
@WithKafka(brokers = 3, partitions = 6)
class DetectorScaleOutIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int PRINCIPALS = 240;

    @TempDir
    Path stateA;
    @TempDir
    Path stateB;

    private final List<DetectorRunner> runners = new ArrayList<>();

    @AfterEach
    void stop() {
        runners.forEach(DetectorRunner::close);
    }

    private DetectorRunner start(KafkaBroker kafka, KafkaTestScope scope, Path stateDir) {
        return start(kafka, scope, stateDir, "10000");
    }

    private DetectorRunner start(KafkaBroker kafka, KafkaTestScope scope, Path stateDir, String sessionTimeoutMs) {
        DetectorConfig config = DetectorConfig.defaults(kafka.bootstrapServers())
                .withApplicationId(scope.name("detector"))
                .withStateDir(stateDir)
                .withKafka(Map.of("consumer.session.timeout.ms", sessionTimeoutMs, "replication.factor", "3",
                        "commit.interval.ms", "200"));
        DetectorRunner runner = new DetectorRunner(scope.topics(), config);
        runners.add(runner);
        runner.start();
        return runner;
    }

    private static void send(KafkaBroker kafka, Topics topics, List<AuditEvent> events) {
        try (KafkaProducer<String, AuditEvent> p = kafka.producer(topics.auditEvents())) {
            for (AuditEvent e : events) {
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
    void shouldLoseAndDuplicateNoFindingWhenOneOfTwoDetectorsStopsMidStream(KafkaBroker kafka, KafkaTestScope scope) {
        Topics topics = scope.topics();
        try (KafkaProducer<String, CatalogEntry> p = kafka.producer(topics.catalog())) {
            StreamsFixtures.catalog("v1").toEntries().forEach((k, v) -> p.send(new ProducerRecord<>(topics.catalog().name(), k, v)));
        }
        DetectorRunner a = start(kafka, scope, stateA);
        DetectorRunner b = start(kafka, scope, stateB);
        await("both detectors RUNNING").atMost(WAIT).until(() -> a.running() && b.running());

        // One PassRole denial per principal: each principal yields exactly one finding. The principals
        // belong to 24 accounts, so both detectors' partitions (the detector partitions by account) have work.
        Instant t0 = StreamsFixtures.T0;
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < PRINCIPALS; i++) {
            events.add(StreamsFixtures.dswPassRoleDenied(String.valueOf(1704000000000100L + i % 24), "user-" + i, t0.plusMillis(i)));
        }
        int half = PRINCIPALS / 2;
        send(kafka, topics, events.subList(0, half));
        // Stop B once part of the first half has come through, while the rest is still in flight.
        await("first findings").atMost(WAIT).until(() -> kafka.readAll(topics.findings(), Duration.ofSeconds(2)).size() >= half / 4);
        b.close();
        send(kafka, topics, events.subList(half, PRINCIPALS));

        await("every finding").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> kafka.readAll(topics.findings(), Duration.ofSeconds(2)).size() >= PRINCIPALS);
        List<ConsumerRecord<String, Finding>> out = kafka.readAll(topics.findings(), Duration.ofSeconds(5));
        Map<String, Long> perId = out.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        long duplicates = perId.values().stream().mapToLong(n -> n - 1).sum();
        Map<String, Finding> byPrincipal = out.stream().map(ConsumerRecord::value)
                .collect(Collectors.toMap(f -> f.principal().name(), Function.identity(), (x, y) -> x));

        System.out.printf("FIGURES scale-out: principals=%d findings=%d distinct=%d duplicates=%d%n",
                PRINCIPALS, out.size(), perId.size(), duplicates);
        assertThat(duplicates).as("duplicate findings under exactly-once").isZero();
        assertThat(perId).hasSize(PRINCIPALS);
        assertThat(byPrincipal).hasSize(PRINCIPALS);
        assertThat(out).allSatisfy(r -> assertThat(r.value().kind()).isEqualTo(FindingKind.MISSING_GRANT));
        assertThat(a.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    /**
     * A detector that closes leaves the group: the other takes over its tasks in a rebalance right
     * away, not once the departed member's session times out (here 5 minutes, far beyond the wait).
     */
    @Test
    void shouldHandItsPartitionsOverAtOnceWhenADetectorCloses(KafkaBroker kafka, KafkaTestScope scope) {
        String fiveMinutes = "300000";
        DetectorRunner a = start(kafka, scope, stateA, fiveMinutes);
        DetectorRunner b = start(kafka, scope, stateB, fiveMinutes);
        await("both detectors RUNNING with tasks").atMost(WAIT)
                .until(() -> a.running() && b.running() && !activeTasks(a).isEmpty() && !activeTasks(b).isEmpty());
        Set<TaskId> all = new HashSet<>(activeTasks(a));
        all.addAll(activeTasks(b));

        b.close();

        await("the remaining detector owns every task, long before the session timeout").atMost(Duration.ofSeconds(90))
                .until(() -> a.running() && activeTasks(a).containsAll(all));
        assertThat(b.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
    }

    private static Set<TaskId> activeTasks(DetectorRunner r) {
        Set<TaskId> out = new HashSet<>();
        for (ThreadMetadata t : r.streams().metadataForLocalThreads()) {
            t.activeTasks().forEach(task -> out.add(task.taskId()));
        }
        return out;
    }
}
