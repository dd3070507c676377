package io.grantwatch.bench.jmh;

import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.function.IntConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * ParseBench's operations timed in CPU time of the calling thread, not wall time: on a box shared with other work a JMH
 * figure measures the neighbours too, a thread's CPU time much less so.
 * {@code java -cp bench/target/grantwatch-bench.jar io.grantwatch.bench.jmh.ParseCpu [seconds per op] [only ops whose name contains]}
 */
public final class ParseCpu {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static volatile Object sink;
    /** Runs only the operations whose name contains this (second argument). */
    private static String only = "";

    private ParseCpu() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 4;
        only = args.length > 1 ? args[1] : "";
        List<RawRecord> raw = BenchCorpus.RAW;
        List<AuditEvent> events = BenchCorpus.EVENTS;
        AuditParser parser = new AuditParser();
        Serializer<AuditEvent> topicWrite = Topics.defaults().auditEvents().valueSerde().serializer();
        Deserializer<AuditEvent> topicRead = Topics.defaults().auditEvents().valueSerde().deserializer();
        byte[][] topicBytes = events.stream().map(e -> topicWrite.serialize("t", e)).toArray(byte[][]::new);
        byte[][] jsonBytes = events.stream().map(e -> {
            try {
                return Json.wire().writeValueAsBytes(e);
            } catch (Exception x) {
                throw new IllegalStateException(x);
            }
        }).toArray(byte[][]::new);
        System.out.printf("corpus: %d raw records, %d events; bytes per event: JSON %.0f, topic value %.0f%n", raw.size(), events.size(),
                avg(jsonBytes), avg(topicBytes));
        time("jacksonTreeOnly", seconds, raw.size(), i -> {
            try {
                sink = Json.wire().readTree(raw.get(i).json());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        time("ingestParse", seconds, raw.size(), i -> sink = parser.parse(raw.get(i).json(), "cpu", Hints.NONE));
        time("jsonRoundTrip", seconds, events.size(), i -> {
            try {
                sink = Json.wire().readValue(Json.wire().writeValueAsBytes(events.get(i)), AuditEvent.class);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        time("topicWrite", seconds, events.size(), i -> sink = topicWrite.serialize("t", events.get(i)));
        time("topicRead", seconds, events.size(), i -> sink = topicRead.deserialize("t", topicBytes[i]));
        time("topicRoundTrip", seconds, events.size(), i -> sink = topicRead.deserialize("t", topicWrite.serialize("t", events.get(i))));
    }

    private static double avg(byte[][] b) {
        long n = 0;
        for (byte[] x : b) {
            n += x.length;
        }
        return (double) n / b.length;
    }

    private static void time(String name, double seconds, int size, IntConsumer op) {
        if (!name.contains(only)) {
            return;
        }
        run(op, size, (long) (seconds * 0.5e9)); // warm-up
        long[] r = run(op, size, (long) (seconds * 1e9));
        System.out.printf("%-18s %8.2f µs CPU/op (%d ops)%n", name, r[1] / 1e3 / r[0], r[0]);
    }

    /** Runs until {@code cpuNanos} of this thread's CPU time are spent: {ops, cpu ns}. */
    private static long[] run(IntConsumer op, int size, long cpuNanos) {
        long start = CPU.getCurrentThreadCpuTime();
        long ops = 0;
        int i = 0;
        long spent = 0;
        while (spent < cpuNanos) {
            for (int k = 0; k < 256; k++) {
                op.accept(i);
                i = i + 1 == size ? 0 : i + 1;
            }
            ops += 256;
            spent = CPU.getCurrentThreadCpuTime() - start;
        }
        return new long[] {ops, spent};
    }
}
