package io.grantwatch.ingest.source;

import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.model.text.UnsafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rejected records of a source (file and position, reason) so that a rejection under
 * {@code grantwatch run} is seen, not only counted and dead-lettered: the first {@link #PER_MINUTE}
 * of each minute, then one line saying the rest are only counted, and their number when the minute
 * is over ({@link #tick()}) or the source ends ({@link #flush()}). File names and reasons may carry attacker-controlled text: control characters are
 * escaped
 * ({@link UnsafeText}).
 */
public final class RejectionLog {
    private static final Logger LOG = LoggerFactory.getLogger(RejectionLog.class);
    /** Rejections logged one by one per minute and source. */
    public static final int PER_MINUTE = 20;

    private final String source;
    private final LogBudget budget;

    public RejectionLog(String source) {
        this.source = source;
        this.budget = new LogBudget(PER_MINUTE, n -> LOG.warn("Rejected {} more records from {} (counted and dead-lettered, "
                + "not logged one by one)", n, printable(source)));
    }

    public void rejected(RejectedRecord r) {
        switch (budget.admit()) {
            case LOG -> LOG.warn("Rejected record {} from {}: {} (sent to the dead-letter topic)", printable(r.location()),
                    printable(source), printable(r.reason()));
            case FIRST_COUNTED -> LOG.warn("More than {} rejected records from {} this minute: the rest of this minute's are "
                    + "counted and dead-lettered, not logged", PER_MINUTE, printable(source));
            case COUNTED -> {
            }
        }
    }

    /**
     * Once the minute is over, logs how many of its rejections were not logged one by one: called after
     * every file and poll, so the count appears when the minute ends, not with the next rejection.
     */
    public void tick() {
        budget.tick();
    }

    /** Logs the count of rejections not logged one by one now (a source that ends), and starts a new minute. */
    public void flush() {
        budget.flush();
    }

    private static String printable(String s) {
        return UnsafeText.escaped(String.valueOf(s));
    }
}
