package io.grantwatch.systemtests;

import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.corpus.Oracle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reliability scenario 2. broker bounce: while ingest's producer sends and an in-process detector runs, the scenario's own
 * broker JVM is stopped cleanly once and killed (-9) once, each time restarted on the same ports and data.
 */
class Scenario02BrokerBounceIT extends SystemTest {
    private Proc broker;

    @Override
    Result run() throws Exception {
        // its own broker, in a JVM of its own: the one thing here that is stopped and killed
        int[] ports = Clients.freePorts(2);
        Path brokerDir = env.work.resolve("s2-broker");
        broker = fixture.startBroker(brokerDir, ports[0], ports[1], "s2-broker-0");
        env = env.on("127.0.0.1:" + ports[0]);
        try {
            return bounce(() -> fixture.startBroker(brokerDir, ports[0], ports[1], "s2-broker-" + System.nanoTime()));
        } finally {
            broker.term();
        }
    }

    private Result bounce(Callable<Proc> brokerStarter) throws Exception {
        Topics t = env.topics("s2-");
        List<AuditEvent> all = Env.parse(corpus.records());
        Path state = env.dir("s2-state");
        Oracle.Comparison cmp;
        long failedSends;
        long inTopic;
        List<String> bounces = new ArrayList<>();
        try (DetectorRunner runner = env.detector(t, "s2-detector", state)) {
            runner.start();
            AtomicLong failed = new AtomicLong();
            AtomicLong produced = new AtomicLong();
            Thread producer = new Thread(() -> {
                int step = 50;
                for (int i = 0; i < all.size(); i += step) {
                    List<AuditEvent> chunk = all.subList(i, Math.min(all.size(), i + step));
                    long f = env.produce(t, chunk);
                    while (f > 0) {
                        // ingest's contract: what was not acknowledged is sent again (duplicates carry the same event id)
                        failed.addAndGet(f);
                        f = env.produce(t, chunk);
                    }
                    produced.addAndGet(chunk.size());
                    try {
                        Thread.sleep(quick ? 60 : 20); // paces load: the producer's rate
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "s2-producer");
            producer.start();
            waitProduced(produced, all.size() / 3);
            long b0 = System.currentTimeMillis();
            broker.term();
            broker = brokerStarter.call();
            bounces.add(String.format("clean restart at %d produced, broker back in %.1f s", produced.get(),
                    (System.currentTimeMillis() - b0) / 1000.0));
            waitProduced(produced, all.size() * 2 / 3);
            b0 = System.currentTimeMillis();
            broker.kill9();
            broker = brokerStarter.call();
            bounces.add(String.format("kill -9 at %d produced, broker back in %.1f s", produced.get(), (System.currentTimeMillis() - b0) / 1000.0));
            producer.join();
            failedSends = failed.get();
            cmp = env.settle(t, oracle, 300_000);
            out.println("  s2 detector " + runner.state() + " " + runner.counters().snapshot());
        }
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : Clients.readAll(env.bootstrap, t.auditEvents().name())) {
            ids.add(t.auditEvents().valueSerde().deserializer().deserialize(t.auditEvents().name(), r.value()).eventId());
        }
        inTopic = ids.size();
        long lostEvents = all.stream().filter(e -> !ids.contains(e.eventId())).count();
        boolean pass = lostEvents == 0 && cmp.missing() == 0;
        return new Result("2 broker bounce", pass ? "PASS" : "FAIL", lostEvents + cmp.missing(), cmp.duplicates(), 0, 0, String.format(
                "%s; %s; ingest producer (idempotent, acks=all) sends not acknowledged and re-sent=%d; distinct events in audit-events %d of %d"
                        + " (lost %d); findings vs oracle: %s (duplicates under EOS after a broker kill are counted, not excused)",
                bounces.get(0), bounces.get(1), failedSends, inTopic, all.size(), lostEvents, cmp));
    }
}
