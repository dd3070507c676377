package io.grantwatch.bench.jmh;

import io.grantwatch.ingest.parse.Classifier;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Outcome;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Outcome classification and denied-action extraction on the corpus's error codes and messages. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClassifyBench {
    private int i;
    private int d;

    @Benchmark
    public Outcome outcomeOfAnyEvent() {
        AuditEvent e = BenchCorpus.EVENTS.get(i);
        i = (i + 1) % BenchCorpus.EVENTS.size();
        return Classifier.alibabaOutcome(e.errorCode(), e.errorMessage());
    }

    @Benchmark
    public Classifier.Denial extractFromDenial() {
        AuditEvent e = BenchCorpus.DENIALS.get(d);
        d = (d + 1) % BenchCorpus.DENIALS.size();
        return Classifier.extract(e.errorMessage());
    }
}
