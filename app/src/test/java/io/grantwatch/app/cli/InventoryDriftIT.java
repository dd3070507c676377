package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import io.grantwatch.model.catalog.CatalogEntry;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Drift from the inventory's content, on a real broker, equals {@code scan}'s: a snapshot says li.qiang holds
 * dlc-job-viewer and what its document allows; the trail has his successful GetJob, the policy detached, and GetJob
 * denied. The topology and the {@link OfflineDetector} fed the same records produce the same findings, and the
 * prediction names the exact grant the document gave (not "content unknown").
 */
@WithKafka
class InventoryDriftIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private DetectorRunner runner;

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.close();
        }
    }

    private Path resource(String name) throws Exception {
        Path p = dir.resolve(name.substring(name.lastIndexOf('/') + 1));
        try (InputStream in = InventoryDriftIT.class.getResourceAsStream(name)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void shouldPredictTheGrantTheDetachedPolicysKnownDocumentGaveAndAgreeWithScan(KafkaBroker kafka, KafkaTestScope scope) throws Exception {
        Topics topics = scope.topics();
        CatalogLookup catalog = CatalogLookup.of(CatalogLoader.loadBundled());
        try (KafkaProducer<String, CatalogEntry> p = kafka.producer(topics.catalog())) {
            for (Map.Entry<String, CatalogEntry> e : CatalogLoader.loadBundled().toEntries().entrySet()) {
                p.send(new ProducerRecord<>(topics.catalog().name(), e.getKey(), e.getValue()));
            }
        }
        runner = new DetectorRunner(topics, DetectorConfig.defaults(kafka.bootstrapServers()).withApplicationId(scope.name("detector"))
                .withStateDir(dir.resolve("state")).withKafka(Map.of("consumer.session.timeout.ms", "10000")));
        runner.start();
        await("detector RUNNING").atMost(WAIT).until(runner::running);

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
