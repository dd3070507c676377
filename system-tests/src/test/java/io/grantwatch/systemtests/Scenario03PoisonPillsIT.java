package io.grantwatch.systemtests;

import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.ingest.kafka.KafkaAuditSink;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.corpus.Oracle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reliability scenario 3: poison pills: unreadable raw input must reach audit-dlq through ingest, unreadable audit-events records
 * detector-dlq, while the detector keeps RUNNING and the good events' findings equal the oracle's.
 */
class Scenario03PoisonPillsIT extends SystemTest {
    @Override
    Result run() throws Exception {
        Topics t = env.topics("s3-");
        List<AuditEvent> good = Env.parse(corpus.records());
        int reps = quick ? 2 : 20;
        // (i) raw input ingest cannot read → audit-dlq, through ingest's parser and producer
        List<byte[]> rawBad = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            rawBad.add(utf8("{\"eventId\": \"broken-" + r + "\", \"eventName\": "));
            rawBad.add(utf8("this is not json " + r));
            rawBad.add(new byte[] {'{', '"', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'});
            rawBad.add(utf8("[" + "[".repeat(300) + "]".repeat(300) + "]"));
        }
        AuditParser parser = new AuditParser();
        long rawRejected = 0;
        long rawAccepted = 0;
        try (KafkaAuditSink sink = KafkaAuditSink.create(Map.of("bootstrap.servers", env.bootstrap), t)) {
            for (int i = 0; i < rawBad.size(); i++) {
                AuditParser.Result res = parser.parse(rawBad.get(i), "poison#" + i, Hints.NONE);
                for (RejectedRecord x : res.rejected()) {
                    sink.deadLetter("poison#" + i, x).join();
                    rawRejected++;
                }
                rawAccepted += res.events().size();
            }
            sink.flush();
        }
        // (ii) records on audit-events the detector cannot read → detector-dlq
        List<byte[]> eventBad = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            eventBad.add(utf8("{\"cloud\":\"alibaba\",\"eventId\":\"trunc-" + r + "\",\"eventTime\":"));
            eventBad.add(utf8("{\"cloud\":\"alibaba\",\"eventId\":\"t-" + r + "\",\"eventTime\":\"yesterday\",\"principal\":{\"type\":\"USER\"},"
                    + "\"outcome\":\"DENIED\"}"));
            eventBad.add(utf8("{\"cloud\":\"alibaba\"}"));
            eventBad.add(utf8("{\"cloud\":\"aws\",\"eventId\":\"e-" + r + "\",\"eventTime\":\"2026-11-01T00:00:00Z\","
                    + "\"principal\":{\"type\":\"USER\"},\"outcome\":\"DENIED\"}"));
            eventBad.add(new byte[] {'{', '"', 'c', 'l', 'o', 'u', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            eventBad.add(utf8("{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}"));
            eventBad.add(utf8("{\"cloud\":\"huawei\",\"eventId\":\"big-" + r + "\",\"errorMessage\":\"" + "x".repeat(900_000)));
        }
        Path state = env.dir("s3-state");
        List<ConsumerRecord<byte[], byte[]>> dlq;
        List<ConsumerRecord<byte[], byte[]>> auditDlq;
        boolean running;
        Oracle.Comparison cmp;
        try (DetectorRunner runner = env.detector(t, "s3-detector", state)) {
            runner.start();
            int chunk = good.size() / (eventBad.size() + 1);
            Map<String, Object> pc = Clients.producerConfig(env.bootstrap);
            pc.put("max.request.size", 2_000_000);
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(pc, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i <= eventBad.size(); i++) {
                    env.produce(t, good.subList(i * chunk, i == eventBad.size() ? good.size() : (i + 1) * chunk));
                    if (i < eventBad.size()) {
                        raw.send(new ProducerRecord<>(t.auditEvents().name(), utf8("poison-" + i), eventBad.get(i))).get();
                    }
                }
            }
            cmp = env.settle(t, oracle, 180_000);
            out.println("  s3 lag " + env.lag("s3-detector", t.auditEvents().name()) + "; partitions with LSO < HW: " + env.openTransactions("s3-"));
            // every bad record on detector-dlq, or 30 s: the report compares the counts
            pollUntil(Duration.ofSeconds(30), Duration.ofMillis(500),
                    () -> Clients.readAll(env.bootstrap, t.detectorDlq().name()).size() >= eventBad.size());
            dlq = Clients.readAll(env.bootstrap, t.detectorDlq().name());
            running = runner.running();
            out.println("  s3 detector counters " + runner.counters().snapshot() + " state " + runner.state());
        }
        auditDlq = Clients.readAll(env.bootstrap, t.auditDlq().name());
        boolean pass = auditDlq.size() == rawBad.size() && rawRejected == rawBad.size() && rawAccepted == 0 && dlq.size() == eventBad.size()
                && running && cmp.matches();
        return new Result("3 poison pills", pass ? "PASS" : "FAIL", cmp.missing(), cmp.duplicates(), 0, 0, String.format(
                "good=%d; raw bad K1=%d → ingest rejected %d (accepted %d) → audit-dlq %d; audit-events bad K2=%d (truncated, wrong types, missing"
                        + " fields, unknown enum, bad UTF-8, 2000-deep nesting, 900 KB) → detector-dlq %d; detector RUNNING=%s; findings "
                                + "vs oracle: %s",
                good.size(), rawBad.size(), rawRejected, rawAccepted, auditDlq.size(), eventBad.size(), dlq.size(), running, cmp));
    }
}
