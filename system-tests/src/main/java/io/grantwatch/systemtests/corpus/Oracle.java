package io.grantwatch.systemtests.corpus;

import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.MissingGrant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The expected findings of a corpus. Definition: feed the corpus, parsed by ingest's parser, in
 * event-time order (the corpus order) through the pure offline inference ({@link OfflineDetector},
 * the engine the topology runs); the <em>emitted</em> finding versions are what the {@code findings}
 * topic must carry, and the last emitted version per id (id, kind, status, count) is the final
 * state a compacted topic converges to. A second, independent check is the generator's ground truth:
 * every planted denial episode must be covered by a finding of that principal naming the denied grant.
 */
public final class Oracle {

    /** What a finding version is compared on. {@code count} is the evidence count when it was emitted. */
    public record Version(String id, FindingKind kind, FindingStatus status, long count) implements Comparable<Version> {
        public static Version of(Finding f) {
            return new Version(f.id(), f.kind(), f.status(), f.evidence() == null ? 0 : f.evidence().count());
        }

        @Override
        public int compareTo(Version o) {
            return Comparator.comparing(Version::id).thenComparing(Version::status).thenComparingLong(Version::count)
                    .thenComparing(Version::kind).compare(this, o);
        }

        @Override
        public String toString() {
            return id + "/" + status + "/" + count;
        }
    }

    private final List<Finding> emitted;
    private final Map<String, Version> last;
    private final Collection<Finding> finalState;
    private final List<String> uncovered;
    private final long parsed;
    private final long rejected;
    private final OfflineDetector detector;

    private Oracle(List<Finding> emitted, Collection<Finding> finalState, List<String> uncovered, long parsed, long rejected,
                   OfflineDetector detector) {
        this.emitted = emitted;
        this.finalState = finalState;
        this.uncovered = uncovered;
        this.parsed = parsed;
        this.rejected = rejected;
        this.detector = detector;
        this.last = lastVersions(emitted);
    }

    /** Runs the inference over the records in the given order (the corpus order is event-time order). */
    public static Oracle of(List<RawRecord> records, List<Episode> episodes, CatalogLookup catalog, DetectorSettings settings) {
        AuditParser parser = new AuditParser();
        OfflineDetector d = new OfflineDetector(settings, catalog);
        List<Finding> out = new ArrayList<>();
        long parsed = 0;
        long rejected = 0;
        for (RawRecord r : records) {
            AuditParser.Result res = parser.parse(r.json(), "corpus#" + r.seq(), Hints.NONE);
            rejected += res.rejected().size();
            for (AuditEvent e : res.events()) {
                parsed++;
                out.addAll(d.accept(e));
            }
        }
        List<String> uncovered = new ArrayList<>();
        Map<String, List<Finding>> byPrincipal = new HashMap<>();
        for (Finding f : d.findings()) {
            byPrincipal.computeIfAbsent(f.cloud().wire() + ":" + f.principal().key(), k -> new ArrayList<>()).add(f);
        }
        for (Episode e : episodes) {
            List<Finding> fs = byPrincipal.getOrDefault(e.principalKey(), List.of());
            if (fs.stream().noneMatch(f -> covers(f, e))) {
                uncovered.add(e.kind() + " " + e.principalKey() + " " + e.grantType() + ":" + e.grantValue() + " → "
                        + fs.stream().map(f -> f.kind() + ":" + f.scenarioId()).toList());
            }
        }
        return new Oracle(out, d.findings(), uncovered, parsed, rejected, d);
    }

    /** Whether a finding names the episode's denied grant. */
    static boolean covers(Finding f, Episode e) {
        String want = e.grantValue().toLowerCase(Locale.ROOT);
        if (f.evidence() != null) {
            if (f.evidence().deniedAction() != null && f.evidence().deniedAction().equalsIgnoreCase(want)) {
                return true;
            }
            if (e.kind() == Episode.Kind.UNMAPPED && want.equalsIgnoreCase(f.evidence().api())) {
                return true;
            }
        }
        for (MissingGrant m : f.missing()) {
            String v = m.grant().value().toLowerCase(Locale.ROOT);
            if (v.equals(want) || v.endsWith(":" + want) || v.endsWith("/" + want)) {
                return true;
            }
            if (e.grantType() == GrantType.PASS_ROLE && m.grant().type() == GrantType.PASS_ROLE) {
                return true;
            }
            if (e.grantType() == GrantType.TRUST_PRINCIPAL && m.grant().type() == GrantType.TRUST_PRINCIPAL && v.equals(want)) {
                return true;
            }
        }
        return false;
    }

