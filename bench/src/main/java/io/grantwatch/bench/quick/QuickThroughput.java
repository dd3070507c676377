package io.grantwatch.bench.quick;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JMH-free throughput check of parse + normalize (+ redaction) on realistic 1–3 KB events, one
 * thread: {@code java -cp bench/target/grantwatch-bench.jar io.grantwatch.bench.quick.QuickThroughput <demo-dir> [seconds]}. Not a test.
 */
public final class QuickThroughput {
    private QuickThroughput() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "app/src/main/resources/demo");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<JsonNode> seeds = new ArrayList<>();
        for (String f : List.of("alibaba-actiontrail.json", "huawei-cts.json")) {
            for (JsonNode n : Json.wire().readTree(dir.resolve(f).toFile())) {
                seeds.add(n);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 0;
        long sizeSum = 0;
        while (out.size() < 32 * 1024 * 1024) {
            ObjectNode e = (ObjectNode) seeds.get(n % seeds.size()).deepCopy();
            if (e.has("eventId")) {
                e.put("eventId", "ev-" + n);
            } else {
                e.put("trace_id", "tr-" + n);
            }
            byte[] b = Json.wire().writeValueAsBytes(e);
            sizeSum += b.length;
            out.write(b);
            out.write('\n');
            n++;
        }
        byte[] data = out.toByteArray();
        AuditParser parser = new AuditParser();
        long[] count = new long[1];
        AuditParser.Sink sink = AuditParser.Sink.of(ev -> count[0]++, r -> count[0]++);
        for (int i = 0; i < 3; i++) {
            parser.parse(new ByteArrayInputStream(data), "bench", Hints.NONE, 0, sink);
        }
        long bytes = 0;
        count[0] = 0;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpuStart = mx.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        boolean baseline = args.length > 2 && args[2].equals("baseline");
        boolean perRecord = args.length > 2 && args[2].equals("records");
        List<byte[]> records = new ArrayList<>();
        if (perRecord) {
            for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
                records.add(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        while (System.nanoTime() < end) {
            if (perRecord) {
                // One body per record, as an HTTP push or the JMH ParseBench sees it.
                for (byte[] r : records) {
                    count[0] += parser.parse(r, "bench", Hints.NONE).events().size();
                }
            } else if (baseline) {
                // Jackson alone: one readTree per line, the floor for parse + normalize.
                try (com.fasterxml.jackson.core.JsonParser p = Json.wire().getFactory().createParser(data)) {
                    while (p.nextToken() != null) {
                        Json.wire().readTree(p);
                        count[0]++;
                    }
                }
            } else {
                parser.parse(new ByteArrayInputStream(data), "bench", Hints.NONE, 0, sink);
            }
            bytes += data.length;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        // CPU time of this thread: MB per CPU-second is MB/s per core, also on a busy machine.
        double cpu = (mx.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        String line = String.format("events=%d avgEventBytes=%d wall: %.1f MB/s; per core (CPU time): %.1f MB/s, %.0f events/s%n",
                n, sizeSum / n, bytes / secs / 1e6, bytes / cpu / 1e6, count[0] / cpu);
        PrintStream figures = System.out; // a benchmark command: its figures are its result
        figures.print(line);
        Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "gw-ingest-throughput.txt"), line, StandardCharsets.UTF_8);
    }
}
