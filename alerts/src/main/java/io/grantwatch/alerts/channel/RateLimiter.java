package io.grantwatch.alerts.channel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Sliding-window limiter: a permit is granted only if, for every window, fewer than
 * {@code permits} grants happened in the last {@code per} (+ a safety margin that absorbs the
 * network jitter between our clock and the receiver's). Grants are remembered, so the limit holds
 * in EVERY window, not just aligned ones. A grant is re-stamped when its request completes
 * ({@link #completed}): the receiver saw the request before it answered, so spacing sends from the
 * previous answer guarantees the spacing at the receiver whatever the request took. A new limiter can be
 * {@linkplain #seed seeded} with a previous process's grants ({@link RateHistory}). Blocking, thread-safe.
 */
public final class RateLimiter {
    private final RateLimits limits;
    private final long marginMillis;
    private final Pacer clock;
    private final ArrayDeque<long[]> grants = new ArrayDeque<>();
    private final long horizon;

    public RateLimiter(RateLimits limits, long marginMillis, Pacer clock) {
        this.limits = limits;
        this.marginMillis = marginMillis;
        this.clock = clock;
        this.horizon = limits.windows().stream().mapToLong(w -> w.per().toMillis()).max().orElse(0) + marginMillis;
    }

    /** Milliseconds until a permit would be granted (0 = now). */
    public synchronized long delayMillis() {
        long now = clock.millis();
        trim(now);
        long wait = 0;
        for (RateLimits.Window w : limits.windows()) {
            long span = w.per().toMillis() + marginMillis;
            List<Long> in = inWindow(now, span);
            if (in.size() >= w.permits()) {
                long until = in.get(in.size() - w.permits()) + span + 1;
                wait = Math.max(wait, until - now);
            }
        }
        return wait;
    }

    /** How many permits are free right now (Integer.MAX_VALUE without limits). */
    public synchronized int available() {
        long now = clock.millis();
        trim(now);
        int free = Integer.MAX_VALUE;
        for (RateLimits.Window w : limits.windows()) {
            free = Math.min(free, w.permits() - inWindow(now, w.per().toMillis() + marginMillis).size());
        }
        return Math.max(free, 0);
    }

    /** Blocks until a permit is free, then takes it; pass the returned grant to {@link #completed}. */
    public long[] acquire() throws InterruptedException {
        while (true) {
            synchronized (this) {
                long d = delayMillis();
                if (d == 0) {
                    long[] grant = {clock.millis()};
                    grants.addLast(grant);
                    return grant;
                }
            }
            clock.sleep(Math.max(1, delayMillis()));
        }
    }

    /** The request of this grant got its answer now. */
    public synchronized void completed(long[] grant) {
        grant[0] = Math.max(grant[0], clock.millis());
    }

    /** Counts earlier attempts (a previous process's, from its {@link RateHistory}) as grants. */
    public synchronized void seed(Collection<Long> times) {
        times.forEach(t -> grants.addLast(new long[] {t}));
        trim(clock.millis());
    }

    /** The times of the grants that still count in some window, oldest first. */
    public synchronized List<Long> history() {
        trim(clock.millis());
        List<Long> out = new ArrayList<>(grants.size());
        grants.forEach(g -> out.add(g[0]));
        out.sort(null);
        return out;
    }

    public boolean limited() {
        return !limits.windows().isEmpty();
    }

    private List<Long> inWindow(long now, long span) {
        List<Long> out = new ArrayList<>();
        for (long[] g : grants) {
            if (g[0] > now - span) {
                out.add(g[0]);
            }
        }
        out.sort(null);
        return out;
    }

    private void trim(long now) {
        grants.removeIf(g -> g[0] <= now - horizon);
    }
}
