package io.grantwatch.ingest.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which records of one read of a watched file Kafka acknowledged, so that the checkpoint follows the
 * acknowledgements rather than the sends: a checkpoint taken at any moment (every N records, when Kafka
 * fails, when the process stops) says "resume at the first record not acknowledged, skip the ones after
 * it that were". Acknowledgements arrive out of order (one partition's batch before another's) on the
 * producer's thread; everything here is synchronized.
 *
 * <p>A position with several sends (two JSON values on one line) is acknowledged once all of them are. A
 * send that fails is never acknowledged: its position stays to be sent again.
 */
final class AckedPositions {
    /** What a checkpoint records. {@code resend} are the positions below {@code readTo} to send again. */
    record Progress(long next, List<Long> resend, long readTo) {
    }

    /** Unacknowledged sends per position. */
    private final TreeMap<Long, Integer> pending = new TreeMap<>();
    /** The resumed checkpoint's positions to send again, and the end of what it had read. */
    private final Set<Long> priorResend;
    private final long priorReadTo;

    /** @param prior the checkpoint this read resumes (its skips), or null */
    AckedPositions(FileCheckpoint.Entry prior) {
        boolean usable = prior != null && !prior.done() && prior.readTo() != null;
        this.priorResend = usable && prior.resend() != null ? Set.copyOf(prior.resend()) : Set.of();
        this.priorReadTo = usable ? prior.readTo() : -1;
    }

    /** A record at {@code position} the resumed checkpoint says Kafka already acknowledged: not sent again. */
    boolean alreadyAcknowledged(long position) {
        return position >= 0 && position < priorReadTo && !priorResend.contains(position);
    }

    synchronized void sent(long position) {
        if (position >= 0) {
            pending.merge(position, 1, Integer::sum);
        }
    }

    synchronized void acknowledged(long position) {
        if (position >= 0) {
            pending.computeIfPresent(position, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /**
     * The checkpoint when every record below {@code readTo} was handed to the sink (sent, skipped as already
     * acknowledged, or nothing to send): resume at the first one not acknowledged, send again the
     * unacknowledged ones, skip the rest. What the resumed checkpoint knew beyond {@code readTo} is kept.
     */
    synchronized Progress at(long readTo) {
        long to = Math.max(readTo, priorReadTo);
        TreeSet<Long> resend = new TreeSet<>(pending.headMap(to).keySet());
        for (long p : priorResend) {
            if (p >= readTo) {
                resend.add(p); // not reached this time: still to be sent, as the resumed checkpoint said
            }
        }
        long next = resend.isEmpty() ? to : Math.min(to, resend.first());
        return new Progress(next, new ArrayList<>(resend.tailSet(next)), to);
    }
}
