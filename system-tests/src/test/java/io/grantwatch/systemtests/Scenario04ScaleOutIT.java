package io.grantwatch.systemtests;

import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.corpus.Oracle;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reliability scenario 4: scale-out: a second detector with the same application id joins mid-stream and leaves (clean close); the
 * findings must equal the oracle's, without duplicates.
 */
class Scenario04ScaleOutIT extends SystemTest {
    @Override
    Result run() throws Exception {
        Topics t = env.topics("s4-");
        List<AuditEvent> all = Env.parse(corpus.records());
        Path s1 = env.dir("s4-state-1");
        Path s2 = env.dir("s4-state-2");
        Oracle.Comparison cmp;
        long joinedAt;
        long leftAt;
        try (DetectorRunner one = env.detector(t, "s4-detector", s1)) {
            one.start();
            AtomicLong produced = new AtomicLong();
            Thread producer = new Thread(() -> {
                int step = 100;
                for (int i = 0; i < all.size(); i += step) {
                    env.produce(t, all.subList(i, Math.min(all.size(), i + step)));
                    produced.addAndGet(step);
                    try {
                        Thread.sleep(quick ? 120 : 40); // paces load: the producer's rate
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "s4-producer");
            producer.start();
            waitCommitted("s4-detector", t, (long) (all.size() * 0.3));
            joinedAt = env.committed("s4-detector", t.auditEvents().name());
            try (DetectorRunner two = env.detector(t, "s4-detector", s2)) {
                two.start();
                waitCommitted("s4-detector", t, (long) (all.size() * 0.7));
                leftAt = env.committed("s4-detector", t.auditEvents().name());
            }
            producer.join();
            cmp = env.settle(t, oracle, 240_000);
            out.println("  s4 detector " + one.state() + " " + one.counters().snapshot() + "; lag " + env.lag("s4-detector", t.auditEvents().name())
                    + "; partitions with LSO < HW: " + env.openTransactions("s4-"));
        }
        boolean pass = cmp.duplicates() == 0 && cmp.missing() == 0 && cmp.unexpected() == 0;
        return new Result("4 scale-out", pass ? "PASS" : "FAIL", cmp.missing(), cmp.duplicates(), 0, 0, String.format(
                "two detectors (same application id, EOS v2); the second joined at committed offset %d and left (clean close) at %d of %d;"
                        + " findings vs oracle: %s", joinedAt, leftAt, all.size(), cmp));
    }
}
