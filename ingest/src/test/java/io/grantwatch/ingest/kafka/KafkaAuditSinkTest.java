package io.grantwatch.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.topic.DlqHeaders;
import io.grantwatch.model.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaAuditSinkTest {
    private final Topics topics = Topics.withPrefix("t-");

    @Test
    void shouldKeyByPrincipalAndNameTheSourceWhenSendingAnEvent() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaAuditSink sink = new KafkaAuditSink(producer, topics);
        AuditEvent e = Fixtures.read("alibaba/array-passrole-denied.json").byId().get("at-passrole-1");
        sink.send("files", e).get();
        ProducerRecord<byte[], byte[]> r = producer.history().get(0);
        assertThat(r.topic()).isEqualTo("t-audit-events");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(e.routingKey());
        assertThat(new String(r.headers().lastHeader(DlqHeaders.SOURCE).value(), StandardCharsets.UTF_8)).endsWith("array-passrole-denied.json#0");
        assertThat(topics.auditEvents().valueSerde().deserializer().deserialize("t", r.value())).isEqualTo(e);
        assertThat(sink.counters().get("files").produced()).isEqualTo(1);
    }

    @Test
    void shouldCarryReasonAndSourceHeadersWhenDeadLettering() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaAuditSink sink = new KafkaAuditSink(producer, topics);
        sink.deadLetter("http", new RejectedRecord("http:r1", 3, 4, "unparseable JSON: x", "{\"a\"".getBytes(StandardCharsets.UTF_8))).get();
        ProducerRecord<byte[], byte[]> r = producer.history().get(0);
        assertThat(r.topic()).isEqualTo("t-audit-dlq");
        assertThat(new String(r.headers().lastHeader(DlqHeaders.REASON).value(), StandardCharsets.UTF_8)).isEqualTo("unparseable JSON: x");
        assertThat(new String(r.headers().lastHeader(DlqHeaders.SOURCE).value(), StandardCharsets.UTF_8)).isEqualTo("http:r1#3 (line 4)");
        assertThat(sink.counters().get("http").deadLettered()).isEqualTo(1);
    }

    @Test
    void shouldFailTheFutureAndCountWhenKafkaRejects() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaAuditSink sink = new KafkaAuditSink(producer, topics);
        CompletableFuture<Void> f = sink.send("files", Fixtures.read("alibaba/single-assumed-role.json").only());
        producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("down"));
        assertThat(f).isCompletedExceptionally();
        assertThat(sink.counters().get("files").failed()).isEqualTo(1);
    }

    @Test
    void shouldForceIdempotenceAndAcksAllWhateverTheUserSets() {
        Map<String, Object> c = KafkaAuditSink.producerConfig(Map.of(ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                false));
        assertThat(c).containsEntry(ProducerConfig.ACKS_CONFIG, "all").containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }
}
