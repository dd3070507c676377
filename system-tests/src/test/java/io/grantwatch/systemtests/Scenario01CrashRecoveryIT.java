package io.grantwatch.systemtests;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.corpus.Oracle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reliability scenario 1: EOS crash recovery: a {@code grantwatch detect} JVM (exactly_once_v2) is killed (-9) three times while events arrive; the
 * read_committed findings must equal the oracle's, without duplicates.
 */
class Scenario01CrashRecoveryIT extends SystemTest {
    @Override
    Result run() throws Exception {
        String s1Prefix = "s1-";
        String s1App = "s1-detector";
        Topics t = env.topics(s1Prefix);
        List<AuditEvent> all = Env.parse(corpus.records());
        int s1Split = (int) (all.size() * 0.7);
        List<AuditEvent> partA = all.subList(0, s1Split);
        Oracle o = oracleOf(corpus.records().subList(0, s1Split));
        Path s1State = env.dir("s1-state");
        int restarts = 0;
        List<Double> toRunning = new ArrayList<>();
        long t0 = System.currentTimeMillis();
        Proc s1Detector = env.detectProcess("s1-detect-0", s1Prefix, s1App, s1State);
        toRunning.add(awaitRunning(s1Detector, t0));
        AtomicLong produced = new AtomicLong();
        Thread producer = new Thread(() -> {
            int step = 100;
            for (int i = 0; i < partA.size(); i += step) {
                env.produce(t, partA.subList(i, Math.min(partA.size(), i + step)));
                produced.addAndGet(Math.min(step, partA.size() - i));
                try {
                    Thread.sleep(quick ? 150 : 50); // paces load: the producer's rate
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "s1-producer");
        producer.start();
        double[] at = {0.25, 0.5, 0.75};
        List<Long> killedAt = new ArrayList<>();
        for (double frac : at) {
            long target = (long) (partA.size() * frac);
            waitCommitted(s1App, t, target);
            killedAt.add(env.committed(s1App, t.auditEvents().name()));
            s1Detector.kill9();
            restarts++;
            long r0 = System.currentTimeMillis();
            s1Detector = env.detectProcess("s1-detect-" + restarts, s1Prefix, s1App, s1State);
            toRunning.add(awaitRunning(s1Detector, r0));
        }
        producer.join();
        Oracle.Comparison cmp = env.settle(t, o, 240_000);
        long lag = env.lag(s1App, t.auditEvents().name());
        s1Detector.term();
        boolean pass = cmp.duplicates() == 0 && cmp.missing() == 0 && cmp.unexpected() == 0 && cmp.finalMismatch() == 0;
        return new Result("1 EOS crash recovery", pass ? "PASS" : "FAIL", cmp.missing(), cmp.duplicates(), 0, 0, String.format(
                "grantwatch detect JVM, exactly_once_v2; input N=%d produced while running; kill -9 ×%d at committed offsets %s; restart→RUNNING"
                        + " %s s; final lag %d; read_committed findings vs oracle: %s", partA.size(), restarts, killedAt, fmt(toRunning), lag, cmp));
    }
}
