package io.grantwatch.ingest.poll;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.source.MemorySink;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Outcome;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pollers page through recorded responses served by a local HTTP server. */
class PollersTest {
    private final List<HttpExchangeRecord> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    record HttpExchangeRecord(String path, String query, String authorization) {
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(String context, String tokenParam, String page1, String page2) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(context, ex -> {
            String q = ex.getRequestURI().getRawQuery();
            requests.add(new HttpExchangeRecord(ex.getRequestURI().getPath(), q, ex.getRequestHeaders().getFirst("Authorization")));
            String fixture = q != null && q.contains(tokenParam + "=") ? page2 : page1;
            reply(ex, Files.readAllBytes(Fixtures.path(fixture)));
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void reply(HttpExchange ex, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private static final ApiPoller.Timing TIMING = new ApiPoller.Timing(Duration.ofSeconds(1), Duration.ofMinutes(5),
            Duration.ofMinutes(1), Duration.ofHours(1));

    @Test
    void shouldPageLookupEventsWithNextTokenSignedAndCheckpointTheWindow(@TempDir Path tmp) throws Exception {
        URI endpoint = serve("/", "NextToken", "api/lookupevents-page1.json", "api/lookupevents-page2.json");
        MemorySink sink = new MemorySink();
        Path cp = tmp.resolve("cp.json");
        ActionTrailPoller poller = new ActionTrailPoller(endpoint, "cn-hangzhou", "LTAI5tTestKeyId", "test-secret", sink, cp, TIMING, NOW);
        assertThat(poller.pollOnce()).isEqualTo(3);
        assertThat(sink.events).extracting(AuditEvent::eventId).containsExactly("lk-1", "lk-2", "lk-3");
        assertThat(sink.events.get(1).outcome()).isEqualTo(Outcome.DENIED);
        assertThat(sink.events.get(1).iamAction()).isEqualTo("ram:PassRole");
        assertThat(sink.events.get(0).principal().accessKeyId()).isEqualTo("LTAI****");
        assertThat(sink.dead).singleElement().satisfies(r -> assertThat(r.reason()).contains("missing required fields"));
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).query()).contains("Action=LookupEvents").contains("Version=2020-07-06")
                .contains("StartTime=2026-11-22T09%3A00%3A00Z").contains("EndTime=2026-11-22T09%3A59%3A00Z")
                .contains("Signature=").doesNotContain("NextToken").doesNotContain("test-secret");
        assertThat(requests.get(1).query()).contains("NextToken=page-2-token");
        assertThat(Files.readString(cp)).contains("2026-11-22T09:59:00Z");
        // the next window starts at the checkpoint minus the overlap
        requests.clear();
        new ActionTrailPoller(endpoint, "cn-hangzhou", "LTAI5tTestKeyId", "test-secret", sink, cp, TIMING,
                Clock.offset(NOW, Duration.ofMinutes(10))).pollOnce();
        assertThat(requests.get(0).query()).contains("StartTime=2026-11-22T09%3A54%3A00Z");
    }

    @Test
    void shouldPageListTracesWithMarkerAndSignWithSdkHmac(@TempDir Path tmp) throws Exception {
        URI endpoint = serve("/v3/", "next", "api/listtraces-page1.json", "api/listtraces-page2.json");
        MemorySink sink = new MemorySink();
        CtsPoller poller = new CtsPoller(endpoint, "proj-1", "system", "HSTAEXAMPLEAK", "sk", sink, tmp.resolve("cp.json"), TIMING, NOW);
        assertThat(poller.pollOnce()).isEqualTo(3);
        assertThat(sink.events).extracting(AuditEvent::eventId).containsExactly("lt-1", "lt-2", "lt-3");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).path()).isEqualTo("/v3/proj-1/traces");
        assertThat(requests.get(0).query()).contains("trace_type=system").contains("from=" + Instant.parse("2026-11-22T09:00:00Z").toEpochMilli());
        assertThat(requests.get(1).query()).contains("next=lt-2");
        assertThat(requests.get(0).authorization()).startsWith("SDK-HMAC-SHA256 Access=HSTAEXAMPLEAK, SignedHeaders=host;x-sdk-date, Signature=");
    }

    @Test
    void shouldNotMoveTheCheckpointWhenKafkaFails(@TempDir Path tmp) throws Exception {
        URI endpoint = serve("/v3/", "next", "api/listtraces-page1.json", "api/listtraces-page2.json");
        MemorySink sink = new MemorySink();
        sink.failing = true;
        Path cp = tmp.resolve("cp.json");
        CtsPoller poller = new CtsPoller(endpoint, "proj-1", "system", "ak", "sk", sink, cp, TIMING, NOW);
        org.assertj.core.api.Assertions.assertThatThrownBy(poller::pollOnce).isInstanceOf(IOException.class);
        assertThat(cp).doesNotExist();
    }
}
