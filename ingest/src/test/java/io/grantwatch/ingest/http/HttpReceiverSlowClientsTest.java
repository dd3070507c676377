package io.grantwatch.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.source.MemorySink;
import io.grantwatch.testkit.SlowClients;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The outsider's slow-header attack with real sockets: hundreds of connections that send half a request
 * and then a byte a second, and as many that send nothing, must not keep a legitimate sender or a probe
 * out of the receiver.
 */
@Timeout(60)
class HttpReceiverSlowClientsTest {
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("slow-k3y-0123456789ab".getBytes(StandardCharsets.UTF_8));
    /** The attackers: 50 addresses, 8 connections each (under any per-address cap, so all of them stay open). */
    static final List<InetAddress> ATTACKERS = SlowClients.addresses(1, 50);
    /** The legitimate sender, an address of its own. */
    static final InetAddress LEGIT = SlowClients.loopback(0, 0, 2);

    private final MemorySink sink = new MemorySink();
    private HttpReceiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    static String signedPost(byte[] body, String id) {
        long ts = Instant.now().getEpochSecond();
        return "POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\n" + HttpReceiver.ID_HEADER + ": " + id + "\r\n" + HttpReceiver.TIMESTAMP_HEADER + ": " + ts
                + "\r\n" + HttpReceiver.SIGNATURE_HEADER + ": " + HttpReceiver.signature(SECRET, id, ts, body)
                + "\r\nConnection: close\r\n\r\n";
    }

    /** What the test sees, in one value so that a failure shows all of it. */
    record Outcome(String signedPush, String healthz, int eventsStored, int attackConnectionsOpen) {
    }

    static final String HEALTHZ = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    @Test
    void shouldAcceptASignedPushAndAnswerHealthzWhile200SlowHeaderAnd200IdleConnectionsAreOpen() throws Exception {
        // the silent ones must stay open for this test (the first-byte deadline is the next test's)
        start(ServerLimits.DEFAULTS.withFirstByteTimeout(Duration.ofSeconds(30)));
        byte[] body = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
        try (SlowClients attack = new SlowClients()) {
            attack.slowHeaders(receiver.port(), 200, "POST /events HTTP/1.1\r\nHost: x\r\n", ATTACKERS);
            attack.idle(receiver.port(), 200, ATTACKERS);
            attack.awaitTick(); // every slow connection has sent a byte more since

            SlowClients.Answer push = SlowClients.exchange(LEGIT, receiver.port(), signedPost(body, "legit-1"), body,
                    Duration.ofSeconds(2));
            SlowClients.Answer health = SlowClients.exchange(LEGIT, receiver.port(), HEALTHZ, new byte[0], Duration.ofSeconds(2));

            System.out.printf("with %d slow-header and %d idle connections open: signed push %s; healthz %s%n", 200, 200, push, health);
            // the attackers' connections are still open: the server did not get by refusing them
            Duration twoSeconds = Duration.ofSeconds(2);
            assertThat(new Outcome(push.within(twoSeconds), health.within(twoSeconds), sink.events.size(), attack.open()))
                    .isEqualTo(new Outcome("200 within 2 s", "200 within 2 s", 1, 400));
        }
    }

    private void start(ServerLimits limits) throws Exception {
        receiver = new HttpReceiver(HttpReceiver.Config.of(0, null, SECRET).withServerLimits(limits), new AuditParser(), sink).start();
    }

    private SlowClients.Answer legitPush(String id) throws Exception {
        byte[] body = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
        return SlowClients.exchange(LEGIT, receiver.port(), signedPost(body, id), body, Duration.ofSeconds(2));
    }

