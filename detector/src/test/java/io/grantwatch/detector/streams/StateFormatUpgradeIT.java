package io.grantwatch.detector.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectionEngine;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.InMemoryFindingBook;
import io.grantwatch.detector.PrincipalState;
import io.grantwatch.detector.StreamsFixtures;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detector upgraded from the JSON state format: its {@code principal-state} changelog holds the
 * JSON an earlier version wrote. A fresh instance restores it (the restore copies bytes) and reads
 * it on the principal's next event — here a PassRole that succeeded before, so the next PassRole
 * denial is a regression, which only the restored state can tell.
 */
@WithKafka
class StateFormatUpgradeIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    private DetectorRunner runner;

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    void shouldRestoreAndReadTheJsonStateAnEarlierVersionWrote(KafkaBroker kafka, KafkaTestScope scope) throws Exception {
        Topics topics = scope.topics();
        Catalog catalog = StreamsFixtures.catalog("v1");
        try (KafkaProducer<String, CatalogEntry> p = kafka.producer(topics.catalog())) {
            catalog.toEntries().forEach((k, v) -> p.send(new ProducerRecord<>(topics.catalog().name(), k, v)));
        }
        Instant t0 = StreamsFixtures.T0;
        AuditEvent denial = StreamsFixtures.dswPassRoleDenied("alice", t0.plusSeconds(600));
        // The state an earlier detector kept after alice's successful PassRole, in its JSON form.
        AuditEvent passRole = StreamsFixtures.ok("alice", t0, "Ram", "PassRole", "ram:PassRole");
        PrincipalState before = new DetectionEngine(DetectorSettings.defaults())
                .onEvent(null, passRole, CatalogLookup.of(catalog), new InMemoryFindingBook()).state();
        assertThat(before.succeeded()).containsKey("ram:passrole");
        byte[] json = Json.wire().writeValueAsBytes(before);
        assertThat(json[0]).isEqualTo((byte) '{');

        // Streams writes a state to the changelog partition of its task: the partition of the account on audit-events.
        String applicationId = scope.name("detector");
        String changelog = applicationId + "-" + DetectorTopology.PRINCIPAL_STATE + "-changelog";
        int partition = Utils.toPositive(Utils.murmur2(denial.routingKey().getBytes(StandardCharsets.UTF_8))) % KafkaBroker.DEFAULT_PARTITIONS;
        TopicSpec<String, byte[]> changelogSpec = new TopicSpec<>(changelog, Topics.STRING, Serdes.ByteArray(),
                Map.of("cleanup.policy", "compact"));
        kafka.createTopics(changelogSpec);
        try (KafkaProducer<String, byte[]> p = kafka.producer(changelogSpec)) {
            p.send(new ProducerRecord<>(changelog, partition, before.key(), json)).get();
        }

        DetectorConfig config = DetectorConfig.defaults(kafka.bootstrapServers()).withApplicationId(applicationId).withStateDir(stateDir)
                .withKafka(Map.of("consumer.session.timeout.ms", "10000"));
        runner = new DetectorRunner(topics, config);
        runner.start();
        await("detector RUNNING").atMost(WAIT).until(runner::running);
        try (KafkaProducer<String, AuditEvent> p = kafka.producer(topics.auditEvents())) {
            p.send(new ProducerRecord<>(topics.auditEvents().name(), null, denial.eventTime().toEpochMilli(), denial.routingKey(), denial)).get();
        }

        List<ConsumerRecord<String, Finding>> out = kafka.readAtLeast(topics.findings(), 1, WAIT);
        assertThat(out).extracting(r -> r.value().kind()).containsExactly(FindingKind.REGRESSION);
        assertThat(out.get(0).value().missing().get(0).reason()).contains("It succeeded for this principal at " + t0);
    }
}
