package io.grantwatch.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rule for state-changing POSTs: the API token when one is set, same origin, and the page's CSRF token or a Bearer header. */
class HttpServerPostTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> handled = new ArrayList<>();

    private HttpResponse<String> post(HttpServer http, String form, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/things/t-1"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpServer start(String token) {
        HttpServer http = HttpServer.start("127.0.0.1", 0, new Health(), new Metrics(), token);
        http.routeAction("/things", true, exchange -> {
            handled.add(exchange.path() + " " + exchange.form().get("action"));
            HttpServer.redirect(exchange, "/things");
        });
        return http;
    }

    @Test
    void shouldRunAPostOnlyFromThisServersOwnPageWithItsToken() throws Exception {
        try (HttpServer http = start(null)) {
            String origin = "http://127.0.0.1:" + http.port();
            String form = "action=mute&csrf=" + http.csrfToken();
            assertThat(post(http, form, Map.of("Origin", "https://evil.example")).statusCode()).isEqualTo(403);
            assertThat(post(http, form, Map.of("Origin", "null")).statusCode()).isEqualTo(403);
            assertThat(post(http, form, Map.of("Sec-Fetch-Site", "cross-site", "Origin", origin)).statusCode()).isEqualTo(403);
            assertThat(post(http, "action=mute", Map.of("Origin", origin)).statusCode()).isEqualTo(403);
            assertThat(post(http, "action=mute&csrf=stale", Map.of()).statusCode()).isEqualTo(403);
            // a body that is not a form carries no token
            HttpRequest json = HttpRequest.newBuilder(URI.create(origin + "/things/t-1")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"csrf\":\"" + http.csrfToken() + "\"}")).build();
            assertThat(client.send(json, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
            assertThat(handled).isEmpty();

            HttpResponse<String> ok = post(http, form, Map.of("Origin", origin, "Sec-Fetch-Site", "same-origin"));
            assertThat(ok.statusCode()).isEqualTo(303);
            assertThat(ok.headers().firstValue("Location")).hasValue("/things");
            assertThat(handled).containsExactly("/things/t-1 mute");
            // GET on an action-only route is not a way in
            assertThat(client.send(HttpRequest.newBuilder(URI.create(origin + "/things/t-1")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        }
    }

    @Test
    void shouldNeedTheApiTokenAndAcceptItAsBearerInsteadOfTheFormToken() throws Exception {
        try (HttpServer http = start("t0ken")) {
            String form = "action=ack&csrf=" + http.csrfToken();
            assertThat(post(http, form, Map.of()).statusCode()).isEqualTo(401);
            // Basic credentials are sent by a browser on its own: they still need the page's token
            String basic = "Basic " + Base64.getEncoder().encodeToString("any:t0ken".getBytes());
            assertThat(post(http, "action=ack", Map.of("Authorization", basic)).statusCode()).isEqualTo(403);
            assertThat(post(http, form, Map.of("Authorization", basic)).statusCode()).isEqualTo(303);
            assertThat(post(http, "action=ack", Map.of("Authorization", "Bearer t0ken")).statusCode()).isEqualTo(303);
            assertThat(handled).hasSize(2);
        }
    }
}
