package io.grantwatch.app.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import io.grantwatch.ingest.http.ServerLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GrantWatch's HTTP server (JDK {@code com.sun.net.httpserver}): {@code /healthz} (the process is
 * alive), {@code /readyz} (every component is ready; 503 with the ones that are not), {@code /metrics}
 * (Prometheus). Components add their own routes (findings API, dashboard) with {@link #route} and
 * {@link #routeAuthenticated}. Read-only: anything but GET and HEAD is 405.
 *
 * <p>Paths match exactly (a subtree route takes one more path segment, never {@code .} or {@code ..});
 * anything else is 404. Authenticated routes need the API token ({@code http.auth.token}) as
 * {@code Authorization: Bearer <token>} or as the password of HTTP Basic authentication (any user name,
 * so a browser can open the dashboard). Bound beyond loopback, the server refuses to start without a
 * token and warns with one. Slow clients: {@link ServerLimits}.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    static {
        ServerLimits.apply();
    }

    public static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    public static final String TOKEN_KEY = "http.auth.token";

    private record Route(HttpHandler handler, boolean authenticated, boolean subtree) {
    }

    private final com.sun.net.httpserver.HttpServer server;
    private final ExecutorService executor;
    private final byte[] token;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    private HttpServer(com.sun.net.httpserver.HttpServer server, ExecutorService executor, String token) {
        this.server = server;
        this.executor = executor;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** Binds and starts without an API token: loopback addresses only. */
    public static HttpServer start(String host, int port, Health health, Metrics metrics) {
        return start(host, port, health, metrics, null);
    }

    /**
     * Binds and starts; port 0 picks a free port ({@link #port()} tells which).
     *
     * @param apiToken the resolved value of {@value #TOKEN_KEY}; null = none (then only a loopback host is allowed)
     */
    public static HttpServer start(String host, int port, Health health, Metrics metrics, String apiToken) {
        boolean loopback = isLoopback(host);
        if (!loopback && (apiToken == null || apiToken.isBlank())) {
            throw new IllegalStateException("http.host is " + host + ", beyond loopback, and " + TOKEN_KEY
                    + " is not set: the findings API and dashboard would be open to the network. Set " + TOKEN_KEY
                    + " (env:NAME or file:/path, e.g. GRANTWATCH_HTTP_AUTH_TOKEN=env:API_TOKEN) or bind 127.0.0.1");
        }
        if (!loopback) {
            LOG.warn("HTTP is bound to {}, beyond loopback: /api and /dashboard need the {} token; /healthz, /readyz "
                    + "and /metrics are open to anyone who can reach the port", host, TOKEN_KEY);
        }
        com.sun.net.httpserver.HttpServer server;
        try {
            ServerLimits.apply();
            server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot listen on " + host + ":" + port + " for HTTP (" + e.getMessage()
                    + "); choose another port with --http-port, or -1 to turn HTTP off", e);
        }
        ExecutorService executor = ServerLimits.executor("grantwatch-http", ServerLimits.MAX_THREADS);
        server.setExecutor(executor);
        HttpServer http = new HttpServer(server, executor, apiToken == null || apiToken.isBlank() ? null : apiToken);
        server.createContext("/", http::dispatch);
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

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Adds an unauthenticated GET/HEAD route at exactly {@code path}; the handler writes the response. */
    public void route(String path, HttpHandler handler) {
        routes.put(path, new Route(handler, false, false));
    }

    /**
     * Adds a GET/HEAD route that needs the API token (when one is configured), at exactly {@code path} and,
     * with {@code subtree}, at {@code path/<one segment>}.
     */
    public void routeAuthenticated(String path, boolean subtree, HttpHandler handler) {
        routes.put(path, new Route(handler, true, subtree));
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String raw = exchange.getRequestURI().getRawPath();
            Route route = raw == null ? null : routes.get(raw);
            if (route == null && raw != null) {
                int slash = raw.lastIndexOf('/');
                Route parent = slash > 0 ? routes.get(raw.substring(0, slash)) : null;
                String segment = raw.substring(slash + 1);
                if (parent != null && parent.subtree() && !segment.isEmpty() && !segment.equals(".") && !segment.equals("..")
                        && !unsafe(segment)) {
                    route = parent;
                }
            }
            if (route == null) {
                respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
                return;
            }
            if (route.authenticated() && token != null && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"GrantWatch\", charset=\"UTF-8\"");
                respond(exchange, 401, "text/plain; charset=utf-8", "authentication required\n");
                return;
            }
            route.handler().handle(exchange);
        } catch (RuntimeException e) {
            LOG.warn("HTTP {} failed", exchange.getRequestURI().getRawPath(), e);
        }
    }

    /** Encoded slashes, dots and backslashes could make a segment a path again after decoding. */
    private static boolean unsafe(String rawSegment) {
        String s = rawSegment.toLowerCase(java.util.Locale.ROOT);
        return s.contains("%2f") || s.contains("%2e") || s.contains("%5c") || s.contains("\\");
    }

    private boolean authorized(String header) {
        if (header == null) {
            return false;
        }
        String presented = null;
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = header.substring(7).trim();
        } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String userPass = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = userPass.indexOf(':');
                presented = colon < 0 ? null : userPass.substring(colon + 1);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token);
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
