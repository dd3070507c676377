package io.grantwatch.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.ingest.http.ServerLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DNS rebinding, path parameters, POST to a subtree's root, an oversized form: answered by status, never 200 or 500. */
class HttpServerHostTest {
    private final List<String> handled = new ArrayList<>();

    private HttpServer start(String token) {
        HttpServer http = HttpServer.start("127.0.0.1", 0, new Health(), new Metrics(), token);
        http.routeAuthenticated("/things", true, exchange -> HttpServer.respond(exchange, 200, "text/plain", "secret\n"));
        http.routeAction("/things", true, exchange -> {
            handled.add(exchange.path() + " " + exchange.form().get("action"));
            HttpServer.redirect(exchange, "/things");
        });
        return http;
    }

    /** One raw request (HttpClient will not send another Host); the status line's code. */
    static int status(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            String[] parts = line.toString().split(" ");
            return parts.length < 2 ? -1 : Integer.parseInt(parts[1]);
        }
    }

    private static int get(HttpServer http, String path, String host) throws IOException {
        return status(http.port(), "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    private static int post(HttpServer http, String path, String host, String origin, String body, String auth) throws IOException {
        return status(http.port(), "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n")
                + (auth == null ? "" : "Authorization: " + auth + "\r\n")
                + "Sec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body);
    }

    @Test
    void shouldRefuseAHostNameThatIsNotLoopbackWithoutAToken() throws Exception {
        try (HttpServer http = start(null)) {
            int port = http.port();
            String evil = "evil.example:" + port;
            assertThat(get(http, "/things/t-1", evil)).isEqualTo(421);
            assertThat(get(http, "/", evil)).isEqualTo(421);
            assertThat(get(http, "/things/t-1", "127.0.0.1.evil.example:" + port)).isEqualTo(421);
            assertThat(get(http, "/things/t-1", "localhost.evil.example")).isEqualTo(421);
            String form = "action=mute&csrf=" + http.csrfToken();
            assertThat(post(http, "/things/t-1", evil, "http://" + evil, form, null)).isEqualTo(421);
            assertThat(handled).isEmpty();
            // probes reach the operations endpoints by pod IP or name
            assertThat(get(http, "/healthz", evil)).isEqualTo(200);
            assertThat(get(http, "/metrics", evil)).isEqualTo(200);
            for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "127.1.2.3:" + port, "[::1]:" + port)) {
                assertThat(get(http, "/things/t-1", host)).as(host).isEqualTo(200);
            }
            assertThat(post(http, "/things/t-1", "localhost:" + port, "http://localhost:" + port, form, null)).isEqualTo(303);
            assertThat(handled).containsExactly("/things/t-1 mute");
        }
    }

    @Test
    void shouldNeedTheTokenForAnyHostAndStillRefuseACrossOriginPost() throws Exception {
        try (HttpServer http = start("t0ken")) {
            assertThat(get(http, "/things/t-1", "grantwatch.internal")).isEqualTo(401);
            assertThat(post(http, "/things/t-1", "grantwatch.internal", "http://evil.example", "action=ack", "Bearer t0ken")).isEqualTo(403);
            assertThat(post(http, "/things/t-1", "grantwatch.internal", "http://grantwatch.internal", "action=ack", "Bearer t0ken"))
                    .isEqualTo(303);
        }
    }

    @Test
    void shouldAnswerPathParametersWith404AndAPostToTheListWith405() throws Exception {
        try (HttpServer http = start("t0ken")) {
            String host = "127.0.0.1";
            assertThat(status(http.port(), "GET /things/t-1;x=1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t0ken\r\nConnection: close\r\n\r\n"))
                    .isEqualTo(404);
            assertThat(post(http, "/things/t-1;x=1", host, null, "action=ack", "Bearer t0ken")).isEqualTo(404);
            assertThat(post(http, "/things/t-1%3bx=1", host, null, "action=ack", "Bearer t0ken")).isEqualTo(404);
            assertThat(post(http, "/things", host, null, "action=ack&csrf=" + http.csrfToken(), "Bearer t0ken")).isEqualTo(405);
            assertThat(handled).isEmpty();
        }
    }

    @Test
    void shouldCloseAConnectionWhoseHeadersNeverFinishWithoutA500() throws Exception {
        ServerLimits limits = ServerLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(5));
        try (HttpServer http = HttpServer.start("127.0.0.1", 0, new Health(), new Metrics(), null, limits);
                Socket s = new Socket("127.0.0.1", http.port())) {
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: a".getBytes(StandardCharsets.UTF_8));
            StringBuilder answer = new StringBuilder();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            boolean closed = false;
            while (!closed && System.nanoTime() < deadline) {
                try {
                    out.write('a');
                    out.flush();
                } catch (IOException e) {
                    closed = true;
                    break;
                }
                try {
                    int c = s.getInputStream().read();
                    while (c >= 0) {
                        answer.append((char) c);
                        c = s.getInputStream().available() > 0 ? s.getInputStream().read() : -2;
                    }
                    closed = c == -1 || answer.length() > 0;
                } catch (SocketTimeoutException e) {
                    // still open: trickle on
                } catch (IOException e) {
                    closed = true;
                }
            }
            assertThat(closed).as("closed within 15 s").isTrue();
            assertThat(answer.toString()).doesNotContain(" 500 ");
            if (!answer.isEmpty()) {
                assertThat(answer.toString()).startsWith("HTTP/1.1 408 ");
            }
        }
    }

    @Test
    void shouldRefuseAnOversizedFormWith413() throws Exception {
        try (HttpServer http = start(null)) {
            String body = "action=mute&csrf=x&owner=" + "a".repeat(100_000);
            assertThat(post(http, "/things/t-1", "127.0.0.1", null, body, null)).isEqualTo(413);
            assertThat(handled).isEmpty();
        }
    }
}
