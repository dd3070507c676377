package io.grantwatch.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.source.MemorySink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Outsider findings against the real receiver on 127.0.0.1: slow clients, replays, amplification, paths. */
@Timeout(60)
class HttpReceiverHardeningTest {
    private final MemorySink sink = new MemorySink();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Socket> slow = new ArrayList<>();
    private HttpReceiver receiver;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : slow) {
            s.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private void start(HttpReceiver.Config c) throws IOException {
        receiver = new HttpReceiver(c, new AuditParser(), sink).start();
    }

    private HttpResponse<String> send(String method, String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + path))
                .timeout(Duration.ofSeconds(5)).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String[] signed(String secret, String id, long ts, byte[] body) {
        return new String[] {HttpReceiver.ID_HEADER, id, HttpReceiver.TIMESTAMP_HEADER, Long.toString(ts),
                HttpReceiver.SIGNATURE_HEADER, HttpReceiver.signature(secret, id, ts, body)};
    }

    private Socket slowClient(String partial) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", receiver.port()), 2000);
        s.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        slow.add(s);
        return s;
    }

    @Test
    void shouldStayUsableWhenSlowClientsHoldConnectionsWithPartialHeadersOrBodies() throws Exception {
        start(HttpReceiver.Config.of(0, "s3cret", null));
        byte[] body = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
        // before: four of these made the receiver (4 threads, no read timeout) unusable
        for (int i = 0; i < 8; i++) {
            slowClient("POST /events HTTP/1.1\r\nHost: x\r\nContent-Le");
        }
        // an unauthenticated slow body: answered 401 from its headers, the body is never waited for
        Socket slowBody = slowClient("POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n[{");
        slowBody.setSoTimeout(5000);
        String answer = new String(slowBody.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertThat(answer).isEqualTo("HTTP/1.1 401");

        long t0 = System.nanoTime();
        assertThat(send("GET", "/healthz", new byte[0]).statusCode()).isEqualTo(200);
        HttpResponse<String> push = send("POST", "/events", body, "Authorization", "Bearer s3cret");
        assertThat(push.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void shouldCloseConnectionsWhoseHeadersDoNotArriveInTime() throws Exception {
        start(HttpReceiver.Config.of(0, "s3cret", null));
        Socket s = slowClient("POST /events HTTP/1.1\r\nHost: x\r\n");
        s.setSoTimeout(1000);
        InputStream in = s.getInputStream();
        // the server's header deadline (ServerLimits.DEFAULT_HEADER_TIMEOUT) closes it: read sees EOF or a reset
        await().atMost(Duration.ofSeconds(ServerLimits.DEFAULT_HEADER_TIMEOUT.toSeconds() + 8)).pollInterval(Duration.ZERO).until(() -> {
            try {
                return in.read() == -1;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        });
    }

    @Test
    void shouldAnswer429WhenOneClientHasTooManyRequestsUnderWay() throws Exception {
        start(HttpReceiver.Config.of(0, "s3cret", null));
        // authenticated requests whose bodies never finish: each holds a slot of this client
        for (int i = 0; i < HttpReceiver.Config.DEFAULT_MAX_PER_CLIENT; i++) {
            slowClient("POST /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\nContent-Length: 1000\r\n\r\n[");
        }
        await().atMost(Duration.ofSeconds(5)).until(() ->
                send("POST", "/events", "[]".getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer s3cret").statusCode() == 429);
        assertThat(send("GET", "/healthz", new byte[0]).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseAReplayedOrStaleSignedRequest() throws Exception {
        start(HttpReceiver.Config.of(0, null, "whsec_" + Base64.getEncoder()
                .encodeToString("k3y-bytes-0123456789".getBytes(StandardCharsets.UTF_8))));
        String secret = "whsec_" + Base64.getEncoder().encodeToString("k3y-bytes-0123456789".getBytes(StandardCharsets.UTF_8));
        byte[] body = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
        long now = Instant.now().getEpochSecond();
        String[] captured = signed(secret, "msg_1", now, body);

        assertThat(send("POST", "/events", body, captured).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/events", body, captured).statusCode()).isEqualTo(401);
        // stale (outside 5 minutes) although correctly signed
        assertThat(send("POST", "/events", body, signed(secret, "msg_2", now - 600, body)).statusCode()).isEqualTo(401);
        // the old body-only header is gone
        assertThat(send("POST", "/events", body, "X-GrantWatch-Signature", "sha256=00").statusCode()).isEqualTo(401);
        assertThat(sink.events).hasSize(1);
    }

    @Test
    void shouldCapDeadLettersWhenABodyHoldsMillionsOfEmptyRecords() throws Exception {
        start(HttpReceiver.Config.of(0, "s3cret", null));
        StringBuilder sb = new StringBuilder(5 * 1024 * 1024).append('[');
        while (sb.length() < 5 * 1024 * 1024 - 4) {
            sb.append("{},");
        }
        sb.setLength(sb.length() - 1);
        byte[] huge = sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
        Runtime rt = Runtime.getRuntime();
        long before = rt.totalMemory() - rt.freeMemory();

        HttpResponse<String> r = send("POST", "/events", huge, "Authorization", "Bearer s3cret");

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("more than 10000 records");
        assertThat(sink.dead).hasSize(1);
        assertThat(sink.dead.get(0).reason()).contains("more than 10000 records");
        assertThat(sink.dead.get(0).bytes().length).isLessThanOrEqualTo(4096);
        long after = rt.totalMemory() - rt.freeMemory();
        assertThat(after - before).isLessThan(200L * 1024 * 1024);
    }

    @Test
    void shouldSummariseRejectsBeyondTheDeadLetterCap() throws Exception {
        start(HttpReceiver.Config.of(0, "s3cret", null).withLimits(10_000, 5));
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 50; i++) {
            sb.append(i == 0 ? "" : ",").append("{}");
        }
        HttpResponse<String> r = send("POST", "/events", sb.append(']').toString().getBytes(StandardCharsets.UTF_8),
                "Authorization", "Bearer s3cret");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(sink.dead).hasSize(6);
        assertThat(sink.dead.get(5).reason()).startsWith("45 more rejected records");
    }

    @Test
    void shouldAnswer404ForAnythingButTheExactPath() throws Exception {
        start(HttpReceiver.Config.of(0, "s3cret", null));
        byte[] body = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
        for (String path : List.of("/eventsXYZ", "/events/", "/events/../../etc/passwd", "/healthzX", "/")) {
            assertThat(rawStatus("POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n", body)).as(path).isEqualTo(404);
        }
        assertThat(sink.events).isEmpty();
        assertThat(send("POST", "/events", body, "Authorization", "Bearer s3cret").statusCode()).isEqualTo(200);
    }

    /** A raw request, so that paths such as {@code /../} reach the server unnormalised. */
    private int rawStatus(String head, byte[] body) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", receiver.port()), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }
}
