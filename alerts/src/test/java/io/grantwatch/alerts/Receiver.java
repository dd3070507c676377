package io.grantwatch.alerts;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP receiver on loopback (com.sun.net.httpserver) that records every request and answers
 * through a programmable behaviour: status, headers, body, or a stall (to provoke timeouts).
 */
public final class Receiver implements AutoCloseable {
    static {
        // The JDK server writes a response's headers and body as two segments without TCP_NODELAY, so
        // Nagle holds the body until the client's delayed ACK (40 ms on Linux loopback): every request
        // would take 40 ms more than any real receiver answers in. Read once, when the first server starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One recorded request. */
    public record Request(long atMillis, String method, String pathAndQuery, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** How to answer. */
    public record Response(int status, Map<String, String> headers, String body, long stallMillis) {
        public static Response ok(String body) {
            return new Response(200, Map.of(), body, 0);
        }

        public static Response status(int status) {
            return new Response(status, Map.of(), "", 0);
        }

        public static Response tooMany(long retryAfterSeconds) {
            return new Response(429, Map.of("Retry-After", Long.toString(retryAfterSeconds)), "rate limited", 0);
        }

        public static Response stall(long millis) {
            return new Response(200, Map.of(), "ok", millis);
        }
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger seen = new AtomicInteger();
    private volatile Function<Request, Response> behaviour;

    public Receiver(Function<Request, Response> behaviour) throws IOException {
        this.behaviour = behaviour;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    public static Receiver ok(String body) throws IOException {
        return new Receiver(r -> Response.ok(body));
    }

    public void behave(Function<Request, Response> b) {
        this.behaviour = b;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** Requests answered 2xx: what the receiver accepted. */
    public List<Request> accepted() {
        return requests.stream().filter(r -> r.method().equals("ACCEPTED")).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        String body;
        try (InputStream in = ex.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Headers h = ex.getRequestHeaders();
        Request req = new Request(System.currentTimeMillis(), ex.getRequestMethod(), ex.getRequestURI().toString(), Map.copyOf(h), body);
        seen.incrementAndGet();
        Response resp = behaviour.apply(req);
        if (resp.stallMillis() > 0) {
            try {
                Thread.sleep(resp.stallMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        requests.add(resp.status() / 100 == 2
                ? new Request(req.atMillis(), "ACCEPTED", req.pathAndQuery(), req.headers(), req.body()) : req);
        byte[] out = resp.body().getBytes(StandardCharsets.UTF_8);
        resp.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        try {
            ex.sendResponseHeaders(resp.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(out);
                }
            }
        } catch (IOException clientGone) {
            // the client timed out first: nothing to answer
        } finally {
            ex.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
