package io.grantwatch.detector.streams;

import io.grantwatch.model.redact.Redactor;
import io.grantwatch.model.topic.DlqHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exception handlers that never stop the topology and never drop a record silently: the raw
 * source record goes to the dead-letter topic named by {@code errors.dead.letter.queue.topic.name}
 * with Kafka's own DLQ header names ({@link DlqHeaders}) plus a readable reason, and the thread
 * moves on. Same contract as Kafka's LogAndContinue handlers with a DLQ, plus the GrantWatch
 * reason header and a counter. Exception messages can quote event text; the stack trace is not
 * copied (it can carry record contents), only the exception class and a bounded message.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final AtomicLong SENT = new AtomicLong();

    private DeadLetters() {
    }

    /** Records sent to the dead-letter topic by this JVM. */
    public static long sent() {
        return SENT.get();
    }

    static List<ProducerRecord<byte[], byte[]>> records(String topic, ErrorHandlerContext ctx, Exception e, String stage) {
        if (topic == null || topic.isBlank()) {
            LOG.warn("{} failed at {}#{}@{} and no dead-letter topic is configured: skipped", stage, ctx.topic(), ctx.partition(), ctx.offset(), e);
            return List.of();
        }
        RecordHeaders h = new RecordHeaders();
        h.add(DlqHeaders.EXCEPTION_CLASS, bytes(e.getClass().getName()));
        h.add(DlqHeaders.EXCEPTION_MESSAGE, bytes(Redactor.text(bounded(e.getMessage()))));
        if (ctx.topic() != null) {
            h.add(DlqHeaders.TOPIC, bytes(ctx.topic()));
            h.add(DlqHeaders.PARTITION, bytes(String.valueOf(ctx.partition())));
            h.add(DlqHeaders.OFFSET, bytes(String.valueOf(ctx.offset())));
        }
        h.add(DlqHeaders.REASON, bytes(stage + " failed in " + ctx.processorNodeId() + ": " + e.getClass().getSimpleName()));
        SENT.incrementAndGet();
        // One line per poison record (a storm must not flood the log with stack traces); the trace at DEBUG.
        LOG.warn("{} failed at {}#{}@{}; record sent to {}: {}", stage, ctx.topic(), ctx.partition(), ctx.offset(), topic,
                e.getClass().getSimpleName());
        LOG.debug("{} failure at {}#{}@{}", stage, ctx.topic(), ctx.partition(), ctx.offset(), e);
        return List.of(new ProducerRecord<>(topic, null, redacted(ctx.sourceRawKey()), redacted(ctx.sourceRawValue()), h));
    }

    /**
     * Records on audit-events are redacted by ingest, but a poison record did not come through ingest:
     * secrets in it must not reach the dead-letter topic either. Text is redacted in place; bytes that
     * are not UTF-8 text are replaced by U+FFFD first (a secret must not survive as undecodable bytes).
     */
    static byte[] redacted(byte[] raw) {
        if (raw == null) {
            return null;
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        String clean = Redactor.text(text);
        return clean == text && Arrays.equals(raw, bytes(text)) ? raw : bytes(clean);
    }

    private static String bounded(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 500 ? s.substring(0, 500) + "…" : s;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String topicOf(Map<String, ?> configs) {
        Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        return t == null ? null : t.toString();
    }

    /** Bad bytes on an input topic (a poison record): dead-letter it and continue. */
    public static final class OnDeserialization implements DeserializationExceptionHandler {
        private String topic;

        @Override
        public void configure(Map<String, ?> configs) {
            topic = topicOf(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            return Response.resume(records(topic, context, exception, "deserialization"));
        }
    }

    /** An exception inside a processor (a bug meeting an odd record): dead-letter the source record and continue. */
    public static final class OnProcessing implements ProcessingExceptionHandler {
        private String topic;

        @Override
        public void configure(Map<String, ?> configs) {
            topic = topicOf(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            return Response.resume(records(topic, context, exception, "processing"));
        }
    }
}
