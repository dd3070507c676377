package io.grantwatch.systemtests;

import io.grantwatch.alerts.channel.Channel;
import io.grantwatch.alerts.channel.ChannelSender;
import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.Pacer;
import io.grantwatch.alerts.channel.RetryPolicy;
import io.grantwatch.alerts.dispatch.AlertPipeline;
import io.grantwatch.alerts.dispatch.Dispatcher;
import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.dispatch.Router;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.corpus.CorpusGenerator;
import io.grantwatch.systemtests.corpus.Oracle;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * One scenario of the reliability suite: a subclass {@code ScenarioNN<What>IT} implements {@link #run()} once; it runs
 * as a JUnit test (failsafe, {@code -Psystem-tests}) or from {@link ReliabilitySuite} ({@code bench/reliability.sh}), both
 * on the JVM's {@link Fixture}. The class name's number is the scenario's id ({@code --only 3,7}).
 *
 * <p>Each scenario sets itself up from the fixture's shared, read-only parts (the broker, the corpus and its oracle, the
 * catalog, the work folder) with its own topic prefix, state folders and processes; no scenario depends on another's
 * leftovers, so any subset runs in any order.
 */
abstract class SystemTest {
    static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(400), 5, Duration.ofSeconds(3));
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Fixture fixture;
    Env env;
    CorpusGenerator.Corpus corpus;
    Oracle oracle;
    boolean quick;
    PrintStream out;

    /** The scenario: its figures and PASS, FAIL or SKIP (with the reason). */
    abstract Result run() throws Exception;

    /** Per-scenario set-up after the fixture is bound (none by default). */
    void bind() {
    }

    /** The scenario's number, from the class name (ScenarioNN…IT). */
    final String id() {
        String n = getClass().getSimpleName().substring("Scenario".length(), "Scenario".length() + 2);
        return Integer.toString(Integer.parseInt(n));
    }

    /** Binds the fixture and runs the scenario. */
    final Result runOn(Fixture f) throws Exception {
        fixture = f;
        env = f.env();
        corpus = f.corpus();
        oracle = f.oracle();
        quick = f.quick();
        out = f.out();
        bind();
        return run();
    }

    /** As a JUnit test: PASS passes, SKIP is an aborted test (the machine cannot make the condition), FAIL fails. */
    @Test
    final void scenario() {
        Fixture f = Fixture.shared();
        Result r = f.report(id(), () -> runOn(f));
        Assumptions.assumeFalse(r.status().equals("SKIP"), () -> r.scenario() + ": " + r.figures());
        Assertions.assertEquals("PASS", r.status(), () -> r.scenario() + ": " + r.figures());
    }

    Oracle oracleOf(List<RawRecord> records) {
        return Oracle.of(records, List.of(), CatalogLookup.of(env.catalog), DetectorSettings.defaults());
    }

    double awaitRunning(Proc p, long since) throws Exception {
        p.awaitLine("→ RUNNING", 180_000);
        return (System.currentTimeMillis() - since) / 1000.0;
    }

    void waitCommitted(String group, Topics t, long target) {
        pollUntil(Duration.ofMinutes(4), Duration.ofMillis(50), () -> env.committed(group, t.auditEvents().name()) >= target);
    }

    static void waitProduced(AtomicLong produced, long target) {
        pollUntil(Duration.ofMinutes(4), Duration.ofMillis(20), () -> produced.get() >= target);
    }

    /**
     * Polls {@code condition} (on this thread, first at once) until it holds; false when {@code timeout} passes first. A
     * scenario goes on either way: its result is its report, which counts what did not arrive, not an exception here.
     */
    static boolean pollUntil(Duration timeout, Duration interval, Callable<Boolean> condition) {
        try {
            Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(interval).pollInSameThread().until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    Dispatcher dispatcher(Topics t, String group, List<Channel> channels, DeliveryCounters counters, RetryPolicy retry) {
        List<ChannelSender> senders = channels.stream().map(c -> new ChannelSender(c, retry, counters, Pacer.SYSTEM, 50)).toList();
        return new Dispatcher(new Dispatcher.Settings(env.bootstrap, group, t, null, null, retry, Map.of()),
                ledger -> new AlertPipeline(new RemediationPlanner(), new Router(List.of(), channels.stream().map(Channel::name).toList()),
                        MuteRules.none(), senders, counters, Instant::now, ledger)).start();
    }

    static long size(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }

    static String fmt(List<Double> xs) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < xs.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(String.format("%.1f", xs.get(i)));
        }
        return sb.append(']').toString();
    }
}
