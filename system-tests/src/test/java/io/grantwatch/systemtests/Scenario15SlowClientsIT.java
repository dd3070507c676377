package io.grantwatch.systemtests;

import io.grantwatch.model.topic.Topics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Reliability scenario 15. slow clients against a real {@code grantwatch ingest} (or {@code run}) JVM; bench/README.md,
 * "Scenarios 10–15". */
class Scenario15SlowClientsIT extends IngestTest {
    @Override
    Result run() throws Exception {
        int n = quick ? 200 : 1000;
        int baselineN = 20;
        long underAttackMillis = quick ? 20_000 : 120_000; // quick: two of the JDK server's 10 s request-time cycles
        Topics t = topics("s15-");
        Path data = env.dir("s15-data");
        int[] ports = Clients.freePorts(2);
        int status = ports[0];
        int receiver = ports[1];
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        Pool pool = new Pool(1700);
        List<Rec> recs = pool.take(n);
        List<String> args = List.of("run", "-b", env.bootstrap, "--quiet", "--http-port", Integer.toString(status), "--data-dir", data.toString(),
                "--set", "topics.prefix=s15-", "--set", "topics.partitions=2", "--set", "ingest.http.port=" + receiver,
                "--set", "detector.application.id=s15-detector", "--set", "report.interval=0");
        Probe statusProbe = null;
        Probe receiverProbe = null;
        Attack attack = null;
        try (Collector c = new Collector(env.bootstrap, t);
             Proc p = Proc.java("s15-run", env.work.resolve("logs").resolve("s15-run.log"), List.of("-Xmx512m", "-XX:+UseSerialGC"), MAIN,
                     args, Map.of("GRANTWATCH_HTTP_HMAC_SECRET", secret), List.of())) {
            p.awaitLine("GrantWatch is running on Kafka", 120_000);
            statusProbe = new Probe(status, "/healthz");
            receiverProbe = new Probe(receiver, "/healthz");
            // baseline: no attack
            Sender base = new Sender(receiver, secret);
            base.send(recs.subList(0, baselineN), 2, System.currentTimeMillis() + 30_000);
            statusProbe.mark();
            receiverProbe.mark();
            attack = new Attack(receiver, 100, 100);
            Thread.sleep(1_000); // paces the attack: it is in full swing before the loaded phase starts
            Sender loaded = new Sender(receiver, secret);
            List<Rec> underAttack = recs.subList(baselineN, recs.size());
            loaded.send(underAttack, 4, System.currentTimeMillis() + underAttackMillis);
            attack.close();
            statusProbe.stopMarking();
            receiverProbe.stopMarking();
            // the attack is over: what was not accepted under it is sent again (does the receiver recover?)
            List<Rec> rest = underAttack.stream().filter(r -> !loaded.accepted.contains(r.id())).toList();
            Sender after = new Sender(receiver, secret);
            after.send(rest, 4, System.currentTimeMillis() + 30_000);
            statusProbe.close();
            receiverProbe.close();
            c.awaitIds(ids(recs), 10_000);
            c.awaitQuiet(3_000, 10_000);
            Count total = Count.of(recs, c.events());
            long notUnderAttack = rest.size();
            Probe.Stats sp = statusProbe.underAttack();
            Probe.Stats rp = receiverProbe.underAttack();
            boolean healthy = sp.count() > 0 && sp.failed() == 0 && sp.maxMillis() < 2000;
            boolean pass = notUnderAttack == 0 && total.lost() == 0 && total.duplicates() == 0 && total.unexpected() == 0 && healthy;
            // lost counts what never reached audit-events; a record refused under attack was never acknowledged (the sender still
            // holds it) and fails the scenario as unavailability, not as loss
            return new Result("15 slow clients", pass ? "PASS" : "FAIL", total.lost(), total.duplicates(), 0, 0, String.format(
                    "grantwatch run: push receiver :%d (Standard Webhooks HMAC), status server :%d; baseline: %s; under attack from "
                            + "127.0.0.2 (%d slow-header"
                            + " sockets sending a header byte every 2 s and %d idle sockets, each reopened when the server closed it: slow %d"
                            + " times, idle %d) for %d s: %s; not accepted under attack %d; after the attack: %s; in audit-events:"
                            + " %s; status /healthz under attack: %s (criterion: every probe 200 within 2 s); receiver /healthz under attack: %s",
                    receiver, status, base.summary(baselineN), attack.slowN, attack.idleN, attack.slowReopened.get(),
                    attack.idleReopened.get(), underAttackMillis / 1000, loaded.summary(underAttack.size()), notUnderAttack,
                    after.summary(rest.size()), total, sp, rp));
        } finally {
            if (attack != null) {
                attack.close();
            }
            if (statusProbe != null) {
                statusProbe.close();
            }
            if (receiverProbe != null) {
                receiverProbe.close();
            }
        }
    }

