package io.grantwatch.ingest.http;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Limits for GrantWatch's JDK ({@code com.sun.net.httpserver}) servers, against slow and idle clients.
 *
 * <p>The JDK 17 server reads a request's headers on an executor thread once the first byte arrived, so
 * a client that sends half a header holds a thread. What bounds it (JDK 17 {@code ServerImpl}):
 * <ul>
 *   <li>{@code sun.net.httpserver.maxReqTime} (seconds): a connection still in the request state (headers
 *   or body being read) after this long is closed by the server's timer, which unblocks the thread;</li>
 *   <li>{@code sun.net.httpserver.maxRspTime} (seconds): the same for writing the response;</li>
 *   <li>{@code sun.net.httpserver.idleInterval} (seconds): accepted connections that send nothing, and
 *   kept-alive ones, are closed after this long;</li>
 *   <li>{@code sun.net.httpserver.maxIdleConnections}: kept-alive connections held at most.</li>
 * </ul>
 * They are JVM-wide and read once, when the first server is created; {@link #apply()} sets GrantWatch's
 * values unless the operator set them ({@code -D...}). On top, each server gets a bounded pool of
 * {@value #MAX_THREADS} threads with no queue: a connection arriving while every thread is busy is closed
 * at once (the JDK closes a connection its executor refuses) instead of waiting behind slow clients.
 */
public final class ServerLimits {
    /** Seconds a request (headers and body) may take to arrive. */
    public static final int MAX_REQUEST_SECONDS = 10;
    public static final int MAX_RESPONSE_SECONDS = 30;
    public static final int IDLE_SECONDS = 30;
    public static final int MAX_IDLE_CONNECTIONS = 32;
    public static final int MAX_THREADS = 32;

    private ServerLimits() {
    }

    /** Sets the JDK server's limits unless already set; call before the first server is created. */
    public static synchronized void apply() {
        // The JDK server writes headers and body as two segments; without TCP_NODELAY each response waits for
        // the client's delayed ACK (~40 ms on Linux).
        setIfAbsent("sun.net.httpserver.nodelay", "true");
        setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxRspTime", Integer.toString(MAX_RESPONSE_SECONDS));
        setIfAbsent("sun.net.httpserver.idleInterval", Integer.toString(IDLE_SECONDS));
        setIfAbsent("sun.net.httpserver.maxIdleConnections", Integer.toString(MAX_IDLE_CONNECTIONS));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** A pool of at most {@code max} daemon threads without a queue (refused work: the JDK closes the connection). */
    public static ExecutorService executor(String name, int max) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, max, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        return pool;
    }
}
