package io.grantwatch.ingest.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a whole request body into memory without holding a thread while it arrives (Jetty calls back as
 * bytes come), with a size cap and a deadline: the future fails with {@link TooLarge} as soon as the
 * body is known to be over the cap (a declared Content-Length is enough), and with {@link TimedOut} when
 * the whole body has not arrived within the deadline (the request's content is then failed, so Jetty
 * stops waiting for it).
 */
final class BodyReader implements Runnable {
    /** The body is larger than allowed. */
    static final class TooLarge extends Exception {
        TooLarge(long max) {
            super("body larger than " + max + " bytes", null, false, false);
        }
    }

    /** The body did not arrive in time. */
    static final class TimedOut extends Exception {
        TimedOut(Duration timeout) {
            super("the body did not arrive within " + timeout.toMillis() + " ms", null, false, false);
        }
    }

    private final Request request;
    private final int max;
    private final Duration timeout;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> future = new CompletableFuture<>();

    private BodyReader(Request request, int max, Duration timeout) {
        this.request = request;
        this.max = max;
        this.timeout = timeout;
    }

    /** Starts reading; the future completes on some thread of the server (never the caller's, unless at once). */
    static CompletableFuture<byte[]> read(Request request, int max, Duration timeout, Scheduler scheduler) {
        BodyReader reader = new BodyReader(request, max, timeout);
        if (request.getLength() > max) {
            reader.future.completeExceptionally(new TooLarge(max));
            return reader.future;
        }
        Scheduler.Task deadline = scheduler.schedule(reader::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
        reader.future.whenComplete((body, failure) -> deadline.cancel());
        reader.run();
        return reader.future;
    }

    private void expire() {
        if (future.completeExceptionally(new TimedOut(timeout))) {
            // Wakes a pending demand and makes Jetty discard the rest instead of waiting for it.
            request.fail(new TimeoutException("request body deadline"));
        }
    }

    /** Reads what has arrived; asks to be called again when more does. */
    @Override
    public void run() {
        while (!future.isDone()) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                future.completeExceptionally(chunk.getFailure());
                return;
            }
            try {
                ByteBuffer bytes = chunk.getByteBuffer();
                if ((long) out.size() + bytes.remaining() > max) {
                    future.completeExceptionally(new TooLarge(max));
                    return;
                }
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                out.write(copy, 0, copy.length);
            } finally {
                chunk.release();
            }
            if (chunk.isLast()) {
                future.complete(out.toByteArray());
                return;
            }
        }
    }
}
