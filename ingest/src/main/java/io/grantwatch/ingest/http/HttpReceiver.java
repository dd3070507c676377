package io.grantwatch.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.ingest.source.AuditSink;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push delivery over HTTP: EventBridge HTTP targets (CloudEvents), SMN HTTP(S) subscriptions
 * (notifications and the subscription-confirmation handshake), FunctionGraph forwarders and plain
 * JSON in any shape {@link AuditParser} reads.
 *
 * <p>Contract: {@code POST <path>}; authenticated by a shared secret ({@code Authorization: Bearer s},
 * {@code X-GrantWatch-Token: s}, or {@code ?token=s} for senders that cannot set headers, such as SMN)
 * and/or an HMAC ({@code X-GrantWatch-Signature: sha256=<hex HMAC-SHA256 of the body>}). Answers
 * <ul>
 *   <li>200 {@code {"accepted":n,"rejected":m,"skipped":k}} only after Kafka acknowledged every event and
 *   dead-lettered record (acks=all), so a sender that gets anything else retries; {@code skipped} counts
 *   CTS digest files (a pushed digest alone is a 200 with nothing accepted, not a 400);</li>
 *   <li>400 with the reasons when nothing in the body is an audit event (the body also goes to the DLQ);</li>
 *   <li>401 unauthenticated, 405 not POST, 413 body over the limit, 503 Kafka did not acknowledge in time.</li>
 * </ul>
 * {@code GET /healthz} answers 200.
 */
