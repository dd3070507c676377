package io.grantwatch.bench.reliability;

import io.grantwatch.bench.corpus.CorpusGenerator;
import io.grantwatch.bench.corpus.Oracle;
import io.grantwatch.bench.corpus.RawRecord;
import io.grantwatch.bench.e2e.BenchKafka;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.model.catalog.Catalog;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bench/reliability.sh [--quick]}: the fault suite. One broker in its own JVM (the product's
 * EmbeddedKafka via {@link BrokerMain}) that outlives the processes under test; detectors run as
 * {@code grantwatch detect} JVMs where a process must die (crash recovery, state restore) and in
 * process elsewhere; scenarios 10–15 ({@link IngestScenarios}) run {@code grantwatch ingest} / {@code grantwatch run} JVMs
 * against file-system and HTTP faults. Every scenario prints its figures and PASS, FAIL or SKIP (with the reason);
 * the last line is {@code lost=<n> duplicates=<n> leaked=<n> injected=<n> scenarios_passed=<k>/<m>}.
 * Exit 1 when any scenario did not pass.
 *
 * <p>Corpus: the benchmark's generator with people only (RAM users, IAM users; no RAM-role or agency
 * sessions). The reason first given for this no longer holds: the topology partitions by account and
 * takes an account's events (role and agency sessions included) in the order ingest wrote them, with no
 * repartition hop, and {@code BenchMain} already requires findings equal to the oracle's on a corpus with
 * delegated sessions. The restriction stays only so that this suite's figures remain comparable with
 * earlier runs; a difference from the oracle here must come from the fault.
 */
public final class ReliabilityMain {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReliabilityMain.class);

    private ReliabilityMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        boolean quick = false;
        int events = -1;
        String only = null;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                case "--keep" -> keep = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (events < 0) {
            events = quick ? 4000 : 40_000;
        }
        if (quick && System.getProperty("bench.detector.kafka") == null) {
            // CI speed: a killed or departed detector's partitions move after the session timeout (45 s by default);
            // 10 s through the documented kafka.* pass-through. Full runs keep the product default.
            System.setProperty("bench.detector.kafka", "session.timeout.ms=10000");
        }
        Path work = Files.createTempDirectory("grantwatch-reliability-");
        Catalog catalog = CatalogLoader.loadBundled();
        CorpusGenerator.Corpus corpus = CorpusGenerator.generate(
                CorpusGenerator.Options.of(43, events).withPrincipals(Math.max(400, events / 10)).withDelegated(false), catalog);
        Oracle oracle = Oracle.of(corpus.records(), corpus.episodes(), CatalogLookup.of(catalog), DetectorSettings.defaults());
        out.printf("GrantWatch reliability (%s): corpus %s, oracle %d versions / %d findings, uncovered episodes %d; detector settings %s;"
                        + " work %s%n", quick ? "quick" : "full", corpus.stats(), oracle.emitted().size(), oracle.finalState().size(),
                oracle.uncoveredEpisodes().size(), Env.DETECTOR_KAFKA, work);
        out.println("limits: single broker (replication 1 voids EOS durability), loopback only, 2 cores shared by broker, apps and load.");

        int[] ports = BenchKafka.freePorts(2);
        int port = ports[0];
        int controller = ports[1];
        Path brokerDir = work.resolve("broker");
        Proc broker = startBroker(work, brokerDir, port, controller, "broker-0");
        Runtime.getRuntime().addShutdownHook(new Thread(Proc::terminateAll, "reliability-children"));
        String bootstrap = "127.0.0.1:" + port;
        Env env = new Env(bootstrap, catalog, work);
        Scenarios s = new Scenarios(env, corpus, oracle, quick, out, () -> startBroker(work, brokerDir, port, controller,
                "broker-" + System.nanoTime()));
        s.broker = broker;
        List<Result> results = new ArrayList<>();
        Map<String, Callable<Result>> all = new LinkedHashMap<>();
        all.put("3", s::poisonPills);
        all.put("7", s::redaction);
        all.put("8", s::injection);
        all.put("1", s::crashRecovery);
        all.put("9", s::stateRestore);
        all.put("6", s::webhookFaults);
        all.put("4", s::scaleOut);
        all.put("2", s::brokerBounce);
        all.put("5", s::churnAndLateness);
        IngestScenarios in = new IngestScenarios(env, corpus, quick, out);
        all.put("10", in::rotation);
        all.put("11", in::pausedWriter);
        all.put("12", in::truncatedGzip);
        all.put("13", in::unreadableFolder);
        all.put("14", in::diskFull);
        all.put("15", in::slowClients);
        try {
            for (Map.Entry<String, Callable<Result>> e : all.entrySet()) {
                if (only != null && !List.of(only.split(",")).contains(e.getKey())) {
                    continue;
                }
                long t0 = System.currentTimeMillis();
                Result r;
                try {
                    r = e.getValue().call();
                } catch (Exception | AssertionError ex) {
                    r = new Result("(" + e.getKey() + ")", "FAIL", 0, 0, 0, 0, "scenario crashed: " + ex);
                    LOG.error("scenario {} crashed", e.getKey(), ex);
                }
                results.add(r);
                out.printf("[%s] %s: %s (%.0fs) %n", r.status(), r.scenario(), r.figures(), (System.currentTimeMillis() - t0) / 1000.0);
            }
        } finally {
            s.broker.term();
            if (keep) {
                out.println("work folder kept (--keep): " + work + " (child JVM logs under logs/)");
            } else {
                deleteQuietly(work);
            }
        }
        long lost = results.stream().mapToLong(Result::lost).sum();
        long dups = results.stream().mapToLong(Result::duplicates).sum();
        long leaked = results.stream().mapToLong(Result::leaked).sum();
        long injected = results.stream().mapToLong(Result::injected).sum();
        long passed = results.stream().filter(Result::passed).count();
        long skipped = results.stream().filter(r -> r.status().equals("SKIP")).count();
        // A SKIP (the machine cannot make the condition: no small filesystem, no way to drop root's read
        // rights) says why on its own line and does not fail the suite; a FAIL does.
        out.printf("lost=%d duplicates=%d leaked=%d injected=%d scenarios_passed=%d/%d%s%n", lost, dups, leaked, injected, passed,
                results.size(), skipped == 0 ? "" : " skipped=" + skipped);
        System.exit(passed + skipped == results.size() ? 0 : 1);
    }

    static Proc startBroker(Path work, Path dir, int port, int controller, String name) throws Exception {
        Proc p = Proc.java(name, work.resolve("logs").resolve(name + ".log"), List.of("-Xmx768m"), BrokerMain.class.getName(),
                List.of(dir.toString(), Integer.toString(port), Integer.toString(controller)));
        p.awaitLine("READY ", 120_000);
        return p;
    }

    static void deleteQuietly(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temporary folder
        }
    }

    /** Used by scenarios: the raw records of a corpus as a list (convenience for slicing). */
    static List<RawRecord> slice(List<RawRecord> all, int from, int to) {
        return all.subList(Math.max(0, from), Math.min(all.size(), to));
    }
}