    @Test
    void shouldAnswer408AndCloseWhenASignedBodyTricklesPastTheBodyTimeout() throws Exception {
        start(ServerLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(2)));
        byte[] body = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
        try (SocketChannel slow = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), receiver.port()))) {
            // complete headers with valid credentials, then the body a byte at a time
            slow.write(ByteBuffer.wrap(signedPost(body, "slow-1").getBytes(StandardCharsets.US_ASCII)));
            long t0 = System.nanoTime();
            slow.configureBlocking(false);
            ByteBuffer answer = ByteBuffer.allocate(4096);
            int sent = 0;
            boolean ended = false;
            while (!ended && System.nanoTime() - t0 < 6_000_000_000L) {
                try {
                    slow.write(ByteBuffer.wrap(body, sent++, 1));
                } catch (IOException e) {
                    // the server closed it; read what it answered
                }
                Thread.sleep(250);
                try {
                    ended = slow.read(answer) < 0;
                } catch (IOException e) {
                    ended = true;
                }
                if (sent == 4) {
                    // meanwhile a legitimate sender is served at once
                    assertThat(legitPush("legit-2").within(Duration.ofSeconds(2))).isEqualTo("200 within 2 s");
                }
            }
            Duration cut = Duration.ofNanos(System.nanoTime() - t0);
            String text = new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
            assertThat(ended).as("closed by the server").isTrue();
            assertThat(text).startsWith("HTTP/1.1 408").contains("did not arrive within 2 s");
            assertThat(cut).isBetween(Duration.ofMillis(1900), Duration.ofMillis(3500));
        }
        assertThat(sink.events).hasSize(1);
        // the trickled id was never accepted, so the sender may retry it
        assertThat(legitPush("slow-1").within(Duration.ofSeconds(2))).isEqualTo("200 within 2 s");
    }

    @Test
    void shouldCloseAConnectionWhoseHeadersTrickleLongerThanTheHeaderTimeout() throws Exception {
        start(ServerLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(10)));
        try (SlowClients attack = new SlowClients()) {
            attack.slowHeaders(receiver.port(), 5, "POST /events HTTP/1.1\r\nHost: x\r\n", ATTACKERS);
            attack.idle(receiver.port(), 5, ATTACKERS);
            long t0 = System.nanoTime();
            // never idle (a byte a second), so only the header deadline ends them; the silent ones stay (first-byte deadline 5 s)
            while (attack.open() > 5 && System.nanoTime() - t0 < 5_000_000_000L) {
                Thread.sleep(100);
            }
            assertThat(attack.open()).isEqualTo(5);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(1900), Duration.ofMillis(3600));
            assertThat(legitPush("legit-3").within(Duration.ofSeconds(2))).isEqualTo("200 within 2 s");
        }
    }

    @Test
    void shouldCloseConnectionsBeyondTheCapOfOneClientAddressButServeOthers() throws Exception {
        start(ServerLimits.DEFAULTS.withConnections(1000, 10));
        InetAddress greedy = SlowClients.loopback(0, 2, 1);
        try (SlowClients attack = new SlowClients()) {
            attack.idle(receiver.port(), 50, List.of(greedy));
            long t0 = System.nanoTime();
            while (attack.open() > 10 && System.nanoTime() - t0 < 3_000_000_000L) {
                Thread.sleep(20);
            }
            assertThat(attack.open()).isEqualTo(10);
            assertThat(legitPush("legit-4").within(Duration.ofSeconds(2))).isEqualTo("200 within 2 s");
            // the greedy address itself gets nothing more while it holds its 10
            assertThat(SlowClients.exchange(greedy, receiver.port(), HEALTHZ, new byte[0], Duration.ofSeconds(2)).status()).isEqualTo(-1);
        }
        // once they are closed, it is served again
        await().atMost(Duration.ofSeconds(2)).until(() -> SlowClients.exchange(greedy, receiver.port(), HEALTHZ, new byte[0],
                Duration.ofSeconds(2)).status() == 200);
    }

    @Test
    void shouldCloseTheOldestIdleConnectionsNearTheConnectionLimitSoANewClientGetsIn() throws Exception {
        // 20 connections at most: from 19 open on, the idle ones go, oldest first, down to 18 (the sweep may run at 19)
        start(ServerLimits.DEFAULTS.withConnections(20, 10).withFirstByteTimeout(Duration.ofSeconds(30)));
        try (SlowClients attack = new SlowClients()) {
            attack.idle(receiver.port(), 20, ATTACKERS);
            SlowClients.Answer health = SlowClients.exchange(LEGIT, receiver.port(), HEALTHZ, new byte[0], Duration.ofSeconds(5));
            assertThat(health.within(Duration.ofSeconds(3))).isEqualTo("200 within 3 s");
            assertThat(attack.open()).as("some of the idle ones were closed").isBetween(16, 19);
        }
    }

    @Test
    void shouldServeASignedPushAndHealthzWhile1100SilentConnectionsFrom39AddressesAreOpen() throws Exception {
        // the outsider's attack on the defaults: 1,024 connections, 32 per address, 30 s idle timeout; 39 addresses
        // with at most 29 connections each, so no per-address cap stops them
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            // both ends of 1,100 connections are in this JVM
            assumeTrue(os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount() > 2600,
                    "needs 2,600 free file descriptors (ulimit -n), has " + (os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount()));
        }
        start(ServerLimits.DEFAULTS);
        byte[] body = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
        try (SlowClients attack = new SlowClients()) {
            long t0 = System.nanoTime();
            attack.idle(receiver.port(), 1100, SlowClients.addresses(3, 39));
            System.out.printf("opened 1,100 silent connections in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            SlowClients.Answer push = SlowClients.exchange(LEGIT, receiver.port(), signedPost(body, "legit-crowd"), body,
                    Duration.ofSeconds(12));
            SlowClients.Answer health = SlowClients.exchange(LEGIT, receiver.port(), HEALTHZ, new byte[0], Duration.ofSeconds(12));
            System.out.printf("with 1,100 silent connections: signed push %s; healthz %s%n", push, health);
            Duration limit = Duration.ofSeconds(8);
            assertThat(new Outcome(push.within(limit), health.within(limit), sink.events.size(), 0))
                    .isEqualTo(new Outcome("200 within 8 s", "200 within 8 s", 1, 0));
        }
    }
}
