package io.grantwatch.bench.e2e;

import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.alerts.remediation.TrailTrustPolicies;
import io.grantwatch.app.cli.FindingLines;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.detector.ReorderBuffer;
import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.ingest.FileProgress;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogIndex;
import io.grantwatch.systemtests.corpus.CorpusGenerator;
import io.grantwatch.systemtests.corpus.Layouts;
import io.grantwatch.systemtests.corpus.Oracle;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * {@code grantwatch scan}'s code path, in-process so the JVM start is not timed: ingest's
 * {@link AuditFileReader} over the folders (gzip detection, parse, classify, redact; files parsed on
 * one reader thread per core and delivered in start-time order across both folders, as scan's default
 * {@code --threads}), a {@link ReorderBuffer} of 10,000 released up to each next file's start, the
 * {@link OfflineDetector}, and every final finding written as a JSON line with its severity and remediation
 * ({@link FindingLines}, on the reader-thread count; to a discarding stream), with scan's default settings (grace PT30M,
 * window PT1H). Mirrors {@code ScanCommand.run}, which writes to the process's stdout. Each run's line names the
 * caller's thread's CPU (ordering, detection, delivery): the critical path behind the reader threads. Each run's final findings are compared
 * with the oracle's (the same inference over the corpus in event-time order): a difference is a FAIL.
 */
final class ScanBench {

    record Result(int readerThreads, long uncompressedBytes, double seconds, double cpuSeconds, double callerCpuSeconds, long events,
                  long findings, long late,
                  long rejected, Map<String, Oracle.Version> finals, String oracleCheck) {
        /** Whether the final findings equal the oracle's (true when no oracle was given). */
        boolean matchesOracle() {
            return oracleCheck == null || oracleCheck.startsWith("OK");
        }

        double mbPerSecond() {
            return uncompressedBytes / 1e6 / seconds;
        }

        @Override
        public String toString() {
            return String.format("scan (%d reader threads): %.1f MB uncompressed JSON in %.2fs = %.1f MB/s (cpu %.2fs, %.0f%% of one core;"
                            + " caller's thread %.2fs); events=%d findings=%d late=%d rejected=%d%s", readerThreads, uncompressedBytes / 1e6,
                    seconds, mbPerSecond(), cpuSeconds, 100 * cpuSeconds / seconds, callerCpuSeconds, events, findings, late, rejected,
                    oracleCheck == null ? "" : "; vs oracle: " + oracleCheck);
        }
    }

    private ScanBench() {
    }

