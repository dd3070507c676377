package io.grantwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.model.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The same round trip against {@code apache/kafka} in Docker. Skipped where there is no Docker
 * engine (these machines and CI); {@link AuditEventRoundTripIT} covers the in-process broker.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaBrokerIT {
    private static ContainerKafkaBroker kafka;

    @BeforeAll
    static void start() {
        kafka = ContainerKafkaBroker.start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldReadBackAuditEventsWhenTheBrokerRunsInDocker() throws Exception {
        TopicSpec<String, AuditEvent> audit = Topics.defaults().auditEvents();
        kafka.createTopics(audit);
        AuditEvent event = AuditEvents.huaweiDenial(1);

        try (KafkaProducer<String, AuditEvent> producer = kafka.producer(audit)) {
            producer.send(new ProducerRecord<>(audit.name(), event.partitionKey(), event)).get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, AuditEvent>> read = kafka.readAtLeast(audit, 1, Duration.ofSeconds(30));

        assertThat(read).extracting(ConsumerRecord::value).containsExactly(event);
        assertThat(ContainerKafkaBroker.IMAGE.getVersionPart()).isEqualTo(KafkaVersion.VERSION);
    }
}
