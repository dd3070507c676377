package io.grantwatch.ingest.source;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The one rule for logging something that an outsider can make happen at will (a rejected record, a
 * refused request): the first {@code perMinute} occurrences of each minute are logged one by one, the
 * rest only counted, and their number is reported once the minute is over ({@link #tick()}, or the next
 * occurrence after it) or when the caller ends ({@link #flush()}). Thread-safe.
 */
public final class LogBudget {
    private static final long MINUTE_MS = 60_000;

    /** What to do with one occurrence. */
    public enum Admission {
        /** Log it. */
        LOG,
        /** The first over this minute's budget: say once that the rest of the minute is only counted. */
        FIRST_COUNTED,
        /** Only counted. */
        COUNTED
    }

    private final int perMinute;
    private final LongConsumer reportCounted;
    private final LongSupplier clock;
    private long windowStart = -1;
    private int inWindow;
    private long counted;

    /**
     * @param perMinute     occurrences logged one by one per minute
     * @param reportCounted logs how many occurrences of a minute were only counted (called with n &gt; 0)
     */
    public LogBudget(int perMinute, LongConsumer reportCounted) {
        this(perMinute, reportCounted, System::currentTimeMillis);
    }

    LogBudget(int perMinute, LongConsumer reportCounted, LongSupplier clock) {
        this.perMinute = perMinute;
        this.reportCounted = reportCounted;
        this.clock = clock;
    }

    public synchronized Admission admit() {
        long now = clock.getAsLong();
        if (windowStart < 0 || now - windowStart >= MINUTE_MS) {
            flush();
            windowStart = now;
        }
        inWindow++;
        if (inWindow <= perMinute) {
            return Admission.LOG;
        }
        return counted++ == 0 ? Admission.FIRST_COUNTED : Admission.COUNTED;
    }

    /** Once the minute is over, reports how many of its occurrences were only counted. */
    public synchronized void tick() {
        if (windowStart >= 0 && clock.getAsLong() - windowStart >= MINUTE_MS) {
            flush();
        }
    }

    /** Reports the occurrences only counted so far, now, and starts a new minute. */
    public synchronized void flush() {
        if (counted > 0) {
            reportCounted.accept(counted);
        }
        windowStart = -1;
        inWindow = 0;
        counted = 0;
    }

    public int perMinute() {
        return perMinute;
    }
}
