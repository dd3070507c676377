package io.grantwatch.systemtests;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code bench/reliability.sh [--quick] [--events N] [--only 3,7,...] [--keep]}: the reliability suite as one command. Runs
 * the scenario classes (the same {@code ScenarioNN…IT} that failsafe runs with {@code -Psystem-tests}) on one
 * {@link Fixture}, in the order below; every scenario prints its figures and PASS, FAIL or SKIP (with the reason); the last
 * line is {@code lost=<n> duplicates=<n> leaked=<n> injected=<n> scenarios_passed=<k>/<m>}. Exit 1 when any scenario did
 * not pass (a SKIP does not fail the suite).
 *
 * <p>The broker is the testkit's in-process one; detectors run as {@code grantwatch detect} JVMs where a process must die
 * (1 crash recovery, 7 redaction of its log, 9 state restore) and in process elsewhere; scenario 2 kills a broker JVM of its
 * own; scenarios 10–15 ({@link IngestTest}) run {@code grantwatch ingest} / {@code grantwatch run} JVMs against file-system
 * and HTTP faults.
 */
public final class ReliabilitySuite {
    private ReliabilitySuite() {
    }

    /** The scenarios, in the order the suite runs them: the quick in-process ones first, the broker bounce late. */
    static List<SystemTest> scenarios() {
        return List.of(new Scenario03PoisonPillsIT(), new Scenario07RedactionIT(), new Scenario08InjectionIT(), new Scenario01CrashRecoveryIT(),
                new Scenario09StateRestoreIT(), new Scenario06WebhookFaultsIT(), new Scenario04ScaleOutIT(), new Scenario02BrokerBounceIT(),
                new Scenario05ChurnAndLatenessIT(), new Scenario10RotationIT(), new Scenario11PausedWriterIT(), new Scenario12TruncatedGzipIT(),
                new Scenario13UnreadableFolderIT(), new Scenario14DiskFullIT(), new Scenario15SlowClientsIT());
    }

    public static void main(String[] args) {
        PrintStream out = Fixture.stdout();
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
        List<String> selected = only == null ? null : List.of(only.split(","));
        Fixture fixture = Fixture.start(quick, events, keep, out);
        try {
            for (SystemTest s : scenarios()) {
                if (selected == null || selected.contains(s.id())) {
                    fixture.report(s.id(), () -> s.runOn(fixture));
                }
            }
        } finally {
            fixture.close();
        }
        out.println(fixture.lastLine());
        System.exit(fixture.passed() ? 0 : 1);
    }
}
