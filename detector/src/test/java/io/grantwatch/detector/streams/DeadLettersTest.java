package io.grantwatch.detector.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.topic.DlqHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final byte[] RAW = "{not json".getBytes(StandardCharsets.UTF_8);

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() { return "audit-events"; }
            public int partition() { return 1; }
            public long offset() { return 42; }
            public Headers headers() { return new RecordHeaders(); }
            public String processorNodeId() { return "read-audit-events"; }
            public TaskId taskId() { return new TaskId(0, 1); }
            public long timestamp() { return 0; }
            public byte[] sourceRawKey() { return null; }
            public byte[] sourceRawValue() { return RAW; }
        };
    }

    @Test
    void shouldDeadLetterTheRawRecordWithReasonAndContinueWhenDeserializationFails() {
        DeadLetters.OnDeserialization handler = new DeadLetters.OnDeserialization();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "detector-dlq"));
        DeserializationExceptionHandler.Response r = handler.handleError(context(),
                new ConsumerRecord<>("audit-events", 1, 42, null, RAW), new SerializationException("Not a valid AuditEvent"));

        assertThat(r.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        List<ProducerRecord<byte[], byte[]>> dead = r.deadLetterQueueRecords();
        assertThat(dead).singleElement().satisfies(p -> {
            assertThat(p.topic()).isEqualTo("detector-dlq");
            assertThat(p.value()).isEqualTo(RAW);
            assertThat(new String(p.headers().lastHeader(DlqHeaders.OFFSET).value(), StandardCharsets.UTF_8)).isEqualTo("42");
            assertThat(new String(p.headers().lastHeader(DlqHeaders.REASON).value(), StandardCharsets.UTF_8))
                    .contains("deserialization failed in read-audit-events");
        });
    }

    @Test
    void shouldRedactSecretsInAPoisonRecordBeforeItReachesTheDeadLetterTopic() {
        byte[] poison = ("{\"cloud\":\"alibaba\",\"eventId\":\"p2\",\"password\":\"Hunter2-s3cret!\","
                + "\"SecurityToken\":\"CAISuperSecretSecurityToken0123456789abcdef\",\"key\":\"LTAI5tQ8n3ZPk2Example\"")
                .getBytes(StandardCharsets.UTF_8);

        String out = new String(DeadLetters.redacted(poison), StandardCharsets.UTF_8);

        assertThat(out).doesNotContain("Hunter2-s3cret!", "CAISuperSecretSecurityToken0123456789abcdef", "LTAI5tQ8n3ZPk2Example")
                .contains("\"eventId\":\"p2\"");
        assertThat(DeadLetters.redacted(RAW)).isSameAs(RAW);
    }

    @Test
    void shouldStillContinueWhenNoDeadLetterTopicIsConfigured() {
        DeadLetters.OnDeserialization handler = new DeadLetters.OnDeserialization();
        handler.configure(Map.of());
        DeserializationExceptionHandler.Response r = handler.handleError(context(),
                new ConsumerRecord<>("audit-events", 1, 42, null, RAW), new SerializationException("bad"));
        assertThat(r.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).isEmpty();
    }
}
