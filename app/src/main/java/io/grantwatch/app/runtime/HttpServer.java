package io.grantwatch.app.runtime;

import io.grantwatch.ingest.http.ServerLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GrantWatch's HTTP server (Jetty 12 core): {@code /healthz} (the process is alive), {@code /readyz}
 * (every component is ready; 503 with the ones that are not), {@code /metrics} (Prometheus). Components
 * add their own routes (findings API, dashboard, console) with {@link #route} and {@link #routeAuthenticated}.
 * GET and HEAD, and POST on the routes added with {@link #routeAction} (the console's mute, acknowledge, re-open);
 * any other method is 405.
 *
 * <p>Paths match exactly (a subtree route takes one more path segment, never {@code .} or {@code ..});
 * anything else is 404. Authenticated routes need the API token ({@code http.auth.token}) as
 * {@code Authorization: Bearer <token>} or as the password of HTTP Basic authentication (any user name,
 * so a browser can open the dashboard). Bound beyond loopback, the server refuses to start without a
 * token and warns with one.
 *
 * <p>DNS rebinding: without an API token, a request whose {@code Host} is not a loopback name or literal or the configured
 * host is 421 ({@link #hostAllowed}), except on {@code /healthz}, {@code /readyz} and {@code /metrics}. A form body over
 * 16 KiB is 413.
 *
 * <p>A POST needs the API token (when one is set) like the authenticated routes, and must come from this server's own
 * pages: a cross-site request ({@code Sec-Fetch-Site} other than same-origin, or an {@code Origin} whose host is not
 * the {@code Host}, or {@code Origin: null}) is 403, and the form must carry {@link #csrfToken()} as field {@value #CSRF_FIELD} unless the
 * request presents the token as a Bearer header (which a browser never adds on its own, unlike Basic credentials).
 * Slow, idle and greedy clients: {@link ServerLimits} (Jetty reads headers
 * without a thread per connection; header deadline, idle timeout, connection caps in total and per
 * client address).
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    public static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    public static final String TOKEN_KEY = "http.auth.token";
    /** The form field of a POST that carries {@link #csrfToken()}. */
    public static final String CSRF_FIELD = "csrf";
    private static final int MAX_FORM_FIELDS = 16;
    private static final int MAX_FORM_BYTES = 16 * 1024;

    private static final String INDEX = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>GrantWatch</title>
            <style>body{font:15px/1.5 system-ui,sans-serif;margin:2em;max-width:44em}code{background:#f3f3f3;padding:0 .2em}</style>
            </head><body>
            <h1>GrantWatch</h1>
            <ul>
            <li><a href="/dashboard">Dashboard</a>: the drift report of the open findings, live</li>
            <li><a href="/api/findings">/api/findings</a>: open findings as JSON (filters <code>principal</code>, <code>account</code>,
            <code>scenario</code>, <code>cloud</code>, <code>kind</code>, <code>limit</code>); <code>/api/findings/ID</code>: one finding</li>
            <li><a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>: liveness and readiness</li>
            <li><a href="/metrics">/metrics</a>: Prometheus metrics</li>
            </ul>
            <p>/api and /dashboard need the <code>http.auth.token</code> bearer token when one is set.</p>
            </body></html>
            """;

    /** What a route does with one request; it answers with {@link HttpServer#respond}. */
    @FunctionalInterface
    public interface RouteHandler {
        void handle(Exchange exchange) throws IOException;
    }

    /** One request as a route sees it, and its response. */
    public static final class Exchange {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private boolean responded;
        private Map<String, String> form;

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        public String method() {
            return request.getMethod();
        }

        /** The path as sent (still percent-encoded, not normalised). */
        public String rawPath() {
            return request.getHttpURI().getPath();
        }

        /** The path, percent-decoded. */
        public String path() {
            String decoded = request.getHttpURI().getDecodedPath();
            return decoded == null ? rawPath() : decoded;
        }

        /** The query string as sent, or null. */
        public String rawQuery() {
            return request.getHttpURI().getQuery();
        }

        public String header(String name) {
            return request.getHeaders().get(name);
        }

        public void setHeader(String name, String value) {
            response.getHeaders().put(name, value);
        }

        /** The fields of a url-encoded form body (first value of each), read once; empty for other bodies. */
        public Map<String, String> form() {
            if (form == null) {
                Map<String, String> fields = new HashMap<>();
                FormFields.getFields(request, MAX_FORM_FIELDS, MAX_FORM_BYTES).forEach(f -> fields.putIfAbsent(f.getName(), f.getValue()));
                form = fields;
            }
            return form;
        }
    }

    /**
     * A route: {@code exact} = it answers at its own path, {@code subtree} = at {@code path/<one segment>};
     * {@code anyHost} = it answers whatever the Host header names (the operations endpoints probes reach by pod IP).
     */
    private record Entry(RouteHandler handler, boolean authenticated, boolean exact, boolean subtree, boolean anyHost) {
    }

    private final Server server;
    private final byte[] token;
    private final Map<String, Entry> routes = new ConcurrentHashMap<>();
    private final Map<String, Entry> actions = new ConcurrentHashMap<>();
    private final String csrfToken;
    /** Without an API token (loopback only): the configured http.host, the one non-loopback name a Host header may carry. */
    private final String boundHost;

    private HttpServer(String host, int port, ServerLimits limits, String token) {
        this.boundHost = host;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        byte[] csrf = new byte[32];
        new SecureRandom().nextBytes(csrf);
        this.csrfToken = Base64.getUrlEncoder().withoutPadding().encodeToString(csrf);
        this.server = limits.server("grantwatch-http", host, port, new org.eclipse.jetty.server.Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                dispatch(new Exchange(request, response, callback));
                return true;
            }
        }, ServerLimits.ErrorStyle.TEXT);
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
        return start(host, port, health, metrics, apiToken, ServerLimits.DEFAULTS);
    }

    /** As {@link #start(String, int, Health, Metrics, String)}, with other limits against slow and greedy clients. */
    public static HttpServer start(String host, int port, Health health, Metrics metrics, String apiToken, ServerLimits limits) {
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
        HttpServer http = new HttpServer(host, port, limits, apiToken == null || apiToken.isBlank() ? null : apiToken);
        http.operationsRoutes(health, metrics);
        // what the start-up banner points at: where everything is (no event text on this page)
        http.route("/", exchange -> respond(exchange, 200, "text/html; charset=utf-8", INDEX));
        return http.listen(host, port);
    }

    /**
     * The HTTP server of a split role ({@code ingest}, {@code detect}, {@code alert}): {@code /healthz},
     * {@code /readyz} and {@code /metrics} only, the same as {@code run} serves. It serves no findings,
     * so it needs no API token on a non-loopback address (like {@code run}'s own health endpoints).
     */
    public static HttpServer startOperations(String host, int port, Health health, Metrics metrics, String role) {
        HttpServer http = new HttpServer(host, port, ServerLimits.DEFAULTS, null);
        http.operationsRoutes(health, metrics);
        String index = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>GrantWatch " + role
                + "</title></head><body><h1>GrantWatch " + role + "</h1><ul><li><a href=\"/healthz\">/healthz</a>, "
                + "<a href=\"/readyz\">/readyz</a>: liveness and readiness</li><li><a href=\"/metrics\">/metrics</a>: "
                + "Prometheus metrics</li></ul></body></html>\n";
        http.routes.put("/", new Entry(exchange -> respond(exchange, 200, "text/html; charset=utf-8", index), false, true, false, true));
        return http.listen(host, port);
    }

    /** {@code /healthz}, {@code /readyz}, {@code /metrics}: open to any Host name (probes and scrapers use pod IPs and names). */
    private void operationsRoutes(Health health, Metrics metrics) {
        routes.put("/healthz", new Entry(exchange -> respond(exchange, 200, "text/plain; charset=utf-8", "ok\n"), false, true, false, true));
        routes.put("/readyz", new Entry(exchange -> {
            Map<String, Boolean> checks = health.check();
            boolean ready = !checks.isEmpty() && checks.values().stream().allMatch(Boolean::booleanValue);
            respond(exchange, ready ? 200 : 503, "application/json", Health.toJson(ready, checks));
        }, false, true, false, true));
        routes.put("/metrics", new Entry(exchange -> respond(exchange, 200, PROMETHEUS_TYPE, metrics.scrape()), false, true, false, true));
    }

    private HttpServer listen(String host, int port) {
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Cannot listen on " + host + ":" + port + " for HTTP (" + e.getMessage()
                    + "); choose another port with --http-port, or -1 to turn HTTP off", e);
        }
        LOG.info("HTTP on http://{}:{}/ (healthz, readyz, metrics)", host, port());
        return this;
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Adds an unauthenticated GET/HEAD route at exactly {@code path}; the handler writes the response. */
    public void route(String path, RouteHandler handler) {
        routes.put(path, new Entry(handler, false, true, false, false));
    }

    /**
     * Adds a GET/HEAD route that needs the API token (when one is configured), at exactly {@code path} and,
     * with {@code subtree}, at {@code path/<one segment>}.
     */
    public void routeAuthenticated(String path, boolean subtree, RouteHandler handler) {
        routes.put(path, new Entry(handler, true, true, subtree, false));
    }

    /**
     * Adds a POST route (a state change) at exactly {@code path} or, with {@code subtree}, only at {@code path/<one segment>}
     * (a POST to {@code path} itself is then 405): it needs the API token when one is configured and passes the same-origin
     * and CSRF rule of this class.
     */
    public void routeAction(String path, boolean subtree, RouteHandler handler) {
        actions.put(path, new Entry(handler, true, !subtree, subtree, false));
    }

    /** This process's CSRF token: the console's forms carry it as field {@value #CSRF_FIELD}. */
    public String csrfToken() {
        return csrfToken;
    }

    private static Entry find(Map<String, Entry> table, String raw) {
        Entry route = raw == null ? null : table.get(raw);
        if (route != null && !route.exact()) {
            route = null;
        }
        if (route == null && raw != null) {
            int slash = raw.lastIndexOf('/');
            Entry parent = slash > 0 ? table.get(raw.substring(0, slash)) : null;
            String segment = raw.substring(slash + 1);
            if (parent != null && parent.subtree() && !segment.isEmpty() && !segment.equals(".") && !segment.equals("..")
                    && !unsafe(segment)) {
                route = parent;
            }
        }
        return route;
    }

    private void dispatch(Exchange exchange) {
        String raw = exchange.rawPath();
        try {
            Entry read = find(routes, raw);
            Entry write = find(actions, raw);
            if ((read == null || !read.anyHost()) && !hostAllowed(exchange.header("Host"))) {
                respond(exchange, 421, "text/plain; charset=utf-8", "misdirected request: without an API token this server answers only to "
                        + "localhost, 127.x.x.x, [::1] and its http.host\n");
                return;
            }
            if (read == null && write == null) {
                respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
                return;
            }
            String method = exchange.method();
            boolean post = method.equals("POST");
            Entry route = method.equals("GET") || method.equals("HEAD") ? read : post ? write : null;
            if (route == null) {
                exchange.setHeader("Allow", read == null ? "POST" : write == null ? "GET, HEAD" : "GET, HEAD, POST");
                respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
                return;
            }
            if (route.authenticated() && token != null && !authorized(exchange.header("Authorization"))) {
                exchange.setHeader("WWW-Authenticate", "Basic realm=\"GrantWatch\", charset=\"UTF-8\"");
                respond(exchange, 401, "text/plain; charset=utf-8", "authentication required\n");
                return;
            }
            if (post) {
                String refused = crossSite(exchange);
                if (refused != null) {
                    respond(exchange, 403, "text/plain; charset=utf-8", refused + "\n");
                    return;
                }
            }
            route.handler().handle(exchange);
        } catch (RuntimeException e) {
            if (e instanceof HttpException refused && refused.getCode() >= 400 && refused.getCode() < 500) {
                // a body Jetty refuses (a form over the size limit): the client's doing, one quiet line, no stack trace
                LOG.debug("HTTP {} {} refused: {}", exchange.method(), raw, e.getMessage());
                respond(exchange, refused.getCode(), "text/plain; charset=utf-8", refused.getCode() == 413
                        ? "form too large (at most " + MAX_FORM_BYTES + " bytes)\n" : "bad request\n");
            } else {
                LOG.warn("HTTP {} failed", raw, e);
            }
        } catch (IOException e) {
            LOG.warn("HTTP {} failed", raw, e);
        } finally {
            if (!exchange.responded) {
                respond(exchange, 500, "text/plain; charset=utf-8", "internal error\n");
            }
        }
    }

    /**
     * Whether a request naming {@code hostHeader} may be answered (DNS rebinding: a page of another site whose name now
     * resolves to this address sends its own name as Host). Without an API token (loopback only), only a loopback name or
     * literal (localhost, 127.x.x.x, [::1]) or the configured http.host; with a token every request needs the token anyway,
     * which a rebinding page cannot send. No Host header (HTTP/1.0 tools) is not a browser and is allowed.
     */
    boolean hostAllowed(String hostHeader) {
        if (token != null || hostHeader == null) {
            return true;
        }
        String name = hostName(hostHeader);
        if (name == null) {
            return false;
        }
        return name.equals("localhost") || name.equals("[::1]") || name.equalsIgnoreCase(boundHost)
                || name.equalsIgnoreCase("[" + boundHost + "]") || ipv4Loopback(name);
    }

    /** The name of a Host header without its port, lower case; null when it is malformed. */
    private static String hostName(String hostHeader) {
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        int colon = h.startsWith("[") ? h.indexOf("]:") + 1 : h.indexOf(':');
        if (colon > 0) {
            String port = h.substring(colon + 1);
            if (port.isEmpty() || !port.chars().allMatch(Character::isDigit)) {
                return null;
            }
            h = h.substring(0, colon);
        }
        return h.isEmpty() ? null : h;
    }

    private static boolean ipv4Loopback(String name) {
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit) || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Why a POST is refused as cross-site or unverified, or null when it may proceed. */
    private String crossSite(Exchange exchange) {
        String site = exchange.header("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin")) {
            return "cross-site request refused";
        }
        String origin = exchange.header("Origin");
        if (origin != null && !origin.equals("null")) {
            String host = exchange.header("Host");
            String originHost;
            try {
                originHost = URI.create(origin).getRawAuthority();
            } catch (IllegalArgumentException e) {
                originHost = null;
            }
            if (host == null || !host.equalsIgnoreCase(originHost)) {
                return "cross-origin request refused";
            }
        } else if (origin != null) {
            return "opaque origin refused";
        }
        String header = exchange.header("Authorization");
        boolean bearer = token != null && header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && authorized(header);
        String presented = exchange.form().get(CSRF_FIELD);
        if (!bearer && (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                csrfToken.getBytes(StandardCharsets.UTF_8)))) {
            return "missing or stale form token: reload the page and try again";
        }
        return null;
    }

    /** Answers 303 See Other: after a POST the browser loads {@code location} with GET. */
    public static void redirect(Exchange exchange, String location) {
        exchange.setHeader("Location", location);
        respond(exchange, 303, "text/plain; charset=utf-8", "see " + location + "\n");
    }

    /** Encoded slashes, dots and backslashes could make a segment a path again after decoding. */
    private static boolean unsafe(String rawSegment) {
        String s = rawSegment.toLowerCase(Locale.ROOT);
        return s.contains("%2f") || s.contains("%2e") || s.contains("%5c") || s.contains("\\") || s.contains(";") || s.contains("%3b");
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
    /** Writes a whole response with the headers every GrantWatch response carries (once; a second call is ignored). */
    public static void respond(Exchange exchange, int status, String contentType, String body) {
        if (exchange.responded) {
            return;
        }
        exchange.responded = true;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Response response = exchange.response;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        boolean head = exchange.method().equals("HEAD");
        response.write(true, head ? null : ByteBuffer.wrap(bytes), exchange.callback);
    }

    public int port() {
        return ServerLimits.port(server);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (TimeoutException e) {
            LOG.info("HTTP server stopped with requests still under way");
        } catch (Exception e) {
            LOG.warn("Stopping the HTTP server: {}", e.toString());
        }
    }
}
