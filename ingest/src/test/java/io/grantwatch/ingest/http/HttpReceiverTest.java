package io.grantwatch.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.source.MemorySink;
import io.grantwatch.model.AuditEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpReceiverTest {
    private final MemorySink sink = new MemorySink();
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpReceiver receiver;
    private HttpServer fakeSmn;

    private HttpReceiver start(HttpReceiver.Config c) throws IOException {
        receiver = new HttpReceiver(c, new AuditParser(), sink).start();
        return receiver;
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
        if (fakeSmn != null) {
            fakeSmn.stop(0);
        }
    }

    private HttpResponse<String> post(String pathAndQuery, byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAcceptCloudEventWithBearerSecretAndRejectWithout() throws Exception {
        start(HttpReceiver.Config.of(0, "s3cret", null));
        byte[] body = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
        assertThat(post("/events", body).statusCode()).isEqualTo(401);
        assertThat(post("/events", body, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> ok = post("/events", body, "Authorization", "Bearer s3cret");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"accepted\":1");
        assertThat(sink.events).extracting(AuditEvent::eventId).containsExactly("at-eb-1");
        assertThat(sink.events.get(0).source().kind()).isEqualTo("http");
        // a bearer token in the query string is not accepted (it ends up in logs); only SMN's messages may use ?token=
        assertThat(post("/events?token=s3cret", body).statusCode()).isEqualTo(401);
        assertThat(sink.events).hasSize(1);
    }

    @Test
    void shouldAcceptHmacSignedBodyAndRejectTamperedOne() throws Exception {
        start(HttpReceiver.Config.of(0, null, "hmac-key"));
        byte[] body = Files.readAllBytes(Fixtures.path("huawei/fg-trigger-denied.json"));
        long ts = Instant.now().getEpochSecond();
        String sig = HttpReceiver.signature("hmac-key", "msg-1", ts, body);
        assertThat(post("/events", body, HttpReceiver.ID_HEADER, "msg-1", HttpReceiver.TIMESTAMP_HEADER, Long.toString(ts),
                HttpReceiver.SIGNATURE_HEADER, sig).statusCode()).isEqualTo(200);
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("dave", "eve").getBytes(StandardCharsets.UTF_8);
        assertThat(post("/events", tampered, HttpReceiver.ID_HEADER, "msg-2", HttpReceiver.TIMESTAMP_HEADER, Long.toString(ts),
                HttpReceiver.SIGNATURE_HEADER, HttpReceiver.signature("hmac-key", "msg-1", ts, body)).statusCode()).isEqualTo(401);
        assertThat(sink.events).hasSize(1);
    }

    @Test
    void shouldAnswer200AndSkipWithoutDeadLetteringWhenACtsDigestIsPushed() throws Exception {
        start(HttpReceiver.Config.of(0, "s3cret", null));
        byte[] digest = Files.readAllBytes(Fixtures.path("huawei/cts-digest.json"));

        HttpResponse<String> r = post("/events", digest, "Authorization", "Bearer s3cret");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"accepted\":0").contains("\"rejected\":0").contains("\"skipped\":1");
        assertThat(sink.events).isEmpty();
        assertThat(sink.dead).isEmpty();
        assertThat(sink.counters().get(receiver.name()).skipped()).isEqualTo(1);
    }

    @Test
    void shouldAnswer413WhenOversizeAnd400WithReasonWhenMalformed() throws Exception {
        start(new HttpReceiver.Config("127.0.0.1", 0, "/events", "s", null, 1024, Duration.ofSeconds(5), null));
        byte[] big = new byte[4096];
        Arrays.fill(big, (byte) ' ');
        assertThat(post("/events", big, "Authorization", "Bearer s").statusCode()).isEqualTo(413);
        HttpResponse<String> bad = post("/events", "{\"hello\":".getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer s");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("unparseable JSON");
        assertThat(sink.dead).hasSize(1);
    }

    @Test
    void shouldAnswer503WhenKafkaDoesNotAcknowledge() throws Exception {
        start(HttpReceiver.Config.of(0, "s", null));
        sink.failing = true;
        byte[] body = Files.readAllBytes(Fixtures.path("huawei/denied-agency-obs-getobject.json"));
        assertThat(post("/events", body, "X-GrantWatch-Token", "s").statusCode()).isEqualTo(503);
    }

    @Test
    void shouldConfirmSmnSubscriptionOnAllowedHostAndUnwrapNotifications() throws Exception {
        AtomicInteger confirmations = new AtomicInteger();
        start(new HttpReceiver.Config("127.0.0.1", 0, "/events", "s", null, 1 << 20, Duration.ofSeconds(5), Set.of("127.0.0.1")));
        fakeSmn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeSmn.createContext("/v2/subscriptions/confirm", ex -> {
            confirmations.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        fakeSmn.start();
        String confirm = "{\"type\":\"SubscriptionConfirmation\",\"topic_urn\":\"urn:smn:x\",\"message_id\":\"m1\",\"signature_version\":\"v1\","
                + "\"subscribe_url\":\"http://127.0.0.1:" + fakeSmn.getAddress().getPort() + "/v2/subscriptions/confirm?token=abc\",\"message\":\"hi\"}";
        HttpResponse<String> r = post("/events?token=s", confirm.getBytes(StandardCharsets.UTF_8), "X-SMN-MESSAGE-TYPE", "SubscriptionConfirmation");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(confirmations.get()).isEqualTo(1);
        String elsewhere = confirm.replace("127.0.0.1:" + fakeSmn.getAddress().getPort(), "169.254.169.254");
        assertThat(post("/events?token=s", elsewhere.getBytes(StandardCharsets.UTF_8), "X-SMN-MESSAGE-TYPE", "SubscriptionConfirmation")
                .statusCode()).isEqualTo(400);
        assertThat(confirmations.get()).isEqualTo(1);
        byte[] note = Files.readAllBytes(Fixtures.path("huawei/smn-notification.json"));
        assertThat(post("/events?token=s", note, "X-SMN-MESSAGE-TYPE", "Notification").statusCode()).isEqualTo(200);
        assertThat(sink.events).extracting(AuditEvent::eventId).containsExactly("hw-smn-1");
    }

    @Test
    void shouldTakeTheQueryTokenOnlyFromSmnMessageTypesAndConfirmOnlyASubscriptionConfirmation() throws Exception {
        AtomicInteger confirmations = new AtomicInteger();
        start(new HttpReceiver.Config("127.0.0.1", 0, "/events", "s", null, 1 << 20, Duration.ofSeconds(5), Set.of("127.0.0.1")));
        fakeSmn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeSmn.createContext("/v2/subscriptions/confirm", ex -> {
            confirmations.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        fakeSmn.start();
        byte[] confirm = ("{\"type\":\"SubscriptionConfirmation\",\"topic_urn\":\"urn:smn:x\",\"message_id\":\"m1\","
                + "\"subscribe_url\":\"http://127.0.0.1:" + fakeSmn.getAddress().getPort() + "/v2/subscriptions/confirm?token=abc\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] note = Files.readAllBytes(Fixtures.path("huawei/smn-notification.json"));

        // not one of SMN's message types: the query token counts for nothing
        for (String type : List.of("x", "", "subscriptionconfirmation", "SubscriptionConfirmationX", "HttpSubscriptionUserConfirm")) {
            assertThat(post("/events?token=s", confirm, "X-SMN-MESSAGE-TYPE", type).statusCode()).as(type).isEqualTo(401);
            assertThat(post("/events?token=s", note, "X-SMN-MESSAGE-TYPE", type).statusCode()).as(type).isEqualTo(401);
        }
        assertThat(confirmations.get()).isZero();
        // a confirmation body under another SMN type, or under a bearer token without SMN's header, is no handshake
        assertThat(post("/events?token=s", confirm, "X-SMN-MESSAGE-TYPE", "Notification").statusCode()).isEqualTo(400);
        assertThat(post("/events?token=s", confirm, "X-SMN-MESSAGE-TYPE", "UnsubscribeConfirmation").statusCode()).isEqualTo(400);
        assertThat(post("/events", confirm, "Authorization", "Bearer s").statusCode()).isEqualTo(400);
        assertThat(confirmations.get()).isZero();

        // SMN's own types: the subscription confirmation is visited, the notification stored
        assertThat(post("/events?token=s", confirm, "X-SMN-MESSAGE-TYPE", "SubscriptionConfirmation").statusCode()).isEqualTo(200);
        assertThat(confirmations.get()).isEqualTo(1);
        assertThat(post("/events?token=s", note, "X-SMN-MESSAGE-TYPE", "Notification").statusCode()).isEqualTo(200);
        assertThat(post("/events?token=wrong", note, "X-SMN-MESSAGE-TYPE", "Notification").statusCode()).isEqualTo(401);
        assertThat(sink.events).extracting(AuditEvent::eventId).containsExactly("hw-smn-1");
    }

    @Test
    void shouldRejectOnlyABadFirstLineOfAPushedJsonLinesBodyAndStoreTheRest() throws Exception {
        start(HttpReceiver.Config.of(0, "s", null));
        String[] lines = Files.readString(Fixtures.path("alibaba/jsonl-with-bad-line.jsonl")).split("\n");
        String first = lines[0];
        String second = Arrays.stream(lines).filter(l -> l.contains("\"at-jsonl-2\"")).findFirst().orElseThrow();
        for (String bad : List.of("# exported by a log shipper", "garbage", "\u0001\u0002 stray bytes", "]", "}{", "123",
                "\"a header\"", "{}")) {
            sink.events.clear();
            sink.dead.clear();
            byte[] body = (bad + "\n" + first + "\n" + second + "\n").getBytes(StandardCharsets.UTF_8);

            HttpResponse<String> r = post("/events", body, "Authorization", "Bearer s");

            assertThat(r.statusCode()).as(bad).isEqualTo(200);
            assertThat(r.body()).as(bad).contains("\"accepted\":2", "\"rejected\":1");
            assertThat(sink.events).as(bad).extracting(AuditEvent::eventId).containsExactly("at-jsonl-1", "at-jsonl-2");
            assertThat(sink.dead).as(bad).singleElement().satisfies(d -> {
                assertThat(d.line()).isEqualTo(1);
                assertThat(d.position()).isZero();
            });
        }
    }
}