public final class HttpReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpReceiver.class);
    public static final String SIGNATURE_HEADER = "X-GrantWatch-Signature";
    public static final String TOKEN_HEADER = "X-GrantWatch-Token";

    /**
     * @param host             bind address (127.0.0.1 unless told otherwise)
     * @param port             0 = any free port
     * @param path             context path, e.g. {@code /events}
     * @param sharedSecret     accepted as bearer token / header / query token; null = not used
     * @param hmacSecret       HMAC-SHA256 key for {@value #SIGNATURE_HEADER}; null = not used
     * @param maxBodyBytes     larger bodies get 413
     * @param ackTimeout       how long to wait for Kafka before answering 503
     * @param smnConfirmHosts  hosts (or suffixes starting with a dot) whose SMN subscribe_url may be visited
     */
    public record Config(String host, int port, String path, String sharedSecret, String hmacSecret, int maxBodyBytes,
                         Duration ackTimeout, Set<String> smnConfirmHosts) {
        public Config {
            if ((sharedSecret == null || sharedSecret.isEmpty()) && (hmacSecret == null || hmacSecret.isEmpty())) {
                throw new IllegalArgumentException("the HTTP receiver needs a shared secret or an HMAC secret");
            }
            smnConfirmHosts = smnConfirmHosts == null ? Set.of(".myhuaweicloud.com", ".huaweicloud.com", ".otc.t-systems.com")
                    : Set.copyOf(smnConfirmHosts);
        }

        public static Config of(int port, String sharedSecret, String hmacSecret) {
            return new Config("127.0.0.1", port, "/events", sharedSecret, hmacSecret, 5 * 1024 * 1024,
                    Duration.ofSeconds(30), null);
        }
    }

    private final Config config;
    private final AuditParser parser;
    private final AuditSink sink;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public HttpReceiver(Config config, AuditParser parser, AuditSink sink) throws IOException {
        this.config = config;
        this.parser = parser;
        this.sink = sink;
        // The JDK server writes headers and body as two segments; without TCP_NODELAY each response waits for
        // the client's delayed ACK (~40 ms on Linux). Read when the first server is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "grantwatch-http-receiver");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(config.path(), this::handle);
        server.createContext("/healthz", ex -> respond(ex, 200, "{\"status\":\"ok\"}"));
    }

    public HttpReceiver start() {
        server.start();
        LOG.info("HTTP receiver on http://{}:{}{}", config.host(), port(), config.path());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String name() {
        return "http";
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            if (!"POST".equalsIgnoreCase(ex.getRequestMethod())) {
                respond(ex, 405, error("POST only"));
                return;
            }
            byte[] body = readBody(ex.getRequestBody(), config.maxBodyBytes());
            if (body == null) {
                // Drain a bounded amount so the client reads the 413 instead of a reset connection.
                drain(ex.getRequestBody(), 16L * 1024 * 1024);
                respond(ex, 413, error("body larger than " + config.maxBodyBytes() + " bytes"));
                return;
            }
            if (!authenticated(ex, body)) {
                respond(ex, 401, error("unauthenticated"));
                return;
            }
            String requestId = requestId(ex);
            String smnType = ex.getRequestHeaders().getFirst("X-SMN-MESSAGE-TYPE");
            JsonNode smn = smnControl(smnType, body);
            if (smn != null) {
                confirmSmn(ex, smn);
                return;
            }
            AuditParser.Result result = parser.parse(body, "http:" + requestId, Hints.NONE);
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (AuditEvent e : result.events()) {
                acks.add(sink.send(name(), e));
            }
            for (RejectedRecord r : result.rejected()) {
                acks.add(sink.deadLetter(name(), r));
            }
            // A pushed CTS digest (integrity verification) is no event and no bad input: counted, answered 200.
            result.skipped().forEach(s -> sink.counters().skipped(name()));
            try {
                CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0]))
                        .get(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                LOG.warn("Request {}: Kafka did not acknowledge, answering 503: {}", requestId, e.toString());
                respond(ex, 503, error("not stored, retry"));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                respond(ex, 503, error("interrupted, retry"));
                return;
            }
            if (result.events().isEmpty() && !result.rejected().isEmpty()) {
                List<String> reasons = result.rejected().stream().limit(10).map(RejectedRecord::toString).toList();
                respond(ex, 400, Json.wire().writeValueAsString(new Answer(0, result.rejected().size(), result.skipped().size(), reasons)));
                return;
            }
            respond(ex, 200, Json.wire().writeValueAsString(new Answer(result.events().size(), result.rejected().size(),
                    result.skipped().size(), List.of())));
        } catch (RuntimeException e) {
            LOG.warn("HTTP receiver failed on a request: {}", e.toString());
            respond(ex, 500, error("internal error"));
        } finally {
            ex.close();
        }
    }

    /** The JSON answer; {@code skipped}: CTS digests in the body, neither accepted nor rejected. */
    public record Answer(int accepted, int rejected, int skipped, List<String> reasons) {
    }

    private static void drain(InputStream in, long max) {
        byte[] buf = new byte[16384];
        long total = 0;
        try {
            int n;
            while (total < max && (n = in.read(buf)) > 0) {
                total += n;
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    private static String requestId(HttpExchange ex) {
        for (String h : List.of("X-Request-Id", "X-SMN-MESSAGE-ID", "ce-id")) {
            String v = ex.getRequestHeaders().getFirst(h);
            if (v != null && v.length() <= 128 && v.matches("[A-Za-z0-9._:\\-]+")) {
                return v;
            }
        }
        return UUID.randomUUID().toString();
    }

    private static byte[] readBody(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (out.size() + n > max) {
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    boolean authenticated(HttpExchange ex, byte[] body) {
        boolean ok = false;
        if (config.hmacSecret() != null && !config.hmacSecret().isEmpty()) {
            String sig = ex.getRequestHeaders().getFirst(SIGNATURE_HEADER);
            if (sig != null) {
                String hex = sig.trim().toLowerCase(Locale.ROOT);
                if (hex.startsWith("sha256=")) {
                    hex = hex.substring(7);
                }
                ok = MessageDigest.isEqual(hex.getBytes(StandardCharsets.US_ASCII),
                        hmacHex(config.hmacSecret(), body).getBytes(StandardCharsets.US_ASCII));
            }
        }
        if (!ok && config.sharedSecret() != null && !config.sharedSecret().isEmpty()) {
            List<String> candidates = new ArrayList<>();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                candidates.add(auth.substring(7).trim());
            }
            String token = ex.getRequestHeaders().getFirst(TOKEN_HEADER);
            if (token != null) {
                candidates.add(token.trim());
            }
            String q = ex.getRequestURI().getRawQuery();
            if (q != null) {
                for (String kv : q.split("&")) {
                    if (kv.startsWith("token=")) {
                        candidates.add(URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8));
                    }
                }
            }
            byte[] expected = config.sharedSecret().getBytes(StandardCharsets.UTF_8);
            for (String c : candidates) {
                ok |= MessageDigest.isEqual(c.getBytes(StandardCharsets.UTF_8), expected);
            }
        }
        return ok;
    }

    /** Hex HMAC-SHA256 of a body: what a forwarder puts in {@value #SIGNATURE_HEADER} (after {@code sha256=}). */
    public static String hmacHex(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode smnControl(String headerType, byte[] body) {
        if (headerType != null && headerType.equalsIgnoreCase("Notification")) {
            return null;
        }
        try {
            JsonNode n = Json.wire().readTree(body);
            if (n != null && n.isObject()) {
                String type = n.path("type").asText("");
                if ((type.equalsIgnoreCase("SubscriptionConfirmation") || type.equalsIgnoreCase("UnsubscribeConfirmation"))
                        && (n.has("subscribe_url") || n.has("unsubscribe_url") || n.has("topic_urn"))) {
                    return n;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /**
     * SMN's handshake: visiting subscribe_url confirms the subscription. The URL comes from the body,
     * so it is visited only on an allowed host (no request forgery towards internal addresses).
     */
    private void confirmSmn(HttpExchange ex, JsonNode msg) throws IOException {
        String type = msg.path("type").asText();
        if (type.equalsIgnoreCase("UnsubscribeConfirmation")) {
            LOG.warn("SMN topic {} unsubscribed this endpoint", msg.path("topic_urn").asText("?"));
            respond(ex, 200, "{\"status\":\"unsubscribe noted\"}");
            return;
        }
        String url = msg.path("subscribe_url").asText("");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            respond(ex, 400, error("SMN subscribe_url is not a URL"));
            return;
        }
        if (uri.getHost() == null || !hostAllowed(uri.getHost()) || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            respond(ex, 400, error("SMN subscribe_url host is not allowed: " + io.grantwatch.model.redact.Redactor.text(String.valueOf(uri.getHost()))));
            return;
        }
        try {
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 != 2) {
                respond(ex, 502, error("SMN did not confirm: HTTP " + r.statusCode()));
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(ex, 503, error("interrupted"));
            return;
        } catch (IOException e) {
            respond(ex, 502, error("cannot reach SMN to confirm"));
            return;
        }
        LOG.info("Confirmed SMN subscription to {}", msg.path("topic_urn").asText("?"));
        respond(ex, 200, "{\"status\":\"subscription confirmed\"}");
    }

    private boolean hostAllowed(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String allowed : config.smnConfirmHosts()) {
            String a = allowed.toLowerCase(Locale.ROOT);
            if (a.startsWith(".") ? h.endsWith(a) : h.equals(a)) {
                return true;
            }
        }
        return false;
    }

    private static String error(String reason) {
        try {
            return Json.wire().writeValueAsString(java.util.Map.of("error", reason));
        } catch (IOException e) {
            return "{\"error\":\"error\"}";
        }
    }

    private static void respond(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
