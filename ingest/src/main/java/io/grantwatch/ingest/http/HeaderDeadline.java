package io.grantwatch.ingest.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose request line and headers have not all arrived within {@code timeout} of their
 * first byte; a connection that sends nothing at all within {@code firstByteTimeout} of opening; and, when
 * the open connections come near the server's limit, the connections that have waited longest without a
 * request under way (oldest idle first), so that a new client still gets in. Without the last two, 1,100
 * silent sockets from 40 addresses (each under the per-address cap) held all 1,024 connections for the
 * whole idle timeout and the server answered nobody. For slow headers an idle timeout alone does not do: a
 * client that sends one byte a second is never idle, and
 * 16 KiB of headers last four and a half hours that way.
 *
 * <p>Works from what every Jetty connection exposes: the bytes it has read, and whether a request of it
 * is in a handler ({@link #wrap} marks that). A connection that read bytes since its last request ended
 * (or since it opened) and has no request in a handler is receiving a request line or headers; a sweep
 * every quarter of the shorter timeout (at most 1 s) notices the first such byte and closes the connection
 * once it is {@code timeout} old, so the deadline holds to within one sweep. A connection that never read a
 * byte is closed by the same sweep once {@code firstByteTimeout} old; one idle between requests is left to the
 * idle timeout unless the server nears its limit; a request in a handler is left to its body deadline
 * ({@link BodyReader}).
 */
final class HeaderDeadline extends AbstractLifeCycle implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);

    private final long timeoutNanos;
    private final long firstByteNanos;
    private final int shedAbove;
    private final int shedTo;
    private final long periodMillis;
    private final Scheduler scheduler;
    private final Map<Connection, Watch> watches = new ConcurrentHashMap<>();
    private final AtomicLong cut = new AtomicLong();
    private final AtomicLong silent = new AtomicLong();
    private final AtomicLong shed = new AtomicLong();
    private volatile Scheduler.Task task;

    /** One connection; fields guarded by the watch itself. */
    private static final class Watch {
        int handling;
        long requests;
        long bytesAtLastEnd;
        /** Sweeper's view: the requests it last saw, and when it first saw header bytes (0: none pending). */
        long seenRequests;
        long headerSince;
        /** When the connection opened, and when it last became idle (opened, or a request of it ended). */
        final long openedAt = System.nanoTime();
        long idleSince = openedAt;
    }

    /**
     * @param timeout          request line and headers must arrive within this long of their first byte
     * @param firstByteTimeout a connection that sent nothing is closed this long after it opened
     * @param maxConnections   the server's connection limit: from {@code maxConnections - reserve} open on, the
     *                         oldest idle connections are closed down to {@code maxConnections - 2 * reserve}
     *                         (reserve = 1/16 of the limit, at least 1)
     */
    HeaderDeadline(Duration timeout, Duration firstByteTimeout, int maxConnections, Scheduler scheduler) {
        this.timeoutNanos = timeout.toNanos();
        this.firstByteNanos = firstByteTimeout.toNanos();
        int reserve = Math.max(1, maxConnections / 16);
        this.shedAbove = Math.max(1, maxConnections - reserve);
        this.shedTo = Math.max(0, maxConnections - 2 * reserve);
        this.periodMillis = Math.max(50, Math.min(1000, Math.min(timeout.toMillis(), firstByteTimeout.toMillis()) / 4));
        this.scheduler = scheduler;
    }

    /** {@code next}, with each request marked as in a handler until its response completes. */
    Handler wrap(Handler next) {
        return new Handler.Wrapper(next) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Connection connection = request.getConnectionMetaData().getConnection();
                Watch w = watches.get(connection);
                if (w != null) {
                    synchronized (w) {
                        w.handling++;
                        w.requests++;
                    }
                    Request.addCompletionListener(request, failure -> {
                        synchronized (w) {
                            w.handling--;
                            w.bytesAtLastEnd = connection.getBytesIn();
                            w.idleSince = System.nanoTime();
                        }
                    });
                }
                return super.handle(request, response, callback);
            }
        };
    }

    @Override
    public void onOpened(Connection connection) {
        watches.put(connection, new Watch());
    }

    @Override
    public void onClosed(Connection connection) {
        watches.remove(connection);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        task = scheduler.schedule(this::sweep, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        Scheduler.Task t = task;
        if (t != null) {
            t.cancel();
        }
        super.doStop();
    }

    /** Connections closed for slow headers so far. */
    long cut() {
        return cut.get();
    }

    /** Connections closed for sending nothing within the first-byte timeout so far. */
    long silent() {
        return silent.get();
    }

    /** Idle connections closed to make room near the connection limit so far. */
    long shed() {
        return shed.get();
    }

    private static long idleSince(Watch w) {
        synchronized (w) {
            return w.idleSince;
        }
    }

    private static void count(AtomicLong counter, String what, Connection connection, Object detail) {
        long n = counter.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            LOG.warn("Closed a connection from {}: {} {} ({} so far)", connection.getEndPoint().getRemoteSocketAddress(), what,
                    detail, n);
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            List<Map.Entry<Connection, Watch>> idle = new ArrayList<>();
            watches.forEach((connection, w) -> {
                boolean late;
                synchronized (w) {
                    if (w.handling > 0 || w.requests != w.seenRequests) {
                        w.seenRequests = w.requests;
                        w.headerSince = 0;
                        if (w.handling > 0) {
                            return;
                        }
                    }
                    long in = connection.getBytesIn();
                    if (in <= w.bytesAtLastEnd) {
                        w.headerSince = 0;
                        if (w.requests == 0 && in == 0 && now - w.openedAt >= firstByteNanos) {
                            watches.remove(connection);
                            count(silent, "it sent nothing within", connection, firstByteNanos / 1_000_000 + " ms of opening");
                            connection.close();
                        } else {
                            idle.add(Map.entry(connection, w));
                        }
                        return;
                    }
                    if (w.headerSince == 0) {
                        w.headerSince = now == 0 ? 1 : now;
                        return;
                    }
                    late = now - w.headerSince >= timeoutNanos;
                }
                if (late) {
                    watches.remove(connection);
                    count(cut, "its request headers did not arrive within", connection, timeoutNanos / 1_000_000 + " ms");
                    // the socket itself: closing the HTTP connection mid-parse makes Jetty answer "500 Server Error"
                    connection.getEndPoint().close();
                }
            });
            int open = watches.size();
            if (open >= shedAbove && !idle.isEmpty()) {
                // Near the limit the server would stop accepting: the connections idle the longest go first.
                idle.sort(Comparator.comparingLong(e -> idleSince(e.getValue())));
                for (int i = 0; i < idle.size() && open > shedTo; i++) {
                    Connection connection = idle.get(i).getKey();
                    Watch w = idle.get(i).getValue();
                    long since;
                    synchronized (w) {
                        // still idle: no request came in since the pass above
                        if (w.handling > 0 || connection.getBytesIn() > w.bytesAtLastEnd) {
                            continue;
                        }
                        since = w.idleSince;
                    }
                    if (watches.remove(connection) != null) {
                        open--;
                        count(shed, "idle near the connection limit, closed to make room; idle for", connection,
                                (now - since) / 1_000_000 + " ms");
                        connection.close();
                    }
                }
            }
        } finally {
            if (isRunning()) {
                task = scheduler.schedule(this::sweep, periodMillis, TimeUnit.MILLISECONDS);
            }
        }
    }
}
