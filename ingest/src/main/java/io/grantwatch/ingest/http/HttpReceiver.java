package io.grantwatch.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.ingest.source.AuditSink;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push delivery over HTTP: EventBridge HTTP targets (CloudEvents), SMN HTTP(S) subscriptions
 * (notifications and the subscription-confirmation handshake), FunctionGraph forwarders and plain
 * JSON in any shape {@link AuditParser} reads.
 *
 * <p>Contract: {@code POST <path>} (that exact path; anything else is 404); authenticated by
 * <ul>
 *   <li>a Standard Webhooks signature (preferred): headers {@code webhook-id}, {@code webhook-timestamp}
 *   (Unix seconds) and {@code webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>}; a timestamp
 *   more than {@link Config#signatureTolerance()} away from now is refused, and so is an id seen before
 *   (replay); or</li>
 *   <li>a shared secret in a header ({@code Authorization: Bearer s} or {@code X-GrantWatch-Token: s}); or</li>
 *   <li>for SMN only, which cannot set headers: {@code ?token=s} on a request whose
 *   {@code X-SMN-MESSAGE-TYPE} header is one of SMN's message types ({@code SubscriptionConfirmation},
 *   {@code Notification}, {@code UnsubscribeConfirmation}). A query token on any other request is ignored.
 *   Only a {@code SubscriptionConfirmation} (header and body agreeing) makes the receiver visit the body's
 *   {@code subscribe_url}, and only on an allowed host.</li>
 * </ul>
 * Headers are checked before the body is read: a request without valid credentials (or with a stale or
 * replayed signature) is answered 401 without reading its body. Answers
 * <ul>
 *   <li>200 {@code {"accepted":n,"rejected":m,"skipped":k}} only after Kafka acknowledged every event and
 *   dead-lettered record (acks=all), so a sender that gets anything else retries; {@code skipped} counts
 *   CTS digest files (a pushed digest alone is a 200 with nothing accepted, not a 400);</li>
 *   <li>400 with the reasons when nothing in the body is an audit event (the body also goes to the DLQ);
 *   at most {@link Config#maxDeadLetters()} dead letters per request, the rest summarised in one more;</li>
 *   <li>401 unauthenticated, 404 another path, 405 not POST, 408 the body did not arrive within
 *   {@link ServerLimits#bodyTimeout()}, 413 body over the limit, more than {@link Config#maxRecords()}
 *   records, or a gzip body decompressing to more than {@link Config#maxExpandedBytes()} (records of a gzip
 *   body are counted decompressed; one dead letter says why), 429 too many requests under way from one
 *   client, 503 with Retry-After when Kafka did not acknowledge in time (or could not be reached within the
 *   producer's max.block.ms).</li>
 * </ul>
 * A signed attempt answered 503 stays pending with its sends: a retry of its webhook-id waits for them
 * (at most {@link Config#ackTimeout()}, then 503 again), is answered 200 {@code "already accepted"} without a
 * second copy once Kafka stored them late, and is taken only when they definitively failed. Refused requests
 * are logged under {@link io.grantwatch.ingest.source.LogBudget}'s rule, escaped, without credentials.
 * Served by Jetty with {@link Config#limits()} (slow, idle and greedy clients: see {@link ServerLimits});
 * no thread waits for a body or for Kafka's acknowledgement. {@code GET /healthz} answers 200.
 */
public final class HttpReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpReceiver.class);

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    public static final String TOKEN_HEADER = "X-GrantWatch-Token";
    /** SMN's header naming the kind of message it pushes. */
    public static final String SMN_TYPE_HEADER = "X-SMN-MESSAGE-TYPE";
    static final String SMN_SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";
    static final String SMN_UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";
    /** The values SMN documents for {@value #SMN_TYPE_HEADER} on HTTP(S) subscriptions. */
    static final Set<String> SMN_MESSAGE_TYPES = Set.of(SMN_SUBSCRIPTION_CONFIRMATION, "Notification",
            SMN_UNSUBSCRIBE_CONFIRMATION);
    /** Ids of accepted signed requests remembered at most (the oldest go first). */
    static final int MAX_REMEMBERED_IDS = 100_000;

    /**
     * @param host               bind address (127.0.0.1 unless told otherwise)
     * @param port               0 = any free port
     * @param path               the exact path, e.g. {@code /events}
     * @param sharedSecret       accepted in {@code Authorization: Bearer} / {@value #TOKEN_HEADER} (and SMN's query token); null = not used
     * @param hmacSecret         Standard Webhooks key ({@code whsec_<base64>} or plain text); null = not used
     * @param maxBodyBytes       larger bodies get 413
     * @param ackTimeout         how long to wait for Kafka before answering 503
     * @param smnConfirmHosts    hosts (or suffixes starting with a dot) whose SMN subscribe_url may be visited
     * @param signatureTolerance how far a {@code webhook-timestamp} may be from now
     * @param maxRecords         records (events and rejects) one request may carry; more: 413
     * @param maxDeadLetters     dead letters one request may produce; the rest are summarised in one
     * @param maxPerClient       requests one client address may have under way at once; more: 429
     * @param limits             connections, timeouts and threads of the server
     * @param stateDir           where the ids of accepted signed requests are kept across restarts (see
     *                           {@link ReplayCache}); null = in memory only, so a request captured before a restart
     *                           can be replayed after it within the signature tolerance
     * @param maxExpandedBytes   a gzip body may decompress to at most this many bytes; more: 413 (its records are
     *                           counted decompressed, against {@code maxRecords})
     */
    public record Config(String host, int port, String path, String sharedSecret, String hmacSecret, int maxBodyBytes,
                         Duration ackTimeout, Set<String> smnConfirmHosts, Duration signatureTolerance, int maxRecords,
                         int maxDeadLetters, int maxPerClient, ServerLimits limits, Path stateDir, long maxExpandedBytes) {
        public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
        public static final int DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
        public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(30);
        public static final int DEFAULT_MAX_RECORDS = 10_000;
        public static final int DEFAULT_MAX_DEAD_LETTERS = 100;
        public static final int DEFAULT_MAX_PER_CLIENT = 4;
        public static final long DEFAULT_MAX_EXPANDED_BYTES = 64L * 1024 * 1024;

        public Config {
            if ((sharedSecret == null || sharedSecret.isEmpty()) && (hmacSecret == null || hmacSecret.isEmpty())) {
                throw new IllegalArgumentException("the HTTP receiver needs a shared secret or an HMAC secret: --http-secret / "
                        + "GRANTWATCH_HTTP_SECRET, or --http-hmac-secret / GRANTWATCH_HTTP_HMAC_SECRET");
            }
            smnConfirmHosts = smnConfirmHosts == null ? Set.of(".myhuaweicloud.com", ".huaweicloud.com", ".otc.t-systems.com")
                    : Set.copyOf(smnConfirmHosts);
            signatureTolerance = signatureTolerance == null ? DEFAULT_TOLERANCE : signatureTolerance;
            ackTimeout = ackTimeout == null ? DEFAULT_ACK_TIMEOUT : ackTimeout;
            limits = limits == null ? ServerLimits.DEFAULTS : limits;
            if (maxBodyBytes < 1 || maxRecords < 1 || maxDeadLetters < 1 || maxPerClient < 1 || maxExpandedBytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes, maxRecords, maxDeadLetters, maxPerClient and maxExpandedBytes "
                        + "must be positive");
            }
            if (hmacSecret != null && !hmacSecret.isEmpty()) {
                hmacKey(hmacSecret); // a whsec_ key that is not one fails here, at start, not on every request
            }
        }

        public Config(String host, int port, String path, String sharedSecret, String hmacSecret, int maxBodyBytes,
                      Duration ackTimeout, Set<String> smnConfirmHosts, Duration signatureTolerance, int maxRecords,
                      int maxDeadLetters, int maxPerClient, ServerLimits limits, Path stateDir) {
            this(host, port, path, sharedSecret, hmacSecret, maxBodyBytes, ackTimeout, smnConfirmHosts, signatureTolerance,
                    maxRecords, maxDeadLetters, maxPerClient, limits, stateDir, DEFAULT_MAX_EXPANDED_BYTES);
        }

        public Config(String host, int port, String path, String sharedSecret, String hmacSecret, int maxBodyBytes,
                      Duration ackTimeout, Set<String> smnConfirmHosts) {
            this(host, port, path, sharedSecret, hmacSecret, maxBodyBytes, ackTimeout, smnConfirmHosts, DEFAULT_TOLERANCE,
                    DEFAULT_MAX_RECORDS, DEFAULT_MAX_DEAD_LETTERS, DEFAULT_MAX_PER_CLIENT, ServerLimits.DEFAULTS, null);
        }

        public static Config of(int port, String sharedSecret, String hmacSecret) {
            return new Config("127.0.0.1", port, "/events", sharedSecret, hmacSecret, DEFAULT_MAX_BODY_BYTES,
                    DEFAULT_ACK_TIMEOUT, null);
        }

        public Config withLimits(int maxRecords, int maxDeadLetters) {
            return new Config(host, port, path, sharedSecret, hmacSecret, maxBodyBytes, ackTimeout, smnConfirmHosts,
                    signatureTolerance, maxRecords, maxDeadLetters, maxPerClient, limits, stateDir, maxExpandedBytes);
        }

        public Config withServerLimits(ServerLimits limits) {
            return new Config(host, port, path, sharedSecret, hmacSecret, maxBodyBytes, ackTimeout, smnConfirmHosts,
                    signatureTolerance, maxRecords, maxDeadLetters, maxPerClient, limits, stateDir, maxExpandedBytes);
        }

        public Config withMaxExpandedBytes(long maxExpandedBytes) {
            return new Config(host, port, path, sharedSecret, hmacSecret, maxBodyBytes, ackTimeout, smnConfirmHosts,
                    signatureTolerance, maxRecords, maxDeadLetters, maxPerClient, limits, stateDir, maxExpandedBytes);
        }

        public Config withAckTimeout(Duration ackTimeout) {
            return new Config(host, port, path, sharedSecret, hmacSecret, maxBodyBytes, ackTimeout, smnConfirmHosts,
                    signatureTolerance, maxRecords, maxDeadLetters, maxPerClient, limits, stateDir, maxExpandedBytes);
        }

        public Config withStateDir(Path stateDir) {
            return new Config(host, port, path, sharedSecret, hmacSecret, maxBodyBytes, ackTimeout, smnConfirmHosts,
                    signatureTolerance, maxRecords, maxDeadLetters, maxPerClient, limits, stateDir, maxExpandedBytes);
        }
    }

    private final Config config;
    private final AuditParser parser;
    private final AuditSink sink;
    private final Server server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ReplayCache replays;
    private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();
    private final AtomicLong bodyTimeouts = new AtomicLong();
    private final Clock clock;
    /**
     * Signed requests whose records were handed to Kafka and not yet all acknowledged (or failed), by webhook-id;
     * each future completes true once all were stored, false once one definitively failed. A retry of such an id
     * waits for it instead of sending the records a second time.
     */
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> pending = new ConcurrentHashMap<>();
    /** Refused requests: logged by {@link io.grantwatch.ingest.source.LogBudget}'s rule, not one line each. */
    private final io.grantwatch.ingest.source.LogBudget refusals = new io.grantwatch.ingest.source.LogBudget(REFUSALS_PER_MINUTE,
            n -> LOG.warn("Refused {} more unauthenticated, stale or replayed requests (counted, not logged one by one)", n));
    /** Refused requests logged one by one per minute. */
    static final int REFUSALS_PER_MINUTE = 20;
    /** Seconds a 503 asks the sender to wait before retrying. */
    static final int RETRY_AFTER_SECONDS = 5;

    public HttpReceiver(Config config, AuditParser parser, AuditSink sink) throws IOException {
        this(config, parser, sink, Clock.systemUTC());
    }

    HttpReceiver(Config config, AuditParser parser, AuditSink sink, Clock clock) throws IOException {
        this.config = config;
        this.parser = parser;
        this.sink = sink;
        this.clock = clock;
        this.replays = config.stateDir() == null ? new ReplayCache(MAX_REMEMBERED_IDS)
                : ReplayCache.persistent(config.stateDir(), MAX_REMEMBERED_IDS, clock.instant().getEpochSecond());
        this.server = config.limits().server("grantwatch-http-receiver", config.host(), config.port(), new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                dispatch(new Exchange(request, response, callback));
                return true;
            }
        }, ServerLimits.ErrorStyle.JSON);
    }

    /** Binds and starts; a port in use (or any other failure to listen) is an IOException. */
    public HttpReceiver start() throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new IOException("cannot start the HTTP receiver on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        LOG.info("HTTP receiver on http://{}:{}{}", config.host(), port(), config.path());
        return this;
    }

    public int port() {
        return ServerLimits.port(server);
    }

    public String name() {
        return "http";
    }

    /** One request: its response is written once, by whichever stage gets there first. */
    private static final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        private final AtomicBoolean answered = new AtomicBoolean();

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        String header(String name) {
            return request.getHeaders().get(name);
        }

        void close() {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }

        /** 503 with Retry-After: nothing (or not everything) is stored yet; the sender retries the same request. */
        void unavailable(String reason) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
            respond(503, error(reason));
        }

        void respond(int status, String json) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, b.length);
            response.write(true, ByteBuffer.wrap(b), callback);
        }

        /** The client went away: nothing to answer. */
        void abort(Throwable failure) {
            if (answered.compareAndSet(false, true)) {
                callback.failed(failure);
            }
        }
    }

    private void dispatch(Exchange ex) {
        // Exact matching on the raw path: /eventsXYZ, /events/, /events/../x are not /events.
        String p = ex.request.getHttpURI().getPath();
        try {
            if (config.path().equals(p)) {
                handle(ex);
            } else if ("/healthz".equals(p)) {
                ex.respond(200, "{\"status\":\"ok\"}");
            } else {
                ex.respond(404, error("not found"));
            }
        } catch (RuntimeException e) {
            LOG.warn("HTTP receiver failed on a request: {}", e.toString());
            ex.respond(500, error("internal error"));
        }
    }

    private void handle(Exchange ex) {
        String client = Request.getRemoteAddr(ex.request);
        if (perClient.merge(client, 1, Integer::sum) > config.maxPerClient()) {
            release(client);
            ex.close();
            ex.respond(429, error("too many requests under way from this address"));
            return;
        }
        Request.addCompletionListener(ex.request, failure -> release(client));
        if (!"POST".equalsIgnoreCase(ex.request.getMethod())) {
            ex.respond(405, error("POST only"));
            return;
        }
        Auth auth = authenticateHeaders(ex, client);
        if (auth == Auth.REFUSED) {
            // The body is not read: a client without credentials cannot make the server wait for it.
            ex.close();
            ex.respond(401, error("unauthenticated"));
            return;
        }
        BodyReader.read(ex.request, config.maxBodyBytes(), config.limits().bodyTimeout(), server.getScheduler())
                .whenComplete((body, failure) -> {
                    try {
                        if (failure == null) {
                            received(ex, auth, body);
                        } else if (failure instanceof BodyReader.TooLarge) {
                            ex.close();
                            ex.respond(413, error("body larger than " + config.maxBodyBytes() + " bytes"));
                        } else if (failure instanceof BodyReader.TimedOut) {
                            long n = bodyTimeouts.incrementAndGet();
                            if (n == 1 || n % 1000 == 0) {
                                LOG.warn("Answered 408 to {}: the body did not arrive within {} ({} so far)", client,
                                        config.limits().bodyTimeout(), n);
                            }
                            ex.close();
                            ex.respond(408, error("the body did not arrive within " + config.limits().bodyTimeout().toSeconds() + " s"));
                        } else {
                            ex.abort(failure);
                        }
                    } catch (RuntimeException | IOException e) {
                        LOG.warn("HTTP receiver failed on a request: {}", e.toString());
                        ex.respond(500, error("internal error"));
                    }
                });
    }

    /** The whole body is here: check the signature, then store what it holds and answer once Kafka acknowledged. */
    private void received(Exchange ex, Auth auth, byte[] body) throws IOException {
        Delivery delivery = null;
        if (auth == Auth.SIGNATURE_PENDING) {
            if (!signatureValid(ex, body)) {
                refused(ex, "bad signature");
                ex.respond(401, error("unauthenticated"));
                return;
            }
            delivery = new Delivery(ex.header(ID_HEADER), Long.parseLong(ex.header(TIMESTAMP_HEADER)));
            if (!claim(ex, delivery, body)) {
                return;
            }
        }
        try {
            store(ex, body, delivery);
        } catch (IOException | RuntimeException e) {
            if (delivery != null) {
                delivery.settle(false); // nothing handed on settles it otherwise: the id would stay pending
            }
            throw e;
        }
    }

    /**
     * Makes {@code d} the one attempt under way for its webhook-id, or answers for the id: 2xx when its records
     * were already stored by an attempt answered 503 (Kafka acknowledged late), 401 when it was accepted and
     * answered (a replay), or, while an earlier attempt still waits for Kafka, what that attempt comes to (at
     * most {@link Config#ackTimeout()}, then 503 again). An earlier attempt that definitively failed forgot the
     * id: this one is taken.
     *
     * @return true when {@code d} is the attempt to store the body
     */
    private boolean claim(Exchange ex, Delivery d, byte[] body) {
        CompletableFuture<Boolean> earlier = pending.putIfAbsent(d.id, d.slot);
        if (earlier != null) {
            earlier.copy().orTimeout(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .whenCompleteAsync((stored, failure) -> {
                        try {
                            if (failure != null) {
                                ex.unavailable("an earlier attempt of this webhook-id still waits for Kafka, retry");
                            } else if (stored) {
                                alreadyAccepted(ex);
                            } else {
                                received(ex, Auth.SIGNATURE_PENDING, body); // the earlier one failed: this one is taken
                            }
                        } catch (IOException | RuntimeException e) {
                            LOG.warn("HTTP receiver failed on a request: {}", e.toString());
                            ex.respond(500, error("internal error"));
                        }
                    }, server.getThreadPool());
            return false;
        }
        // claimed; an attempt that ended between the header check and here left its verdict in the cache
        long now = clock.instant().getEpochSecond();
        if (replays.seen(d.id, now)) {
            boolean late = replays.acceptedLate(d.id, now) || retried(d.id, d.timestamp, now);
            pending.remove(d.id, d.slot);
            d.slot.complete(true);
            if (late) {
                alreadyAccepted(ex);
            } else {
                refused(ex, "replayed webhook-id");
                ex.respond(401, error("unauthenticated"));
            }
            return false;
        }
        return true;
    }

    /**
     * Whether a request for an accepted id is the sender's retry rather than a replay: Standard Webhooks senders sign
     * each attempt with its own time, so a retry carries a timestamp after the accepted attempt was stored (its answer
     * was lost: a crash, a cut connection), while a captured request carries the old one. The retry gets 200 "already
     * accepted" and nothing is stored again.
     */
    private boolean retried(String id, long timestamp, long now) {
        Long until = replays.until(id, now);
        return until != null && timestamp > until - config.signatureTolerance().toSeconds();
    }

    private static void alreadyAccepted(Exchange ex) {
        ex.respond(200, "{\"accepted\":0,\"rejected\":0,\"skipped\":0,\"status\":\"already accepted\"}");
    }

    /** Stores what the body holds and answers once Kafka acknowledged; {@code d}: the signed attempt, or null. */
    private void store(Exchange ex, byte[] body, Delivery d) throws IOException {
        String requestId = requestId(ex);
        String smnType = ex.header(SMN_TYPE_HEADER);
        JsonNode smn = smnControl(smnType, body);
        if (smn != null) {
            if (d != null) {
                d.settle(false); // nothing stored: a retry of the id is taken
            }
            confirmSmn(ex, smn);
            return;
        }
        String location = "http:" + requestId;
        boolean gzip = body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
        long records;
        try {
            // a gzip body is counted as it decompresses (8.8 KB of gzip can hold 3 million records), and its
            // decompressed size is capped on the way
            records = gzip ? RecordCount.atMost(io.grantwatch.ingest.parse.LimitedInputStream.gunzip(
                    new ByteArrayInputStream(body), config.maxExpandedBytes()), config.maxRecords() + 1L)
                    : RecordCount.atMost(body, config.maxRecords() + 1L);
        } catch (io.grantwatch.ingest.parse.LimitedInputStream.LimitExceeded e) {
            refuseWhole(ex, d, location, body, "gzip body decompresses to more than " + config.maxExpandedBytes()
                    + " bytes (the limit of a decompressed body)", "the decompressed body is larger than "
                    + config.maxExpandedBytes() + " bytes (ingest.http.max.decompressed.bytes)");
            return;
        } catch (IOException e) {
            records = 0; // not gzip after all, or damaged: the parser says what is wrong with it
        }
        if (records > config.maxRecords()) {
            // Parsing would build one object per record (a body of [{},{},...] is 1.7 million of them):
            // refused whole, one dead letter says why.
            refuseWhole(ex, d, location, body, "more than " + config.maxRecords() + " records in one request (" + body.length
                    + " bytes" + (gzip ? ", gzip" : "") + ")", "more than " + config.maxRecords() + " records in one request");
            return;
        }
        AuditParser.Result result = parser.parse(body, location, Hints.NONE);
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        List<RejectedRecord> rejected = result.rejected();
        int deadLettered = Math.min(rejected.size(), config.maxDeadLetters());
        sending:
        {
            for (AuditEvent e : result.events()) {
                if (!sent(acks, sink.send(name(), e))) {
                    break sending;
                }
            }
            for (RejectedRecord r : rejected.subList(0, deadLettered)) {
                if (!sent(acks, sink.deadLetter(name(), r))) {
                    break sending;
                }
            }
            if (rejected.size() > deadLettered) {
                sent(acks, sink.deadLetter(name(), new RejectedRecord(location, -1, -1, (rejected.size() - deadLettered)
                        + " more rejected records in this request, not dead-lettered one by one (limit "
                        + config.maxDeadLetters() + "); first reason: " + rejected.get(deadLettered).reason(), new byte[0])));
            }
        }
        // A pushed CTS digest (integrity verification) is no event and no bad input: counted, answered 200.
        result.skipped().forEach(s -> sink.counters().skipped(name()));
        String answer;
        int status;
        if (result.events().isEmpty() && !rejected.isEmpty()) {
            List<String> reasons = rejected.stream().limit(10).map(RejectedRecord::toString).toList();
            status = 400;
            answer = Json.wire().writeValueAsString(new Answer(0, rejected.size(), result.skipped().size(), reasons));
        } else {
            status = 200;
            answer = Json.wire().writeValueAsString(new Answer(result.events().size(), rejected.size(),
                    result.skipped().size(), List.of()));
        }
        whenAcknowledged(ex, requestId, d, acks, () -> ex.respond(status, answer));
    }

    /**
     * Adds a send; false when it failed at once (Kafka unreachable for longer than the producer may block, its
     * buffer full): the rest of the request is then not sent, so that one request blocks a thread once, not once
     * per record.
     */
    private static boolean sent(List<CompletableFuture<Void>> acks, CompletableFuture<Void> ack) {
        acks.add(ack);
        return !ack.isCompletedExceptionally();
    }

    /** A request refused whole (413): one dead letter says why, with the start of the body, redacted. */
    private void refuseWhole(Exchange ex, Delivery d, String location, byte[] body, String reason, String answer) {
        RejectedRecord summary = new RejectedRecord(location, -1, -1, "request refused: " + reason,
                io.grantwatch.model.redact.Redactor.text(head(body)).getBytes(StandardCharsets.UTF_8));
        ex.close();
        whenAcknowledged(ex, location, d, List.of(sink.deadLetter(name(), summary)), () -> ex.respond(413, error(answer)));
    }

    /** The first 4 KiB of what a refused body says, as text: a gzip body's decompressed start (its bytes read as text are noise). */
    private static String head(byte[] body) {
        boolean gzip = body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
        if (!gzip) {
            return new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(a gzip body that does not decompress: " + e.getMessage() + ")";
        }
    }

    private void release(String client) {
        perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * One signed attempt (webhook-id) whose records go to Kafka. It is settled once, when every send has
     * finished: stored, the id is remembered (as accepted late when the sender was told 503 meanwhile, so that
     * its retry gets 2xx without a second copy); not stored, the id is forgotten and a retry is taken.
     */
    private final class Delivery {
        final String id;
        final long timestamp;
        final CompletableFuture<Boolean> slot = new CompletableFuture<>();
        private boolean settled;
        private boolean stored;
        private boolean answeredUnavailable;

        Delivery(String id, long timestamp) {
            this.id = id;
            this.timestamp = timestamp;
        }

        synchronized void settle(boolean stored) {
            if (settled) {
                return;
            }
            settled = true;
            this.stored = stored;
            if (stored) {
                rememberSigned(id, timestamp, answeredUnavailable);
            } else {
                replays.forget(id);
            }
            pending.remove(id, slot);
            slot.complete(stored);
        }

        /** Before answering 503: false when the records were stored after all (then the answer is the 2xx). */
        synchronized boolean markUnavailable() {
            if (settled && stored) {
                return false;
            }
            answeredUnavailable = true;
            return true;
        }
    }

    /**
     * Answers with {@code then} once Kafka acknowledged every send, or 503 when one failed or the
     * acknowledgements took longer than {@link Config#ackTimeout()}; no thread waits meanwhile. A signed
     * attempt ({@code d}) is settled when every send has finished, however long after the answer that is.
     */
    private void whenAcknowledged(Exchange ex, String requestId, Delivery d, List<CompletableFuture<Void>> acks, Runnable then) {
        Executor executor = server.getThreadPool();
        CompletableFuture<Void> all = CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0]));
        if (d != null) {
            CompletableFuture.allOf(acks.stream().map(f -> f.handle((v, e) -> null)).toArray(CompletableFuture<?>[]::new))
                    .whenComplete((v, e) -> d.settle(!all.isCompletedExceptionally()));
        }
        all.copy().orTimeout(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((ok, failure) -> {
                    if (failure == null) {
                        if (d != null) {
                            d.settle(true); // remembered before the answer: a replay right after it is refused
                        }
                        then.run();
                        return;
                    }
                    if (d != null && !d.markUnavailable()) {
                        then.run(); // stored just now
                        return;
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    LOG.warn("Request {}: Kafka did not acknowledge, answering 503: {}", requestId,
                            cause instanceof TimeoutException ? "no acknowledgement within " + config.ackTimeout() : cause.toString());
                    ex.unavailable("not stored, retry");
                }, executor);
    }

    /** The JSON answer; {@code skipped}: CTS digests in the body, neither accepted nor rejected. */
    public record Answer(int accepted, int rejected, int skipped, List<String> reasons) {
    }

    private static String requestId(Exchange ex) {
        for (String h : List.of("X-Request-Id", "X-SMN-MESSAGE-ID", "ce-id")) {
            String v = ex.header(h);
            if (v != null && v.length() <= 128 && v.matches("[A-Za-z0-9._:\\-]+")) {
                return v;
            }
        }
        return UUID.randomUUID().toString();
    }

    private enum Auth { TOKEN, SIGNATURE_PENDING, REFUSED }

    /**
     * What the headers allow before the body is read: a valid shared secret; or a signature whose id and
     * timestamp pass (checked against the body afterwards); or nothing.
     */
    private Auth authenticateHeaders(Exchange ex, String client) {
        if (config.sharedSecret() != null && !config.sharedSecret().isEmpty()) {
            List<String> candidates = new ArrayList<>();
            String auth = ex.header("Authorization");
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                candidates.add(auth.substring(7).trim());
            }
            String token = ex.header(TOKEN_HEADER);
            if (token != null) {
                candidates.add(token.trim());
            }
            // SMN subscriptions cannot set headers: a query token only on SMN's own messages, those whose
            // X-SMN-MESSAGE-TYPE is one of SMN's message types (not any value of the header).
            String q = ex.request.getHttpURI().getQuery();
            String smnType = ex.header(SMN_TYPE_HEADER);
            if (q != null && smnType != null && SMN_MESSAGE_TYPES.contains(smnType)) {
                for (String kv : q.split("&")) {
                    if (kv.startsWith("token=")) {
                        candidates.add(URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8));
                    }
                }
            }
            byte[] expected = config.sharedSecret().getBytes(StandardCharsets.UTF_8);
            boolean ok = false;
            for (String c : candidates) {
                ok |= MessageDigest.isEqual(c.getBytes(StandardCharsets.UTF_8), expected);
            }
            if (ok) {
                return Auth.TOKEN;
            }
        }
        if (config.hmacSecret() != null && !config.hmacSecret().isEmpty()) {
            String id = ex.header(ID_HEADER);
            String ts = ex.header(TIMESTAMP_HEADER);
            String sig = ex.header(SIGNATURE_HEADER);
            if (id == null || ts == null || sig == null || id.isEmpty() || id.length() > 256 || !ts.matches("[0-9]{1,12}")) {
                refused(ex, id == null && ts == null && sig == null ? "no credentials" : "incomplete or malformed signature headers");
                return Auth.REFUSED;
            }
            long now = clock.instant().getEpochSecond();
            if (Math.abs(now - Long.parseLong(ts)) > config.signatureTolerance().toSeconds()) {
                refused(ex, "webhook-timestamp " + ts + " is more than " + config.signatureTolerance() + " from now");
                return Auth.REFUSED;
            }
            // an id accepted late (after a 503), still waiting for Kafka, or retried with a newer timestamp (the
            // sender's answer was lost): answered after the signature; the same id and timestamp again is a replay
            boolean replay = replays.seen(id, now) && !replays.acceptedLate(id, now) && !pending.containsKey(id);
            if (replay && !retried(id, Long.parseLong(ts), now)) {
                refused(ex, "replayed webhook-id");
                return Auth.REFUSED;
            }
            return Auth.SIGNATURE_PENDING;
        }
        refused(ex, "no valid credentials");
        return Auth.REFUSED;
    }

    /**
     * Logs a refused request under {@link #refusals}' budget: the client's address, the reason and the
     * webhook-id (escaped, cut to 64 characters); never a token, a signature or the body.
     */
    private void refused(Exchange ex, String reason) {
        switch (refusals.admit()) {
            case LOG -> {
                String id = ex.header(ID_HEADER);
                LOG.warn("Refused a request from {}: {}{}", io.grantwatch.model.text.UnsafeText.escaped(Request.getRemoteAddr(ex.request)),
                        io.grantwatch.model.text.UnsafeText.escaped(reason), id == null ? "" : " (webhook-id "
                                + io.grantwatch.model.text.UnsafeText.escaped(id.length() > 64 ? id.substring(0, 64) + "..." : id) + ")");
            }
            case FIRST_COUNTED -> LOG.warn("More than {} refused requests this minute: the rest are counted, not logged",
                    REFUSALS_PER_MINUTE);
            case COUNTED -> {
            }
        }
    }

    /** Checks a Standard Webhooks signature against the body (whether the id was used before is {@link #claim}'s). */
    private boolean signatureValid(Exchange ex, byte[] body) {
        String id = ex.header(ID_HEADER);
        long ts = Long.parseLong(ex.header(TIMESTAMP_HEADER));
        byte[] expected = signature(config.hmacSecret(), id, ts, body).getBytes(StandardCharsets.US_ASCII);
        boolean ok = false;
        // webhook-signature may hold several space-separated signatures (key rotation).
        for (String candidate : ex.header(SIGNATURE_HEADER).trim().split(" +")) {
            ok |= MessageDigest.isEqual(candidate.getBytes(StandardCharsets.US_ASCII), expected);
        }
        // remembered once Kafka acknowledged what it carried (rememberSigned): a request cut off before that (a
        // crash, a stop, Kafka down) is not stored, and the sender's retry with the same id must be taken
        return ok;
    }

    /**
     * Remembers a signed request's id once its records are stored, until its own timestamp leaves the window
     * (a timestamp in the future stays replayable for less than the window otherwise).
     */
    private void rememberSigned(String id, long ts, boolean late) {
        long now = clock.instant().getEpochSecond();
        try {
            long until = Math.max(now, ts) + config.signatureTolerance().toSeconds();
            if (!replays.remember(id, until, now, late)) {
                LOG.warn("A signed request with a webhook-id seen before was stored twice (two copies at once); its events "
                        + "carry the same ids, so the detector counts them once");
            }
        } catch (UncheckedIOException e) {
            LOG.warn("Cannot remember a signed request's id (a replay of it would be taken): {}", e.getMessage());
        }
    }

    /**
     * The Standard Webhooks signature a sender puts in {@value #SIGNATURE_HEADER}: {@code v1,} +
     * Base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)); a secret {@code whsec_<base64>} is the
     * base64 key, any other secret its UTF-8 bytes.
     */
    public static String signature(String secret, String id, long timestampSeconds, byte[] body) {
        byte[] key = hmacKey(secret);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Shortest key a {@code whsec_} secret may decode to: 128 bits (Standard Webhooks' own keys are 24 to 64 bytes). */
    public static final int MIN_WHSEC_KEY_BYTES = 16;

    /**
     * The HMAC key of a secret: {@code whsec_<base64>} is the base64 key (at least {@value #MIN_WHSEC_KEY_BYTES}
     * bytes), anything else its UTF-8 bytes.
     *
     * @throws IllegalArgumentException a {@code whsec_} secret that is not valid base64 or too short; the message
     *                                  names the setting, never the value
     */
    public static byte[] hmacKey(String secret) {
        if (!secret.startsWith("whsec_")) {
            return secret.getBytes(StandardCharsets.UTF_8);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(6).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the HMAC secret (--http-hmac-secret / GRANTWATCH_HTTP_HMAC_SECRET) starts with "
                    + "whsec_ but the rest is not valid base64 (" + secret.length() + " characters)");
        }
        if (key.length < MIN_WHSEC_KEY_BYTES) {
            throw new IllegalArgumentException("the HMAC secret (--http-hmac-secret / GRANTWATCH_HTTP_HMAC_SECRET) decodes to "
                    + key.length + " bytes; a whsec_ key must have at least " + MIN_WHSEC_KEY_BYTES);
        }
        return key;
    }

    /**
     * SMN's control messages: a subscription confirmation (its subscribe_url is visited) or an unsubscribe
     * notice, when SMN's header says so and the body agrees. Anything else, a notification included, is
     * content for the parser.
     */
    private static JsonNode smnControl(String headerType, byte[] body) {
        if (!SMN_SUBSCRIPTION_CONFIRMATION.equals(headerType) && !SMN_UNSUBSCRIBE_CONFIRMATION.equals(headerType)) {
            return null;
        }
        try {
            JsonNode n = Json.wire().readTree(body);
            if (n != null && n.isObject() && headerType.equals(n.path("type").asText(""))
                    && (n.has("subscribe_url") || n.has("unsubscribe_url") || n.has("topic_urn"))) {
                return n;
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
    private void confirmSmn(Exchange ex, JsonNode msg) {
        String type = msg.path("type").asText();
        if (type.equalsIgnoreCase("UnsubscribeConfirmation")) {
            LOG.warn("SMN topic {} unsubscribed this endpoint", io.grantwatch.model.text.UnsafeText.escaped(
                    io.grantwatch.model.redact.Redactor.text(msg.path("topic_urn").asText("?"))));
            ex.respond(200, "{\"status\":\"unsubscribe noted\"}");
            return;
        }
        String url = msg.path("subscribe_url").asText("");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            ex.respond(400, error("SMN subscribe_url is not a URL"));
            return;
        }
        if (uri.getHost() == null || !hostAllowed(uri.getHost()) || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            ex.respond(400, error("SMN subscribe_url host is not allowed: "
                    + io.grantwatch.model.redact.Redactor.text(String.valueOf(uri.getHost()))));
            return;
        }
        client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.discarding())
                .whenCompleteAsync((r, failure) -> {
                    if (failure != null) {
                        ex.respond(502, error("cannot reach SMN to confirm"));
                    } else if (r.statusCode() / 100 != 2) {
                        ex.respond(502, error("SMN did not confirm: HTTP " + r.statusCode()));
                    } else {
                        LOG.info("Confirmed SMN subscription to {}", io.grantwatch.model.text.UnsafeText.escaped(
                                io.grantwatch.model.redact.Redactor.text(msg.path("topic_urn").asText("?"))));
                        ex.respond(200, "{\"status\":\"subscription confirmed\"}");
                    }
                }, server.getThreadPool());
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
            return Json.wire().writeValueAsString(Map.of("error", reason));
        } catch (IOException e) {
            return "{\"error\":\"error\"}";
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (TimeoutException e) {
            LOG.info("HTTP receiver stopped with requests still under way");
        } catch (Exception e) {
            LOG.warn("Stopping the HTTP receiver: {}", e.toString());
        } finally {
            refusals.flush();
            replays.close();
        }
    }
}
