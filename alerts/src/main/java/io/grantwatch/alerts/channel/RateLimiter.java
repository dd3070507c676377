package io.grantwatch.alerts.channel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Sliding-window limiter: a permit is granted only if, for every window, fewer than
 * {@code permits} grants happened in the last {@code per} (+ a safety margin that absorbs the
 * network jitter between our clock and the receiver's). Grants are remembered, so the limit holds
 * in EVERY window, not just aligned ones. Blocking, thread-safe.
 */
public final class RateLimiter {
    private final RateLimits limits;
    private final long marginMillis;
    private final Clock clock;
    private final ArrayDeque<Long> grants = new ArrayDeque<>();
    private final long horizon;

    public RateLimiter(RateLimits limits, long marginMillis, Clock clock) {
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

    /** Blocks until a permit is free, then takes it. */
    public void acquire() throws InterruptedException {
        while (true) {
            synchronized (this) {
                long d = delayMillis();
                if (d == 0) {
                    grants.addLast(clock.millis());
                    return;
                }
            }
            clock.sleep(Math.max(1, delayMillis()));
        }
    }

    public boolean limited() {
        return !limits.windows().isEmpty();
    }

    private List<Long> inWindow(long now, long span) {
        List<Long> out = new ArrayList<>();
        for (long g : grants) {
            if (g > now - span) {
                out.add(g);
            }
        }
        return out;
    }

    private void trim(long now) {
        while (!grants.isEmpty() && grants.peekFirst() <= now - horizon) {
            grants.removeFirst();
        }
    }
}
