package io.grantwatch.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.poll.ActionTrailPoller;
import io.grantwatch.ingest.poll.ApiPoller;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LookupEvents pages recorded on a local server, through the poller, into the real broker. */
@WithKafka
class PollerIT {

    @Test
    void shouldProduceEveryEventOfEveryPageWhenPollingLookupEvents(KafkaBroker kafka, KafkaTestScope scope, @TempDir Path tmp)
            throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String q = ex.getRequestURI().getRawQuery();
            byte[] body = Files.readAllBytes(Fixtures.path(q != null && q.contains("NextToken=")
                    ? "api/lookupevents-page2.json" : "api/lookupevents-page1.json"));
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try (KafkaAuditSink sink = KafkaAuditSink.create(Map.copyOf(kafka.clientConfig()), scope.topics())) {
            ActionTrailPoller poller = new ActionTrailPoller(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                    "cn-hangzhou", "LTAI5tKey", "secret", sink, tmp.resolve("cp.json"), ApiPoller.Timing.defaults(), Clock.systemUTC());
            assertThat(poller.pollOnce()).isEqualTo(3);
        } finally {
            server.stop(0);
        }
        List<ConsumerRecord<String, AuditEvent>> events = kafka.readAll(scope.topics().auditEvents(), Duration.ofSeconds(20));
        assertThat(events).extracting(r -> r.value().eventId()).containsExactlyInAnyOrder("lk-1", "lk-2", "lk-3");
        assertThat(kafka.readAll(scope.topics().auditDlq(), Duration.ofSeconds(20))).hasSize(1);
    }
}