    /**
     * The scan phase alone, as {@code bench/run.sh} runs it (same corpus, same folders, a warm-up and
     * the median of the runs): {@code ScanBench [--events N | --target-mb M] [--seed S] [--warmups W] [--runs R] [--keep DIR]}
     * or {@code ScanBench --folders DIR [--warmups W] [--runs R]}.
     * In run.sh the JIT has compiled most of the parse and detector code in the earlier phases; alone,
     * a few more warm-ups ({@code --warmups 5}) come closer to that state.
     * {@code --target-mb M} generates about {@code M} MB of uncompressed JSON ({@value #EVENTS_PER_MB} events a MB).
     * {@code --keep DIR} writes the folders to DIR and leaves them there (to time
     * {@code grantwatch scan DIR/actiontrail DIR/cts}, or this class with {@code --folders DIR}); otherwise they go to a
     * temporary folder that is deleted. {@code --folders DIR} scans folders an earlier {@code --keep DIR} wrote, without
     * generating the corpus or running the oracle in this JVM (no comparison), so the peak RSS printed is the scan's.
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        int events = 20_000;
        long seed = 42;
        int runs = 3;
        int warmups = 1;
        Path keep = null;
        Path existing = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--target-mb" -> events = Math.toIntExact(Math.round(Double.parseDouble(args[++i]) * EVENTS_PER_MB));
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmups" -> warmups = Integer.parseInt(args[++i]);
                case "--keep" -> keep = Path.of(args[++i]);
                case "--folders" -> existing = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Catalog catalog = CatalogLoader.loadBundled();
        if (existing != null) {
            List<Path> roots = List.of(existing.resolve("actiontrail"), existing.resolve("cts"));
            long uncompressed = uncompressedBytes(roots);
            out.printf("folders %s: %.1f MB JSON, %d cores; no corpus in memory, so no oracle to compare with%n", existing, uncompressed / 1e6,
                    Runtime.getRuntime().availableProcessors());
            List<Result> scans = median(roots, uncompressed, catalog, null, warmups, runs, out);
            printMedian(scans, out);
            return;
        }
        CorpusGenerator.Corpus corpus = CorpusGenerator.generate(CorpusGenerator.Options.of(seed, events), catalog);
        Path folders = keep != null ? keep : Files.createTempDirectory("grantwatch-scanbench-");
        try {
            Written written = writeFolders(folders, corpus.records());
            out.printf("%d events, %d cores: %s%n", events, Runtime.getRuntime().availableProcessors(), written.description());
            Oracle oracle = Oracle.of(corpus.records(), corpus.episodes(), CatalogLookup.of(catalog), SETTINGS);
            out.printf("oracle: %d final findings (the inference over the corpus in event-time order)%n", oracle.finalState().size());
            corpus = null; // the raw records: not held while the scans run
            List<Result> scans = median(written.roots(), written.uncompressedBytes(), catalog, oracle, warmups, runs, out);
            printMedian(scans, out);
            if (scans.stream().anyMatch(r -> !r.matchesOracle())) {
                out.println("FAIL: scan's findings differ from the oracle's at " + events + " events (see above)");
                System.exit(1);
            }
        } finally {
            if (keep == null) {
                Variants.delete(folders);
            }
        }
    }

    /** The generator's records average about 1,835 bytes of JSON (seed 42, 100,000 events: 183.5 MB). */
    static final int EVENTS_PER_MB = 545;

    private static void printMedian(List<Result> scans, PrintStream out) {
        out.println("median of " + scans.size() + " " + scans.get(scans.size() / 2) + " (best "
                + String.format("%.1f", scans.get(scans.size() - 1).mbPerSecond()) + " MB/s; goal ≥ 100 MB/s)");
        out.println(memory());
    }

    /** The whole JVM's peak resident set ({@code VmHWM}: corpus, oracle and every run included) and its heap limit. */
    static String memory() {
        String hwm = "unknown (no /proc/self/status)";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = String.format("%.0f MB", Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: say so
        }
        return "peak RSS of this bench JVM (VmHWM, everything it did): " + hwm + "; heap limit (-Xmx) "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB";
    }

