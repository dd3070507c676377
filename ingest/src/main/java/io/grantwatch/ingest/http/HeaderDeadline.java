package io.grantwatch.ingest.http;

import java.time.Duration;
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
 * first byte. An idle timeout alone does not: a client that sends one byte a second is never idle, and
 * 16 KiB of headers last four and a half hours that way.
 *
 * <p>Works from what every Jetty connection exposes: the bytes it has read, and whether a request of it
 * is in a handler ({@link #wrap} marks that). A connection that read bytes since its last request ended
 * (or since it opened) and has no request in a handler is receiving a request line or headers; a sweep
 * every {@code timeout / 4} (at most 1 s) notices the first such byte and closes the connection once it
 * is {@code timeout} old, so the deadline holds to within one sweep. A connection that reads nothing is
 * left to the idle timeout; a request in a handler to its body deadline ({@link BodyReader}).
 */
final class HeaderDeadline extends AbstractLifeCycle implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);

    private final long timeoutNanos;
    private final long periodMillis;
    private final Scheduler scheduler;
    private final Map<Connection, Watch> watches = new ConcurrentHashMap<>();
    private final AtomicLong cut = new AtomicLong();
    private volatile Scheduler.Task task;

    /** One connection; fields guarded by the watch itself. */
    private static final class Watch {
        int handling;
        long requests;
        long bytesAtLastEnd;
        /** Sweeper's view: the requests it last saw, and when it first saw header bytes (0: none pending). */
        long seenRequests;
        long headerSince;
    }

    HeaderDeadline(Duration timeout, Scheduler scheduler) {
        this.timeoutNanos = timeout.toNanos();
        this.periodMillis = Math.max(50, Math.min(1000, timeout.toMillis() / 4));
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

    private void sweep() {
        try {
            long now = System.nanoTime();
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
                    if (connection.getBytesIn() <= w.bytesAtLastEnd) {
                        w.headerSince = 0;
                        return;
                    }
                    if (w.headerSince == 0) {
                        w.headerSince = now == 0 ? 1 : now;
                        return;
                    }
                    late = now - w.headerSince >= timeoutNanos;
                }
                if (late) {
                    long n = cut.incrementAndGet();
                    if (n == 1 || n % 1000 == 0) {
                        LOG.warn("Closed a connection from {}: its request headers did not arrive within {} ms ({} so far)",
                                connection.getEndPoint().getRemoteSocketAddress(), timeoutNanos / 1_000_000, n);
                    }
                    watches.remove(connection);
                    connection.close();
                }
            });
        } finally {
            if (isRunning()) {
                task = scheduler.schedule(this::sweep, periodMillis, TimeUnit.MILLISECONDS);
            }
        }
    }
}
