package io.grantwatch.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback webhook receiver (JDK HTTP server) that records, per alert idempotency key, every
 * accepted delivery's arrival time, and every request (accepted or not) with its time and body, so
 * that rates, duplicates, losses and payload contents can be checked. Fault injection: a
 * {@link Behaviour} decides per request number what to answer.
 */
public final class WebhookReceiver implements AutoCloseable {
    static {
        // The JDK server writes a response's headers and body as two segments without TCP_NODELAY, so
        // Nagle holds the body until the client's delayed ACK (40 ms on Linux loopback): every request
        // would take 40 ms more than any real receiver answers in. Read once, when the first server starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** What to answer: status, Retry-After seconds (or -1), a stall before answering, or a connection reset. */
    public record Reply(int status, int retryAfter, long stallMillis, boolean reset) {
        public static Reply ok() {
            return new Reply(200, -1, 0, false);
        }

        public static Reply status(int s) {
            return new Reply(s, -1, 0, false);
        }
    }

    /** One request as received. */
    public record Request(long nanos, long millis, int status, List<String> keys, String body) {
    }

    private final HttpServer server;
    private final IntFunction<Reply> behaviour;
    private final AtomicInteger n = new AtomicInteger();
    private final Map<String, List<Long>> accepted = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

    public WebhookReceiver(IntFunction<Reply> behaviour) throws IOException {
        this(0, behaviour);
    }

    /** On a given loopback port (0: any), so that a receiver can come back where it was. */
    public WebhookReceiver(int port, IntFunction<Reply> behaviour) throws IOException {
        this.behaviour = behaviour;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "bench-webhook-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private void handle(HttpExchange ex) throws IOException {
        long nanos = System.nanoTime();
        long millis = System.currentTimeMillis();
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        Reply reply = behaviour.apply(n.incrementAndGet());
        List<String> keys = new ArrayList<>();
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode tree = Json.wire().readTree(body);
            if (tree.has("alerts")) {
                for (JsonNode a : tree.path("alerts")) {
                    keys.add(a.path("idempotencyKey").asText());
                }
            } else {
                collect(tree, keys);
            }
        } catch (IOException e) {
            scan(text, keys);
        }
        if (reply.reset()) {
            requests.add(new Request(nanos, millis, -1, keys, text));
            ex.close();
            return;
        }
        if (reply.stallMillis() > 0) {
            try {
                Thread.sleep(reply.stallMillis()); // the scripted fault: a receiver that stalls before answering
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        requests.add(new Request(nanos, millis, reply.status(), keys, text));
        if (reply.status() / 100 == 2) {
            for (String k : keys) {
                accepted.computeIfAbsent(k, x -> Collections.synchronizedList(new ArrayList<>())).add(nanos);
            }
        }
        if (reply.retryAfter() >= 0) {
            ex.getResponseHeaders().add("Retry-After", Integer.toString(reply.retryAfter()));
        }
        byte[] resp = "{}".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(reply.status(), resp.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(resp);
        }
    }

    // Chat payloads (Slack, DingTalk, Feishu) carry the key as "ref: <id>@<status>-<version>" in their text.
    private static final Pattern REF = Pattern.compile("ref: ([A-Za-z0-9._-]+[@\uFF20][a-z]+-[0-9n]+)");

    private static void collect(JsonNode n, List<String> out) {
        if (n.isTextual()) {
            scan(n.asText(), out);
        }
        n.forEach(c -> collect(c, out));
    }

    private static void scan(String text, List<String> out) {
        Matcher m = REF.matcher(text);
        while (m.find()) {
            out.add(m.group(1).replace('\uFF20', '@'));
        }
    }

    /** Accepted deliveries per idempotency key: arrival nanos (more than one = duplicate delivery). */
    public Map<String, List<Long>> accepted() {
        return accepted;
    }

    public List<Request> requests() {
        synchronized (requests) {
            return new ArrayList<>(requests);
        }
    }

    /** The most requests that arrived within any window of the given length. */
    public int maxInWindow(long windowMillis) {
        List<Long> t = requests().stream().map(Request::millis).sorted().toList();
        int best = 0;
        int lo = 0;
        for (int hi = 0; hi < t.size(); hi++) {
            while (t.get(hi) - t.get(lo) >= windowMillis) {
                lo++;
            }
            best = Math.max(best, hi - lo + 1);
        }
        return best;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
