package io.grantwatch.bench.jmh;

import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.detector.PrincipalState;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The inference per event (detector engine with states in a map, as scan runs it; the corpus is
 * replayed with a fresh detector every pass so state stays realistic), per denial, and the JSON
 * round trip of one principal's state that the topology's RocksDB store pays on every event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InferenceBench {
    private static final CatalogLookup LOOKUP = CatalogLookup.of(BenchCorpus.CATALOG);
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
        if (sample == null) {
            OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), LOOKUP);
            for (AuditEvent e : BenchCorpus.EVENTS) {
                d.accept(e);
            }
            AuditEvent denial = BenchCorpus.DENIALS.get(0);
            sample = d.state(denial.partitionKey());
        }
        byte[] b = Json.wire().writeValueAsBytes(sample);
        return Json.wire().readValue(b, PrincipalState.class);
    }
}