    /** The JSON the folders hold, gunzipped (not timed). */
    static long uncompressedBytes(List<Path> roots) throws IOException {
        long total = 0;
        byte[] buf = new byte[1 << 16];
        for (Path root : roots) {
            for (Path f : AuditFileReader.files(root)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(f), 1 << 16)) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        total += n;
                    }
                }
            }
        }
        return total;
    }

    /** scan's defaults (grace PT30M, window PT1H), which are the detector's defaults. */
    static final DetectorSettings SETTINGS = DetectorSettings.defaults().withGrace(Duration.ofMinutes(30)).withActivityWindow(Duration.ofHours(1));

    /** "OK …" when the final findings (id, kind, status, count) equal the oracle's, else "FAIL …" with the differences. */
    static String check(Map<String, Oracle.Version> finals, Oracle oracle) {
        Map<String, Oracle.Version> want = new TreeMap<>();
        for (Finding f : oracle.finalState()) {
            want.put(f.id(), Oracle.Version.of(f));
        }
        long missing = 0;
        long differing = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, Oracle.Version> w : want.entrySet()) {
            Oracle.Version g = finals.get(w.getKey());
            if (g == null) {
                missing++;
                if (examples.size() < 3) {
                    examples.add("missing " + w.getValue());
                }
            } else if (!g.equals(w.getValue())) {
                differing++;
                if (examples.size() < 3) {
                    examples.add(g + " instead of " + w.getValue());
                }
            }
        }
        long extra = finals.keySet().stream().filter(id -> !want.containsKey(id)).count();
        if (missing == 0 && differing == 0 && extra == 0) {
            return "OK (" + finals.size() + " findings = oracle's " + want.size() + ")";
        }
        return "FAIL (" + finals.size() + " findings, oracle's " + want.size() + ": " + missing + " missing, " + differing
                + " differing, " + extra + " extra; e.g. " + examples + ")";
    }

    /** The corpus as gzip folders in the clouds' storage layouts, 500 records a file. */
    record Written(List<Path> roots, long uncompressedBytes, String description) {
    }

    static Written writeFolders(Path folders, List<RawRecord> records) throws IOException {
        List<RawRecord> ali = records.stream().filter(r -> r.cloud() == Cloud.ALIBABA).toList();
        List<RawRecord> hw = records.stream().filter(r -> r.cloud() == Cloud.HUAWEI).toList();
        Layouts.Written wa = Layouts.write(folders.resolve("actiontrail"), ali, 500);
        Layouts.Written wh = Layouts.write(folders.resolve("cts"), hw, 500);
        long uncompressed = wa.uncompressedBytes() + wh.uncompressedBytes();
        String description = String.format("gzip folders: ActionTrail OSS layout %d files, CTS OBS layout %d files, %.1f MB JSON → %.1f MB gzip",
                wa.files(), wh.files(), uncompressed / 1e6, (wa.compressedBytes() + wh.compressedBytes()) / 1e6);
        return new Written(List.of(folders.resolve("actiontrail"), folders.resolve("cts")), uncompressed, description);
    }

    /** {@code warmups} runs, then {@code runs} runs sorted by MB/s (the median is the middle one). */
    static List<Result> median(List<Path> roots, long uncompressedBytes, Catalog catalog, Oracle oracle, int warmups, int runs,
                               PrintStream out) throws Exception {
        for (int i = 0; i < warmups; i++) {
            out.println("warm-up " + run(roots, uncompressedBytes, catalog, oracle));
        }
        List<Result> scans = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Result r = run(roots, uncompressedBytes, catalog, oracle);
            if (runs > 1) {
                out.println("run " + (i + 1) + " " + r);
            }
            scans.add(r);
        }
        scans.sort(Comparator.comparingDouble(Result::mbPerSecond));
        return scans;
    }

    /** One scan; {@code oracle} null: not compared. */
    static Result run(List<Path> roots, long uncompressedBytes, Catalog catalog, Oracle oracle) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long callerCpu0 = threads.getCurrentThreadCpuTime();
        long cpu0 = Timer.cpu();
        long t0 = System.nanoTime();
        OfflineDetector detector = new OfflineDetector(SETTINGS, CatalogLookup.of(catalog));
        ReorderBuffer buffer = new ReorderBuffer(10_000);
        TrailTrustPolicies trust = new TrailTrustPolicies();
        long[] rejected = new long[1];
        AuditFileReader reader = new AuditFileReader(); // scan's default: files parsed on the cores, delivered in time order
        reader.readInTimeOrder(roots, e -> {
            trust.accept(e);
            buffer.offer(e).forEach(detector::accept);
        }, r -> rejected[0]++, s -> {
        }, FileProgress.NONE, t -> buffer.releaseBefore(t).forEach(detector::accept));
        buffer.drain().forEach(detector::accept);
        long printed;
        try (PrintStream out = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8)) {
            printed = new FindingLines(new RemediationPlanner(trust, new CatalogIndex(catalog))).write(detector.findings(), reader.threads(),
                    out::println);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (Timer.cpu() - cpu0) / 1e9;
        double callerCpu = (threads.getCurrentThreadCpuTime() - callerCpu0) / 1e9;
        Map<String, Oracle.Version> finals = new TreeMap<>();
        for (Finding f : detector.findings()) {
            finals.put(f.id(), Oracle.Version.of(f));
        }
        return new Result(reader.threads(), uncompressedBytes, seconds, cpu, callerCpu, detector.counters().events(), printed,
                detector.counters().late(), rejected[0], finals, oracle == null ? null : check(finals, oracle));
    }
}
