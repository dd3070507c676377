package io.grantwatch.bench.e2e;

import io.grantwatch.app.runtime.EmbeddedKafka;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.systemtests.Clients;
import io.grantwatch.systemtests.corpus.CorpusGenerator;
import io.grantwatch.systemtests.corpus.Layouts;
import io.grantwatch.systemtests.corpus.Oracle;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code bench/run.sh [--quick]}: the benchmark, one run, ratios measured within it.
 * <ol>
 *   <li>corpus + oracle (printed: sizes, denial share, principals, oracle findings, ground-truth coverage);</li>
 *   <li>one in-process KRaft broker (the product's EmbeddedKafka), the corpus loaded into a 2-partition raw
 *   topic before any timing, one untimed full read pass;</li>
 *   <li>rounds of (a) (b) (c) (d) ({@link Variants}), the order rotated every round, round 0 a discarded
 *   warm-up; per round ratio (d)/(a); medians reported; a (d) whose findings differ from the oracle fails the run;</li>
 *   <li>state and memory of the last (d), per 100k principals (linear extrapolation from this corpus's principals);</li>
 *   <li>open-loop latency ({@link Latency});</li>
 *   <li>scan throughput on gzip folders in the clouds' storage layouts ({@link ScanBench});</li>
 *   <li>JMH microbenchmarks (parse, classify, inference).</li>
 * </ol>
 * Last line: {@code ratio=<d/a> eps=<d> passthrough_eps=<a> p99_ms=<…> scan_mb_s=<…>}. Exit 1 if any run was wrong.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        boolean quick = false;
        int events = -1;
        int rounds = -1;
        long seed = 42;
        boolean jmh = true;
        String variants = "abcd";
        boolean stopAfterRounds = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--no-jmh" -> jmh = false;
                case "--variants" -> variants = args[++i];
                case "--rounds-only" -> stopAfterRounds = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (events < 0) {
            events = quick ? 20_000 : 200_000;
        }
        if (rounds < 0) {
            rounds = quick ? 2 : 5;
        }
        if (quick) {
            Variants.timeoutMs = 120_000;
        }
        int latencyRate = 2000;
        int latencySeconds = quick ? 15 : 60;
        Path work = Files.createTempDirectory("grantwatch-bench-");
        out.printf("GrantWatch bench (%s): %d events, %d measured rounds + 1 warm-up, %d cores, JDK %s, max heap %d MB, work %s%n",
                quick ? "quick" : "full", events, rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, work);

        // 1. corpus and oracle
        Catalog catalog = CatalogLoader.loadBundled();
        long g0 = System.nanoTime();
        CorpusGenerator.Corpus corpus = CorpusGenerator.generate(CorpusGenerator.Options.of(seed, events), catalog);
        long g1 = System.nanoTime();
        Oracle oracle = Oracle.of(corpus.records(), corpus.episodes(), CatalogLookup.of(catalog), DetectorSettings.defaults());
        long g2 = System.nanoTime();
        long n = corpus.records().size();
        long changes = oracle.detector().counters().iamChanges();
        Map<FindingKind, Integer> kinds = new TreeMap<>();
        for (Finding f : oracle.finalState()) {
            kinds.merge(f.kind(), 1, Integer::sum);
        }
        long alibaba = corpus.records().stream().filter(r -> r.cloud() == Cloud.ALIBABA).count();
        out.printf("corpus: %s; alibaba=%d huawei=%d; %.1f MB; denials %.2f%%; generated in %.1fs (seed %d)%n", corpus.stats(), alibaba,
                n - alibaba, corpus.bytes() / 1e6, 100.0 * oracle.detector().counters().denials() / n, (g1 - g0) / 1e9, seed);
        out.printf("oracle: offline inference in event-time order in %.1fs: parsed=%d rejected=%d emitted versions=%d final findings=%d %s;"
                        + " counters %s%n", (g2 - g1) / 1e9, oracle.parsed(), oracle.rejected(), oracle.emitted().size(),
                oracle.finalState().size(), kinds, oracle.detector().counters().snapshot());
        out.printf("ground truth: %d planted denial episodes, %d not covered by a finding naming the denied grant%n",
                corpus.episodes().size(), oracle.uncoveredEpisodes().size());
        oracle.uncoveredEpisodes().stream().limit(10).forEach(s -> out.println("  uncovered: " + s));
        boolean failed = !oracle.uncoveredEpisodes().isEmpty() || oracle.rejected() > 0;

        try {
            String raw = "bench-raw";
            out.println("broker: a fresh EmbeddedKafka (KRaft, 1 node, in this JVM) per variant run, the corpus loaded into " + raw
                    + " (2 partitions) and read once untimed before the clock starts (on one long-lived broker, Streams apps started after"
                    + " the detector's first run never processed a record: see the report)");
            Variants.StateFigures lastState = null;
            // 2. rounds
            String[] order = variants.split("");
            List<Variants.Measure> measures = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) {
                for (int k = 0; k < order.length; k++) {
                    String variant = order[(k + round) % order.length];
                    Path brokerDir = work.resolve("broker-" + round + variant);
                    Variants.Measure m;
                    try (EmbeddedKafka kafka = BenchKafka.startBroker(brokerDir)) {
                        String bootstrap = kafka.bootstrapServers();
                        try (Admin admin = Clients.admin(bootstrap)) {
                            BenchKafka.createTopic(admin, raw, 2, Map.of());
                        }
                        BenchKafka.load(bootstrap, raw, corpus.records());
                        long warm = Clients.count(bootstrap, raw);
                        if (warm != n) {
                            throw new IllegalStateException("loaded " + warm + " of " + n);
                        }
                        Variants v = new Variants(bootstrap, raw, work, catalog);
                        m = switch (variant) {
                            case "a" -> v.passthrough(round, n);
                            case "b" -> v.streamsPassthrough(round, n);
                            case "c" -> v.parse(round, n);
                            default -> v.grantwatch(round, n, changes, oracle, round == rounds);
                        };
                        if (v.lastState() != null) {
                            lastState = v.lastState();
                        }
                    }
                    Variants.delete(brokerDir);
                    out.printf("round %d%s (%s): %.0f events/s, %.1f µs CPU/event, %.2fs, %s, %s%n", round, round == 0 ? " warm-up" : "",
                            m.variant(), m.eps(), m.cpuMicrosPerEvent(), m.seconds(), m.ok() ? "OK" : "WRONG", m.note());
                    if (!m.ok()) {
                        failed = true;
                    }
                    if (round > 0) {
                        measures.add(m);
                    }
                }
            }
            double a = median(measures, "a", Variants.Measure::eps);
            double b = median(measures, "b", Variants.Measure::eps);
            double c = median(measures, "c", Variants.Measure::eps);
            double d = median(measures, "d", Variants.Measure::eps);
            List<Double> ratios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                final int r = round;
                double ra = measures.stream().filter(m -> m.round() == r && m.variant().equals("a")).mapToDouble(Variants.Measure::eps)
                        .findFirst().orElse(Double.NaN);
                double rd = measures.stream().filter(m -> m.round() == r && m.variant().equals("d")).mapToDouble(Variants.Measure::eps)
                        .findFirst().orElse(Double.NaN);
                ratios.add(rd / ra);
            }
            ratios.sort(null);
            double ratio = ratios.isEmpty() ? Double.NaN : ratios.size() % 2 == 1 ? ratios.get(ratios.size() / 2)
                    : (ratios.get(ratios.size() / 2 - 1) + ratios.get(ratios.size() / 2)) / 2;
            out.println("throughput (median of " + rounds + " rounds; exactly-once everywhere, 1 processing thread, 2 partitions, "
                    + "in-process broker):");
            out.printf("  (a) consumer→transactional producer passthrough: %.0f events/s %s, %.1f µs CPU/event%n", a,
                    spread(measures, "a"), median(measures, "a", Variants.Measure::cpuMicrosPerEvent));
            out.printf("  (b) Kafka Streams passthrough (EOS v2):           %.0f events/s %s, %.1f µs CPU/event%n", b,
                    spread(measures, "b"), median(measures, "b", Variants.Measure::cpuMicrosPerEvent));
            out.printf("  (c) Streams + ingest parse/classify/redact:       %.0f events/s %s, %.1f µs CPU/event%n", c,
                    spread(measures, "c"), median(measures, "c", Variants.Measure::cpuMicrosPerEvent));
            out.printf("  (d) GrantWatch: (c) → audit-events → detector:    %.0f events/s %s, %.1f µs CPU/event%n", d,
                    spread(measures, "d"), median(measures, "d", Variants.Measure::cpuMicrosPerEvent));
            out.printf("  ratios: (d)/(a) per round %s → median %.3f (goal ≥ 0.8); (b)/(a)=%.3f (c)/(b)=%.3f (d)/(c)=%.3f%n",
                    fmt(ratios), ratio, b / a, c / b, d / c);
            out.println("  CPU µs/event is process CPU (broker + clients + app in this JVM) over the timed interval / N.");

            Variants.StateFigures st = lastState;
            if (st != null) {
                double per = 100_000.0 / st.principals();
                out.printf("state & memory (last (d) run, %d principals, extrapolated linearly to 100k%s): heap retained %.1f MB → %.0f MB per 100k"
                                + " principals; detector state dir (RocksDB principal-state + principal-findings) %.1f MB → %.0f MB"
                                + " per 100k principals%n",
                        st.principals(), quick ? " from this small run" : "", st.heapBytes() / 1e6, st.heapBytes() / 1e6 * per,
                        st.stateBytes() / 1e6, st.stateBytes() / 1e6 * per);
            }

            if (stopAfterRounds) {
                out.printf("ratio=%.3f eps=%.0f passthrough_eps=%.0f%n", ratio, d, a);
                return;
            }
            // 3. latency
            Latency.Result lat;
            try (EmbeddedKafka kafka = BenchKafka.startBroker(work.resolve("broker-latency"))) {
                CorpusGenerator.Corpus latencyCorpus = Latency.corpus(seed, latencyRate * (latencySeconds + 1), catalog);
                lat = Latency.run(kafka.bootstrapServers(), catalog, latencyCorpus.records(), latencyRate, latencySeconds, work);
            }
            out.println("latency (open loop, EOS, default commit intervals): " + lat);

            // 4. scan
            Path folders = work.resolve("folders");
            List<RawRecord> ali = corpus.records().stream().filter(r -> r.cloud() == Cloud.ALIBABA).toList();
            List<RawRecord> hw = corpus.records().stream().filter(r -> r.cloud() == Cloud.HUAWEI).toList();
            Layouts.Written wa = Layouts.write(folders.resolve("actiontrail"), ali, 500);
            Layouts.Written wh = Layouts.write(folders.resolve("cts"), hw, 500);
            long uncompressed = wa.uncompressedBytes() + wh.uncompressedBytes();
            out.printf("gzip folders: ActionTrail OSS layout %d files, CTS OBS layout %d files, %.1f MB JSON → %.1f MB gzip%n",
                    wa.files(), wh.files(), uncompressed / 1e6, (wa.compressedBytes() + wh.compressedBytes()) / 1e6);
            List<Path> roots = List.of(folders.resolve("actiontrail"), folders.resolve("cts"));
            ScanBench.Result warmScan = ScanBench.run(roots, uncompressed, catalog, oracle);
            out.println("warm-up " + warmScan);
            List<ScanBench.Result> scans = new ArrayList<>();
            for (int i = 0; i < (quick ? 3 : 5); i++) {
                scans.add(ScanBench.run(roots, uncompressed, catalog, oracle));
            }
            for (ScanBench.Result r : scans) {
                if (!r.matchesOracle()) {
                    out.println("WRONG scan: " + r);
                    failed = true;
                }
            }
            scans.sort(Comparator.comparingDouble(ScanBench.Result::mbPerSecond));
            ScanBench.Result scan = scans.get(scans.size() / 2);
            out.println("median of " + scans.size() + " " + scan
                    + " (as grantwatch scan runs: files parsed on the cores, delivered in start-time order; best "
                    + String.format("%.1f", scans.get(scans.size() - 1).mbPerSecond()) + " MB/s; goal ≥ 100 MB/s)");

            // 5. JMH
            if (jmh) {
                runJmh(out, quick);
            }
            out.printf("ratio=%.3f eps=%.0f passthrough_eps=%.0f p99_ms=%.1f scan_mb_s=%.1f%n", ratio, d, a, lat.hookP99(), scan.mbPerSecond());
        } finally {
            Variants.delete(work);
        }
        if (failed) {
            out.println("FAILED: a run's output differed from the oracle (see WRONG above)");
            System.exit(1);
        }
        System.exit(0);
    }

    private static void runJmh(PrintStream out, boolean quick) throws Exception {
        OptionsBuilder o = new OptionsBuilder();
        o.include("io\\.grantwatch\\.bench\\.jmh\\..*")
                .forks(1)
                .warmupIterations(quick ? 2 : 3)
                .warmupTime(TimeValue.seconds(quick ? 1 : 3))
                // five iterations at least: with two, the 99.9% confidence interval JMH prints is ± NaN
                .measurementIterations(quick ? 5 : 8)
                .measurementTime(TimeValue.seconds(quick ? 1 : 3))
                .threads(1)
                .jvmArgs("-Xms1g", "-Xmx1g", "-XX:+UseG1GC")
                .verbosity(VerboseMode.SILENT);
        Collection<RunResult> results = new Runner(o.build()).run();
        out.println("JMH (1 thread, " + (quick ? "brief: 2×1s warm-up, 5×1s" : "3×3s warm-up, 8×3s")
                + "; avg time per op ± the 99.9% confidence interval, [min, max] of the iterations):");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            var stats = r.getPrimaryResult().getStatistics();
            out.printf("  %-70s %10.3f %s ± %.3f [%.3f, %.3f]%n", name.substring(name.indexOf("jmh.") + 4), r.getPrimaryResult().getScore(),
                    r.getPrimaryResult().getScoreUnit(), r.getPrimaryResult().getScoreError(), stats.getMin(), stats.getMax());
        }
    }

    /** The spread of a variant's measured rounds, {@code [min–max, ±x%]} of the median, so a shaky figure shows itself. */
    private static String spread(List<Variants.Measure> ms, String variant) {
        double[] v = ms.stream().filter(m -> m.variant().equals(variant) && m.round() > 0).mapToDouble(Variants.Measure::eps).sorted()
                .toArray();
        if (v.length == 0) {
            return "[no rounds]";
        }
        double med = median(ms, variant, Variants.Measure::eps);
        return String.format("[%.0f–%.0f, ±%.0f%%]", v[0], v[v.length - 1], 100 * Math.max(med - v[0], v[v.length - 1] - med) / med);
    }

    private static double median(List<Variants.Measure> ms, String variant, ToDoubleFunction<Variants.Measure> f) {
        double[] v = ms.stream().filter(m -> m.variant().equals(variant)).mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String fmt(List<Double> xs) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < xs.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(String.format("%.3f", xs.get(i)));
        }
        return sb.append(']').toString();
    }
}
