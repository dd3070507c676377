package io.grantwatch.alerts.dispatch;

import io.grantwatch.model.Finding;
import io.grantwatch.model.MissingGrant;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An accepted risk: matching findings are not notified (they stay in the findings topic, the
 * remediations topic and the reports, marked muted). Reason, owner and expiry are mandatory, so a
 * mute is a decision someone owns and revisits, never a silent delete.
 *
 * @param id         stable id for reports
 * @param accounts   account globs
 * @param principals principal globs (key, display or name)
 * @param scenarios  scenario id globs
 * @param grants     grant globs on the grant key ({@code ACTION:oss:GetObject@...}) or value
 * @param kinds      finding kinds
 * @param reason     why the risk is accepted
 * @param owner      who decided
 * @param expires    when the mute stops (required)
 * @param findings   finding id globs (a mute made in the findings console names its one finding)
 */
public record MuteRule(String id, List<String> accounts, List<String> principals, List<String> scenarios, List<String> grants,
        List<String> kinds, String reason, String owner, Instant expires, List<String> findings) {

    /** A rule on accounts, principals, scenarios, grants and kinds (no finding ids). */
    public MuteRule(String id, List<String> accounts, List<String> principals, List<String> scenarios, List<String> grants,
            List<String> kinds, String reason, String owner, Instant expires) {
        this(id, accounts, principals, scenarios, grants, kinds, reason, owner, expires, null);
    }

    public MuteRule {
        Objects.requireNonNull(id, "mute rule id");
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("mute rule " + id + " needs a reason");
        }
        if (owner == null || owner.isBlank()) {
            throw new IllegalArgumentException("mute rule " + id + " needs an owner");
        }
        Objects.requireNonNull(expires, "mute rule " + id + " needs an expiry");
        accounts = accounts == null ? List.of() : List.copyOf(accounts);
        principals = principals == null ? List.of() : List.copyOf(principals);
        scenarios = scenarios == null ? List.of() : List.copyOf(scenarios);
        grants = grants == null ? List.of() : List.copyOf(grants);
        kinds = kinds == null ? List.of() : List.copyOf(kinds);
        findings = findings == null ? List.of() : List.copyOf(findings);
        if (accounts.isEmpty() && principals.isEmpty() && scenarios.isEmpty() && grants.isEmpty() && kinds.isEmpty() && findings.isEmpty()) {
            throw new IllegalArgumentException("mute rule " + id + " matches everything; name at least one criterion");
        }
    }

    public boolean activeAt(Instant now) {
        return now.isBefore(expires);
    }

    public boolean matches(Finding f) {
        var p = f.principal();
        boolean grantOk = grants.isEmpty() || f.missing().stream().map(MissingGrant::grant)
                .anyMatch(g -> Globs.any(grants, g.key(), g.value()));
        return Globs.any(accounts, p == null ? null : p.accountId())
                && Globs.any(principals, p == null ? null : p.key(), p == null ? null : p.display(), p == null ? null : p.name())
                && Globs.any(scenarios, f.scenarioId())
                && grantOk
                && Globs.any(kinds, f.kind().name())
                && Globs.any(findings, f.id());
    }
}
