package io.grantwatch.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.http.HttpReceiver;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.model.topic.Topics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka down and no metadata cached: the producer's send blocks for max.block.ms, Kafka's default 60 s, on a
 * receiver thread, and the sender got no answer for a minute. Ingest's producer blocks at most 5 s
 * ({@link KafkaAuditSink#DEFAULT_MAX_BLOCK_MS}), then the push is answered 503 with Retry-After.
 */
@Timeout(90)
class HttpReceiverKafkaDownTest {
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("kafka-down-k3y-0123456789".getBytes(StandardCharsets.UTF_8));

    @Test
    void shouldAnswer503WithRetryAfterWithinSecondsWhenNothingListensAtTheBootstrapAddress() throws Exception {
        int nothing;
        try (ServerSocket s = new ServerSocket(0)) {
            nothing = s.getLocalPort(); // free again once closed: nothing listens there
        }
        byte[] body = Files.readAllBytes(Fixtures.path("huawei/listtraces-v3-response.json")); // two events
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (KafkaAuditSink sink = KafkaAuditSink.create(Map.of("bootstrap.servers", "127.0.0.1:" + nothing), Topics.withPrefix("down-"));
             HttpReceiver receiver = new HttpReceiver(HttpReceiver.Config.of(0, null, SECRET), new AuditParser(), sink).start()) {
            long ts = Instant.now().getEpochSecond();
            long t0 = System.nanoTime();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/events"))
                    .timeout(Duration.ofSeconds(45))
                    .header(HttpReceiver.ID_HEADER, "down-1")
                    .header(HttpReceiver.TIMESTAMP_HEADER, Long.toString(ts))
                    .header(HttpReceiver.SIGNATURE_HEADER, HttpReceiver.signature(SECRET, "down-1", ts, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            System.out.printf("Kafka unreachable: HTTP %d %s, Retry-After %s, after %d ms%n", r.statusCode(), r.body(),
                    r.headers().firstValue("Retry-After").orElse("-"), took.toMillis());
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            // one bounded block per request (not one per record), well under Kafka's 60 s default
            assertThat(took).isLessThan(Duration.ofSeconds(20));
        }
    }
}
