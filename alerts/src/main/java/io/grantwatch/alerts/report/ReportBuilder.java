package io.grantwatch.alerts.report;

import io.grantwatch.alerts.Severity;
import io.grantwatch.alerts.dispatch.MuteRule;
import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.Evidence;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Findings (newest state of each, from {@code scan}, offline inference or the findings topic) →
 * {@link DriftReport}. Pure. "Since the last report" compares with the previous report's
 * {@code states} when given; without one, with the period: new = first seen in the period,
 * resolved = resolved in the period, regressed = REGRESSION findings (or resolved ones open again).
 */
public final class ReportBuilder {
    static final int TREND_MAX_DAYS = 366;
    /** Every list of findings in a report reads worst first, newest first within a severity. */
    private static final Comparator<Finding> WORST_FIRST = Comparator.comparing((Finding f) -> Severity.of(f)).reversed()
            .thenComparing(ReportBuilder::time, Comparator.reverseOrder()).thenComparing(Finding::id);
    static final int TOP = 20;

    private final RemediationPlanner planner;
    private final MuteRules configured;
    private final Function<Instant, List<MuteRule>> decided;

    public ReportBuilder(RemediationPlanner planner, MuteRules mutes) {
        this(planner, mutes, now -> List.of());
    }

    /** @param decided the mutes decided elsewhere (the console's), asked for at each report's time beside the configured ones */
    public ReportBuilder(RemediationPlanner planner, MuteRules mutes, Function<Instant, List<MuteRule>> decided) {
        this.planner = Objects.requireNonNull(planner);
        this.configured = mutes == null ? MuteRules.none() : mutes;
        this.decided = Objects.requireNonNull(decided);
    }

