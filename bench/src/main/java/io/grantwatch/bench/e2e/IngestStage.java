package io.grantwatch.bench.e2e;

import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The ingest parse stage as a Kafka Streams hop, for the benchmark's variants (c) and (d): raw
 * audit JSON (bytes, as the cloud writes it) → ingest's {@link AuditParser} (shape detection, JSON
 * parse, outcome classification, denied-action extraction, principal normalisation, redaction) →
 * {@code audit-events} keyed by {@link AuditEvent#routingKey()} as JSON, exactly what ingest's
 * Kafka sink writes; rejected input → {@code audit-dlq}. In production ingest reads files or HTTP
 * and produces with its own idempotent producer; here the same parser runs inside Streams so that
 * (a) and (d) read the same raw topic under the same processing guarantee.
 */
public final class IngestStage {
    /** Called on the stream thread for every raw record, before parsing. */
    public interface Counter {
        void count();
    }

    private IngestStage() {
    }

    private record Out(String key, AuditEvent event, RejectedRecord rejected) {
    }

    public static Topology build(String rawTopic, Topics topics, Counter counter) {
        AuditParser parser = new AuditParser();
        StreamsBuilder b = new StreamsBuilder();
        KStream<byte[], byte[]> raw = b.stream(rawTopic, Consumed.with(Topics.BYTES, Topics.BYTES).withName("read-raw-audit"));
        KStream<String, Out> parsed = raw
                .peek((k, v) -> counter.count(), Named.as("count-raw"))
                .flatMap((k, v) -> {
                    AuditParser.Result r = parser.parse(v, rawTopic, Hints.NONE);
                    List<KeyValue<String, Out>> out = new ArrayList<>(r.events().size() + r.rejected().size());
                    for (AuditEvent e : r.events()) {
                        out.add(KeyValue.pair(e.routingKey(), new Out(e.routingKey(), e, null)));
                    }
                    for (RejectedRecord x : r.rejected()) {
                        String where = x.source() == null ? rawTopic : x.source();
                        out.add(KeyValue.pair(where, new Out(where, null, x)));
                    }
                    return out;
                }, Named.as("parse-and-classify"));
        parsed.split(Named.as("split-parsed-"))
                .branch((k, v) -> v.event() != null, Branched.withConsumer(s -> s
                        .mapValues(Out::event, Named.as("take-event"))
                        .to(topics.auditEvents().name(), Produced.with(Topics.STRING, topics.auditEvents().valueSerde())
                                .withName("write-audit-events")), "events"))
                .defaultBranch(Branched.withConsumer(s -> s
                        .map((k, v) -> KeyValue.pair(k.getBytes(StandardCharsets.UTF_8), v.rejected().bytes()),
                                Named.as("take-rejected"))
                        .to(topics.auditDlq().name(), Produced.with(Topics.BYTES, Topics.BYTES).withName("write-audit-dlq")), "rejected"));
        return b.build();
    }
}
