package io.grantwatch.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.SourceRef;
import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.model.topic.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker of {@code grantwatch run}, started through the same classes the command uses:
 * records survive a restart on the same data directory; a taken port is a clear error.
 */
class EmbeddedKafkaIT {
    private static final Topics TOPICS = Topics.defaults();

    @Test
    void shouldFindEarlierRecordsWhenRestartedOnTheSameDataDirectory(@TempDir Path dataDir) throws Exception {
        EmbeddedKafka.Settings settings = new EmbeddedKafka.Settings(dataDir, FreePorts.next(), FreePorts.next(), Map.of());
        TopicSpec<String, AuditEvent> audit = TOPICS.auditEvents();
        AuditEvent first = event("ev-before-restart");
        AuditEvent second = event("ev-after-restart");

        try (EmbeddedKafka kafka = EmbeddedKafka.start(settings)) {
            try (Admin admin = admin(kafka)) {
                List<String> created = TopicSetup.ensure(admin, TOPICS, 3, (short) 1, Duration.ofSeconds(30));
                assertThat(created).hasSize(TOPICS.all().size());
            }
            produce(kafka, audit, first);
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(settings)) {
            try (Admin admin = admin(kafka)) {
                assertThat(TopicSetup.ensure(admin, TOPICS, 3, (short) 1, Duration.ofSeconds(30)))
                        .as("topics survive the restart").isEmpty();
            }
            produce(kafka, audit, second);
            assertThat(readAll(kafka, audit, 2)).extracting(AuditEvent::eventId)
                    .containsExactlyInAnyOrder("ev-before-restart", "ev-after-restart");
        }
    }

    @Test
    void shouldNameThePortAndTheFlagWhenThePortIsTaken(@TempDir Path dataDir) throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafka.start(new EmbeddedKafka.Settings(dataDir, port, FreePorts.next(), Map.of())))
                    .isInstanceOf(EmbeddedKafka.PortInUseException.class)
                    .hasMessageContaining("Port " + port)
                    .hasMessageContaining("--kafka-port");
        }
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static void produce(EmbeddedKafka kafka, TopicSpec<String, AuditEvent> spec, AuditEvent event) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, AuditEvent> producer =
                new KafkaProducer<>(config, spec.keySerde().serializer(), spec.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(spec.name(), event.partitionKey(), event)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<AuditEvent> readAll(EmbeddedKafka kafka, TopicSpec<String, AuditEvent> spec, int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<AuditEvent> read = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (KafkaConsumer<String, AuditEvent> consumer =
                new KafkaConsumer<>(config, spec.keySerde().deserializer(), spec.valueSerde().deserializer())) {
            consumer.subscribe(List.of(spec.name()));
            while (read.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, AuditEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    read.add(record.value());
                }
            }
        }
        return read;
    }

    private static AuditEvent event(String id) {
        return new AuditEvent(Cloud.ALIBABA, id, Instant.parse("2026-03-02T08:15:30Z"),
                Principal.user("1234567890123456", "27331", "alice"), "PaiDsw", "CreateInstance", "ram:PassRole",
                null, Outcome.DENIED, false, "NoPermission", "You are not authorized to do this action.",
                "203.0.113.7", "cn-hangzhou", "AlibabaCloud-SDK", "ApiCall", Map.of(),
                SourceRef.file("trail.json", 0));
    }
}