    // =================================================================== scenario 15's load

    /** Signed POSTs of one record each (Standard Webhooks), retried until 200 or the deadline; latency from first attempt to 200. */
    private static final class Sender {
        private final URI uri;
        private final byte[] key;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        final AtomicInteger attempts = new AtomicInteger();
        final Set<String> accepted = ConcurrentHashMap.newKeySet();
        private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        private volatile double seconds;

        Sender(int port, String secret) {
            this.uri = URI.create("http://127.0.0.1:" + port + "/events");
            this.key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        }

        String outcomes() {
            return new TreeMap<>(outcomes).toString();
        }

        /** Sends with {@code clients} concurrent senders until every record was accepted or the deadline. */
        void send(List<Rec> recs, int clients, long deadline) throws InterruptedException {
            ConcurrentLinkedQueue<Rec> queue = new ConcurrentLinkedQueue<>(recs);
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long t0 = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                pool.execute(() -> {
                    Rec r;
                    while ((r = queue.poll()) != null && System.currentTimeMillis() < deadline) {
                        long ms = deliver(r, deadline);
                        if (ms >= 0) {
                            latencies.add(ms);
                            accepted.add(r.id());
                        }
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(Math.max(1, deadline - System.currentTimeMillis()) + 30_000, TimeUnit.MILLISECONDS);
            seconds = (System.nanoTime() - t0) / 1e9;
        }

        /** Accepted of how many, latency percentiles of the accepted (first attempt → 200), attempts and their outcomes. */
        String summary(int of) {
            List<Long> ms;
            synchronized (latencies) {
                ms = new ArrayList<>(latencies);
            }
            return String.format("%d/%d records accepted in %.1f s, latency p50 %s p99 %s max %s ms, %d attempts %s", accepted.size(), of,
                    seconds, pct(ms, 50), pct(ms, 99), pct(ms, 100), attempts.get(), outcomes());
        }

        /** One record until 200 (its latency in ms) or the deadline (-1). The message id stays the same across retries. */
        private long deliver(Rec r, long deadline) {
            String id = "msg_" + r.id();
            long t0 = System.nanoTime();
            long backoff = 50;
            while (System.currentTimeMillis() < deadline) {
                attempts.incrementAndGet();
                long ts = System.currentTimeMillis() / 1000;
                byte[] body = r.raw().json();
                String outcome;
                try {
                    HttpResponse<String> resp = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                            .header("content-type", "application/json").header("webhook-id", id).header("webhook-timestamp", Long.toString(ts))
                            .header("webhook-signature", sign(id, ts, body)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    outcome = "HTTP " + resp.statusCode();
                    if (resp.statusCode() == 200) {
                        count(outcome);
                        return (System.nanoTime() - t0) / 1_000_000;
                    }
                } catch (HttpTimeoutException e) {
                    outcome = "timeout";
                } catch (IOException e) {
                    outcome = "connection " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + clip(e.getMessage(), 40));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
                count(outcome);
                try {
                    Thread.sleep(backoff); // paces load: the sender's backoff between attempts
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
                backoff = Math.min(1000, backoff * 2);
            }
            count("gave up at the deadline");
            return -1;
        }

        private void count(String outcome) {
            outcomes.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
        }

        /** {@code v1,} + Base64(HMAC-SHA256(key, id.timestamp.body)), written here from the Standard Webhooks spec. */
        private String sign(String id, long ts, byte[] body) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
                return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** GET {@code path} on a fresh connection every 250 ms (as a liveness probe does), answer within 2 s or it counts as failed. */
    private static final class Probe implements AutoCloseable {
        record Sample(long atMillis, long millis, boolean ok) {
        }

        record Stats(int count, int failed, long p50, long maxMillis) {
            @Override
            public String toString() {
                return String.format("%d probes, failed or > 2 s %d, p50 %d ms, max %d ms", count, failed, p50, maxMillis);
            }
        }

        private final int port;
        private final String path;
        private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;
        private volatile boolean stop;
        private volatile long markedAt = Long.MAX_VALUE;
        private volatile long markedUntil = Long.MAX_VALUE;

        Probe(int port, String path) {
            this.port = port;
            this.path = path;
            thread = new Thread(this::loop, "probe-" + port);
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (!stop) {
                long t0 = System.nanoTime();
                boolean ok = false;
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    s.setSoTimeout(2000);
                    s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] head = new byte[12];
                    int got = 0;
                    int r;
                    while (got < head.length && (r = s.getInputStream().read(head, got, head.length - got)) > 0) {
                        got += r;
                    }
                    ok = new String(head, 0, got, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
                } catch (IOException e) {
                    ok = false;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                samples.add(new Sample(System.currentTimeMillis(), ms, ok && ms < 2000));
                try {
                    Thread.sleep(250); // paces the probe: one sample every 250 ms
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** From now on samples count as "under attack". */
        void mark() {
            markedAt = System.currentTimeMillis();
        }

        /** From now on they do not. */
        void stopMarking() {
            markedUntil = System.currentTimeMillis();
        }

        Stats underAttack() {
            List<Sample> s;
            synchronized (samples) {
                s = samples.stream().filter(x -> x.atMillis() >= markedAt && x.atMillis() <= markedUntil).toList();
            }
            List<Long> ms = s.stream().map(Sample::millis).sorted().toList();
            return new Stats(s.size(), (int) s.stream().filter(x -> !x.ok()).count(), ms.isEmpty() ? 0 : ms.get(ms.size() / 2),
                    ms.isEmpty() ? 0 : ms.get(ms.size() - 1));
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(5_000);
        }
    }

    /**
     * Holds {@code slowN} connections that send a request's headers one byte every 2 s and never finish them (slowloris), and
     * {@code idleN} connections that send nothing; a connection the server closes is opened again at once, as an attacker would.
     */
    private static final class Attack implements AutoCloseable {
        static final String ATTACKER = "127.0.0.2";
        private static final byte[] START = ("POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: ")
                .getBytes(StandardCharsets.US_ASCII);
        final int slowN;
        final int idleN;
        final AtomicLong slowReopened = new AtomicLong();
        final AtomicLong idleReopened = new AtomicLong();
        private final InetSocketAddress addr;
        private final SocketChannel[] slow;
        private final SocketChannel[] idle;
        private final Thread thread;
        private volatile boolean stop;

        Attack(int port, int slowN, int idleN) {
            this.slowN = slowN;
            this.idleN = idleN;
            this.addr = new InetSocketAddress("127.0.0.1", port);
            this.slow = new SocketChannel[slowN];
            this.idle = new SocketChannel[idleN];
            for (int i = 0; i < idleN; i++) {
                idle[i] = open(false);
            }
            for (int i = 0; i < slowN; i++) {
                slow[i] = open(true);
            }
            thread = new Thread(this::loop, "attack-" + port);
            thread.setDaemon(true);
            thread.start();
        }

        private SocketChannel open(boolean slowStart) {
            try {
                SocketChannel ch = SocketChannel.open();
                // from another loopback address than the legitimate sender (127.0.0.1): the receiver caps
                // connections per client address, which is the defence this scenario measures
                ch.bind(new InetSocketAddress(ATTACKER, 0));
                ch.socket().connect(addr, 1000);
                ch.configureBlocking(false);
                if (slowStart) {
                    ch.write(ByteBuffer.wrap(START));
                }
                return ch;
            } catch (IOException e) {
                return null;
            }
        }

        private static boolean closed(SocketChannel ch) {
            if (ch == null || !ch.isOpen()) {
                return true;
            }
            try {
                int n = ch.read(ByteBuffer.allocate(256));
                if (n != 0) { // -1: closed; > 0: the server answered (an error) and will close
                    ch.close();
                    return true;
                }
                return false;
            } catch (IOException e) {
                quietClose(ch);
                return true;
            }
        }

        private static void quietClose(SocketChannel ch) {
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException e) {
                // gone
            }
        }

        private void loop() {
            long lastByte = System.currentTimeMillis();
            while (!stop) {
                boolean sendByte = System.currentTimeMillis() - lastByte >= 2000;
                for (int i = 0; i < slowN && !stop; i++) {
                    if (closed(slow[i])) {
                        slow[i] = open(true);
                        slowReopened.incrementAndGet();
                    } else if (sendByte) {
                        try {
                            slow[i].write(ByteBuffer.wrap(new byte[] {'a'}));
                        } catch (IOException e) {
                            quietClose(slow[i]);
                        }
                    }
                }
                if (sendByte) {
                    lastByte = System.currentTimeMillis();
                }
                for (int i = 0; i < idleN && !stop; i++) {
                    if (closed(idle[i])) {
                        idle[i] = open(false);
                        idleReopened.incrementAndGet();
                    }
                }
                try {
                    Thread.sleep(500); // paces the attack: idle connections are topped up twice a second
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (stop) {
                return;
            }
            stop = true;
            thread.join(10_000);
            for (SocketChannel ch : slow) {
                quietClose(ch);
            }
            for (SocketChannel ch : idle) {
                quietClose(ch);
            }
        }
    }
}
