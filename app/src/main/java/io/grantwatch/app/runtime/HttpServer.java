package io.grantwatch.app.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GrantWatch's HTTP server (JDK {@code com.sun.net.httpserver}): {@code /healthz} (the process is
 * alive), {@code /readyz} (every component is ready; 503 with the ones that are not), {@code /metrics}
 * (Prometheus). Components add their own routes (findings API, dashboard) with {@link #route}.
 * Read-only: anything but GET and HEAD is 405.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    public static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final com.sun.net.httpserver.HttpServer server;
    private final ExecutorService executor;

    private HttpServer(com.sun.net.httpserver.HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds and starts; port 0 picks a free port ({@link #port()} tells which). */
    public static HttpServer start(String host, int port, Health health, Metrics metrics) {
        com.sun.net.httpserver.HttpServer server;
        try {
            // The JDK server writes headers and body as two segments; without TCP_NODELAY each response waits for
            // the client's delayed ACK (~40 ms on Linux). Read when the first server is created.
            System.setProperty("sun.net.httpserver.nodelay", "true");
            server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot listen on " + host + ":" + port + " for HTTP (" + e.getMessage()
                    + "); choose another port with --http-port, or -1 to turn HTTP off", e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "grantwatch-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        HttpServer http = new HttpServer(server, executor);
        http.route("/healthz", exchange -> respond(exchange, 200, "text/plain; charset=utf-8", "ok\n"));
        http.route("/readyz", exchange -> {
            Map<String, Boolean> checks = health.check();
            boolean ready = !checks.isEmpty() && checks.values().stream().allMatch(Boolean::booleanValue);
            respond(exchange, ready ? 200 : 503, "application/json", Health.toJson(ready, checks));
        });
        http.route("/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TYPE, metrics.scrape()));
        server.start();
        LOG.info("HTTP on http://{}:{}/ (healthz, readyz, metrics)", host, http.port());
        return http;
    }

    /** Adds a GET/HEAD route; the handler writes the response. */
    public void route(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            try (exchange) {
                String method = exchange.getRequestMethod();
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
                    return;
                }
                handler.handle(exchange);
            } catch (RuntimeException e) {
                LOG.warn("HTTP {} failed", path, e);
            }
        });
    }

    /** Writes a whole response with the headers every GrantWatch response carries. */
    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
