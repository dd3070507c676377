package io.grantwatch.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.ingest.http.HttpReceiver;
import io.grantwatch.ingest.http.ServerLimits;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.source.AuditSink;
import io.grantwatch.ingest.source.IngestCounters;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The outsider's duplicate: a signed push answered 503 because Kafka did not acknowledge within the ack
 * timeout, whose records Kafka then stored late, was taken again on the sender's retry (same webhook-id) and
 * stored twice. The broker and the receiver are real; the acknowledgement is made late by holding the sends in
 * front of the real {@link KafkaAuditSink} until the test lets them through (on one in-process broker,
 * min.insync.replicas=2 did not hold acks=all back deterministically).
 */
@WithKafka
@Timeout(120)
class HttpReceiverLateAckTest {
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("late-ack-k3y-0123456789".getBytes(StandardCharsets.UTF_8));

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The real sink, its sends held until {@link #release()}: Kafka that acknowledges late. */
    static final class LateSink implements AuditSink {
        final KafkaAuditSink kafka;
        final CompletableFuture<Void> gate = new CompletableFuture<>();
        final AtomicInteger sends = new AtomicInteger();

        LateSink(KafkaAuditSink kafka) {
            this.kafka = kafka;
        }

        @Override
        public CompletableFuture<Void> send(String source, AuditEvent event) {
            sends.incrementAndGet();
            return gate.thenCompose(v -> kafka.send(source, event));
        }

        @Override
        public CompletableFuture<Void> deadLetter(String source, RejectedRecord rejected) {
            sends.incrementAndGet();
            return gate.thenCompose(v -> kafka.deadLetter(source, rejected));
        }

        void release() {
            gate.complete(null);
        }

        @Override
        public void flush() {
            kafka.flush();
        }

        @Override
        public IngestCounters counters() {
            return kafka.counters();
        }
    }

    private HttpResponse<String> post(int port, byte[] body, String id, long ts) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                .timeout(Duration.ofSeconds(20))
                .header(HttpReceiver.ID_HEADER, id)
                .header(HttpReceiver.TIMESTAMP_HEADER, Long.toString(ts))
                .header(HttpReceiver.SIGNATURE_HEADER, HttpReceiver.signature(SECRET, id, ts, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What the sender saw and what Kafka holds, in one value so that a failure shows all of it. */
    record Outcome(int first, boolean firstRetryAfter, int retryWhilePending, int retryAfterStored, int sends,
                   Map<String, Long> copies) {
    }

    @Test
    void shouldStoreASignedPushOnceWhenKafkaAcknowledgedItAfterThe503AndTheSenderRetried(KafkaBroker kafka, KafkaTestScope scope)
            throws Exception {
        kafka.createTopics(scope.topics().auditEvents(), scope.topics().auditDlq());
        byte[] body = Files.readAllBytes(Fixtures.path("huawei/listtraces-v3-response.json")); // events hw-lt-1, hw-lt-2
        long ts = Instant.now().getEpochSecond();
        HttpReceiver.Config config = new HttpReceiver.Config("127.0.0.1", 0, "/events", null, SECRET,
                HttpReceiver.Config.DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(1), null, HttpReceiver.Config.DEFAULT_TOLERANCE,
                HttpReceiver.Config.DEFAULT_MAX_RECORDS, HttpReceiver.Config.DEFAULT_MAX_DEAD_LETTERS,
                HttpReceiver.Config.DEFAULT_MAX_PER_CLIENT, ServerLimits.DEFAULTS, null);
        Outcome outcome;
        try (KafkaAuditSink real = KafkaAuditSink.create(Map.copyOf(kafka.clientConfig()), scope.topics())) {
            LateSink sink = new LateSink(real);
            try (HttpReceiver receiver = new HttpReceiver(config, new AuditParser(), sink).start()) {
                HttpResponse<String> first = post(receiver.port(), body, "late-1", ts);
                // the sender retries at once, while Kafka still has not acknowledged the first attempt
                HttpResponse<String> whilePending = post(receiver.port(), body, "late-1", ts);
                sink.release(); // Kafka stores (and acknowledges) what it was sent, late
                await().atMost(Duration.ofSeconds(30)).until(() -> kafka.readAll(scope.topics().auditEvents(),
                        Duration.ofSeconds(10)).size() >= 2);
                // the late acknowledgement marks the id accepted: a retry then gets the 2xx without a send
                HttpResponse<String> afterStored = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> post(receiver.port(), body, "late-1", ts), r -> r.statusCode() / 100 == 2);
                System.out.printf("first %d %s; retry while pending %d %s; retry after stored %d %s; records sent %d%n",
                        first.statusCode(), first.body(), whilePending.statusCode(), whilePending.body(), afterStored.statusCode(),
                        afterStored.body(), sink.sends.get());
                real.flush();
                List<ConsumerRecord<String, AuditEvent>> events = kafka.readAll(scope.topics().auditEvents(), Duration.ofSeconds(10));
                Map<String, Long> copies = new TreeMap<>();
                events.forEach(r -> copies.merge(r.value().eventId(), 1L, Long::sum));
                outcome = new Outcome(first.statusCode(), first.headers().firstValue("Retry-After").isPresent(),
                        whilePending.statusCode(), afterStored.statusCode(), sink.sends.get(), copies);
            }
        }
        assertThat(outcome).isEqualTo(new Outcome(503, true, 503, 200, 2, Map.of("hw-lt-1", 1L, "hw-lt-2", 1L)));
    }
}
