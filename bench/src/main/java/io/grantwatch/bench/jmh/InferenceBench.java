package io.grantwatch.bench.jmh;

import io.grantwatch.detector.Activity;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.FindingRef;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.detector.PrincipalState;
import io.grantwatch.detector.streams.StateSerdes;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The inference per event (detector engine with states in a map, as scan runs it; the corpus is
 * replayed with a fresh detector every pass so state stays realistic), per denial, and the round
 * trip of one principal's state that the topology's store pays on every event: the binary format
 * the detector writes ({@link StateSerdes}) and the JSON form it wrote before (still read on restore).
 * Bytes per state: {@link #main}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InferenceBench {
    /** A benchmark command: the figures it prints are its result. */
    private static final PrintStream FIGURES = System.out;

    private static final CatalogLookup LOOKUP = CatalogLookup.of(BenchCorpus.CATALOG);
    private static final PrincipalState AT_CAPS = atCaps();
    private OfflineDetector detector = new OfflineDetector(DetectorSettings.defaults(), LOOKUP);
    private int i;
    private PrincipalState sample;

    @Benchmark
    public List<Finding> inferAnyEvent() {
        if (i == BenchCorpus.EVENTS.size()) {
            i = 0;
            detector = new OfflineDetector(DetectorSettings.defaults(), LOOKUP);
        }
        AuditEvent e = BenchCorpus.EVENTS.get(i++);
        return detector.accept(e);
    }

    @Benchmark
    public PrincipalState principalStateSerdeRoundTrip() throws IOException {
        PrincipalState s = sample();
        byte[] b = Json.wire().writeValueAsBytes(s);
        return Json.wire().readValue(b, PrincipalState.class);
    }

    @Benchmark
    public PrincipalState principalStateBinaryRoundTrip() {
        return StateSerdes.decodePrincipalState(StateSerdes.encode(sample()));
    }

    @Benchmark
    public PrincipalState principalStateSerdeRoundTripAtCaps() throws IOException {
        byte[] b = Json.wire().writeValueAsBytes(AT_CAPS);
        return Json.wire().readValue(b, PrincipalState.class);
    }

    @Benchmark
    public PrincipalState principalStateBinaryRoundTripAtCaps() {
        return StateSerdes.decodePrincipalState(StateSerdes.encode(AT_CAPS));
    }

    /**
     * A busy principal at the default caps: 200 recent calls (over 25 distinct APIs, 1 s apart), 500
     * actions seen succeeding, 10 findings — the largest state the detector keeps.
     */
    static PrincipalState atCaps() {
        PrincipalState base = states().get(BenchCorpus.DENIALS.get(0).partitionKey());
        DetectorSettings caps = DetectorSettings.defaults();
        long t0 = base.watermark().toEpochMilli() - caps.activityCap() * 1000L;
        List<Activity> recent = new ArrayList<>();
        for (int k = 0; k < caps.activityCap(); k++) {
            int api = k % 25;
            recent.add(new Activity(t0 + k * 1000L, "pai:action" + api, "paidlc/createjob" + api, k % 30 == 0 ? Outcome.DENIED : Outcome.ALLOWED));
        }
        Map<String, Long> succeeded = new LinkedHashMap<>();
        for (int k = 0; k < caps.successCap(); k++) {
            succeeded.put((k % 2 == 0 ? "oss:getobject-" : "oss/getobject-") + k, t0 + k * 700L);
        }
        List<FindingRef> findings = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            FindingRef f = base.findings().isEmpty() ? null : base.findings().get(0);
            findings.add(new FindingRef("missing-grant-" + Integer.toHexString(0x5f3a91 + k), FindingKind.MISSING_GRANT,
                    k % 3 == 0 ? FindingStatus.RESOLVED : FindingStatus.OPEN, f == null ? "pai.dsw-role.custom" : f.scenarioId(),
                    List.of("ram:passrole", "paidsw/createinstance"), Instant.ofEpochMilli(t0 + k), Instant.ofEpochMilli(t0 + 5_000 + k), k + 1));
        }
        return new PrincipalState(base.key(), base.principal(), base.watermark(), recent, succeeded, findings, base.changes(), 0);
    }

    /** The sample: the state of the principal of the corpus's first denial, after the whole corpus. */
    private PrincipalState sample() {
        if (sample == null) {
            sample = states().get(BenchCorpus.DENIALS.get(0).partitionKey());
        }
        return sample;
    }

    /** Every principal's state after the whole corpus. */
    static Map<String, PrincipalState> states() {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), LOOKUP);
        for (AuditEvent e : BenchCorpus.EVENTS) {
            d.accept(e);
        }
        Map<String, PrincipalState> out = new LinkedHashMap<>();
        for (AuditEvent e : BenchCorpus.EVENTS) {
            out.computeIfAbsent(e.partitionKey(), d::state);
        }
        return out;
    }

    /** Bytes per state, JSON against binary: the sample and the mean and largest over every principal of the corpus. */
    public static void main(String[] args) throws IOException {
        Map<String, PrincipalState> all = states();
        PrincipalState s = all.get(BenchCorpus.DENIALS.get(0).partitionKey());
        FIGURES.printf("sample state (%d recent calls, %d successes, %d findings): JSON %d bytes, binary %d bytes%n",
                s.recent().size(), s.succeeded().size(), s.findings().size(), Json.wire().writeValueAsBytes(s).length,
                StateSerdes.encode(s).length);
        long json = 0;
        long binary = 0;
        int maxJson = 0;
        int maxBinary = 0;
        for (PrincipalState p : all.values()) {
            int j = Json.wire().writeValueAsBytes(p).length;
            int b = StateSerdes.encode(p).length;
            json += j;
            binary += b;
            maxJson = Math.max(maxJson, j);
            maxBinary = Math.max(maxBinary, b);
        }
        FIGURES.printf("%d principals: mean JSON %d bytes, binary %d bytes; largest JSON %d bytes, binary %d bytes%n", all.size(),
                json / all.size(), binary / all.size(), maxJson, maxBinary);
        PrincipalState full = atCaps();
        FIGURES.printf("a state at the caps (%d recent calls, %d successes, %d findings): JSON %d bytes, binary %d bytes%n",
                full.recent().size(), full.succeeded().size(), full.findings().size(), Json.wire().writeValueAsBytes(full).length,
                StateSerdes.encode(full).length);
    }
}
