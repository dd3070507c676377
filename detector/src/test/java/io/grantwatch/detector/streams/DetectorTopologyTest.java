package io.grantwatch.detector.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.detector.DetectorCounters;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.StreamsFixtures;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.Principal;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.topic.Topics;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectorTopologyTest {
    private static final Instant T0 = StreamsFixtures.T0;

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.withPrefix("t-");
    private final DetectorCounters counters = new DetectorCounters();
    private TopologyTestDriver driver;
    private TestInputTopic<String, AuditEvent> audit;
    private TestInputTopic<String, CatalogEntry> catalog;
    private TestInputTopic<byte[], byte[]> rawAudit;
    private TestOutputTopic<String, Finding> findings;
    private TestOutputTopic<String, AuditEvent> unmapped;

    @BeforeEach
    void setUp() {
        DetectorConfig config = DetectorConfig.defaults("unused:9092").withApplicationId("detector-test")
                .withSettings(DetectorSettings.defaults().withGrace(Duration.ofMinutes(10)));
        Topology topology = DetectorTopology.build(topics, config, counters);
        Properties props = config.toProperties(topics);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props, T0);
        audit = driver.createInputTopic(topics.auditEvents().name(), Serdes.String().serializer(), topics.auditEvents().valueSerde().serializer());
        rawAudit = driver.createInputTopic(topics.auditEvents().name(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        catalog = driver.createInputTopic(topics.catalog().name(), Serdes.String().serializer(), topics.catalog().valueSerde().serializer());
        findings = driver.createOutputTopic(topics.findings().name(), Serdes.String().deserializer(), topics.findings().valueSerde().deserializer());
        unmapped = driver.createOutputTopic(topics.unmappedDenials().name(), Serdes.String().deserializer(),
                topics.unmappedDenials().valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void publish(Catalog c, Instant at) {
        for (Map.Entry<String, CatalogEntry> e : c.toEntries().entrySet()) {
            catalog.pipeInput(e.getKey(), e.getValue(), at);
        }
    }

    private void send(AuditEvent e) {
        audit.pipeInput(e.routingKey(), e, e.eventTime());
    }

    private KeyValueStore<String, Finding> findingsStore() {
        return driver.getKeyValueStore(DetectorTopology.PRINCIPAL_FINDINGS);
    }

    @Test
    void shouldNameEveryProcessorAndStore() {
        TopologyDescription d = DetectorTopology.build(topics, DetectorConfig.defaults("unused:9092")).describe();
        String text = d.toString();
        assertThat(text).contains("read-audit-events", "keep-account-keyed-events", "route-to-account", "by-account",
                "merge-by-account", "read-inventory", "merge-inventory", DetectorTopology.ACCOUNT_INVENTORY,
                "detect-missing-grants", DetectorTopology.ACCOUNT_ACTIVITY, "write-findings", "write-unmapped-denials", "read-catalog",
                DetectorTopology.PRINCIPAL_STATE, DetectorTopology.PRINCIPAL_FINDINGS, DetectorTopology.CATALOG_ENTRIES);
        assertThat(text).doesNotContain("KSTREAM-", "KTABLE-");
    }

    @Test
    void shouldWriteAFindingWhenADenialMeetsTheCatalog() {
        publish(StreamsFixtures.catalog("v1"), T0);
        send(StreamsFixtures.dswPassRoleDenied("bob", T0.plusSeconds(1)));

        List<KeyValue<String, Finding>> out = findings.readKeyValuesToList();
        assertThat(out).hasSize(1);
        Finding f = out.get(0).value;
        assertThat(out.get(0).key).isEqualTo(f.id());
        assertThat(f.kind()).isEqualTo(FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("pai.dsw-role.custom");
        assertThat(f.catalogVersion()).isEqualTo("v1");
        assertThat(f.missing().get(0).grant().type()).isEqualTo(GrantType.PASS_ROLE);
        assertThat(findingsStore().get(f.id())).isNotNull();
        assertThat(new StoredFindings(findingsStore()).ofPrincipal(f.principal().key(), 10)).hasSize(1);
    }

    @Test
    void shouldWriteOneFindingForAStormOf300IdenticalDenials() {
        publish(StreamsFixtures.catalog("v1"), T0);
        for (int i = 0; i < 300; i++) {
            send(StreamsFixtures.dswPassRoleDenied("bob", T0.plusMillis(1000 + 50L * i)));
        }
        List<Finding> out = findings.readValuesToList();
        assertThat(out).extracting(f -> f.evidence().count()).containsExactly(1L, 10L, 100L);
        assertThat(out).extracting(Finding::id).containsOnly(out.get(0).id());
        assertThat(findingsStore().get(out.get(0).id()).evidence().count()).isEqualTo(300);
    }

    @Test
    void shouldResolveWithTimeToGrantAndLeaveTheOpenListingWhenTheCallLaterSucceeds() {
        publish(StreamsFixtures.catalog("v1"), T0);
        send(StreamsFixtures.dswPassRoleDenied("bob", T0.plusSeconds(1)));
        send(StreamsFixtures.ok("bob", T0.plusSeconds(301), "PaiDsw", "CreateInstance", null));

        List<Finding> out = findings.readValuesToList();
        assertThat(out).hasSize(2);
        Finding resolved = out.get(1);
        assertThat(resolved.status()).isEqualTo(FindingStatus.RESOLVED);
        assertThat(resolved.timeToGrant()).isEqualTo(Duration.ofMinutes(5));
        assertThat(new StoredFindings(findingsStore()).open(100)).isEmpty();
        assertThat(new StoredFindings(findingsStore()).get(resolved.id())).hasValueSatisfying(f ->
                assertThat(f.status()).isEqualTo(FindingStatus.RESOLVED));
    }

    @Test
    void shouldRouteAnIamChangeToTheAffectedPrincipalAndPredictTheBreakage() {
        publish(StreamsFixtures.catalog("v1"), T0);
        send(StreamsFixtures.ok("carol", T0.plusSeconds(1), "Eas", "CreateService", "eas:CreateService"));
        send(StreamsFixtures.change("admin", T0.plusSeconds(60), "DetachPolicyFromUser",
                Map.of("UserName", "carol", "PolicyName", "AliyunPAIEASFullAccess", "PolicyType", "System")));

        List<Finding> out = findings.readValuesToList();
        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.PREDICTED_BREAKAGE);
            assertThat(f.principal().name()).isEqualTo("carol");
            assertThat(f.change().actor()).isEqualTo("admin");
            assertThat(f.missing().get(0).grant()).isEqualTo(Grant.systemPolicy("AliyunPAIEASFullAccess"));
        });
    }

    @Test
    void shouldWriteAnUnmappedDenialToItsOwnTopicAndCountIt() {
        publish(StreamsFixtures.catalog("v1"), T0);
        AuditEvent e = StreamsFixtures.denied("bob", T0.plusSeconds(1), "Ecs", "RunInstances", "ecs:RunInstances", "NoPermission");
        send(e);

        assertThat(unmapped.readValuesToList()).extracting(AuditEvent::eventId).containsExactly(e.eventId());
        assertThat(findings.readValuesToList()).singleElement().extracting(Finding::kind).isEqualTo(FindingKind.UNMAPPED_DENIAL);
        assertThat(counters.unmappedDenials()).isEqualTo(1);
    }

    @Test
    void shouldApplyANewCatalogVersionWithoutRestart() {
        send(StreamsFixtures.denied("carol", T0.plusSeconds(1), "Eas", "CreateService", "eas:CreateService", "NoPermission"));
        assertThat(findings.readValuesToList()).singleElement().extracting(Finding::kind).isEqualTo(FindingKind.UNMAPPED_DENIAL);

        publish(StreamsFixtures.catalog("v1"), T0.plusSeconds(2));
        send(StreamsFixtures.denied("carol", T0.plusSeconds(3), "Eas", "CreateService", "eas:CreateService", "NoPermission"));
        List<Finding> afterV1 = findings.readValuesToList();
        assertThat(afterV1).extracting(Finding::kind, Finding::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FindingKind.UNMAPPED_DENIAL, FindingStatus.RESOLVED),
                org.assertj.core.groups.Tuple.tuple(FindingKind.MISSING_GRANT, FindingStatus.OPEN));
        Finding v1 = afterV1.get(1);
        assertThat(v1.catalogVersion()).isEqualTo("v1");

        publish(StreamsFixtures.catalog("v2"), T0.plusSeconds(4));
        send(StreamsFixtures.denied("dave", T0.plusSeconds(5), "Eas", "CreateService", "eas:CreateService", "NoPermission"));
        assertThat(findings.readValuesToList()).singleElement().extracting(Finding::catalogVersion).isEqualTo("v2");
    }

    @Test
    void shouldKeepThePreviousCatalogWhileANewVersionIsHalfPublished() {
        publish(StreamsFixtures.catalog("v1"), T0);
        send(StreamsFixtures.denied("carol", T0.plusSeconds(1), "Eas", "CreateService", "eas:CreateService", "NoPermission"));
        findings.readValuesToList();
        // v2 arrives without its manifest (the publisher writes it last).
        StreamsFixtures.catalog("v2").toEntries().entrySet().stream()
                .filter(e -> !e.getKey().equals(CatalogEntry.MANIFEST_KEY))
                .limit(2)
                .forEach(e -> catalog.pipeInput(e.getKey(), e.getValue(), T0.plusSeconds(2)));
        send(StreamsFixtures.denied("dave", T0.plusSeconds(3), "Eas", "CreateService", "eas:CreateService", "NoPermission"));
        assertThat(findings.readValuesToList()).singleElement().extracting(Finding::catalogVersion).isEqualTo("v1");
    }

    @Test
    void shouldHandAPoisonRecordToTheDeadLetterHandlerAndKeepProcessing() {
        // TopologyTestDriver does not capture dead-letter records (DetectorIT checks the topic on a real broker).
        publish(StreamsFixtures.catalog("v1"), T0);
        long before = DeadLetters.sent();
        rawAudit.pipeInput("bad".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8), T0.plusSeconds(1));
        send(StreamsFixtures.dswPassRoleDenied("bob", T0.plusSeconds(2)));

        assertThat(DeadLetters.sent()).isEqualTo(before + 1);
        assertThat(findings.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldCountEventsLaterThanTheGraceAndUseThoseWithinIt() {
        publish(StreamsFixtures.catalog("v1"), T0);
        send(StreamsFixtures.ok("bob", T0.plus(Duration.ofMinutes(30)), "PaiDsw", "ListInstances", null));
        send(StreamsFixtures.dswPassRoleDenied("bob", T0.plus(Duration.ofMinutes(25))));   // 5 min late: within grace
        send(StreamsFixtures.dswPassRoleDenied("bob", T0.plus(Duration.ofMinutes(5))));    // 25 min late: beyond grace

        List<Finding> out = findings.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(counters.late()).isEqualTo(1);
        assertThat(findingsStore().get(out.get(0).id()).evidence().count()).isEqualTo(1);
    }

    @Test
    void shouldNotResolveWhenTheSuccessIsOlderThanTheDenialThatArrivedFirst() {
        publish(StreamsFixtures.catalog("v1"), T0);
        send(StreamsFixtures.dswPassRoleDenied("bob", T0.plusSeconds(120)));
        send(StreamsFixtures.ok("bob", T0.plusSeconds(60), "PaiDsw", "CreateInstance", null));

        assertThat(findings.readValuesToList()).singleElement().extracting(Finding::status).isEqualTo(FindingStatus.OPEN);
    }

    @Test
    void shouldReopenTheSameFindingWhenDeniedAgainAfterItWasResolved() {
        publish(StreamsFixtures.catalog("v1"), T0);
        send(StreamsFixtures.denied("carol", T0, "Eas", "CreateService", "eas:CreateService", "NoPermission"));
        send(StreamsFixtures.ok("carol", T0.plusSeconds(90), "Eas", "CreateService", "eas:CreateService"));
        send(StreamsFixtures.denied("carol", T0.plusSeconds(120), "Eas", "CreateService", "eas:CreateService", "NoPermission"));

        List<Finding> out = findings.readValuesToList();
        Finding first = out.get(0);
        // The regression is a finding of its own; the missing-grant finding is the same one, reopened.
        List<Finding> same = out.stream().filter(f -> f.id().equals(first.id())).toList();
        assertThat(same).extracting(Finding::status).containsExactly(FindingStatus.OPEN, FindingStatus.RESOLVED);
        assertThat(findingsStore().get(first.id())).satisfies(f -> {
            assertThat(f.status()).isEqualTo(FindingStatus.RESOLVED);
            assertThat(f.evidence().firstSeen()).isEqualTo(T0);
        });
        assertThat(new StoredFindings(findingsStore()).open(100)).allSatisfy(f -> assertThat(f.open()).isTrue())
                .extracting(Finding::kind).containsExactly(FindingKind.REGRESSION);
    }

    @Test
    void shouldCountARepeatedDenialArrivingAfterTheResolutionOnTheSameFinding() {
        publish(StreamsFixtures.catalog("v1"), T0);
        send(StreamsFixtures.dswPassRoleDenied("bob", T0));
        send(StreamsFixtures.ok("bob", T0.plusSeconds(90), "PaiDsw", "CreateInstance", null));
        send(StreamsFixtures.dswPassRoleDenied("bob", T0.plusSeconds(60)));

        List<Finding> out = findings.readValuesToList();
        assertThat(out).extracting(Finding::status).containsExactly(FindingStatus.OPEN, FindingStatus.RESOLVED);
        assertThat(findingsStore().get(out.get(0).id())).satisfies(f -> {
            assertThat(f.status()).isEqualTo(FindingStatus.RESOLVED);
            assertThat(f.evidence().count()).isEqualTo(2);
            assertThat(f.evidence().firstSeen()).isEqualTo(T0);
        });
    }

    @Test
    void shouldProcessAnEventKeyedOtherThanByItsAccount() {
        publish(StreamsFixtures.catalog("v1"), T0);
        AuditEvent e = StreamsFixtures.dswPassRoleDenied("bob", T0.plusSeconds(1));
        audit.pipeInput("some-other-key", e, e.eventTime());

        assertThat(findings.readValuesToList()).singleElement().extracting(Finding::kind).isEqualTo(FindingKind.MISSING_GRANT);
        KeyValueStore<String, io.grantwatch.detector.PrincipalState> states = driver.getKeyValueStore(DetectorTopology.PRINCIPAL_STATE);
        assertThat(states.get(e.partitionKey())).isNotNull();
        assertThat(states.get("some-other-key")).isNull();
    }

    @Test
    void shouldRankByActivityAcrossEventsOfTheSamePrincipal() {
        publish(StreamsFixtures.catalog("v1"), T0);
        Principal alice = StreamsFixtures.iamUser("alice");
        send(StreamsFixtures.event(alice, T0.plusSeconds(1), "ModelArts", "CreateJobV2", null, io.grantwatch.model.Outcome.ALLOWED, null));
        send(StreamsFixtures.event(alice, T0.plusSeconds(61), "OBS", "getObject", "obs:object:GetObject",
                io.grantwatch.model.Outcome.DENIED, "403"));

        assertThat(findings.readValuesToList()).singleElement().extracting(Finding::scenarioId).isEqualTo("modelarts.training");
    }

    @Test
    void shouldExplainAnAgencyDenialByWhatAPersonOfTheAccountStarted() {
        publish(StreamsFixtures.catalog("v1"), T0);
        Principal dave = StreamsFixtures.iamUser("dave");
        Principal agency = StreamsFixtures.agency("modelarts_agency");
        send(StreamsFixtures.event(dave, T0.plusSeconds(1), "ModelArts", "CreateJobV2", null, io.grantwatch.model.Outcome.ALLOWED, null));
        send(StreamsFixtures.event(agency, T0.plusSeconds(100), "OBS", "getObject", "obs:object:GetObject",
                io.grantwatch.model.Outcome.DENIED, "AccessDenied"));

        assertThat(findings.readValuesToList()).singleElement().satisfies(f -> {
            assertThat(f.scenarioId()).isEqualTo("modelarts.agency.training");
            assertThat(f.principal().roleName()).isEqualTo("modelarts_agency");
        });
        assertThat(driver.getKeyValueStore(DetectorTopology.ACCOUNT_ACTIVITY).get("huawei:" + dave.accountId())).isNotNull();
    }

    @Test
    void shouldWriteARegressionWhenACallThatSucceededIsDenied() {
        publish(StreamsFixtures.catalog("v1"), T0);
        send(StreamsFixtures.ok("carol", T0.plusSeconds(1), "Eas", "CreateService", "eas:CreateService"));
        send(StreamsFixtures.denied("carol", T0.plusSeconds(90), "Eas", "CreateService", "eas:CreateService", "NoPermission"));

        assertThat(findings.readValuesToList()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.REGRESSION);
            assertThat(f.missing().get(0).reason()).contains("succeeded for this principal");
        });
    }

    @Test
    void shouldWriteAnExplicitDenyThatPointsAtTheDeny() {
        publish(StreamsFixtures.catalog("v1"), T0);
        AuditEvent d = StreamsFixtures.denied("carol", T0.plusSeconds(1), "Eas", "DeleteService", "eas:DeleteService", "NoPermission");
        send(new AuditEvent(d.cloud(), d.eventId(), d.eventTime(), d.principal(), d.service(), d.action(), d.iamAction(), d.resource(),
                d.outcome(), true, d.errorCode(), "explicit deny", d.sourceIp(), d.region(), d.userAgent(), d.eventType(), d.parameters(),
                d.source()));

        assertThat(findings.readValuesToList()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.EXPLICIT_DENY);
            assertThat(f.missing()).singleElement().satisfies(m -> assertThat(m.reason()).contains("Adding an Allow will not help"));
        });
    }

    /**
     * A snapshot on the {@code inventory} topic, then a trail: the topology names the same Deny statements as scan fed the
     * same snapshot first, and keeps the same inventory.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "alibaba/inventory-snapshot.jsonl, alibaba/inventory-ram-changes.json, alibaba:1358024679135790",
            "huawei/inventory-snapshot.jsonl, huawei/inventory-iam-changes.json, huawei:5c0f3a1e9b7d4e2f8a6c4b1d3e5f7a90"})
    void shouldWriteWhatScanEmitsWhenASnapshotWasImportedBeforeTheTrail(String snapshot, String trail, String account) throws Exception {
        Catalog bundled = io.grantwatch.catalog.CatalogLoader.loadBundled();
        publish(bundled, T0);
        io.grantwatch.detector.OfflineDetector offline = new io.grantwatch.detector.OfflineDetector(
                DetectorSettings.defaults().withGrace(Duration.ofMinutes(10)), io.grantwatch.detector.CatalogLookup.of(bundled));
        String text;
        try (InputStream in = DetectorTopologyTest.class.getResourceAsStream("/fixtures/" + snapshot)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        var inventory = driver.createInputTopic(topics.inventory().name(), Serdes.String().serializer(), topics.inventory().valueSerde()
                .serializer());
        for (io.grantwatch.model.inventory.InventoryRecord r : io.grantwatch.detector.inventory.Snapshots.read(snapshot, text,
                Instant.parse("2026-03-11T00:30:00Z"), null).records()) {
            inventory.pipeInput(r.key(), r, r.asOf());
            offline.accept(r);
        }
        List<String> expected = new ArrayList<>();
        for (AuditEvent e : io.grantwatch.detector.Trails.load(trail)) {
            send(e);
            for (Finding f : offline.accept(e)) {
                expected.add(io.grantwatch.model.json.Json.wire().writeValueAsString(f));
            }
        }
        List<String> written = new ArrayList<>();
        for (Finding f : findings.readValuesToList()) {
            written.add(io.grantwatch.model.json.Json.wire().writeValueAsString(f));
        }
        assertThat(expected).as("the trail gives findings").anySatisfy(f -> assertThat(f).contains("\"knownDenies\""));
        assertThat(written).containsExactlyElementsOf(expected);
        KeyValueStore<String, io.grantwatch.detector.inventory.Inventory> store = driver.getKeyValueStore(DetectorTopology.ACCOUNT_INVENTORY);
        assertThat(store.get(account)).isEqualTo(offline.inventory(account));
    }

    /** The drift and regression trails (vendor records, parsed by ingest): the topology writes exactly what scan emits. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "alibaba/regression-dlc-getjob-denied-after-success.json", "alibaba/regression-dlc-getjob-denied-after-detach.json",
            "alibaba/drift-updaterole-trust-after-dsw-create.json", "huawei/drift-delete-agency-v3.json",
            "huawei/drift-delete-agency-v5-by-id.json", "huawei/drift-delete-agency-configured-for-modelarts.json",
            "huawei/drift-detach-custom-policy-v5.json",
            "huawei/drift-trust-policy-v5-drops-modelarts.json",
            "alibaba/inventory-ram-changes.json", "huawei/inventory-iam-changes.json"})
    void shouldWriteWhatScanEmitsForARealisticDriftTrail(String trail) throws Exception {
        Catalog bundled = io.grantwatch.catalog.CatalogLoader.loadBundled();
        publish(bundled, T0);
        io.grantwatch.detector.OfflineDetector offline = new io.grantwatch.detector.OfflineDetector(
                DetectorSettings.defaults().withGrace(Duration.ofMinutes(10)), io.grantwatch.detector.CatalogLookup.of(bundled));
        List<String> expected = new ArrayList<>();
        for (AuditEvent e : io.grantwatch.detector.Trails.load(trail)) {
            send(e);
            for (Finding f : offline.accept(e)) {
                expected.add(io.grantwatch.model.json.Json.wire().writeValueAsString(f));
            }
        }
        List<String> written = new ArrayList<>();
        for (Finding f : findings.readValuesToList()) {
            written.add(io.grantwatch.model.json.Json.wire().writeValueAsString(f));
        }
        assertThat(expected).as("the trail gives findings").isNotEmpty();
        assertThat(written).containsExactlyElementsOf(expected);
    }
}
