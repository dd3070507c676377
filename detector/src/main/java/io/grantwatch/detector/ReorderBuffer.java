package io.grantwatch.detector;

import io.grantwatch.model.AuditEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Puts nearly-ordered events into event-time order with bounded memory: it holds at most
 * {@code capacity} events and releases the oldest whenever it is full. Audit files are written in
 * time chunks (ActionTrail and CTS name files by time), so input read file by file in name order
 * is near-ordered; an event displaced by more than {@code capacity} positions comes out late and
 * the engine's grace decides what happens to it.
 *
 * <p>When the reader knows a time before which no more input comes (scan reads files in start-time
 * order and knows the next file's start), {@link #releaseBefore} lets go of everything older: the
 * buffer then holds only the events that may still need reordering, and {@code capacity} is a cap on
 * memory rather than the reorder tolerance.
 */
public final class ReorderBuffer {
    /** Event time, then event id; written out, as it runs a few times per event on scan's critical path. */
    private static final Comparator<AuditEvent> ORDER = (a, b) -> {
        int byTime = a.eventTime().compareTo(b.eventTime());
        return byTime != 0 ? byTime : a.eventId().compareTo(b.eventId());
    };
    private final PriorityQueue<AuditEvent> queue = new PriorityQueue<>(ORDER);
    private final int capacity;

    public ReorderBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /** Adds an event; returns the events released (oldest first), empty while the buffer fills. */
    public List<AuditEvent> offer(AuditEvent event) {
        queue.add(event);
        if (queue.size() <= capacity) {
            return List.of();
        }
        return List.of(queue.poll());
    }

    /** Releases the events older than {@code time}, oldest first (no input before it is to come). */
    public List<AuditEvent> releaseBefore(Instant time) {
        List<AuditEvent> out = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().eventTime().isBefore(time)) {
            out.add(queue.poll());
        }
        return out;
    }

    /** Releases everything left, oldest first. */
    public List<AuditEvent> drain() {
        List<AuditEvent> out = new ArrayList<>(queue.size());
        while (!queue.isEmpty()) {
            out.add(queue.poll());
        }
        return out;
    }

    public int size() {
        return queue.size();
    }
}
