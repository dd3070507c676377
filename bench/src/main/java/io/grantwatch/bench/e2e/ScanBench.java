package io.grantwatch.bench.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.detector.ReorderBuffer;
import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.model.Finding;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.json.Json;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code grantwatch scan}'s code path, in-process so the JVM start is not timed: ingest's
 * {@link AuditFileReader} over the folders (gzip detection, parse, classify, redact), a
 * {@link ReorderBuffer} of 10,000, the {@link OfflineDetector}, and every final finding written as a
 * JSON line with its remediation (to a discarding stream), with scan's default settings
 * (grace PT30M, window PT1H). Mirrors {@code ScanCommand.run}, which writes to the process's stdout.
 */
final class ScanBench {

    record Result(long uncompressedBytes, double seconds, double cpuSeconds, long events, long findings, long late, long rejected) {
        double mbPerSecond() {
            return uncompressedBytes / 1e6 / seconds;
        }

        @Override
        public String toString() {
            return String.format("scan: %.1f MB uncompressed JSON in %.2fs = %.1f MB/s (cpu %.2fs, %.0f%% of one core); events=%d "
                            + "findings=%d late=%d rejected=%d", uncompressedBytes / 1e6, seconds, mbPerSecond(), cpuSeconds,
                    100 * cpuSeconds / seconds, events, findings, late, rejected);
        }
    }

    private ScanBench() {
    }

    static Result run(List<Path> roots, long uncompressedBytes, Catalog catalog) throws Exception {
        long cpu0 = Timer.cpu();
        long t0 = System.nanoTime();
        DetectorSettings settings = DetectorSettings.defaults().withGrace(Duration.ofMinutes(30)).withActivityWindow(Duration.ofHours(1));
        OfflineDetector detector = new OfflineDetector(settings, CatalogLookup.of(catalog));
        ReorderBuffer buffer = new ReorderBuffer(10_000);
        long[] rejected = new long[1];
        new AuditFileReader().read(roots, e -> buffer.offer(e).forEach(detector::accept), r -> rejected[0]++);
        buffer.drain().forEach(detector::accept);
        RemediationPlanner planner = new RemediationPlanner();
        long printed = 0;
        try (PrintStream out = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8)) {
            for (Finding f : detector.findings()) {
                ObjectNode node = Json.wire().valueToTree(f);
                try {
                    node.set("remediation", Json.wire().valueToTree(planner.plan(f)));
                } catch (RuntimeException e) {
                    node.put("remediationError", e.getClass().getSimpleName());
                }
                out.println(node.toString());
                printed++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (Timer.cpu() - cpu0) / 1e9;
        return new Result(uncompressedBytes, seconds, cpu, detector.counters().events(), printed, detector.counters().late(), rejected[0]);
    }
}
