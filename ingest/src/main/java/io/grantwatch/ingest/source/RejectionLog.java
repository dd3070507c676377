package io.grantwatch.ingest.source;

import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.model.text.UnsafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rejected records of a source (file and position, reason) so that a rejection under
 * {@code grantwatch run} is seen, not only counted and dead-lettered: the first {@link #PER_MINUTE}
 * of each minute, then one line saying the rest are only counted, and their number when the minute
 * is over ({@link #tick()}) or the source ends ({@link #flush()}). File names and reasons may carry attacker-controlled text: control characters are escaped
 * ({@link UnsafeText}).
 */
public final class RejectionLog {
    private static final Logger LOG = LoggerFactory.getLogger(RejectionLog.class);
    /** Rejections logged one by one per minute and source. */
    public static final int PER_MINUTE = 20;
    private static final long MINUTE_MS = 60_000;

    private final String source;
    private long windowStart = -1;
    private int inWindow;
    private long suppressed;

    public RejectionLog(String source) {
        this.source = source;
    }

    public synchronized void rejected(RejectedRecord r) {
        long now = System.currentTimeMillis();
        if (windowStart < 0 || now - windowStart >= MINUTE_MS) {
            flush();
            windowStart = now;
        }
        inWindow++;
        if (inWindow <= PER_MINUTE) {
            LOG.warn("Rejected record {} from {}: {} (sent to the dead-letter topic)", printable(r.location()),
                    printable(source), printable(r.reason()));
        } else {
            if (suppressed == 0) {
                LOG.warn("More than {} rejected records from {} this minute: the rest of this minute's are counted and "
                        + "dead-lettered, not logged", PER_MINUTE, printable(source));
            }
            suppressed++;
        }
    }

    /**
     * Once the minute is over, logs how many of its rejections were not logged one by one: called after
     * every file and poll, so the count appears when the minute ends, not with the next rejection.
     */
    public synchronized void tick() {
        if (windowStart >= 0 && System.currentTimeMillis() - windowStart >= MINUTE_MS) {
            flush();
        }
    }

    /** Logs the count of rejections not logged one by one now (a source that ends), and starts a new minute. */
    public synchronized void flush() {
        if (suppressed > 0) {
            LOG.warn("Rejected {} more records from {} (counted and dead-lettered, not logged one by one)", suppressed,
                    printable(source));
        }
        windowStart = -1;
        inWindow = 0;
        suppressed = 0;
    }

    private static String printable(String s) {
        return UnsafeText.escaped(String.valueOf(s));
    }
}