    /**
     * @param findings every finding known (several versions of one id: the newest wins)
     * @param from     period start (null: earliest first-seen)
     * @param to       period end (null: now)
     * @param baseline previous report's states, or null
     * @param now      report time (mute expiry is judged at it)
     */
    public DriftReport build(Collection<Finding> findings, Instant from, Instant to, Map<String, String> baseline, Instant now) {
        MuteRules mutes = configured.with(decided.apply(now));
        Map<String, Finding> latest = new LinkedHashMap<>();
        for (Finding f : findings) {
            latest.merge(f.id(), f, (a, b) -> time(b).isBefore(time(a)) ? a : b);
        }
        Instant end = to != null ? to : now;
        List<Finding> scope = latest.values().stream().filter(f -> !first(f).isAfter(end)).toList();
        Instant start = from != null ? from : scope.stream().map(ReportBuilder::first).min(Comparator.naturalOrder()).orElse(end);

        List<Finding> open = scope.stream().filter(f -> statusAt(f, end) == FindingStatus.OPEN).toList();
        Map<String, DriftReport.Item> items = new LinkedHashMap<>();
        Function<Finding, DriftReport.Item> item = f -> items.computeIfAbsent(f.id(), k -> item(f, end, now, mutes));

        List<DriftReport.Muted> muted = new ArrayList<>();
        List<DriftReport.Muted> expired = new ArrayList<>();
        for (Finding f : open) {
            mutes.muting(f, now).ifPresent(r -> muted.add(muted(f, r)));
            mutes.expiredMatching(f, now).forEach(r -> expired.add(muted(f, r)));
        }

        List<DriftReport.Item> newItems;
        List<DriftReport.Item> resolvedItems;
        List<DriftReport.Item> regressed;
        if (baseline != null) {
            newItems = open.stream().filter(f -> !baseline.containsKey(f.id())).sorted(WORST_FIRST).map(item).toList();
            resolvedItems = scope.stream().filter(f -> "OPEN".equals(baseline.get(f.id())) && statusAt(f, end) == FindingStatus.RESOLVED)
                    .sorted(WORST_FIRST).map(item).toList();
            regressed = open.stream().filter(f -> "RESOLVED".equals(baseline.get(f.id())) || (f.kind() == FindingKind.REGRESSION
                    && !baseline.containsKey(f.id()))).sorted(WORST_FIRST).map(item).toList();
        } else {
            newItems = open.stream().filter(f -> !first(f).isBefore(start)).sorted(WORST_FIRST).map(item).toList();
            resolvedItems = scope.stream().filter(f -> f.resolvedAt() != null && !f.resolvedAt().isBefore(start)
                    && !f.resolvedAt().isAfter(end)).sorted(WORST_FIRST).map(item).toList();
            regressed = open.stream().filter(f -> f.kind() == FindingKind.REGRESSION).sorted(WORST_FIRST).map(item).toList();
        }

        Map<String, List<Long>> ttg = new TreeMap<>();
        for (Finding f : scope) {
            Duration d = timeToGrant(f);
            if (d != null && f.resolvedAt() != null && !f.resolvedAt().isBefore(start) && !f.resolvedAt().isAfter(end)) {
                ttg.computeIfAbsent(f.scenarioId() == null ? "(unmapped)" : f.scenarioId(), k -> new ArrayList<>()).add(d.toSeconds());
            }
        }
        List<DriftReport.TimeToGrant> timeToGrant = ttg.entrySet().stream().map(e -> {
            List<Long> v = e.getValue().stream().sorted().toList();
            return new DriftReport.TimeToGrant(e.getKey(), v.size(), rank(v, 0.5), rank(v, 0.9));
        }).toList();

        List<DriftReport.Breakage> breakages = open.stream().filter(f -> f.kind() == FindingKind.PREDICTED_BREAKAGE)
                .map(f -> new DriftReport.Breakage(item.apply(f), f.change())).toList();

        Map<List<String>, Long> noisy = new LinkedHashMap<>();
        Map<List<String>, long[]> unmapped = new LinkedHashMap<>();
        for (Finding f : scope) {
            Evidence ev = f.evidence();
            if (ev == null || f.kind() == FindingKind.PREDICTED_BREAKAGE) {
                continue;
            }
            String cloud = f.cloud() == null ? "" : f.cloud().wire();
            noisy.merge(List.of(cloud, nz(ev.service()), nz(ev.api()), nz(ev.deniedAction()), principal(f)), ev.count(), Long::sum);
            if (f.kind() == FindingKind.UNMAPPED_DENIAL) {
                long[] c = unmapped.computeIfAbsent(List.of(cloud, nz(ev.service()), nz(ev.api()), nz(ev.deniedAction()),
                        nz(ev.errorCode())), k -> new long[2]);
                c[0]++;
                c[1] += ev.count();
            }
        }
        List<DriftReport.Noisy> noisiest = noisy.entrySet().stream().sorted(Map.Entry.<List<String>, Long>comparingByValue().reversed())
                .limit(10).map(e -> new DriftReport.Noisy(e.getKey().get(0), e.getKey().get(1), e.getKey().get(2), e.getKey().get(3),
                        e.getKey().get(4), e.getValue())).toList();
        List<DriftReport.Unmapped> gaps = unmapped.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .map(e -> new DriftReport.Unmapped(e.getKey().get(0), e.getKey().get(1), e.getKey().get(2), e.getKey().get(3),
                        e.getKey().get(4), e.getValue()[0], e.getValue()[1])).toList();

        Map<String, Long> byKind = new TreeMap<>(open.stream().collect(Collectors.groupingBy(f -> f.kind().name(), Collectors.counting())));
        DriftReport.Totals totals = new DriftReport.Totals(scope.size(), open.size(), scope.size() - open.size(), muted.size(), byKind);
        List<DriftReport.Item> openItems = open.stream().sorted(WORST_FIRST).map(item).toList();
        Map<String, String> states = new TreeMap<>();
        scope.forEach(f -> states.put(f.id(), statusAt(f, end).name()));

        return new DriftReport(now, start, end, baseline == null ? "period" : "previous report", totals,
                count(open, f -> f.cloud() == null ? "unknown" : f.cloud().wire(), Integer.MAX_VALUE),
                count(open, f -> f.principal() == null || f.principal().accountId() == null ? "unknown" : f.principal().accountId(), TOP),
                count(open, f -> f.scenarioId() == null ? "(unmapped)" : f.scenarioId(), TOP),
                count(open, ReportBuilder::principal, TOP),
                newItems, resolvedItems, regressed, timeToGrant, breakages, noisiest, gaps, muted, expired,
                trend(scope, start, end), openItems, states, null, null);
    }

