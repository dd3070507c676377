package io.grantwatch.ingest.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Limits of GrantWatch's two HTTP servers (the push receiver and the status server), both Jetty 12 core,
 * against slow, idle and greedy clients. Jetty parses request lines and headers as bytes arrive, on no
 * thread of its own per connection, so a connection that trickles its headers costs a buffer, not a
 * thread (the JDK server these replace read headers on a pool thread: 32 slow connections stopped it).
 * What bounds a connection:
 * <ul>
 *   <li>{@link #idleTimeout()}: a connection on which nothing arrives (or can be written) for this long is
 *   closed, also between requests of a kept-alive connection;</li>
 *   <li>{@link #headerTimeout()}: a request's line and headers must arrive within this long of their
 *   first byte, however slowly they trickle ({@link HeaderDeadline});</li>
 *   <li>{@link #maxHeaderBytes()}: a longer request line and headers get 431;</li>
 *   <li>{@link #bodyTimeout()}: a server that reads a body ({@link BodyReader}) answers 408 and closes the
 *   connection when the whole body has not arrived within this long of the headers;</li>
 *   <li>{@link #firstByteTimeout()}: a connection that sends nothing at all within this long of opening is
 *   closed ({@link HeaderDeadline});</li>
 *   <li>{@link #maxConnections()}: beyond this many open connections the server stops accepting until one
 *   closes (Jetty's {@link NetworkConnectionLimit}); before that, from 15/16 of it on, the connections idle the
 *   longest (no request under way) are closed to make room ({@link HeaderDeadline});</li>
 *   <li>{@link #maxConnectionsPerClient()}: a connection beyond this many open from one remote address is
 *   closed at once ({@link ClientConnectionLimit});</li>
 *   <li>{@link #maxThreads()}: threads that run handlers (and Jetty's acceptor and selector).</li>
 * </ul>
 * Responses go out with TCP_NODELAY (no wait for the client's delayed ACK), without a Server header.
 * Paths reach the handlers unnormalised and undecoded (any URI compliance), because GrantWatch's handlers
 * match them exactly and answer 404 to anything else.
 */
public record ServerLimits(Duration idleTimeout, Duration headerTimeout, Duration bodyTimeout, int maxHeaderBytes,
                           int maxConnections, int maxConnectionsPerClient, int maxThreads, Duration firstByteTimeout) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 32;
    public static final int DEFAULT_MAX_THREADS = 32;
    public static final Duration DEFAULT_FIRST_BYTE_TIMEOUT = Duration.ofSeconds(5);

    public static final ServerLimits DEFAULTS = new ServerLimits(DEFAULT_IDLE_TIMEOUT, DEFAULT_HEADER_TIMEOUT,
            DEFAULT_BODY_TIMEOUT, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
            DEFAULT_MAX_THREADS, DEFAULT_FIRST_BYTE_TIMEOUT);

    /** With the default {@link #firstByteTimeout()}. */
    public ServerLimits(Duration idleTimeout, Duration headerTimeout, Duration bodyTimeout, int maxHeaderBytes,
                        int maxConnections, int maxConnectionsPerClient, int maxThreads) {
        this(idleTimeout, headerTimeout, bodyTimeout, maxHeaderBytes, maxConnections, maxConnectionsPerClient, maxThreads,
                DEFAULT_FIRST_BYTE_TIMEOUT);
    }

    public ServerLimits {
        positive("idleTimeout", idleTimeout);
        positive("firstByteTimeout", firstByteTimeout);
        positive("headerTimeout", headerTimeout);
        positive("bodyTimeout", bodyTimeout);
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 1024, not " + maxHeaderBytes);
        }
        if (maxConnections < 1 || maxConnectionsPerClient < 1) {
            throw new IllegalArgumentException("maxConnections and maxConnectionsPerClient must be positive");
        }
        if (maxThreads < 8) {
            throw new IllegalArgumentException("maxThreads must be at least 8 (Jetty's acceptor and selector take two)");
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + d);
        }
    }

    public ServerLimits withTimeouts(Duration idle, Duration header, Duration body) {
        return new ServerLimits(idle, header, body, maxHeaderBytes, maxConnections, maxConnectionsPerClient, maxThreads,
                firstByteTimeout);
    }

    public ServerLimits withFirstByteTimeout(Duration firstByte) {
        return new ServerLimits(idleTimeout, headerTimeout, bodyTimeout, maxHeaderBytes, maxConnections,
                maxConnectionsPerClient, maxThreads, firstByte);
    }

    public ServerLimits withConnections(int max, int perClient) {
        return new ServerLimits(idleTimeout, headerTimeout, bodyTimeout, maxHeaderBytes, max, perClient, maxThreads,
                firstByteTimeout);
    }

    /** How a server words the errors Jetty answers itself (a malformed request, headers over the cap). */
    public enum ErrorStyle {
        /** {@code {"error":"<reason>"}} */
        JSON,
        /** {@code <reason>\n} as text/plain */
        TEXT
    }

    /**
     * A Jetty server listening on {@code host:port} (0 = any free port) with these limits, serving
     * {@code handler}; not started. Its threads are daemon threads named after {@code name}.
     */
    public Server server(String name, String host, int port, Handler handler, ErrorStyle errors) {
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, Math.min(4, maxThreads));
        threads.setName(name);
        threads.setDaemon(true);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler(name + "-scheduler", true);
        Server server = new Server(threads, scheduler, null);

        HttpConfiguration http = new HttpConfiguration();
        http.setIdleTimeout(idleTimeout.toMillis());
        http.setRequestHeaderSize(maxHeaderBytes);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Handlers see the raw path and match it exactly: /events/../x is a 404 of ours, not a 400 of Jetty's.
        http.setUriCompliance(UriCompliance.UNSAFE);

        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeout.toMillis());
        connector.setAcceptedTcpNoDelay(true);
        connector.setAcceptQueueSize(1024);
        // On stop, kept-alive connections that wait for a next request go at once; requests under way get a second.
        connector.setShutdownIdleTimeout(100);
        connector.addEventListener(new ClientConnectionLimit(maxConnectionsPerClient));
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(maxConnections, connector));

        HeaderDeadline headers = new HeaderDeadline(headerTimeout, firstByteTimeout, maxConnections, scheduler);
        connector.addEventListener(headers);
        server.addBean(headers);
        server.setHandler(headers.wrap(handler));

        server.setErrorHandler(new Errors(errors));
        server.setStopTimeout(1000);
        return server;
    }

    /**
     * Answers the errors Jetty detects before a handler runs (400 malformed, 431 headers too large, ...) in
     * the server's own style, with no page and no stack. A request target Jetty cannot even resolve (a
     * path climbing above the root, {@code /a/../../x}) is a path no handler has: 404, as for every other
     * unknown path.
     */
    static final class Errors implements Request.Handler {
        private final ErrorStyle style;

        Errors(ErrorStyle style) {
            this.style = style;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s ? s : 500;
            if (status == 400 && unresolvablePath(request.getAttribute(ErrorHandler.ERROR_EXCEPTION))) {
                status = 404;
            }
            String reason = status == 404 ? "not found" : HttpStatus.getMessage(status);
            response.setStatus(status);
            String body;
            if (style == ErrorStyle.JSON) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                body = "{\"error\":\"" + reason.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
            } else {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                body = reason + "\n";
            }
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }

        private static boolean unresolvablePath(Object failure) {
            for (Throwable t = failure instanceof Throwable x ? x : null; t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException && "Bad URI".equals(t.getMessage())) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The port a started server listens on. */
    public static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }
}
