package io.grantwatch.ingest;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Work handed to a pool and taken back on the caller's thread: what a task threw is thrown again there, as the
 * sequential code would have thrown it (a runtime exception or error as itself, anything else wrapped).
 */
public final class Futures {
    private Futures() {
    }

    /** The task's result; {@code activity} names what was waited for when the caller is interrupted. */
    public static <T> T result(Future<T> f, String activity) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + activity, e);
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    /** {@code cause} thrown again on this thread: a runtime exception or error as itself, anything else wrapped. */
    static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(cause);
    }
}
