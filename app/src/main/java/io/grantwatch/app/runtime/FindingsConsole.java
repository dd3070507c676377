package io.grantwatch.app.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Finding;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.TopicSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints findings as they arrive on {@code findings}, each with its remediation (planned by the
 * alerts module), for a person ({@link Format#TEXT}) or a machine ({@link Format#JSON}, one object per
 * line), and counts them by kind and status for {@code /metrics} (with a null stream it only
 * counts). Reads without a consumer group: from the beginning with {@code fromBeginning} (the demo),
 * else from the end at start. Text from events is attacker-controlled: control characters are
 * replaced before it reaches the terminal.
 */
public final class FindingsConsole implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FindingsConsole.class);

    public enum Format { TEXT, JSON }

    private final KafkaConsumer<String, Finding> consumer;
    private final TopicSpec<String, Finding> topic;
    private final PrintStream out;
    private final Format format;
    private final boolean fromBeginning;
    private final RemediationPlanner planner;
    private final AtomicLong printed = new AtomicLong();
    private final Thread thread;
    private final MeterRegistry meters;
    private volatile boolean running = true;

    public FindingsConsole(Map<String, Object> clientConfig, TopicSpec<String, Finding> topic, PrintStream out,
            Format format, boolean fromBeginning, MeterRegistry meters) {
        this(clientConfig, topic, out, format, fromBeginning, meters, new RemediationPlanner());
    }

    /** @param planner the planner every other output uses, so the console prints the same remediation */
    public FindingsConsole(Map<String, Object> clientConfig, TopicSpec<String, Finding> topic, PrintStream out,
            Format format, boolean fromBeginning, MeterRegistry meters, RemediationPlanner planner) {
        this.planner = planner;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "grantwatch-console");
        this.consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
        this.topic = topic;
        this.out = out;
        this.format = format;
        this.fromBeginning = fromBeginning;
        this.thread = new Thread(this::loop, "grantwatch-console");
        this.meters = meters;
    }

    public FindingsConsole start() {
        thread.start();
        return this;
    }

    public long printed() {
        return printed.get();
    }

    private void loop() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            while (running) {
                for (ConsumerRecord<String, Finding> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        print(record.value());
                    }
                }
            }
        } catch (WakeupException e) {
            // close() woke us up
        } catch (RuntimeException e) {
            LOG.error("The findings console stopped", e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void print(Finding finding) {
        Remediation remediation = null;
        if (out == null) {
            count(finding);
            return;
        }
        try {
            remediation = planner.plan(finding);
        } catch (RuntimeException e) {
            LOG.warn("No remediation for finding {}: {}", finding.id(), e.getMessage());
            remediation = null;
        }
        if (out != null) {
            String text = format == Format.JSON ? json(finding, remediation) : text(finding, remediation);
            synchronized (out) {
                out.println(text);
                out.flush();
            }
        }
        printed.incrementAndGet();
        count(finding);
    }

    private void count(Finding finding) {
        Counter.builder("grantwatch.findings").description("Findings seen on the findings topic, by kind and status")
                .tag("kind", finding.kind().name()).tag("status", finding.status().name())
                .tag("cloud", finding.cloud().wire()).register(meters).increment();
    }

    static String json(Finding finding, Remediation remediation) {
        ObjectNode node = Json.wire().createObjectNode();
        node.set("finding", Json.wire().valueToTree(finding));
        if (remediation != null) {
            node.set("remediation", Json.wire().valueToTree(remediation));
        }
        try {
            return Json.wire().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write finding " + finding.id(), e);
        }
    }

    /** 3 s, 4 min, 2 h 5 min, 3 d 4 h. */
    static String humanDuration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min";
        }
        if (s < 86_400) {
            return (s / 3600) + " h" + (s % 3600 / 60 == 0 ? "" : " " + (s % 3600 / 60) + " min");
        }
        return (s / 86_400) + " d" + (s % 86_400 / 3600 == 0 ? "" : " " + (s % 86_400 / 3600) + " h");
    }

    /** A few lines a person reads at a glance: who, what is missing, how to fix it. */
    static String text(Finding finding, Remediation remediation) {
        StringBuilder b = new StringBuilder();
        b.append("[").append(finding.cloud().wire()).append("] ").append(finding.kind()).append(' ')
                .append(finding.status()).append("  ").append(safe(finding.principal().display()));
        if (finding.principal().accountId() != null) {
            b.append(" (account ").append(safe(finding.principal().accountId())).append(')');
        }
        if (finding.scenarioTitle() != null) {
            b.append("\n  scenario: ").append(safe(finding.scenarioTitle()));
        }
        if (finding.status() == io.grantwatch.model.FindingStatus.RESOLVED) {
            // the fix was printed when it opened: one line says it took effect, and how long it took
            b.append("\n  resolved").append(finding.resolvedAt() == null ? "" : " at " + finding.resolvedAt());
            if (finding.timeToGrant() != null) {
                b.append(" (time to grant ").append(humanDuration(finding.timeToGrant())).append(')');
            }
            return b.append('\n').toString();
        }
        // Certain and likely grants each get a line with the reason; "may be needed" ones (a scenario's
        // optional dependent services) share one line, so a finding still reads at a glance.
        List<String> possible = new ArrayList<>();
        List<String> activate = new ArrayList<>();
        boolean overReach = finding.kind() == io.grantwatch.model.FindingKind.OVER_REACH;
        for (io.grantwatch.model.Excess x : finding.excess()) {
            b.append("\n  beyond need: ").append(safe(x.policy())).append(" (").append(safe(x.via())).append("): ")
                    .append(safe(String.join(", ", x.actions())));
        }
        for (MissingGrant missing : finding.missing()) {
            String grant = safe(missing.grant().value())
                    + (missing.grant().resource() != null ? " on " + safe(missing.grant().resource()) : "");
            if (missing.certainty() == Certainty.POSSIBLE) {
                // a dependent service "as the work needs" (DENIED_ACTION: oss, log) is no grant to list, and a
                // service to activate is not a grant either: it gets a line of its own
                switch (missing.grant().type()) {
                    case DENIED_ACTION -> { }
                    case SERVICE_ACTIVATION -> activate.add(grant);
                    default -> possible.add(grant);
                }
                continue;
            }
            b.append(overReach ? "\n  needed:   " : "\n  missing:  ").append(missing.grant().type()).append(' ').append(grant);
            if (missing.reason() != null) {
                b.append(" — ").append(safe(missing.reason()));
            }
        }
        if (!possible.isEmpty()) {
            b.append("\n  may also need: ").append(String.join(", ", possible));
        }
        if (!activate.isEmpty()) {
            b.append("\n  if not yet activated, activate: ").append(String.join(", ", activate));
        }
        if (remediation != null) {
            if (remediation.summary() != null) {
                b.append("\n  fix:      ").append(safe(remediation.summary()));
            }
            for (String command : remediation.cliCommands()) {
                b.append("\n    $ ").append(safe(command));
            }
        }
        return b.append('\n').toString();
    }

    /** Event text on one console line: {@link io.grantwatch.model.text.UnsafeText#oneLine}. */
    static String safe(String text) {
        return io.grantwatch.model.text.UnsafeText.oneLine(text);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
