package io.grantwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.model.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** AuditEvents through a real broker with the production topic registry and serdes. */
@WithKafka
class AuditEventRoundTripIT {

    @Test
    void shouldReadBackEveryAuditEventWhenProducedWithProductionSerdes(KafkaBroker kafka) throws Exception {
        TopicSpec<String, AuditEvent> audit = Topics.defaults().auditEvents();
        kafka.createTopics(audit);
        List<AuditEvent> sent = List.of(AuditEvents.alibabaDenial(1), AuditEvents.huaweiDenial(2),
                AuditEvents.alibabaDenial(3));

        try (KafkaProducer<String, AuditEvent> producer = kafka.producer(audit)) {
            for (AuditEvent event : sent) {
                producer.send(new ProducerRecord<>(audit.name(), event.partitionKey(), event)).get(30, TimeUnit.SECONDS);
            }
        }
        List<ConsumerRecord<String, AuditEvent>> read = kafka.readAtLeast(audit, sent.size(), Duration.ofSeconds(30));

        assertThat(read).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(read).allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().partitionKey()));
    }

    @Test
    void shouldKeepOnePrincipalsEventsInOrderWhenTopicsAreScopedToTheTest(KafkaBroker kafka, KafkaTestScope scope)
            throws Exception {
        TopicSpec<String, AuditEvent> audit = scope.topics().auditEvents();
        assertThat(audit.name()).startsWith(scope.prefix()).endsWith("audit-events");
        List<AuditEvent> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add(i % 2 == 0 ? AuditEvents.alibabaDenial(i) : AuditEvents.huaweiDenial(i));
        }

        try (KafkaProducer<String, AuditEvent> producer = kafka.producer(audit)) {
            for (AuditEvent event : sent) {
                producer.send(new ProducerRecord<>(audit.name(), event.partitionKey(), event));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, AuditEvent>> read = kafka.readAll(audit, Duration.ofSeconds(30));

        assertThat(read).extracting(r -> r.value().eventId())
                .containsExactlyInAnyOrderElementsOf(sent.stream().map(AuditEvent::eventId).toList());
        List<String> alibaba = read.stream().map(r -> r.value().eventId())
                .filter(id -> id.startsWith("ev-alibaba")).toList();
        assertThat(alibaba).containsExactly(sent.stream().map(AuditEvent::eventId)
                .filter(id -> id.startsWith("ev-alibaba")).toArray(String[]::new));
    }

    @Test
    void shouldGiveEachTestItsOwnCompactedCatalogTopicWhenScoped(KafkaBroker kafka, Topics topics) throws Exception {
        try (Admin admin = kafka.admin()) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(names).contains(topics.catalog().name(), topics.findings().name());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topics.catalog().name());
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }
}
