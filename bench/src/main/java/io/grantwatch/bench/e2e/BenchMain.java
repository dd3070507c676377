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
import java.util.HashMap;
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
 * {@code bench/run.sh [--quick | --full]}: the benchmark, one run, ratios measured within it.
 * <ol>
 *   <li>corpus + oracle (printed: sizes, denial share, principals, oracle findings, ground-truth coverage);</li>
 *   <li>one in-process KRaft broker (the product's EmbeddedKafka), the corpus loaded into a 2-partition raw
 *   topic before any timing, one untimed full read pass;</li>
 *   <li>rounds of (a) (b) (c) (d) ({@link Variants}), the order rotated every round, round 0 a discarded
 *   warm-up over the corpus that sizes the measured rounds to last at least {@code --min-seconds} (quick 10, full 20): (d) reads a
 *   corpus of distinct events large enough (with its own oracle), (a) (b) (c) the same corpus repeated; per round ratio (d)/(a);
 *   medians reported with their spread; a (d) whose findings differ from the oracle fails the run;</li>
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
        double minSeconds = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--full" -> quick = false;
                case "--min-seconds" -> minSeconds = Double.parseDouble(args[++i]);
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
        if (minSeconds < 0) {
            minSeconds = quick ? 10 : 20;
        }
        if (quick) {
            Variants.timeoutMs = 120_000;
        }
        int latencyRate = 2000;
        int latencySeconds = quick ? 60 : 120;
        Path work = Files.createTempDirectory("grantwatch-bench-");
        out.printf("GrantWatch bench (%s): %d events, %d measured rounds of ≥ %.0fs + 1 warm-up, %d cores, JDK %s, max heap %d MB, work %s%n",
                quick ? "quick" : "full", events, rounds, minSeconds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
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
            // 2. rounds: round 0 (the warm-up) runs every variant over the corpus and measures its rate; every measured round is
            // then sized from the best rate seen so far to last at least minSeconds, so that the JIT and the broker settle
            Map<String, Double> bestEps = new HashMap<>();
            RoundInput dInput = new RoundInput(corpus.records(), oracle, changes);
            String[] order = variants.split("");
            List<Variants.Measure> measures = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) {
                if (round == 1 && bestEps.containsKey("d")) {
                    dInput = roundInput(out, dInput, bestEps.get("d") * minSeconds * D_MARGIN, seed, catalog);
                }
                for (int k = 0; k < order.length; k++) {
                    String variant = order[(k + round) % order.length];
                    for (int attempt = 0; ; attempt++) {
                        List<RawRecord> records = round == 0 ? corpus.records() : dInput.records();
                        int repeats = variant.equals("d") ? 1 : round == 0 ? WARM_UP_REPEATS
                                : (int) Math.max(1, Math.ceil(bestEps.get(variant) * minSeconds * MARGIN / records.size()));
                        long total = (long) records.size() * repeats;
                        Path brokerDir = work.resolve("broker-" + round + variant + attempt);
                        Variants.Measure m;
                        try (EmbeddedKafka kafka = BenchKafka.startBroker(brokerDir)) {
                            String bootstrap = kafka.bootstrapServers();
                            try (Admin admin = Clients.admin(bootstrap)) {
                                BenchKafka.createTopic(admin, raw, 2, Map.of());
                            }
                            BenchKafka.load(bootstrap, raw, records, repeats);
                            long warm = Clients.count(bootstrap, raw);
                            if (warm != total) {
                                throw new IllegalStateException("loaded " + warm + " of " + total);
                            }
                            Variants v = new Variants(bootstrap, raw, work, catalog);
                            RoundInput in = round == 0 ? new RoundInput(corpus.records(), oracle, changes) : dInput;
                            m = switch (variant) {
                                case "a" -> v.passthrough(round, total);
                                case "b" -> v.streamsPassthrough(round, total);
                                case "c" -> v.parse(round, total);
                                default -> v.grantwatch(round, total, in.changes(), in.oracle(), round == rounds);
                            };
                            if (v.lastState() != null) {
                                lastState = v.lastState();
                            }
                        }
                        Variants.delete(brokerDir);
                        bestEps.merge(variant, m.eps(), Math::max);
                        // a round the warm-up's (cold, or disturbed) rate sized too short is run again, sized from its own rate
                        boolean resize = round > 0 && m.ok() && m.seconds() < minSeconds && attempt < MAX_RESIZES;
                        String size = repeats > 1 ? String.format("%d events (%d × %d)", total, repeats, records.size()) : total + " events";
                        String shortNote = round > 0 && m.seconds() < minSeconds
                                ? String.format(resize ? " (shorter than %.0fs: re-sized and run again, not counted)" : " (shorter than %.0fs)",
                                minSeconds) : "";
                        out.printf("round %d%s (%s): %.0f events/s over %.1fs%s, %s, %.1f µs CPU/event, %s, %s%n", round,
                                round == 0 ? " warm-up" : "", m.variant(), m.eps(), m.seconds(), shortNote, size, m.cpuMicrosPerEvent(),
                                m.ok() ? "OK" : "WRONG", m.note());
                        if (resize) {
                            if (variant.equals("d")) {
                                dInput = roundInput(out, dInput, bestEps.get("d") * minSeconds * MARGIN, seed, catalog);
                            }
                            continue;
                        }
                        if (!m.ok()) {
                            failed = true;
                        }
                        if (round > 0) {
                            measures.add(m);
                        }
                        break;
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
            out.printf("throughput (median of %d rounds of ≥ %.0fs each; exactly-once everywhere, 1 processing thread, 2 partitions, "
                    + "in-process broker):%n", rounds, minSeconds);
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
                CorpusGenerator.Corpus latencyCorpus = Latency.corpus(seed, latencyRate * (latencySeconds + Latency.WARMUP_SECONDS), catalog);
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

    /** (d)'s round is sized by the warm-up's rate, which a cold JIT lowers: this margin keeps it above the minimum. */
    private static final double D_MARGIN = 2;
    /** A measured round (warm JIT) sizes the next: (a)(b)(c) every round from the best rate so far, (d) when it came out short. */
    private static final double MARGIN = 1.3;
    /** (a)(b)(c) warm up over the corpus three times: their rate after one pass is a cold JIT's, a third of the settled one. */
    private static final int WARM_UP_REPEATS = 3;
    /** How often a round that came out shorter than the minimum is re-sized and run again. */
    private static final int MAX_RESIZES = 2;

    /** What a (d) round reads, and the oracle over exactly those events. */
    private record RoundInput(List<RawRecord> records, Oracle oracle, long changes) {
    }

    /**
     * The corpus (d)'s measured rounds read: the warm-up's if it is long enough for {@code wanted} events, else a larger one of
     * the same seed with its own oracle. (d) reads distinct events, never repeats: a repeat carries the same event ids again,
     * which the oracle does not model, so its findings could not be checked.
     */
    private static RoundInput roundInput(PrintStream out, RoundInput warm, double wanted, long seed, Catalog catalog) {
        if (wanted <= warm.records().size()) {
            out.printf("rounds: (d) reads the corpus (%d events, enough for the minimum at its rate so far); (a)(b)(c) read it repeated%n",
                    warm.records().size());
            return warm;
        }
        int events = (int) Math.ceil(wanted / 10_000) * 10_000;
        long t0 = System.nanoTime();
        CorpusGenerator.Corpus corpus = CorpusGenerator.generate(CorpusGenerator.Options.of(seed, events), catalog);
        Oracle oracle = Oracle.of(corpus.records(), corpus.episodes(), CatalogLookup.of(catalog), DetectorSettings.defaults());
        out.printf("rounds: (d) reads a corpus of %d distinct events (seed %d, sized from its rate so far; its findings are checked"
                        + " against an oracle over exactly these events: %d emitted versions, %d final findings; generated in %.1fs);"
                        + " (a)(b)(c) read the same corpus, repeated as often as their rate needs (the same bytes again)%n",
                corpus.records().size(), seed, oracle.emitted().size(), oracle.finalState().size(), (System.nanoTime() - t0) / 1e9);
        return new RoundInput(corpus.records(), oracle, oracle.detector().counters().iamChanges());
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
