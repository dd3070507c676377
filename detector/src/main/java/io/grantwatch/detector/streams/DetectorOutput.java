package io.grantwatch.detector.streams;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;

/** What the detect processor forwards: a finding for {@code findings}, or an unmapped denial for {@code unmapped-denials}. Never serialized. */
record DetectorOutput(Finding finding, AuditEvent unmapped) {
    static DetectorOutput of(Finding f) {
        return new DetectorOutput(f, null);
    }

    static DetectorOutput of(AuditEvent e) {
        return new DetectorOutput(null, e);
    }
}
