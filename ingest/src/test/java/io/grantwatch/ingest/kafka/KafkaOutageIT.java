package io.grantwatch.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.ingest.IngestRunner;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.testkit.InProcessKafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka goes away in the middle of a watched folder (the broker is shut down: what its disk filling up or a kill
 * looks like to the producer), ingest is stopped as {@code grantwatch ingest} stops on a signal, Kafka comes back,
 * ingest restarts: every record is in {@code audit-events} exactly once.
 */
class KafkaOutageIT {
    private static final int FILES = 3;
    private static final int PER_FILE = 1000;

    private static Map<String, Object> producer(InProcessKafkaBroker kafka) {
        Map<String, Object> c = new HashMap<>(kafka.clientConfig());
        // fail sends in seconds while the broker is down, not after the default two minutes
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 4000);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        return c;
    }

    private static IngestRunner.Settings settings(Path dir, Path checkpoints) {
        return new IngestRunner.Settings(List.of(), List.of(dir), checkpoints, Duration.ofMillis(50), Duration.ZERO, null,
                List.of(), Duration.ofSeconds(1), false);
    }

    @Test
    void shouldHaveEveryRecordOnceInKafkaWhenTheBrokerStopsMidIngestAndIngestIsRestarted(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("AliyunLogs/Actiontrail/cn-hangzhou/2026/09/25");
        Files.createDirectories(dir);
        for (int f = 0; f < FILES; f++) {
            StringBuilder sb = new StringBuilder();
            for (int i = f * PER_FILE; i < (f + 1) * PER_FILE; i++) {
                sb.append("{\"eventId\":\"o-").append(i).append("\",\"eventName\":\"ListUsers\",\"eventTime\":\"2026-09-25T00:00:00Z\","
                        + "\"userIdentity\":{\"type\":\"ram-user\",\"userName\":\"u").append(i % 11).append("\",\"accountId\":\"1\"}}\n");
            }
            Files.writeString(dir.resolve("Actiontrail_cn-hangzhou_" + f + ".json"), sb.toString(), StandardCharsets.UTF_8);
        }
        Path checkpoints = tmp.resolve("checkpoints");
        Path root = tmp.resolve("AliyunLogs");
        try (InProcessKafkaBroker kafka = InProcessKafkaBroker.start(1)) {
            KafkaTestScope scope = KafkaTestScope.of("outage");
            kafka.createTopics(scope.topics().auditEvents(), scope.topics().auditDlq());

            long producedBeforeOutage;
            try (KafkaAuditSink sink = KafkaAuditSink.create(producer(kafka), scope.topics());
                 IngestRunner runner = new IngestRunner(settings(root, checkpoints), sink)) {
                runner.start();
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
                        .until(() -> runner.counters().values().stream().mapToLong(s -> s.produced()).sum() >= 700);
                kafka.stopBrokers(); // mid-ingest: sends in flight and buffered fail
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> runner.counters().values().stream().mapToLong(s -> s.failed()).sum() > 0);
                producedBeforeOutage = runner.counters().values().stream().mapToLong(s -> s.produced()).sum();
            } // the runner closes as on SIGTERM: stop, flush, checkpoint at what Kafka acknowledged
            assertThat(producedBeforeOutage).isBetween(700L, (long) FILES * PER_FILE - 1);

            kafka.startBrokers();
            try (KafkaAuditSink sink = KafkaAuditSink.create(producer(kafka), scope.topics());
                 IngestRunner runner = new IngestRunner(settings(root, checkpoints), sink)) {
                runner.start();
                Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> runner.counters().values().stream().mapToLong(s -> s.produced()).sum()
                                >= (long) FILES * PER_FILE - producedBeforeOutage);
                // a re-send beyond what is missing would show up now: the count must hold still
                long expected = (long) FILES * PER_FILE - producedBeforeOutage;
                Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                        .until(() -> runner.counters().values().stream().mapToLong(s -> s.produced()).sum() == expected);
            }

            List<ConsumerRecord<String, AuditEvent>> all = kafka.readAll(scope.topics().auditEvents(), Duration.ofSeconds(30));
            Map<String, Long> byId = all.stream().collect(Collectors.groupingBy(r -> r.value().eventId(), Collectors.counting()));
            long lost = FILES * PER_FILE - byId.size();
            long duplicated = all.size() - byId.size();
            System.out.println("KafkaOutageIT: produced before the outage " + producedBeforeOutage + ", in audit-events "
                    + all.size() + ", distinct " + byId.size() + ", lost " + lost + ", duplicated " + duplicated);
            assertThat(lost).as("lost").isZero();
            assertThat(duplicated).as("duplicated: %s", byId.entrySet().stream().filter(e -> e.getValue() > 1)
                    .map(Map.Entry::getKey).limit(20).collect(Collectors.toList())).isZero();
        }
    }
}
