package io.grantwatch.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.alerts.Deliveries;
import io.grantwatch.alerts.Receiver;
import io.grantwatch.alerts.TestFindings;
import io.grantwatch.alerts.channel.Alert;
import io.grantwatch.model.Finding;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** R9 with a real crash: the dispatcher runs in its own JVM and is killed with SIGKILL mid-send, then restarted. */
@WithKafka
class DispatcherKillIT {
    private static final Logger LOG = LoggerFactory.getLogger(DispatcherKillIT.class);
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process spawn(KafkaBroker kafka, KafkaTestScope scope, Path yaml, String url, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                DispatcherProcess.class.getName(), kafka.bootstrapServers(), scope.prefix(), scope.name("alerts"), yaml.toString(),
                // the dead member's partitions move after its session times out: the broker's minimum keeps the test short
                "session.timeout.ms=6000", "heartbeat.interval.ms=1000")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("GW_KILL_HOOK_URL", url);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    @Test
    void shouldLoseNothingWhenDispatcherJvmIsKilledMidSend(KafkaBroker kafka, KafkaTestScope scope, @TempDir Path dir) throws Exception {
        kafka.createTopics(3, scope.topics().findings(), scope.topics().remediations());
        try (Receiver hook = new Receiver(r -> Receiver.Response.stall(100))) {
            Path yaml = dir.resolve("alerts.yaml");
            Files.writeString(yaml, "channels:\n  - {name: hook, type: webhook, url: env:GW_KILL_HOOK_URL}\n"
                    + "retry: {base: PT0.02S, cap: PT0.3S, maxAttempts: 4, budget: PT5S}\n");
            List<Finding> findings = TestFindings.many(40);
            try (KafkaProducer<String, Finding> p = kafka.producer(scope.topics().findings())) {
                for (Finding f : findings) {
                    p.send(new ProducerRecord<>(scope.topics().findings().name(), f.id(), f));
                }
                p.flush();
            }
            Process first = spawn(kafka, scope, yaml, hook.url("/hook"), dir.resolve("first.log"));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> hook.accepted().size() >= 10);
            first.destroyForcibly();
            long killedAt = System.currentTimeMillis();
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            int beforeKill = Deliveries.acceptedCounts(hook).size();
            LOG.info("dispatcher JVM killed (exit {}) after {} accepted deliveries", first.exitValue(), beforeKill);

            spawn(kafka, scope, yaml, hook.url("/hook"), dir.resolve("second.log"));
            Set<String> expected = findings.stream().map(Alert::keyOf).collect(Collectors.toSet());
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> Deliveries.acceptedCounts(hook).keySet().containsAll(expected));
            long recoveredMs = System.currentTimeMillis() - killedAt;
            Map<String, Integer> counts = Deliveries.acceptedCounts(hook);
            int dups = Deliveries.duplicates(counts);
            LOG.info("FIGURES R9 kill -9: findings={} deliveredBeforeKill={} lost={} duplicates={} killToAllDeliveredMs={} "
                    + "(session.timeout.ms=6000; exit code {}; duplicates carry the same idempotency key)",
                    findings.size(), beforeKill, Deliveries.lost(counts, expected), dups, recoveredMs, first.exitValue());
            assertThat(counts.keySet()).containsAll(expected);
            // only the message in flight and the one before it (its sent-ledger write may not have landed) can repeat
            assertThat(dups).isLessThanOrEqualTo(2);
            assertThat(first.exitValue()).isEqualTo(137);
            assertThat(new File(dir.resolve("second.log").toString())).exists();
        }
    }
}
