package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.app.GrantWatch;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.detector.streams.DetectorConfig;
import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.KnownDeny;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code grantwatch inventory import} on a real broker: a snapshot of {@code aliyun} output goes to the {@code inventory}
 * topic (three partitions, as many as {@code audit-events}), the detector reads it into the account's inventory, and a RAM
 * explicit deny of that account's user becomes a finding that names the Deny statement, its policy, version and group; and
 * drift from the inventory's content equals {@code scan}'s: a detach of a policy whose document the snapshot holds predicts
 * the exact grant it gave (not "content unknown"), and the topology's findings equal the {@link OfflineDetector}'s.
 */
@WithKafka
class InventoryImportIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private DetectorRunner runner;

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.close();
        }
    }

    /** The bundled catalog on the catalog topic, then a detector on this test's topics, RUNNING. */
    private void startDetector(KafkaBroker kafka, KafkaTestScope scope) {
        Topics topics = scope.topics();
        try (KafkaProducer<String, CatalogEntry> p = kafka.producer(topics.catalog())) {
            for (Map.Entry<String, CatalogEntry> e : CatalogLoader.loadBundled().toEntries().entrySet()) {
                p.send(new ProducerRecord<>(topics.catalog().name(), e.getKey(), e.getValue()));
            }
        }
        runner = new DetectorRunner(topics, DetectorConfig.defaults(kafka.bootstrapServers()).withApplicationId(scope.name("detector"))
                .withStateDir(dir.resolve("state")).withKafka(Map.of("consumer.session.timeout.ms", "10000")));
        runner.start();
        await("detector RUNNING").atMost(WAIT).until(runner::running);
    }

    private Path resource(String name) throws Exception {
        Path p = dir.resolve(name.substring(name.lastIndexOf('/') + 1));
        try (InputStream in = InventoryImportIT.class.getResourceAsStream(name)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void shouldNameTheDenyStatementOfAnExplicitDenyAfterASnapshotImport(KafkaBroker kafka, KafkaTestScope scope) throws Exception {
        Topics topics = scope.topics();
        startDetector(kafka, scope);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new GrantWatch()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("inventory", "import",
                resource("/fixtures/inventory/alibaba-snapshot.jsonl").toString(), "-b", kafka.bootstrapServers(),
                "--set", "topics.prefix=" + scope.prefix(), "--set", "topics.partitions=" + 3);
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("imported 10 inventory records of 1 account(s) to " + topics.inventory().name());
        List<ConsumerRecord<String, InventoryRecord>> imported = kafka.readAtLeast(topics.inventory(), 10, WAIT);
        // one partition holds the account, the one its audit-events go to
        assertThat(imported).extracting(ConsumerRecord::partition).containsOnly(imported.get(0).value().partition(3));

        AuditEvent denial = new AuditParser().parse(Files.readAllBytes(resource("/fixtures/inventory/alibaba-dlc-deletejob-explicit-deny.json")),
                "deny.json", Hints.NONE).events().get(0);
        AtomicInteger n = new AtomicInteger();
        Finding named = await("an explicit deny naming its statement").atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            AuditEvent e = new AuditEvent(denial.cloud(), denial.eventId() + "-" + n.incrementAndGet(), denial.eventTime().plusSeconds(n.get()),
                    denial.principal(), denial.service(), denial.action(), denial.iamAction(), denial.resource(), denial.outcome(),
                    denial.explicitDeny(), denial.errorCode(), denial.errorMessage(), denial.sourceIp(), denial.region(), denial.userAgent(),
                    denial.eventType(), denial.parameters(), denial.source());
            try (KafkaProducer<String, AuditEvent> p = kafka.producer(topics.auditEvents())) {
                p.send(new ProducerRecord<>(topics.auditEvents().name(), null, e.eventTime().toEpochMilli(), e.routingKey(), e)).get();
            }
            return kafka.readAll(topics.findings(), WAIT).stream().map(ConsumerRecord::value)
                    .filter(f -> f.kind() == FindingKind.EXPLICIT_DENY && !f.knownDenies().isEmpty()).findFirst().orElse(null);
        }, f -> f != null);

        KnownDeny d = named.knownDenies().get(0);
        assertThat(d.matched()).isTrue();
        assertThat(d.policy()).isEqualTo("deny-dlc-job-deletes");
        assertThat(d.version()).isEqualTo("v3");
        assertThat(d.via()).isEqualTo("group ml-researchers");
        assertThat(named.missing().get(0).reason()).contains("statement \"NoProdJobDeletes\" (#2) of policy deny-dlc-job-deletes (Custom) "
                + "version v3, attached to group ml-researchers denies it");
        assertThat(new RemediationPlanner().plan(named).cliCommands())
                .contains("aliyun ram GetPolicyVersion --PolicyType Custom --PolicyName deny-dlc-job-deletes --VersionId v3");
    }

    @Test
    void shouldPredictTheGrantTheDetachedPolicysKnownDocumentGaveAndAgreeWithScan(KafkaBroker kafka, KafkaTestScope scope) throws Exception {
        Topics topics = scope.topics();
        CatalogLookup catalog = CatalogLookup.of(CatalogLoader.loadBundled());
        startDetector(kafka, scope);

        Path snapshot = resource("/fixtures/report-unused-inventory.jsonl");
        StringWriter err = new StringWriter();
        int code = new CommandLine(new GrantWatch()).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err)).execute(
                "inventory", "import", snapshot.toString(), "-b", kafka.bootstrapServers(),
                "--set", "topics.prefix=" + scope.prefix(), "--set", "topics.partitions=" + 3);
        assertThat(code).as(err.toString()).isZero();
        kafka.readAtLeast(topics.inventory(), 3, WAIT);

        // the trail, moved after the snapshot's time so that stream time orders the snapshot first, its gaps shrunk
        // to a second so that no record is stamped in the future (the broker warns about those)
        List<AuditEvent> parsed = new AuditParser()
                .parse(Files.readAllBytes(resource("/fixtures/inventory/alibaba-dlc-detach-known-policy-trail.json")),
                "trail.json", Hints.NONE).events();
        Instant base = Instant.now();
        await("the trail's times are past").atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(base.plusSeconds(parsed.size())));
        List<AuditEvent> trail = parsed.stream().map(e -> new AuditEvent(e.cloud(), e.eventId(), base.plusSeconds(parsed.indexOf(e)),
                e.principal(), e.service(), e.action(), e.iamAction(), e.resource(), e.outcome(), e.explicitDeny(), e.errorCode(),
                e.errorMessage(), e.sourceIp(), e.region(), e.userAgent(), e.eventType(), e.parameters(), e.source())).toList();
        try (KafkaProducer<String, AuditEvent> p = kafka.producer(topics.auditEvents())) {
            for (AuditEvent e : trail) {
                p.send(new ProducerRecord<>(topics.auditEvents().name(), null, e.eventTime().toEpochMilli(), e.routingKey(), e)).get();
            }
        }
        Map<String, Finding> topology = await("the breakage and the regression").atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<String, Finding> newest = new LinkedHashMap<>();
            kafka.readAll(topics.findings(), Duration.ofSeconds(5)).stream().map(ConsumerRecord::value).forEach(f -> newest.put(f.id(), f));
            return newest;
        }, m -> m.values().stream().anyMatch(f -> f.kind() == FindingKind.REGRESSION)
                && m.values().stream().anyMatch(f -> f.kind() == FindingKind.PREDICTED_BREAKAGE));

        OfflineDetector offline = new OfflineDetector(DetectorSettings.defaults(), catalog);
        io.grantwatch.app.cli.InventoryFiles.read(List.of(snapshot), null, null).records().forEach(offline::accept);
        trail.forEach(offline::accept);
        Map<String, Finding> scan = new LinkedHashMap<>();
        offline.findings().forEach(f -> scan.put(f.id(), f));

        assertThat(topology.keySet()).as("the same findings").containsExactlyInAnyOrderElementsOf(scan.keySet());
        for (Finding f : scan.values()) {
            Finding t = topology.get(f.id());
            assertThat(t.status()).isEqualTo(f.status());
            assertThat(t.missing()).isEqualTo(f.missing());
        }
        assertThat(topology.values()).filteredOn(f -> f.kind() == FindingKind.PREDICTED_BREAKAGE).isNotEmpty().allSatisfy(f -> {
            assertThat(f.missing().get(0).reason()).contains("what dlc-job-viewer (Custom) version v1 allowed (its document is in the inventory)");
            assertThat(f.missing()).extracting(m -> m.grant().value()).contains("paidlc:GetJob");
        });
    }
}
