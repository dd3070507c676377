package io.grantwatch.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.bench.corpus.RawRecord;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Where ingest's time goes per raw record (1–3 KB): Jackson tree parse alone (the floor), the whole
 * ingest parser (tree + shape detection + classification + principal + redaction → AuditEvent), and
 * the AuditEvent JSON round trip the audit-events topic costs (serialize + deserialize).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ParseBench {
    private final AuditParser parser = new AuditParser();
    private int i;

    private RawRecord next() {
        RawRecord r = BenchCorpus.RAW.get(i);
        i = (i + 1) % BenchCorpus.RAW.size();
        return r;
    }

    @Benchmark
    public JsonNode jacksonTreeOnly() throws IOException {
        return Json.wire().readTree(next().json());
    }

    @Benchmark
    public AuditParser.Result ingestParse() {
        return parser.parse(next().json(), "jmh", Hints.NONE);
    }

    @Benchmark
    public AuditEvent auditEventSerdeRoundTrip() throws IOException {
        AuditEvent e = BenchCorpus.EVENTS.get(i);
        i = (i + 1) % BenchCorpus.EVENTS.size();
        byte[] b = Json.wire().writeValueAsBytes(e);
        return Json.wire().readValue(b, AuditEvent.class);
    }
}
