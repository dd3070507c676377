package io.grantwatch.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.testkit.SlowClients;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The outsider's slow-header attack with real sockets against the status server: probes must still answer. */
@Timeout(60)
class HttpServerSlowClientsTest {
    static final List<InetAddress> ATTACKERS = SlowClients.addresses(1, 50);
    static final InetAddress PROBE = SlowClients.loopback(0, 0, 2);

    /** What the test sees, in one value so that a failure shows all of it. */
    record Outcome(String healthz, String readyz, int attackConnectionsOpen) {
    }

    private final Metrics metrics = new Metrics();
    private HttpServer http;

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
        metrics.close();
    }

    private SlowClients.Answer get(String path) {
        return SlowClients.exchange(PROBE, http.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                new byte[0], Duration.ofSeconds(2));
    }

    @Test
    void shouldAnswerHealthzAndReadyzWhile200SlowHeaderAnd200IdleConnectionsAreOpen() throws Exception {
        Health health = new Health();
        health.register("kafka", () -> true);
        http = HttpServer.start("127.0.0.1", 0, health, metrics);
        try (SlowClients attack = new SlowClients()) {
            attack.slowHeaders(http.port(), 200, "POST /events HTTP/1.1\r\nHost: x\r\n", ATTACKERS);
            attack.idle(http.port(), 200, ATTACKERS);
            attack.awaitTick();

            SlowClients.Answer healthz = get("/healthz");
            SlowClients.Answer readyz = get("/readyz");

            System.out.printf("with %d slow-header and %d idle connections open: healthz %s; readyz %s%n", 200, 200, healthz, readyz);
            // the attackers' connections are still open: the server did not get by refusing them
            Duration twoSeconds = Duration.ofSeconds(2);
            assertThat(new Outcome(healthz.within(twoSeconds), readyz.within(twoSeconds), attack.open()))
                    .isEqualTo(new Outcome("200 within 2 s", "200 within 2 s", 400));
        }
    }
}
