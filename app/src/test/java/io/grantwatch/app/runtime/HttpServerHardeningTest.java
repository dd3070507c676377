package io.grantwatch.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.app.config.GrantWatchConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Outsider findings against the real status server on 127.0.0.1: slow clients, paths, authentication. */
@Timeout(60)
class HttpServerHardeningTest {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Socket> slow = new ArrayList<>();
    private final Metrics metrics = new Metrics();
    private HttpServer http;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : slow) {
            s.close();
        }
        if (http != null) {
            http.close();
        }
        metrics.close();
    }

    private HttpServer start(String token) {
        Health health = new Health();
        health.register("kafka", () -> true);
        http = HttpServer.start("127.0.0.1", 0, health, metrics, token);
        http.routeAuthenticated("/api/findings", true, ex -> HttpServer.respond(ex, 200, "application/json", "[]"));
        http.routeAuthenticated("/dashboard", false, ex -> HttpServer.respond(ex, 200, "text/html", "<p>dash</p>"));
        return http;
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                .timeout(Duration.ofSeconds(5)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int rawStatus(String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", http.port()), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t0ken\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    @Test
    void shouldAnswerProbesWhenSlowClientsHoldConnections() throws Exception {
        start(null);
        // before: two of these made /healthz and /readyz time out (2 threads, no read timeout)
        for (int i = 0; i < 8; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", http.port()), 2000);
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            slow.add(s);
        }
        long t0 = System.nanoTime();
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void shouldAnswer404WhenThePathIsNotExactlyARoute() throws Exception {
        start("t0ken");
        for (String path : List.of("/healthzXYZ", "/healthz/", "/healthz/../metrics", "/readyz/x", "/metricsX",
                "/api/findingsX", "/api/findings/../../etc/passwd", "/api/findings/..", "/api/findings/a/b",
                "/api/findings/%2e%2e", "/api/findings/a%2Fb", "/dashboard/x", "//", "/index.html", "/api")) {
            assertThat(rawStatus(path)).as(path).isEqualTo(404);
        }
        assertThat(rawStatus("/")).isEqualTo(200); // the index the start-up banner points at
        assertThat(rawStatus("/api/findings")).isEqualTo(200);
        assertThat(rawStatus("/api/findings/f-123")).isEqualTo(200);
        assertThat(rawStatus("/healthz")).isEqualTo(200);
    }

    @Test
    void shouldRequireTheTokenForApiAndDashboardButNotForProbesWhenOneIsSet() throws Exception {
        start("t0ken");
        HttpResponse<String> anonymous = get("/api/findings");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(get("/dashboard").statusCode()).isEqualTo(401);
        assertThat(get("/api/findings/f-1", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(get("/api/findings", "Authorization", "Bearer t0ken").statusCode()).isEqualTo(200);
        String basic = Base64.getEncoder().encodeToString("anyone:t0ken".getBytes(StandardCharsets.UTF_8));
        assertThat(get("/dashboard", "Authorization", "Basic " + basic).statusCode()).isEqualTo(200);
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseToStartWhenBoundBeyondLoopbackWithoutAToken() {
        assertThatThrownBy(() -> HttpServer.start("0.0.0.0", 0, new Health(), metrics, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("http.auth.token").hasMessageContaining("0.0.0.0");
        assertThat(HttpServer.isLoopback("127.0.0.1")).isTrue();
        assertThat(HttpServer.isLoopback("localhost")).isTrue();
        assertThat(HttpServer.isLoopback("::1")).isTrue();
        assertThat(HttpServer.isLoopback("0.0.0.0")).isFalse();
    }

    @Test
    void shouldNameTheKeyWhenTheTokenIsALiteralOrAMissingVariable() {
        assertThatThrownBy(() -> GrantWatchRuntime.apiToken(new GrantWatchConfig.Http("127.0.0.1", 0, "hunter2")))
                .hasMessageContaining("http.auth.token").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> GrantWatchRuntime.apiToken(new GrantWatchConfig.Http("127.0.0.1", 0, "env:GRANTWATCH_NO_SUCH_VAR_4711")))
                .hasMessageContaining("http.auth.token").hasMessageContaining("GRANTWATCH_NO_SUCH_VAR_4711");
        assertThat(GrantWatchRuntime.apiToken(new GrantWatchConfig.Http("127.0.0.1", 0))).isNull();
    }
}
