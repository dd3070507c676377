package io.grantwatch.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HttpServerTest {
    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> call(int port, String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldReportNotReadyWithTheLaggingComponentWhenOneCheckFails() throws Exception {
        Health health = new Health();
        AtomicBoolean detectorUp = new AtomicBoolean(false);
        health.register("kafka", () -> true);
        health.register("detector", detectorUp::get);
        try (Metrics metrics = new Metrics(); HttpServer http = HttpServer.start("127.0.0.1", 0, health, metrics)) {
            HttpResponse<String> notReady = call(http.port(), "GET", "/readyz");
            detectorUp.set(true);
            HttpResponse<String> ready = call(http.port(), "GET", "/readyz");

            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("\"detector\":false", "\"kafka\":true");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(call(http.port(), "GET", "/healthz").body()).isEqualTo("ok\n");
        }
    }

    @Test
    void shouldServePrometheusTextWithOurCountersWhenScraped() throws Exception {
        try (Metrics metrics = new Metrics(); HttpServer http = HttpServer.start("127.0.0.1", 0, new Health(), metrics)) {
            AtomicLong events = new AtomicLong(42);
            metrics.counter("grantwatch.events", "events", events::get);
            // The registry holds function counters weakly: the value must survive a collection.
            System.gc();

            HttpResponse<String> response = call(http.port(), "GET", "/metrics");

            assertThat(response.headers().firstValue("Content-Type")).contains(HttpServer.PROMETHEUS_TYPE);
            assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(response.body()).contains("grantwatch_events_total{application=\"grantwatch\"} 42.0", "jvm_memory_used_bytes");
        }
    }

    @Test
    void shouldRefuseWritesWhenTheMethodIsNotGetOrHead() throws Exception {
        try (Metrics metrics = new Metrics(); HttpServer http = HttpServer.start("127.0.0.1", 0, new Health(), metrics)) {
            HttpResponse<String> post = call(http.port(), "POST", "/healthz");
            HttpResponse<String> head = call(http.port(), "HEAD", "/healthz");

            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void shouldBeNotReadyWhenNothingIsRegisteredYet() {
        assertThat(new Health().ready()).isFalse();
    }
}