    private DriftReport.Item item(Finding f, Instant end, Instant now, MuteRules mutes) {
        Evidence ev = f.evidence();
        String fix;
        try {
            fix = planner.plan(f).summary();
        } catch (RuntimeException e) {
            fix = "see the finding";
        }
        return new DriftReport.Item(f.id(), f.kind().name(), statusAt(f, end).name(), Severity.of(f).name(),
                f.cloud() == null ? null : f.cloud().wire(), f.principal() == null ? null : f.principal().accountId(), principal(f),
                f.scenarioTitle() != null ? f.scenarioTitle() : f.scenarioId(), first(f), ev == null ? f.updatedAt() : ev.lastSeen(),
                ev == null ? 0 : ev.count(), fix, mutes.muting(f, now).map(MuteRule::id).orElse(null));
    }

    private static DriftReport.Muted muted(Finding f, MuteRule r) {
        return new DriftReport.Muted(f.id(), r.id(), r.reason(), r.owner(), r.expires());
    }

    static List<DriftReport.TrendPoint> trend(List<Finding> scope, Instant start, Instant end) {
        boolean hourly = Duration.between(start, end).compareTo(Duration.ofHours(48)) <= 0;
        Duration step = hourly ? Duration.ofHours(1) : Duration.ofDays(1);
        Instant b = hourly ? start.truncatedTo(ChronoUnit.HOURS) : start.truncatedTo(ChronoUnit.DAYS);
        if (!hourly && Duration.between(b, end).toDays() > TREND_MAX_DAYS) {
            b = end.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(TREND_MAX_DAYS));
        }
        DateTimeFormatter label = DateTimeFormatter.ofPattern(hourly ? "MM-dd HH:00" : "yyyy-MM-dd").withZone(ZoneOffset.UTC);
        List<DriftReport.TrendPoint> out = new ArrayList<>();
        for (; !b.isAfter(end); b = b.plus(step)) {
            Instant from = b;
            Instant to = b.plus(step);
            long opened = scope.stream().filter(f -> within(first(f), from, to)).count();
            long resolved = scope.stream().filter(f -> f.resolvedAt() != null && within(f.resolvedAt(), from, to)).count();
            long openAtEnd = scope.stream().filter(f -> first(f).isBefore(to)
                    && (f.resolvedAt() == null || !f.resolvedAt().isBefore(to))).count();
            out.add(new DriftReport.TrendPoint(label.format(from), from, opened, resolved, openAtEnd));
        }
        return out;
    }

    private static boolean within(Instant t, Instant a, Instant b) {
        return !t.isBefore(a) && t.isBefore(b);
    }

    /** Nearest-rank percentile of sorted values. */
    static long rank(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int idx = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
    }

    private static Map<String, Long> count(List<Finding> fs, Function<Finding, String> key, int limit) {
        Map<String, Long> counts = fs.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
        Map<String, Long> out = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(limit).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    static FindingStatus statusAt(Finding f, Instant end) {
        if (f.status() == FindingStatus.RESOLVED && f.resolvedAt() != null && f.resolvedAt().isAfter(end)) {
            return FindingStatus.OPEN;
        }
        return f.status();
    }

    static Duration timeToGrant(Finding f) {
        if (f.timeToGrant() != null) {
            return f.timeToGrant();
        }
        return f.resolvedAt() == null ? null : Duration.between(first(f), f.resolvedAt());
    }

    static Instant first(Finding f) {
        if (f.evidence() != null && f.evidence().firstSeen() != null) {
            return f.evidence().firstSeen();
        }
        if (f.change() != null && f.change().time() != null) {
            return f.change().time();
        }
        return Optional.ofNullable(f.updatedAt()).orElse(Instant.EPOCH);
    }

    static Instant time(Finding f) {
        return Optional.ofNullable(f.updatedAt()).orElse(first(f));
    }

    static String principal(Finding f) {
        return f.principal() == null ? "unknown" : f.principal().display();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
