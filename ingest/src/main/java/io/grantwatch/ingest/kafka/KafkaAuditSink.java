package io.grantwatch.ingest.kafka;

import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.ingest.source.AuditSink;
import io.grantwatch.ingest.source.IngestCounters;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.text.UnsafeText;
import io.grantwatch.model.topic.DlqHeaders;
import io.grantwatch.model.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one producer of ingest. Writes
 * <ul>
 *   <li>{@code audit-events}: key {@link AuditEvent#routingKey()} (one account's events stay in order
 *   on one partition), value the event as JSON, header {@link DlqHeaders#SOURCE} = {@code file#position}
 *   or request id;</li>
 *   <li>{@code audit-dlq}: key the source location, value the redacted offending bytes, headers
 *   {@link DlqHeaders#REASON} and {@link DlqHeaders#SOURCE}.</li>
 * </ul>
 * Idempotent, {@code acks=all}: a future completes only when every in-sync replica has the record.
 * Re-sends after a crash (a source's checkpoint lags its acknowledgements) are duplicates with the
 * same {@link AuditEvent#eventId()}; the detector is idempotent on event ids, so they change nothing.
 */
public final class KafkaAuditSink implements AuditSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAuditSink.class);

    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final IngestCounters counters = new IngestCounters();

    public KafkaAuditSink(Producer<byte[], byte[]> producer, Topics topics) {
        this.producer = producer;
        this.topics = topics;
    }

    /**
     * How long a send may block when Kafka is unreachable and no metadata is cached, unless the user config sets
     * {@code max.block.ms}: Kafka's 60 s default held each push receiver thread a minute (the sender got no
     * answer at all); with this a push gets 503 and Retry-After within seconds.
     */
    public static final long DEFAULT_MAX_BLOCK_MS = 5_000;

    /** Producer settings ingest relies on; user settings (e.g. security) are applied first and cannot weaken these. */
    public static Map<String, Object> producerConfig(Map<String, Object> userConfig) {
        Map<String, Object> c = new HashMap<>(userConfig);
        c.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, DEFAULT_MAX_BLOCK_MS);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        c.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        c.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "grantwatch-ingest");
        return c;
    }

    public static KafkaAuditSink create(Map<String, Object> userConfig, Topics topics) {
        return new KafkaAuditSink(new KafkaProducer<>(producerConfig(userConfig), new ByteArraySerializer(),
                new ByteArraySerializer()), topics);
    }

    @Override
    public CompletableFuture<Void> send(String source, AuditEvent event) {
        counters.read(source);
        String topic = topics.auditEvents().name();
        byte[] key = topics.auditEvents().keySerde().serializer().serialize(topic, event.routingKey());
        byte[] value = topics.auditEvents().valueSerde().serializer().serialize(topic, event);
        RecordHeaders headers = new RecordHeaders();
        headers.add(DlqHeaders.SOURCE, utf8(UnsafeText.escaped(event.source() == null ? source : event.source().toString())));
        return send(new ProducerRecord<>(topic, null, key, value, headers), () -> counters.produced(source), source);
    }

    @Override
    public CompletableFuture<Void> deadLetter(String source, RejectedRecord rejected) {
        counters.read(source);
        RecordHeaders headers = new RecordHeaders();
        // file names and reasons carry event text: headers are read by consoles and log shippers, so no control characters
        headers.add(DlqHeaders.REASON, utf8(UnsafeText.escaped(rejected.reason())));
        headers.add(DlqHeaders.SOURCE, utf8(UnsafeText.escaped(rejected.location())));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.auditDlq().name(), null,
                utf8(rejected.source() == null ? source : rejected.source()), rejected.bytes(), headers);
        return send(record, () -> counters.deadLettered(source), source);
    }

    private CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> record, Runnable onAck, String source) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            producer.send(record, (md, e) -> {
                if (e == null) {
                    onAck.run();
                    f.complete(null);
                } else {
                    counters.failed(source);
                    LOG.warn("Not acknowledged by Kafka ({} from {}): {}", record.topic(), source, e.toString());
                    f.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            counters.failed(source);
            f.completeExceptionally(e);
        }
        return f;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public IngestCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        producer.close();
    }
}
