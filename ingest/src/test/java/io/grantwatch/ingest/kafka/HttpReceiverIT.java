package io.grantwatch.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.http.HttpReceiver;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.topic.DlqHeaders;
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
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The HTTP receiver on the real broker: 200 means in Kafka; unsigned, tampered and oversize bodies never get there. */
@WithKafka
class HttpReceiverIT {

    @Test
    void shouldStoreSignedBodiesBeforeAnswering200AndRefuseUnsignedAndOversize(KafkaBroker kafka, KafkaTestScope scope) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        try (KafkaAuditSink sink = KafkaAuditSink.create(Map.copyOf(kafka.clientConfig()), scope.topics());
             HttpReceiver receiver = new HttpReceiver(new HttpReceiver.Config("127.0.0.1", 0, "/events", "tok", "hmac",
                     64 * 1024, Duration.ofSeconds(20), null), new AuditParser(), sink).start()) {
            URI uri = URI.create("http://127.0.0.1:" + receiver.port() + "/events");
            byte[] traces = Files.readAllBytes(Fixtures.path("huawei/listtraces-v3-response.json"));
            byte[] cloudEvent = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
            long ts = Instant.now().getEpochSecond();
            HttpResponse<String> signed = client.send(HttpRequest.newBuilder(uri)
                    .header(HttpReceiver.ID_HEADER, "it-1")
                    .header(HttpReceiver.TIMESTAMP_HEADER, Long.toString(ts))
                    .header(HttpReceiver.SIGNATURE_HEADER, HttpReceiver.signature("hmac", "it-1", ts, traces))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(traces)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(signed.statusCode()).isEqualTo(200);
            // 200 was answered after acks=all: the events are readable now
            List<ConsumerRecord<String, AuditEvent>> afterSigned = kafka.readAll(scope.topics().auditEvents(), Duration.ofSeconds(10));
            assertThat(afterSigned).extracting(r -> r.value().eventId()).containsExactlyInAnyOrder("hw-lt-1", "hw-lt-2");

            HttpResponse<String> bearer = client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer tok")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(cloudEvent)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bearer.statusCode()).isEqualTo(200);

            HttpResponse<String> unsigned = client.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(cloudEvent)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unsigned.statusCode()).isEqualTo(401);
            byte[] big = ("[" + "{\"pad\":\"" + "x".repeat(70_000) + "\"}]").getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> oversize = client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer tok")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(oversize.statusCode()).isEqualTo(413);
            HttpResponse<String> malformed = client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer tok")
                    .header("X-Request-Id", "req-42")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"trace_id\": ")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(malformed.statusCode()).isEqualTo(400);
            assertThat(malformed.body()).contains("unparseable JSON");
        }
        List<ConsumerRecord<String, AuditEvent>> events = kafka.readAll(scope.topics().auditEvents(), Duration.ofSeconds(10));
        assertThat(events).extracting(r -> r.value().eventId()).containsExactlyInAnyOrder("hw-lt-1", "hw-lt-2", "at-eb-1");
        List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(scope.topics().auditDlq(), Duration.ofSeconds(10));
        assertThat(dead).singleElement().satisfies(r -> assertThat(new String(r.headers().lastHeader(DlqHeaders.SOURCE).value(),
                StandardCharsets.UTF_8)).startsWith("http:req-42"));
    }
}
