package io.grantwatch.alerts.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.IamChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The drift report model: built by {@link ReportBuilder}, rendered by {@link ReportRenderer} as
 * Markdown, JSON or one self-contained HTML file. Strings here are as the events gave them;
 * every renderer escapes for its format. {@code states} (finding id → OPEN/RESOLVED) is the baseline
 * the next report compares against ("new, resolved, regressed since the last report").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DriftReport(
        Instant generatedAt,
        Instant from,
        Instant to,
        String baseline,
        Totals totals,
        Map<String, Long> openByCloud,
        Map<String, Long> openByAccount,
        Map<String, Long> openByScenario,
        Map<String, Long> openByPrincipal,
        List<Item> newSinceLast,
        List<Item> resolvedSinceLast,
        List<Item> regressedSinceLast,
        List<TimeToGrant> timeToGrant,
        List<Breakage> predictedBreakages,
        List<Noisy> noisiestDenials,
        List<Unmapped> unmappedDenials,
        List<Muted> muted,
        List<Muted> expiredMutes,
        List<TrendPoint> trend,
        List<Item> open,
        Map<String, String> states,
        List<Unused> unusedGrants,
        String unusedNote) {

    /** The same report with the unused grants of what principals hold (least privilege the other way), and how they were measured. */
    public DriftReport withUnused(List<Unused> unused, String note) {
        return new DriftReport(generatedAt, from, to, baseline, totals, openByCloud, openByAccount, openByScenario, openByPrincipal,
                newSinceLast, resolvedSinceLast, regressedSinceLast, timeToGrant, predictedBreakages, noisiestDenials, unmappedDenials,
                muted, expiredMutes, trend, open, states, List.copyOf(unused), note);
    }

    /**
     * A policy a principal holds with Allow actions no call of it used in the window, and the smaller document that would
     * still allow every call seen (null: nothing in it was used; detach it).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Unused(String cloud, String account, String principal, String policy, String via, List<String> unused,
                         List<String> used, String smallerPolicy, String note) {
    }

    /** Counts over the findings in scope. */
    public record Totals(long findings, long open, long resolved, long muted, Map<String, Long> openByKind) {
    }

    /** One finding as a report line. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String id, String kind, String status, String severity, String cloud, String account, String principal,
            String scenario, Instant firstSeen, Instant lastSeen, long events, String fix, String mutedBy) {
    }

    /** Time from first denial to the resolving success, per scenario. */
    public record TimeToGrant(String scenario, long resolved, long medianSeconds, long p90Seconds) {
    }

    /** A predicted breakage and the IAM change behind it. */
    public record Breakage(Item finding, IamChange change) {
    }

    /** A denial pattern by volume. */
    public record Noisy(String cloud, String service, String api, String action, String principal, long events) {
    }

    /** A denial the catalog cannot explain (a catalog gap), grouped. */
    public record Unmapped(String cloud, String service, String api, String action, String errorCode, long findings, long events) {
    }

    /** A muted finding (or an expired mute that matches an open finding). */
    public record Muted(String findingId, String rule, String reason, String owner, Instant expires) {
    }

    /** One bucket of the period (an hour for periods up to two days, else a day), labelled in UTC. */
    public record TrendPoint(String bucket, Instant start, long opened, long resolved, long openAtEnd) {
    }
}
