package io.grantwatch.systemtests;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.systemtests.corpus.CorpusGenerator;
import io.grantwatch.systemtests.corpus.Oracle;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaBrokers;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What every scenario of the reliability suite starts from, once per JVM: a broker (the testkit's in-process KRaft broker;
 * detectors and {@code grantwatch} roles run in child JVMs against it where a process must die), the catalog, the corpus and
 * its oracle, a work folder (child JVM logs under {@code logs/}). Read-only for the scenarios: each makes its own topics
 * (its prefix), state folders and processes. It also prints each scenario's line and the suite's last line:
 * {@code lost=<n> duplicates=<n> leaked=<n> injected=<n> scenarios_passed=<k>/<m>}.
 *
 * <p>Corpus: the benchmark's generator with people only (RAM users, IAM users; no RAM-role or agency sessions), because
 * the topology routes role/agency denials through two repartition hops and so processes them out of order with the same
 * principal's other calls, which differs from the oracle by design (the benchmark reports that separately); here a
 * difference must come from the fault.
 */
public final class Fixture implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Fixture.class);
    private static Fixture shared;

    private final boolean quick;
    private final boolean keep;
    private final PrintStream out;
    private final Path work;
    private final CorpusGenerator.Corpus corpus;
    private final Oracle oracle;
    private final KafkaBroker broker;
    private final Env env;
    private final List<Result> results = Collections.synchronizedList(new ArrayList<>());
    private boolean closed;

    private Fixture(boolean quick, boolean keep, PrintStream out, Path work, CorpusGenerator.Corpus corpus, Oracle oracle, KafkaBroker broker,
                    Env env) {
        this.quick = quick;
        this.keep = keep;
        this.out = out;
        this.work = work;
        this.corpus = corpus;
        this.oracle = oracle;
        this.broker = broker;
        this.env = env;
    }

    /** stdout, UTF-8, flushed per line (the suite's report). */
    public static PrintStream stdout() {
        return new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    }

    /**
     * The JVM's fixture for JUnit runs (failsafe): {@code -Dreliability.quick} (default true), {@code -Dreliability.events},
     * {@code -Dreliability.keep}; closed (children stopped, work folder deleted) when the JVM exits. Reports on
     * {@code System.out}, which the test runner captures.
     */
    public static synchronized Fixture shared() {
        if (shared == null) {
            shared = start(Boolean.parseBoolean(System.getProperty("reliability.quick", "true")), Integer.getInteger("reliability.events", -1),
                    Boolean.getBoolean("reliability.keep"), new PrintStream(System.out, true, StandardCharsets.UTF_8));
            Fixture f = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                f.out.println(f.lastLine());
                f.close();
            }, "reliability-fixture"));
        }
        return shared;
    }

    /** Generates the corpus and its oracle, starts the broker, prints the header. {@code events < 0}: 4,000 quick, 40,000 full. */
    public static Fixture start(boolean quick, int events, boolean keep, PrintStream out) {
        if (events < 0) {
            events = quick ? 4000 : 40_000;
        }
        if (quick && System.getProperty("bench.detector.kafka") == null) {
            // CI speed: a killed or departed detector's partitions move after the session timeout (45 s by default);
            // 10 s through the documented kafka.* pass-through. Full runs keep the product default.
            System.setProperty("bench.detector.kafka", "session.timeout.ms=10000");
        }
        try {
            Path work = Files.createTempDirectory("grantwatch-reliability-");
            Catalog catalog = CatalogLoader.loadBundled();
            CorpusGenerator.Corpus corpus = CorpusGenerator.generate(
                    CorpusGenerator.Options.of(43, events).withPrincipals(Math.max(400, events / 10)).withDelegated(false), catalog);
            Oracle oracle = Oracle.of(corpus.records(), corpus.episodes(), CatalogLookup.of(catalog), DetectorSettings.defaults());
            out.printf("GrantWatch reliability (%s): corpus %s, oracle %d versions / %d findings, uncovered episodes %d; detector settings %s;"
                            + " work %s%n", quick ? "quick" : "full", corpus.stats(), oracle.emitted().size(), oracle.finalState().size(),
                    oracle.uncoveredEpisodes().size(), Env.DETECTOR_KAFKA, work);
            out.println("limits: single broker (replication 1 voids EOS durability), loopback only, 2 cores shared by broker, apps and load.");
            Runtime.getRuntime().addShutdownHook(new Thread(Proc::terminateAll, "reliability-children"));
            KafkaBroker broker;
            PrintStream stdout = System.out;
            System.setOut(System.err); // Kafka's storage formatter prints to System.out; the report owns stdout
            try {
                broker = KafkaBrokers.startPrivate(1);
            } finally {
                System.setOut(stdout);
            }
            return new Fixture(quick, keep, out, work, corpus, oracle, broker, new Env(broker.bootstrapServers(), catalog, work));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean quick() {
        return quick;
    }

    public PrintStream out() {
        return out;
    }

    public CorpusGenerator.Corpus corpus() {
        return corpus;
    }

    public Oracle oracle() {
        return oracle;
    }

    Env env() {
        return env;
    }

    /**
     * A broker in a child JVM of its own ({@link BrokerMain}), for a scenario that stops or kills the broker: the same
     * directory and ports bring the same cluster back.
     */
    Proc startBroker(Path dir, int port, int controller, String name) throws Exception {
        Proc p = Proc.java(name, work.resolve("logs").resolve(name + ".log"), List.of("-Xmx768m"), BrokerMain.class.getName(),
                List.of(dir.toString(), Integer.toString(port), Integer.toString(controller)));
        p.awaitLine("READY ", 120_000);
        return p;
    }

    /** Runs one scenario, prints {@code [STATUS] name: figures (Ns)} and keeps its result for the last line; a crash is a FAIL. */
    public Result report(String id, Callable<Result> scenario) {
        long t0 = System.currentTimeMillis();
        Result r;
        try {
            r = scenario.call();
        } catch (Exception | AssertionError ex) {
            r = new Result("(" + id + ")", "FAIL", 0, 0, 0, 0, "scenario crashed: " + ex);
            LOG.error("scenario {} crashed", id, ex);
        }
        results.add(r);
        out.printf("[%s] %s: %s (%.0fs) %n", r.status(), r.scenario(), r.figures(), (System.currentTimeMillis() - t0) / 1000.0);
        return r;
    }

    /** Whether every scenario run so far passed or was skipped (a SKIP says why on its own line and does not fail the suite). */
    public boolean passed() {
        synchronized (results) {
            return results.stream().allMatch(r -> r.passed() || r.status().equals("SKIP"));
        }
    }

    /** {@code lost=<n> duplicates=<n> leaked=<n> injected=<n> scenarios_passed=<k>/<m>[ skipped=<s>]} over the scenarios run. */
    public String lastLine() {
        List<Result> rs;
        synchronized (results) {
            rs = List.copyOf(results);
        }
        long lost = rs.stream().mapToLong(Result::lost).sum();
        long dups = rs.stream().mapToLong(Result::duplicates).sum();
        long leaked = rs.stream().mapToLong(Result::leaked).sum();
        long injected = rs.stream().mapToLong(Result::injected).sum();
        long passed = rs.stream().filter(Result::passed).count();
        long skipped = rs.stream().filter(r -> r.status().equals("SKIP")).count();
        return String.format("lost=%d duplicates=%d leaked=%d injected=%d scenarios_passed=%d/%d%s", lost, dups, leaked, injected, passed,
                rs.size(), skipped == 0 ? "" : " skipped=" + skipped);
    }

    /** Stops the child JVMs and the broker; deletes the work folder unless kept (then says where it is). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Proc.terminateAll();
        broker.close();
        if (keep) {
            out.println("work folder kept (--keep): " + work + " (child JVM logs under logs/)");
        } else {
            deleteQuietly(work);
        }
    }

    static void deleteQuietly(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temporary folder
        }
    }
}
