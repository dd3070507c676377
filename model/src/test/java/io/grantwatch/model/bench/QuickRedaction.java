package io.grantwatch.model.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.redact.Redactor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JMH-free timing of {@link Redactor} on typical audit events, one thread:
 * {@code java -cp … io.grantwatch.model.bench.QuickRedaction [demo-dir] [lines] [rounds]}. Not a test.
 * Three shapes, each over {@code lines} events cycled from the demo files (eventId varied):
 * {@code text(line)} on the whole JSON line (the rejection log), {@code text(v)} on every text leaf of
 * the event (what parsing redacts) and {@code tree(event)} (the dead-letter copy). Prints µs per line, wall
 * and thread CPU time, the best of {@code rounds} after as many warm-up rounds.
 */
public final class QuickRedaction {
    private QuickRedaction() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "app/src/main/resources/demo");
        int lines = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<JsonNode> seeds = new ArrayList<>();
        for (String f : List.of("alibaba-actiontrail.json", "huawei-cts.json")) {
            for (JsonNode n : Json.wire().readTree(dir.resolve(f).toFile())) {
                seeds.add(n);
            }
        }
        List<JsonNode> events = new ArrayList<>(lines);
        List<String> texts = new ArrayList<>(lines);
        List<List<String>> leaves = new ArrayList<>(lines);
        long chars = 0;
        for (int i = 0; i < lines; i++) {
            ObjectNode e = (ObjectNode) seeds.get(i % seeds.size()).deepCopy();
            e.put(e.has("eventId") ? "eventId" : "trace_id", "ev-" + i);
            events.add(e);
            String t = e.toString();
            chars += t.length();
            texts.add(t);
            List<String> l = new ArrayList<>();
            leaves(e, l);
            leaves.add(l);
        }
        System.out.printf("%d lines, %.0f chars/line, %.1f text leaves/line, %d seeds%n", lines, (double) chars / lines,
                leaves.stream().mapToInt(List::size).average().orElse(0), seeds.size());
        long sink = 0;
        // wall and thread CPU time: on a shared machine the CPU time is the steadier figure
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] wall = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] cpu = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        for (int r = 0; r < 2 * rounds; r++) {
            long[] t = new long[4];
            long[] c = new long[4];
            for (int shape = 0; shape < 3; shape++) {
                t[shape] = System.nanoTime();
                c[shape] = mx.getCurrentThreadCpuTime();
                if (shape == 0) {
                    for (String x : texts) {
                        sink += Redactor.text(x).length();
                    }
                } else if (shape == 1) {
                    for (List<String> l : leaves) {
                        for (String v : l) {
                            sink += Redactor.text(v).length();
                        }
                    }
                } else {
                    for (JsonNode e : events) {
                        sink += Redactor.tree(e).size();
                    }
                }
            }
            t[3] = System.nanoTime();
            c[3] = mx.getCurrentThreadCpuTime();
            for (int shape = 0; shape < 3 && r >= rounds; shape++) {
                wall[shape] = Math.min(wall[shape], (t[shape + 1] - t[shape]) / 1e3 / lines);
                cpu[shape] = Math.min(cpu[shape], (c[shape + 1] - c[shape]) / 1e3 / lines);
            }
        }
        String[] names = {"text(line)  ", "text(leaves)", "tree(event) "};
        for (int shape = 0; shape < 3; shape++) {
            System.out.printf("%s %6.2f µs/line wall, %6.2f µs/line CPU%n", names[shape], wall[shape], cpu[shape]);
        }
        System.out.printf("(sink %d)%n", sink);
    }

    private static void leaves(JsonNode n, List<String> out) {
        if (n.isTextual()) {
            out.add(n.textValue());
        }
        n.forEach(c -> leaves(c, out));
    }
}
