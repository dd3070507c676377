package io.grantwatch.ingest.source;

import io.grantwatch.model.text.UnsafeText;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Reports a problem with a path once (WARN), then again at most every {@code every} as a count, so a
 * folder that stays unreadable does not flood the log on each poll.
 */
final class Reported {
    private final Logger log;
    private final String what;
    private final long everyMs;
    private final Set<String> seen = new HashSet<>();
    private long lastSummary;

    Reported(Logger log, String what, Duration every) {
        this.log = log;
        this.what = what;
        this.everyMs = every.toMillis();
        this.lastSummary = System.currentTimeMillis();
    }

    /** @return true when this was the first report of {@code path} */
    synchronized boolean report(String path, String message) {
        if (seen.add(path)) {
            // messages name files, and a file's name can hold a secret (saved from a presigned URL)
            log.warn("{}", UnsafeText.escaped(io.grantwatch.ingest.AuditFileReader.namesRedacted(message)));
            return true;
        }
        long now = System.currentTimeMillis();
        if (now - lastSummary >= everyMs) {
            lastSummary = now;
            log.warn("Still {} {} path(s) (each reported once above)", what, seen.size());
        }
        return false;
    }

    /** A path that can be read again is reported again if it fails again. */
    synchronized void cleared(String path) {
        seen.remove(path);
    }
}
