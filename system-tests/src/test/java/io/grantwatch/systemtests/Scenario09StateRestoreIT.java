package io.grantwatch.systemtests;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.corpus.Oracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reliability scenario 9. state restore: a {@code grantwatch detect} JVM processes 70% of the corpus, is killed (-9), its
 * state directory is deleted, and the restarted JVM must restore its stores from the changelogs before the rest arrives:
 * the findings of the whole corpus must equal the oracle's.
 */
class Scenario09StateRestoreIT extends SystemTest {
    @Override
    Result run() throws Exception {
        String prefix = "s9-";
        String app = "s9-detector";
        Topics t = env.topics(prefix);
        List<AuditEvent> all = Env.parse(corpus.records());
        int split = (int) (all.size() * 0.7);
        Path state = env.dir("s9-state");
        Proc detector = env.detectProcess("s9-detect-0", prefix, app, state);
        awaitRunning(detector, System.currentTimeMillis());
        env.produce(t, all.subList(0, split));
        Oracle.Comparison before = env.settle(t, oracleOf(corpus.records().subList(0, split)), 240_000);
        detector.kill9();
        long stateBytes = size(state);
        Fixture.deleteQuietly(state);
        Files.createDirectories(state);
        long r0 = System.currentTimeMillis();
        detector = env.detectProcess("s9-detect-1", prefix, app, state);
        double restore = awaitRunning(detector, r0);
        env.produce(t, all.subList(split, all.size()));
        Oracle.Comparison cmp = env.settle(t, oracle, 240_000);
        detector.term();
        boolean pass = cmp.matches();
        return new Result("9 state restore", pass ? "PASS" : "FAIL", cmp.missing(), cmp.duplicates(), 0, 0, String.format(
                "a detector JVM processed the first %d events (findings vs oracle: %s); kill -9, deleted the state directory (%d bytes),"
                        + " restart→RUNNING (restore from changelogs) %.1f s, then the remaining %d events; findings of the whole corpus vs"
                        + " oracle: %s", split, before, stateBytes, restore, all.size() - split, cmp));
    }
}
