package io.grantwatch.alerts.channel;

import io.grantwatch.alerts.Severity;
import io.grantwatch.model.Finding;
import io.grantwatch.model.Remediation;
import java.util.Locale;
import java.util.Objects;

/**
 * One finding ready to deliver: the finding, its remediation, its severity and the idempotency key
 * that every delivery of this version of the finding carries (a redelivery after a crash carries
 * the same key, so receivers and tests can count duplicates).
 */
public record Alert(Finding finding, Remediation remediation, Severity severity, String idempotencyKey) {
    public Alert {
        Objects.requireNonNull(finding, "finding");
        Objects.requireNonNull(remediation, "remediation");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    }

    public static Alert of(Finding f, Remediation r) {
        return new Alert(f, r, Severity.of(f), keyOf(f));
    }

    /** Finding id + version: the status and the finding's last change (event time), else its event count. */
    public static String keyOf(Finding f) {
        String version = f.updatedAt() != null ? Long.toString(f.updatedAt().toEpochMilli())
                : f.evidence() != null ? "n" + f.evidence().count() : "0";
        return f.id() + "@" + f.status().name().toLowerCase(Locale.ROOT) + "-" + version;
    }
}
