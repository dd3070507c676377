package io.grantwatch.detector;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the detector counts: events in, denials, unmapped denials (the catalog's to-do list), events
 * later than the grace, IAM changes, findings emitted. Thread-safe; the Streams topology exposes
 * them through the runner, {@code scan} prints them on stderr.
 */
public final class DetectorCounters {
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong denials = new AtomicLong();
    private final AtomicLong unmappedDenials = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong iamChanges = new AtomicLong();
    private final AtomicLong findingsEmitted = new AtomicLong();

    public void record(io.grantwatch.model.AuditEvent event, Step step) {
        events.incrementAndGet();
        if (event.denied()) {
            denials.incrementAndGet();
        }
        if (step.unmappedDenial()) {
            unmappedDenials.incrementAndGet();
        }
        if (step.late()) {
            late.incrementAndGet();
        }
        findingsEmitted.addAndGet(step.emitted().size());
    }

    public void recordChange(Step step) {
        iamChanges.incrementAndGet();
        findingsEmitted.addAndGet(step.emitted().size());
    }

    /** An IAM change that only changes what the inventory knows (a new policy version or document); its findings come derived. */
    public void recordInventoryChange() {
        iamChanges.incrementAndGet();
    }

    /** Findings a step derived from an event already counted (a policy's holders, a group's members, an agency's scope). */
    public void recordDerived(Step step) {
        findingsEmitted.addAndGet(step.emitted().size());
    }

    public long events() {
        return events.get();
    }

    public long denials() {
        return denials.get();
    }

    public long unmappedDenials() {
        return unmappedDenials.get();
    }

    public long late() {
        return late.get();
    }

    public long iamChanges() {
        return iamChanges.get();
    }

    public long findingsEmitted() {
        return findingsEmitted.get();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("events", events());
        m.put("denials", denials());
        m.put("unmapped-denials", unmappedDenials());
        m.put("late-events", late());
        m.put("iam-changes", iamChanges());
        m.put("findings-emitted", findingsEmitted());
        return m;
    }
}
