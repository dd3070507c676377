package io.grantwatch.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.source.MemorySink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Outsider findings against the real receiver: gzip bombs, a log flood of refused requests, an invalid whsec_ key. */
@Timeout(60)
class HttpReceiverHostileClientsTest {
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("hostile-k3y-0123456789".getBytes(StandardCharsets.UTF_8));

    private final MemorySink sink = new MemorySink();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private HttpReceiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private void start(HttpReceiver.Config c) throws IOException {
        receiver = new HttpReceiver(c, new AuditParser(), sink).start();
    }

    private HttpResponse<String> signed(byte[] body, String id, String... headers) throws Exception {
        long ts = Instant.now().getEpochSecond();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/events"))
                .timeout(Duration.ofSeconds(30))
                .header(HttpReceiver.ID_HEADER, id)
                .header(HttpReceiver.TIMESTAMP_HEADER, Long.toString(ts))
                .header(HttpReceiver.SIGNATURE_HEADER, HttpReceiver.signature(SECRET, id, ts, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code head}, then {@code repeat} copies of {@code unit}, then {@code tail}, gzip-compressed. */
    static byte[] gzip(String head, String unit, long repeat, String tail) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 65536)) {
            gz.write(head.getBytes(StandardCharsets.UTF_8));
            byte[] block = unit.repeat((int) Math.min(repeat, 65536 / unit.length() + 1)).getBytes(StandardCharsets.UTF_8);
            long perBlock = block.length / unit.length();
            long left = repeat;
            while (left >= perBlock) {
                gz.write(block);
                left -= perBlock;
            }
            gz.write(unit.repeat((int) left).getBytes(StandardCharsets.UTF_8));
            gz.write(tail.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** Bytes allocated so far by every live thread (the server's included). */
    static long allocated() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).filter(n -> n > 0).sum();
    }

    @Test
    void shouldCountTheRecordsOfAGzipBodyDecompressedAndRefuseABombOfThreeMillionWith413() throws Exception {
        start(HttpReceiver.Config.of(0, null, SECRET));
        byte[] bomb = gzip("[", "{},", 3_000_000, "{}]"); // 3,000,001 records
        long before = allocated();
        HttpResponse<String> r = signed(bomb, "bomb-1", "Content-Encoding", "gzip");
        long used = allocated() - before;
        System.out.printf("gzip body of %d bytes (3,000,001 records): HTTP %d %s; %d MB allocated meanwhile%n", bomb.length,
                r.statusCode(), r.body(), used / 1_000_000);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("more than 10000 records");
        assertThat(sink.events).isEmpty();
        assertThat(sink.dead).singleElement().satisfies(d -> {
            assertThat(d.reason()).contains("more than 10000 records");
            // what the body said, decompressed: readable, not gzip bytes read as text
            assertThat(new String(d.bytes(), StandardCharsets.UTF_8)).startsWith("[{},{},{},");
        });
        assertThat(used).as("bytes allocated while answering").isLessThan(256L * 1024 * 1024);
    }

    @Test
    void shouldRefuseAGzipBodyThatDecompressesPastTheLimitWith413NamingIt() throws Exception {
        start(HttpReceiver.Config.of(0, null, SECRET).withMaxExpandedBytes(8L * 1024 * 1024));
        // one record of 20 MB: few records, but more bytes than the limit once decompressed
        byte[] bomb = gzip("{\"pad\":\"", "x", 20_000_000, "\"}");
        long before = allocated();
        HttpResponse<String> r = signed(bomb, "bomb-2");
        long used = allocated() - before;
        System.out.printf("gzip body of %d bytes (20 MB decompressed): HTTP %d %s; %d MB allocated meanwhile%n", bomb.length,
                r.statusCode(), r.body(), used / 1_000_000);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("larger than 8388608 bytes").contains("ingest.http.max.decompressed.bytes");
        assertThat(sink.events).isEmpty();
        assertThat(used).as("bytes allocated while answering").isLessThan(256L * 1024 * 1024);
        // a gzip body within the limits is taken as before
        byte[] ok = gzip("", new String(Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json")),
                StandardCharsets.UTF_8), 1, "");
        assertThat(signed(ok, "gzip-ok").statusCode()).isEqualTo(200);
        assertThat(sink.events).hasSize(1);
    }

    @Test
    void shouldLogRefusedRequestsByTheRateLimitEscapedAndWithoutTheirCredentials() throws Exception {
        start(HttpReceiver.Config.of(0, "sh4red-t0ken", SECRET));
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(HttpReceiver.class);
        logs.start();
        logger.addAppender(logs);
        try {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            long ts = Instant.now().getEpochSecond();
            for (int i = 0; i < 200; i++) {
                // raw bytes: a wrong token with a bad signature, or a stale timestamp (both on an id carrying a C1 CSI,
                // ESC [ of 8-bit terminals), or no credentials at all
                long stamp = i % 3 == 1 ? ts - 3600 : ts;
                String head = "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n"
                        + (i % 3 != 2 ? "Authorization: Bearer wr0ng-t0ken-" + i + "\r\n" + HttpReceiver.ID_HEADER + ": id\u009b31m-" + i
                        + "\r\n" + HttpReceiver.TIMESTAMP_HEADER + ": " + stamp + "\r\n" + HttpReceiver.SIGNATURE_HEADER
                        + ": v1,AAAAsecretlookingsignature" + i + "\r\n" : "") + "\r\n";
                assertThat(io.grantwatch.testkit.SlowClients.exchange(InetAddress.getLoopbackAddress(), receiver.port(), head,
                        body, Duration.ofSeconds(5)).status()).isEqualTo(401);
            }
            List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            System.out.printf("200 refused requests: %d log lines, e.g. %s%n", lines.size(), lines.isEmpty() ? "-" : lines.get(0));
            assertThat(lines).hasSize(HttpReceiver.REFUSALS_PER_MINUTE + 1);
            assertThat(lines.get(lines.size() - 1)).contains("the rest are counted");
            assertThat(String.join("\n", lines)).doesNotContain("\u009b").contains("\\u009b31m").doesNotContain("wr0ng-t0ken")
                    .doesNotContain("sh4red-t0ken").doesNotContain("secretlookingsignature");
            receiver.close(); // says how many were only counted
            receiver = null;
            assertThat(logs.list.stream().map(ILoggingEvent::getFormattedMessage)).noneMatch(l -> l.contains("\u009b"))
                    .anyMatch(l -> l.contains("Refused 180 more unauthenticated, stale or replayed requests"));
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void shouldRefuseAnInvalidWhsecKeyAtStartNamingTheSettingAndNotTheValue() {
        String badBase64 = "whsec_not*base64!";
        String tooShort = "whsec_" + Base64.getEncoder().encodeToString("short".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> HttpReceiver.Config.of(0, null, badBase64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GRANTWATCH_HTTP_HMAC_SECRET").hasMessageContaining("base64").hasMessageNotContaining("not*base64");
        assertThatThrownBy(() -> HttpReceiver.Config.of(0, null, tooShort)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--http-hmac-secret").hasMessageContaining("at least 16")
                .hasMessageNotContaining(tooShort.substring(6));
        // a plain-text secret is its UTF-8 bytes, as before
        assertThat(HttpReceiver.Config.of(0, null, "any text secret").hmacSecret()).isEqualTo("any text secret");
    }
}
