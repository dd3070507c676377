package io.grantwatch.systemtests;

import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DenialMatcher;
import io.grantwatch.detector.DetectorCounters;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.IamChanges;
import io.grantwatch.detector.Match;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.detector.PrincipalState;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogArea;
import io.grantwatch.model.catalog.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Scenario 5 without Kafka: the two phases' input plans and their oracle. The semantics (bench/README.md,
 * "Scenario 5"):
 *
 * <ul>
 * <li><b>(a) Catalog churn, switch point.</b> The corpus, in event-time order, is cut into three segments;
 * each is inferred with its own catalog version (base; without the entries that explain one denied
 * call; base again with one entry retitled). The switch point is exact: before a version is published
 * the detector has processed everything produced so far, and production resumes only once the
 * publisher's acknowledged records are in the detector's global store as a complete version (what
 * {@code CatalogHolder} adopts). The topic must carry exactly the oracle's versions, compared as (id,
 * kind, status, count, catalog version).</li>
 * <li><b>(b) Order within the grace.</b> Each event arrives delayed by a random 0..jitter (jitter &lt;
 * grace); the oracle feeds the events in event-time order. Which versions get emitted (count
 * milestones, the count a resolution carries) depends on which event comes last, so the criterion is
 * each finding's lifecycle: the same ids, each with the same kind and sequence of statuses. One
 * difference is by design: a denial is ranked with the calls that arrived before it, and an earlier
 * signalling call arriving after it does not re-rank it (the finding and its alert keep their id), so
 * an id may be the same denial attributed to another scenario ({@link #reattributed}); every other
 * id must match, and the run must equal the offline engine fed the arrival order exactly.</li>
 * <li><b>(b) Too late.</b> A planted late event is a copy of an event (new id) dated grace + 1 min before
 * it, arriving right after it from the same principal: older than the principal's newest time minus the
 * grace, so it is only counted in {@link PrincipalState#late()}: no finding, no IAM change applied.</li>
 * </ul>
 *
 * The oracle is {@link OfflineDetector} (the same engine, IAM changes applied to the affected
 * principal) with the catalog given per event.
 */
final class ChurnAndLateness {
    static final String TITLE_SUFFIX = " [reliability 5: retitled]";
    static final String LATE_SUFFIX = "-late";

    private ChurnAndLateness() {
    }

    /** A stretch of input between two switch points, inferred with one catalog version. */
    record Segment(Catalog catalog, CatalogLookup lookup, List<AuditEvent> arrival, List<AuditEvent> eventTime) {
    }

    /** A planted too-late event: a copy of {@code anchor}, dated grace + 1 min before it, arriving right after it. */
    record Late(AuditEvent event, AuditEvent anchor, String kind) {
    }

    /**
     * @param churn     what segment 2's catalog lacks and segment 3's brings back (null in the lateness phase)
     * @param inverted  events that arrive after a later event of the same principal (within the grace)
     */
    record Plan(List<Segment> segments, Churn churn, List<Late> late, Duration jitter, long inverted) {
        List<AuditEvent> arrival() {
            List<AuditEvent> all = new ArrayList<>();
            segments.forEach(s -> all.addAll(s.arrival()));
            return all;
        }
    }

    /** What replaying a plan gave. {@code changesAt[i]} is the IAM changes applied up to the end of segment i. */
    record Replay(List<Finding> emitted, DetectorCounters counters, long lateInStates, long unmappedOut, long[] eventsAt,
                  long[] changesAt) {
    }

    // ------------------------------------------------------------------ plan

    /**
     * The churn phase: three segments in event-time order (cut at a third and two thirds of the corpus).
     * Segment 2's catalog lacks every entry that explains one denied call, chosen so that a principal is
     * denied that call in segment 2 and again in segment 3, where the entries are back; segment 3's
     * catalog also retitles the scenario most of its new findings name. Deterministic for a corpus.
     */
    static Plan churn(List<AuditEvent> corpus, Catalog base, DetectorSettings settings) {
        int n = corpus.size();
        List<List<AuditEvent>> parts = List.of(corpus.subList(0, n / 3), corpus.subList(n / 3, 2 * n / 3), corpus.subList(2 * n / 3, n));
        Churn churn = null;
        List<Finding> chosen = List.of();
        long best = 0;
        for (Churn candidate : candidates(parts, base)) {
            List<Finding> emitted = replay(segments(base, candidate, parts), false, settings).emitted();
            long superseded = superseded(emitted);
            if (superseded > best) {
                best = superseded;
                churn = candidate;
                chosen = emitted;
            }
        }
        if (churn == null) {
            throw new IllegalStateException("no denied call of the corpus straddles the catalog switch points: the churn would supersede nothing");
        }
        // The changed entry: the scenario most new findings of segment 3 name, so the new title shows on the topic.
        String v3 = base.version() + "+s5.3";
        Map<String, Integer> fresh = new TreeMap<>();
        for (Finding f : chosen) {
            if (v3.equals(f.catalogVersion()) && f.scenarioId() != null && f.kind() != FindingKind.PREDICTED_BREAKAGE
                    && f.status() == FindingStatus.OPEN && f.evidence().count() == 1) {
                fresh.merge(f.scenarioId(), 1, Integer::sum);
            }
        }
        String retitled = fresh.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(churn.retitled());
        churn = new Churn(churn.cloud(), churn.call(), churn.removed(), retitled);
        return new Plan(segments(base, churn, parts), churn, List.of(), Duration.ZERO, 0);
    }

    /**
     * The lateness phase: one segment with the base catalog; each event arrives delayed by a uniform
     * 0..jitter (jitter &lt; grace) and {@code lateCount} late copies are planted. The oracle's order is the
     * corpus (event-time) order with each late copy right after its anchor.
     */
    static Plan lateness(List<AuditEvent> corpus, Catalog base, DetectorSettings settings, Duration jitter, int lateCount, long seed) {
        if (jitter.compareTo(settings.grace()) >= 0) {
            throw new IllegalArgumentException("jitter must stay within the grace");
        }
        Random random = new Random(seed);
        List<List<AuditEvent>> arrival = List.of(jittered(corpus, jitter, random));
        List<Late> late = plantLate(arrival, lateCount, settings.grace(), random);
        List<AuditEvent> eventTime = new ArrayList<>(corpus);
        for (Late l : late) {
            eventTime.add(eventTime.indexOf(l.anchor()) + 1, l.event());
        }
        return new Plan(List.of(new Segment(base, lookupOf(base), arrival.get(0), eventTime)), null, late, jitter, inversions(arrival));
    }

    /**
     * What segment 2 lacks: every scenario entry that explains {@code call} (removed until the matcher finds
     * nothing, fallbacks included); segment 3 has them back and {@code retitled} under a new title.
     */
    record Churn(Cloud cloud, String call, List<String> removed, String retitled) {
        /** Whether segment 2 lacks this scenario (null: none). */
        boolean removes(String scenarioId) {
            return scenarioId != null && removed.contains(scenarioId);
        }

        /** Whether a finding is about the churned call (its denied grant names it). */
        boolean names(Finding f) {
            return f.cloud() == cloud && !f.missing().isEmpty() && call.equals(f.missing().get(0).grant().value().toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return cloud.wire() + " " + call;
        }
    }

    /**
     * Denied calls (not explicit denies) that one principal makes in segment 2 and again in segment 3, with
     * the entries to remove so the matcher finds nothing: fewest entries first, at most 5.
     */
    private static List<Churn> candidates(List<List<AuditEvent>> parts, Catalog base) {
        Map<String, AuditEvent> inTwo = new LinkedHashMap<>();
        for (AuditEvent e : parts.get(1)) {
            if (e.denied() && !e.explicitDeny() && callKey(e) != null) {
                inTwo.putIfAbsent(e.partitionKey() + "|" + callKey(e), e);
            }
        }
        Map<String, AuditEvent> example = new TreeMap<>();
        Map<String, Integer> straddling = new HashMap<>();
        // key: "<cloud> <call>"
        for (AuditEvent e : parts.get(2)) {
            AuditEvent earlier = e.denied() && !e.explicitDeny() && callKey(e) != null ? inTwo.remove(e.partitionKey() + "|" + callKey(e)) : null;
            if (earlier != null) {
                String call = e.cloud().wire() + " " + callKey(e);
                example.putIfAbsent(call, earlier);
                straddling.merge(call, 1, Integer::sum);
            }
        }
        List<Churn> out = new ArrayList<>();
        for (Map.Entry<String, AuditEvent> c : example.entrySet()) {
            List<String> removed = new ArrayList<>();
            Catalog reduced = base;
            for (int round = 0; round < 10 && removed.size() <= 12; round++) {
                List<Match> matches = DenialMatcher.match(c.getValue(), lookupOf(reduced));
                if (matches.isEmpty()) {
                    break;
                }
                matches.stream().map(m -> m.scenario().id()).distinct().forEach(removed::add);
                reduced = without(base, removed, base.version());
            }
            if (!removed.isEmpty() && removed.size() <= 12 && DenialMatcher.match(c.getValue(), lookupOf(reduced)).isEmpty()) {
                AuditEvent e = c.getValue();
                out.add(new Churn(e.cloud(), callKey(e), List.copyOf(removed), removed.get(0)));
            }
        }
        out.sort(Comparator.<Churn>comparingInt(c -> c.removed().size()).thenComparing(c -> -straddling.get(c.toString()))
                .thenComparing(Churn::toString));
        return out.subList(0, Math.min(5, out.size()));
    }

    private static String callKey(AuditEvent e) {
        if (e.iamAction() != null && !e.iamAction().isBlank()) {
            return e.iamAction().toLowerCase(Locale.ROOT);
        }
        return e.action() == null ? null : String.valueOf(e.service()).toLowerCase(Locale.ROOT) + "/" + e.action().toLowerCase(Locale.ROOT);
    }

    /** The three versions; keep the names in step with {@link #churn}'s. */
    private static List<Segment> segments(Catalog base, Churn churn, List<List<AuditEvent>> parts) {
        List<Catalog> versions = List.of(base, without(base, churn.removed(), base.version() + "+s5.2"),
                retitled(base, churn.retitled(), base.version() + "+s5.3"));
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            out.add(new Segment(versions.get(i), lookupOf(versions.get(i)), parts.get(i), parts.get(i)));
        }
        return out;
    }

    /** The index the detector builds from the topic's records (CatalogHolder), not from the catalog object. */
    static CatalogLookup lookupOf(Catalog c) {
        return CatalogLookup.of(Catalog.fromEntries(c.toEntries().values()));
    }

    static Catalog without(Catalog c, List<String> scenarioIds, String version) {
        List<CatalogArea> areas = new ArrayList<>();
        for (CatalogArea a : c.areas()) {
            areas.add(new CatalogArea(a.id(), a.cloud(), a.title(), a.seed(), a.scenarios().stream().filter(s -> !scenarioIds.contains(s.id()))
                    .toList(),
                    a.apis(), a.errorCodes(), a.hints(), a.fallbacks(), a.errata()));
        }
        return new Catalog(version, areas);
    }

    static Catalog retitled(Catalog c, String scenarioId, String version) {
        List<CatalogArea> areas = new ArrayList<>();
        for (CatalogArea a : c.areas()) {
            List<Scenario> scenarios = new ArrayList<>();
            for (Scenario s : a.scenarios()) {
                scenarios.add(!s.id().equals(scenarioId) ? s : new Scenario(s.id(), s.cloud(), s.area(), s.title() + TITLE_SUFFIX, s.originalTitle(),
                        s.dependentServices(), s.requirements(), s.signals(), s.citation(), s.notes()));
            }
            areas.add(new CatalogArea(a.id(), a.cloud(), a.title(), a.seed(), scenarios, a.apis(), a.errorCodes(), a.hints(), a.fallbacks(),
                    a.errata()));
        }
        return new Catalog(version, areas);
    }

    /** Arrival order: each event delayed by a uniform 0..jitter, stable for ties. */
    private static List<AuditEvent> jittered(List<AuditEvent> part, Duration jitter, Random random) {
        record Arrival(long at, int index, AuditEvent event) {
        }
        List<Arrival> xs = new ArrayList<>(part.size());
        for (int i = 0; i < part.size(); i++) {
            AuditEvent e = part.get(i);
            long delay = jitter.isZero() ? 0 : (long) (random.nextDouble() * jitter.toMillis());
            xs.add(new Arrival(e.eventTime().toEpochMilli() + delay, i, e));
        }
        xs.sort(Comparator.comparingLong(Arrival::at).thenComparingInt(Arrival::index));
        return new ArrayList<>(xs.stream().map(Arrival::event).toList());
    }

    /**
     * Plants late copies, spread over the whole input: a third each of denials, successes and IAM changes
     * (copies of an IAM change test that a late change is not applied to the principal it affects).
     */
    private static List<Late> plantLate(List<List<AuditEvent>> arrival, int count, Duration grace, Random random) {
        List<AuditEvent> all = new ArrayList<>();
        arrival.forEach(all::addAll);
        Map<String, List<AuditEvent>> pools = new LinkedHashMap<>();
        pools.put("denial", new ArrayList<>(all.stream().filter(AuditEvent::denied).toList()));
        pools.put("success", new ArrayList<>(all.stream().filter(e -> e.outcome() == Outcome.ALLOWED && IamChanges.classify(e).isEmpty()).toList()));
        pools.put("iam-change", new ArrayList<>(all.stream().filter(e -> IamChanges.classify(e).isPresent()).toList()));
        List<String> kinds = List.copyOf(pools.keySet());
        List<Late> out = new ArrayList<>();
        for (int i = 0; out.size() < count && i < 3 * count; i++) {
            String kind = kinds.get(i % kinds.size());
            List<AuditEvent> pool = pools.get(kind);
            if (pool.isEmpty()) {
                continue;
            }
            AuditEvent anchor = pool.remove(random.nextInt(pool.size()));
            AuditEvent copy = new AuditEvent(anchor.cloud(), anchor.eventId() + LATE_SUFFIX, anchor.eventTime().minus(grace)
                    .minus(Duration.ofMinutes(1)),
                    anchor.principal(), anchor.service(), anchor.action(), anchor.iamAction(), anchor.resource(), anchor.outcome(),
                    anchor.explicitDeny(), anchor.errorCode(), anchor.errorMessage(), anchor.sourceIp(), anchor.region(), anchor.userAgent(),
                    anchor.eventType(), anchor.parameters(), anchor.source());
            for (List<AuditEvent> part : arrival) {
                int at = part.indexOf(anchor);
                if (at >= 0) {
                    part.add(at + 1, copy);
                }
            }
            out.add(new Late(copy, anchor, kind));
        }
        return out;
    }

    /** Events that arrive after an event of the same principal with a later event time. */
    static long inversions(List<List<AuditEvent>> arrival) {
        long n = 0;
        Map<String, Long> newest = new HashMap<>();
        for (List<AuditEvent> part : arrival) {
            for (AuditEvent e : part) {
                long t = e.eventTime().toEpochMilli();
                Long seen = newest.get(e.partitionKey());
                if (seen != null && seen > t && !e.eventId().endsWith(LATE_SUFFIX)) {
                    n++;
                }
                newest.merge(e.partitionKey(), t, Math::max);
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ oracle

    /** Replays the plan: in event-time order per segment (the oracle) or in arrival order (the diagnostic). */
    static Replay replay(Plan plan, boolean arrivalOrder, DetectorSettings settings) {
        return replay(plan.segments(), arrivalOrder, settings);
    }

    private static Replay replay(List<Segment> segments, boolean arrivalOrder, DetectorSettings settings) {
        OfflineDetector d = new OfflineDetector(settings, segments.get(0).lookup());
        List<Finding> emitted = new ArrayList<>();
        long[] eventsAt = new long[segments.size()];
        long[] changesAt = new long[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            for (AuditEvent e : arrivalOrder ? s.arrival() : s.eventTime()) {
                emitted.addAll(d.accept(e, s.lookup()));
            }
            eventsAt[i] = d.counters().events();
            changesAt[i] = d.counters().iamChanges();
        }
        return new Replay(emitted, d.counters(), d.lateInStates(), d.unmappedEmitted(), eventsAt, changesAt);
    }

    /** Unmapped-denial findings closed because a later catalog explains the same call (closed without a time to grant). */
    static long superseded(List<Finding> emitted) {
        return emitted.stream().filter(f -> f.kind() == FindingKind.UNMAPPED_DENIAL && f.status() == FindingStatus.RESOLVED
                && f.timeToGrant() == null).count();
    }

    // ------------------------------------------------------------------ comparison

    /** A finding version as this scenario compares it: the suite's (id, kind, status, count) plus the catalog version used. */
    record Version(String id, FindingKind kind, FindingStatus status, long count, String catalogVersion) implements Comparable<Version> {
        static Version of(Finding f) {
            return new Version(f.id(), f.kind(), f.status(), f.evidence() == null ? 0 : f.evidence().count(), f.catalogVersion());
        }

        @Override
        public int compareTo(Version o) {
            return Comparator.comparing(Version::id).thenComparing(Version::status).thenComparingLong(Version::count)
                    .thenComparing(Version::kind).thenComparing(v -> String.valueOf(v.catalogVersion())).compare(this, o);
        }

        @Override
        public String toString() {
            return id + "/" + kind + "/" + status + "/" + count + "@" + catalogVersion;
        }
    }

    /**
     * The suite's comparison (missing, duplicates, unexpected, last version per id) on {@link Version}s.
     * {@code differing} lists the ids with any difference.
     */
    record Comparison(long expected, long observed, long missing, long duplicates, long unexpected, long finalMismatch, Set<String> differing,
                      List<String> examples) {
        boolean matches() {
            return missing == 0 && duplicates == 0 && unexpected == 0 && finalMismatch == 0;
        }

        String counts() {
            return "expected=" + expected + " observed=" + observed + " missing=" + missing + " duplicates=" + duplicates + " unexpected="
                    + unexpected + " finalMismatch=" + finalMismatch;
        }

        @Override
        public String toString() {
            return counts() + (examples.isEmpty() ? "" : " e.g. " + examples);
        }
    }

    static Comparison compare(List<Finding> expected, List<Finding> observed) {
        Map<Version, Integer> want = counts(expected);
        Map<Version, Integer> got = counts(observed);
        long missing = 0;
        long duplicates = 0;
        long unexpected = 0;
        Set<String> differing = new LinkedHashSet<>();
        List<String> examples = new ArrayList<>();
        for (Map.Entry<Version, Integer> w : want.entrySet()) {
            int g = got.getOrDefault(w.getKey(), 0);
            if (g < w.getValue()) {
                missing += w.getValue() - g;
                differing.add(w.getKey().id());
                if (examples.size() < 4) {
                    examples.add("missing " + w.getKey());
                }
            } else if (g > w.getValue()) {
                duplicates += g - w.getValue();
                differing.add(w.getKey().id());
            }
        }
        for (Map.Entry<Version, Integer> g : got.entrySet()) {
            if (!want.containsKey(g.getKey())) {
                unexpected += g.getValue();
                differing.add(g.getKey().id());
                if (examples.size() < 8) {
                    examples.add("unexpected " + g.getKey());
                }
            }
        }
        Map<String, Version> lastWant = last(expected);
        Map<String, Version> lastGot = last(observed);
        long finalMismatch = 0;
        for (String id : union(lastWant.keySet(), lastGot.keySet())) {
            if (!Objects.equals(lastWant.get(id), lastGot.get(id))) {
                finalMismatch++;
                differing.add(id);
            }
        }
        return new Comparison(expected.size(), observed.size(), missing, duplicates, unexpected, finalMismatch, differing, examples);
    }

    /**
     * Each finding's lifecycle: its kind and the statuses it went through, repeats collapsed (OPEN, RESOLVED, OPEN...).
     * Counts and count-milestone versions are left out: which event is emitted last depends on the arrival order by design.
     */
    static Map<String, List<String>> lifecycles(List<Finding> fs) {
        Map<String, List<String>> m = new TreeMap<>();
        for (Finding f : fs) {
            List<String> l = m.computeIfAbsent(f.id(), k -> new ArrayList<>());
            String step = f.kind() + ":" + f.status();
            if (l.isEmpty() || !l.get(l.size() - 1).equals(step)) {
                l.add(step);
            }
        }
        return m;
    }

    /**
     * Lifecycles compared per id.
     *
     * @param missing    ids the oracle has and the topic not
     * @param unexpected ids on the topic the oracle does not have
     * @param differ     ids on both whose lifecycles differ
     */
    record LifecycleComparison(int expected, int observed, int missing, int unexpected, int differ, Set<String> differing, List<String> examples) {
        boolean matches() {
            return differing.isEmpty();
        }

        @Override
        public String toString() {
            return "ids expected=" + expected + " observed=" + observed + " missing=" + missing + " unexpected=" + unexpected + " lifecycle differs="
                    + differ + (examples.isEmpty() ? "" : " e.g. " + examples);
        }
    }

    /**
     * How many of the ids that differ between the oracle and a run are one denial attributed to another scenario: an id
     * only the oracle has paired with an id only the run has, of the same principal, kind, denied grant and lifecycle.
     * A denial is ranked with the calls that have arrived before it; a signalling call that arrives after it does not
     * re-rank it, so the finding (and the alert sent for it) keeps its id.
     *
     * An id with no such partner still counts when the other side holds the same denial under another id (folded into
     * another scenario's finding there).
     *
     * @return the number of differing ids explained this way
     */
    static int reattributed(List<Finding> expected, List<Finding> observed, Set<String> differing) {
        Map<String, List<String>> want = lifecycles(expected);
        Map<String, List<String>> got = lifecycles(observed);
        Map<String, Finding> lastWant = lastById(expected);
        Map<String, Finding> lastGot = lastById(observed);
        List<String> onlyWant = differing.stream().filter(id -> want.containsKey(id) && !got.containsKey(id)).toList();
        Set<String> onlyGot = new LinkedHashSet<>(differing.stream().filter(id -> got.containsKey(id) && !want.containsKey(id)).toList());
        int paired = 0;
        for (String w : onlyWant) {
            String match = null;
            for (String g : onlyGot) {
                if (sameDenial(lastWant.get(w), lastGot.get(g)) && want.get(w).equals(got.get(g))) {
                    match = g;
                    break;
                }
            }
            if (match == null) {
                // the success that makes a denial a REGRESSION in event time arrived after it: the run can only call it a
                // MISSING_GRANT (it cannot know of a success it has not seen yet)
                for (String g : onlyGot) {
                    if (demoted(lastWant.get(w), lastGot.get(g))) {
                        match = g;
                        break;
                    }
                }
            }
            if (match != null) {
                onlyGot.remove(match);
                paired += 2;
            } else if (explainedBy(lastWant.get(w), want.get(w), lastGot, got)) {
                paired += 1; // the run folded this denial into another scenario's finding of the same principal and grant
            }
        }
        for (String g : onlyGot) {
            if (explainedBy(lastGot.get(g), got.get(g), lastWant, want)) {
                paired += 1; // the oracle folded this denial into another scenario's finding of the same principal and grant
            }
        }
        return paired;
    }

    /**
     * Whether the other side holds the same denial (principal, kind, denied grant) with the same lifecycle under another
     * id: more scenarios share a denial's grant than signals tell apart before the signalling call arrives, so arrival
     * order may fold two denials into one finding on one side and keep them apart on the other.
     */
    private static boolean explainedBy(Finding f, List<String> lifecycle, Map<String, Finding> otherLast,
                                       Map<String, List<String>> otherLifecycles) {
        for (Map.Entry<String, Finding> e : otherLast.entrySet()) {
            if (!e.getKey().equals(f.id()) && sameDenial(f, e.getValue()) && lifecycle.equals(otherLifecycles.get(e.getKey()))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Finding> lastById(List<Finding> fs) {
        Map<String, Finding> m = new LinkedHashMap<>();
        fs.forEach(f -> m.put(f.id(), f));
        return m;
    }

    /** The oracle's REGRESSION is the run's MISSING_GRANT of the same principal and denied grant. */
    private static boolean demoted(Finding want, Finding got) {
        return want.kind() == io.grantwatch.model.FindingKind.REGRESSION && got.kind() == io.grantwatch.model.FindingKind.MISSING_GRANT
                && want.cloud() == got.cloud() && want.principal().key().equals(got.principal().key())
                && !want.missing().isEmpty() && !got.missing().isEmpty()
                && Objects.equals(want.missing().get(0).grant().value(), got.missing().get(0).grant().value());
    }

    private static boolean sameDenial(Finding a, Finding b) {
        return a.kind() == b.kind() && a.cloud() == b.cloud() && a.principal().key().equals(b.principal().key())
                && !a.missing().isEmpty() && !b.missing().isEmpty()
                && Objects.equals(a.missing().get(0).grant().value(), b.missing().get(0).grant().value());
    }

    static LifecycleComparison compareLifecycles(List<Finding> expected, List<Finding> observed) {
        Map<String, List<String>> want = lifecycles(expected);
        Map<String, List<String>> got = lifecycles(observed);
        int missing = 0;
        int unexpected = 0;
        int differ = 0;
        Set<String> differing = new LinkedHashSet<>();
        List<String> examples = new ArrayList<>();
        for (String id : union(want.keySet(), got.keySet())) {
            List<String> w = want.get(id);
            List<String> g = got.get(id);
            if (Objects.equals(w, g)) {
                continue;
            }
            differing.add(id);
            if (g == null) {
                missing++;
            } else if (w == null) {
                unexpected++;
            } else {
                differ++;
            }
            if (examples.size() < 4) {
                examples.add(id + " " + (w == null ? "-" : w) + " → " + (g == null ? "-" : g));
            }
        }
        return new LifecycleComparison(want.size(), got.size(), missing, unexpected, differ, differing, examples);
    }

    private static Map<Version, Integer> counts(List<Finding> fs) {
        Map<Version, Integer> m = new TreeMap<>();
        fs.forEach(f -> m.merge(Version.of(f), 1, Integer::sum));
        return m;
    }

    private static Map<String, Version> last(List<Finding> fs) {
        Map<String, Version> m = new LinkedHashMap<>();
        fs.forEach(f -> m.put(f.id(), Version.of(f)));
        return m;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new LinkedHashSet<>(a);
        u.addAll(b);
        return u;
    }

    // ------------------------------------------------------------------ diagnosis

    /**
     * Why a finding differs from the oracle, by what its principal's arrival order did: a success that
     * arrived before an earlier denial of the same call (the engine fix under way); a denial that arrived
     * before earlier events of its principal (its scenario and missing grants are decided on arrival,
     * without them); another inversion within the grace; or none (then the order is not the cause).
     */
    static Map<String, List<String>> classify(Set<String> ids, List<Finding> oracle, List<Finding> observed, Plan plan) {
        Map<String, String> principalOf = new HashMap<>();
        for (List<Finding> fs : List.of(oracle, observed)) {
            fs.forEach(f -> principalOf.put(f.id(), f.cloud().wire() + ":" + f.principal().key()));
        }
        Map<String, List<AuditEvent>> byPrincipal = new HashMap<>();
        plan.arrival().forEach(e -> byPrincipal.computeIfAbsent(e.partitionKey(), k -> new ArrayList<>()).add(e));
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String id : ids) {
            List<AuditEvent> seq = byPrincipal.getOrDefault(principalOf.get(id), List.of());
            out.computeIfAbsent(inversionKind(seq), k -> new ArrayList<>()).add(id);
        }
        return out;
    }

    private static String inversionKind(List<AuditEvent> arrival) {
        String kind = "no-inversion";
        for (int i = 0; i < arrival.size(); i++) {
            AuditEvent a = arrival.get(i);
            if (a.eventId().endsWith(LATE_SUFFIX)) {
                continue;
            }
            for (int j = i + 1; j < arrival.size(); j++) {
                AuditEvent b = arrival.get(j);
                if (b.eventId().endsWith(LATE_SUFFIX) || !b.eventTime().isBefore(a.eventTime())) {
                    continue;
                }
                if (a.outcome() == Outcome.ALLOWED && b.denied() && !Collections.disjoint(callKeys(a), callKeys(b))) {
                    return "success-before-earlier-denial";
                }
                kind = a.denied() || kind.equals("denial-before-earlier-event") ? "denial-before-earlier-event" : "other-inversion";
            }
        }
        return kind;
    }

    private static Set<String> callKeys(AuditEvent e) {
        Set<String> k = new HashSet<>();
        if (e.iamAction() != null) {
            k.add(e.iamAction().toLowerCase(Locale.ROOT));
        }
        if (e.action() != null) {
            k.add(String.valueOf(e.service()).toLowerCase(Locale.ROOT) + "/" + e.action().toLowerCase(Locale.ROOT));
        }
        return k;
    }
}