    static Map<String, Version> lastVersions(List<Finding> emitted) {
        Map<String, Version> m = new LinkedHashMap<>();
        for (Finding f : emitted) {
            m.put(f.id(), Version.of(f));
        }
        return m;
    }

    /** Counts of every emitted version (a version is emitted once by the inference; more on a topic is a duplicate). */
    public Map<Version, Integer> emittedCounts() {
        Map<Version, Integer> m = new TreeMap<>();
        for (Finding f : emitted) {
            m.merge(Version.of(f), 1, Integer::sum);
        }
        return m;
    }

    public List<Finding> emitted() {
        return emitted;
    }

    public Map<String, Version> lastById() {
        return last;
    }

    public Collection<Finding> finalState() {
        return finalState;
    }

    public List<String> uncoveredEpisodes() {
        return uncovered;
    }

    public long parsed() {
        return parsed;
    }

    public long rejected() {
        return rejected;
    }

    public OfflineDetector detector() {
        return detector;
    }

    /** Who and what a finding id is about, for diagnosing a difference. */
    String describe(String id) {
        for (Finding f : emitted) {
            if (f.id().equals(id)) {
                return " (" + f.cloud().wire() + ":" + f.principal().key() + " " + f.scenarioId()
                        + (f.change() != null ? " change " + f.change().action() + "@" + f.change().time() : "")
                        + (f.evidence() != null ? " last " + f.evidence().lastSeen() : "") + ")";
            }
        }
        return "";
    }

    /** Compares what a topic carried (every version read, in any order) with the oracle. */
    public Comparison compare(List<Finding> observed) {
        Map<Version, Integer> want = emittedCounts();
        Map<Version, Integer> got = new TreeMap<>();
        for (Finding f : observed) {
            got.merge(Version.of(f), 1, Integer::sum);
        }
        long missing = 0;
        long duplicates = 0;
        long unexpected = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<Version, Integer> w : want.entrySet()) {
            int g = got.getOrDefault(w.getKey(), 0);
            if (g < w.getValue()) {
                missing += w.getValue() - g;
                if (examples.size() < 5) {
                    examples.add("missing " + w.getKey() + describe(w.getKey().id()));
                }
            } else if (g > w.getValue()) {
                duplicates += g - w.getValue();
            }
        }
        for (Map.Entry<Version, Integer> g : got.entrySet()) {
            if (!want.containsKey(g.getKey())) {
                unexpected += g.getValue();
                if (examples.size() < 10) {
                    examples.add("unexpected " + g.getKey());
                }
            }
        }
        Map<String, Version> lastGot = lastVersions(observed);
        long finalMismatch = 0;
        for (Map.Entry<String, Version> w : last.entrySet()) {
            Version g = lastGot.get(w.getKey());
            if (g == null || !g.equals(w.getValue())) {
                finalMismatch++;
            }
        }
        finalMismatch += lastGot.keySet().stream().filter(k -> !last.containsKey(k)).count();
        return new Comparison(want.values().stream().mapToLong(Integer::longValue).sum(), observed.size(), missing, duplicates,
                unexpected, finalMismatch, examples);
    }

    /**
     * @param expected       versions the oracle emits
     * @param observed       versions read from the topic
     * @param missing        expected versions never seen
     * @param duplicates     versions seen more often than emitted
     * @param unexpected     versions the oracle never emits
     * @param finalMismatch  ids whose last version (in read order per id) differs, or is missing/extra
     */
    public record Comparison(long expected, long observed, long missing, long duplicates, long unexpected, long finalMismatch,
                             List<String> examples) {
        public boolean matches() {
            return missing == 0 && duplicates == 0 && unexpected == 0 && finalMismatch == 0;
        }

        @Override
        public String toString() {
            return "expected=" + expected + " observed=" + observed + " missing=" + missing + " duplicates=" + duplicates
                    + " unexpected=" + unexpected + " finalMismatch=" + finalMismatch + (examples.isEmpty() ? "" : " e.g. " + examples);
        }
    }
}
