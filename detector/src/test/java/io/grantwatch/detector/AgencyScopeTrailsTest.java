package io.grantwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.inventory.Snapshots;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.inventory.InventoryRecord.PolicyRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 004's minimal agency scope (委托授权的最小化) on a realistic Huawei trail: wang.lei submits a training job, the
 * training agency reads and writes OBS, then an administrator attaches a policy to the agency. The inventory knows
 * what each policy allows.
 */
class AgencyScopeTrailsTest {
    private static final String DOMAIN = "5c0f3a1e9b7d4e2f8a6c4b1d3e5f7a90";
    private static final Instant AT = Instant.parse("2026-03-01T00:00:00Z");
    private static CatalogLookup catalog;

    @BeforeAll
    static void load() {
        catalog = CatalogLookup.of(CatalogLoader.loadBundled());
    }

    private static InventoryRecord policy(PolicyRef ref, String document) {
        return new InventoryRecord(Cloud.HUAWEI, DOMAIN, AT, "test", InventoryRecord.Kind.POLICY_VERSION, null, null, null, ref, "v1",
                document, true, null, null);
    }

    private static InventoryRecord holds(PolicyRef... refs) {
        return new InventoryRecord(Cloud.HUAWEI, DOMAIN, AT, "test", InventoryRecord.Kind.HOLDS, "agency", "ma-train-agency", List.of(refs),
                null, null, null, false, null, null);
    }

    /** The trail, with its last record (a detach) turned into an attach of {@code policyId} to the same agency. */
    private static List<Finding> run(InventoryRecord... inventory) {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        for (InventoryRecord r : inventory) {
            d.accept(r);
        }
        List<AuditEvent> trail = new ArrayList<>(Trails.load("huawei/drift-detach-custom-policy-v5.json"));
        AuditEvent detach = trail.remove(trail.size() - 1);
        trail.add(new AuditEvent(detach.cloud(), detach.eventId(), detach.eventTime(), detach.principal(), detach.service(),
                "attachAgencyPolicyV5", detach.iamAction(), detach.resource(), detach.outcome(), detach.explicitDeny(), detach.errorCode(),
                detach.errorMessage(), detach.sourceIp(), detach.region(), detach.userAgent(), detach.eventType(), detach.parameters(),
                detach.source()));
        List<Finding> out = new ArrayList<>();
        trail.forEach(e -> out.addAll(d.accept(e)));
        return out.stream().filter(f -> f.kind() == FindingKind.OVER_REACH).toList();
    }

    private static final PolicyRef BROAD = new PolicyRef("Custom", "ma-train-broad", "a5f6c0d9e8b74f1a9c2d3e4f5a6b7c8d");

    /** Every finding version while a snapshot (test resource under {@code /fixtures/}) and then a trail are fed. */
    private static List<Finding> afterSnapshot(String snapshot, String trail) {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        try (InputStream in = AgencyScopeTrailsTest.class.getResourceAsStream("/fixtures/" + snapshot)) {
            Snapshots.read("snap.jsonl", new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    Instant.parse("2026-12-01T00:00:00Z"), null).records().forEach(d::accept);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Finding> out = new ArrayList<>();
        Trails.load(trail).forEach(e -> out.addAll(d.accept(e)));
        return out;
    }

    @Test
    void shouldCheckTheScopeOfAnAgencyTheSnapshotKnowsByIdOnlyOnceItsSessionNamesIt() {
        // the snapshot lists ag-111's policies (obs:*:*) without GetAgencyV5; ma_agency's session ag-111:sess1 then reads OBS
        List<Finding> out = afterSnapshot("huawei/agency-by-id-only-snapshot.jsonl",
                "huawei/agency-session-teaches-id-after-authorization.json");

        assertThat(out).filteredOn(f -> f.kind() == FindingKind.OVER_REACH).isNotEmpty().allSatisfy(f -> {
            assertThat(f.principal().roleName()).isEqualTo("ma_agency");
            assertThat(f.excess()).anySatisfy(x -> assertThat(x.actions()).contains("obs:*:*"));
        });
    }

    @Test
    void shouldCheckTheScopeAgainWhenATrainingJobStartsAfterTheAuthorizationThatHandedOverTheAgency() {
        // CreateAuthorization hands ma_agency (modelarts:*:*, obs:*:*, iam:*:*) to dave before anything runs under it: no feature
        // is in use yet. dave's CreateJobV2 and the agency's own getObject follow: the finding must then name training and its rows.
        List<Finding> out = afterSnapshot("huawei/over-reach-wildcard-agency-snapshot.jsonl",
                "huawei/over-reach-authorization-before-training-job.json");

        List<Finding> overReach = out.stream().filter(f -> f.kind() == FindingKind.OVER_REACH).toList();
        assertThat(overReach).isNotEmpty();
        assertThat(overReach.get(0).scenarioId()).isNull();
        assertThat(overReach.get(overReach.size() - 1)).satisfies(f -> {
            assertThat(f.status()).isEqualTo(FindingStatus.OPEN);
            assertThat(f.scenarioId()).isEqualTo("modelarts.agency.training");
            assertThat(f.evidence().errorMessage()).doesNotContain("no feature of this agency is known to be in use");
            assertThat(f.missing()).isNotEmpty().allSatisfy(m -> assertThat(m.grant().value()).doesNotContain("*"));
        });
    }

    @Test
    void shouldNameWhatAnAgencyHoldsBeyondWhatTheTrainingJobsNeedWithTheSeedsMinimalSet() {
        List<Finding> out = run(policy(BROAD, "{\"Version\":\"5.0\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"obs:object:GetObject\","
                + "\"obs:object:PutObject\",\"obs:bucket:ListBucket\",\"obs:*:*\",\"iam:users:*\",\"ecs:cloudServers:delete\"],"
                + "\"Resource\":[\"*\"]}]}"),
                holds(BROAD));

        assertThat(out).isNotEmpty();
        Finding f = out.get(out.size() - 1);
        assertThat(f.status()).isEqualTo(FindingStatus.OPEN);
        assertThat(f.principal().roleName()).isEqualTo("ma-train-agency");
        assertThat(f.excess()).singleElement().satisfies(x -> {
            assertThat(x.policy()).isEqualTo("ma-train-broad (Custom) version v1");
            assertThat(x.actions()).containsExactly("obs:*:*", "iam:users:*", "ecs:cloudServers:delete");
        });
        assertThat(f.scenarioId()).isEqualTo("modelarts.agency.training");
        assertThat(f.missing()).extracting(m -> m.grant().value())
                .containsExactlyInAnyOrder("obs:bucket:ListBucket", "obs:object:GetObject", "obs:object:PutObject");
        assertThat(f.missing()).allSatisfy(m -> assertThat(m.citation().seed()).isEqualTo("004_cae65db658487c65.txt"));
    }

    @Test
    void shouldSaySilentWhenTheAgencyHoldsOnlyWhatTheSeedsRowsForItsFeaturesNameAndWhatItUsed() {
        List<Finding> out = run(policy(BROAD, "{\"Version\":\"5.0\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"obs:object:GetObject\","
                + "\"obs:object:PutObject\",\"obs:bucket:ListBucket\"],\"Resource\":[\"obs:*:*:object:ml-datasets-hw/*\"]}]}"), holds(BROAD));

        assertThat(out).isEmpty();
    }

    @Test
    void shouldResolveTheOverReachOnceTheBroadPolicyIsDetached() {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        d.accept(policy(BROAD, "{\"Version\":\"5.0\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"obs:*:*\"],\"Resource\":[\"*\"]}]}"));
        d.accept(holds(BROAD));
        List<AuditEvent> trail = new ArrayList<>(Trails.load("huawei/drift-detach-custom-policy-v5.json"));
        AuditEvent detach = trail.remove(trail.size() - 1);
        AuditEvent attach = new AuditEvent(detach.cloud(), detach.eventId() + "-a", detach.eventTime().minusSeconds(60), detach.principal(),
                detach.service(), "attachAgencyPolicyV5", detach.iamAction(), detach.resource(), detach.outcome(), detach.explicitDeny(),
                detach.errorCode(), detach.errorMessage(), detach.sourceIp(), detach.region(), detach.userAgent(), detach.eventType(),
                detach.parameters(), detach.source());
        trail.add(attach);
        trail.add(detach);
        List<Finding> out = new ArrayList<>();
        trail.forEach(e -> out.addAll(d.accept(e)));

        List<Finding> over = out.stream().filter(f -> f.kind() == FindingKind.OVER_REACH).toList();
        assertThat(over).isNotEmpty();
        assertThat(over.get(0).status()).isEqualTo(FindingStatus.OPEN);
        assertThat(over.get(over.size() - 1).status()).as("nothing beyond the need is held any more").isEqualTo(FindingStatus.RESOLVED);
    }

    private static final String WANG = "8d2f0c6a4b1e4f3a9c7e5d3b1a2c4e6f";

    /** ma-train-agency given {@code agencyDoc}, wang holding {@code userDoc}; then ModelArts configured the agency for wang. */
    private static List<Finding> delegatedToWang(String agencyDoc, String userDoc) {
        PolicyRef given = new PolicyRef("Custom", "ma-train-min", "b1c2d3e4f5a64b7c8d9e0f1a2b3c4d5e");
        PolicyRef userOwn = new PolicyRef("Custom", "wang-obs-read", "c1c2d3e4f5a64b7c8d9e0f1a2b3c4d5e");
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        d.accept(policy(given, agencyDoc));
        d.accept(holds(given));
        d.accept(policy(userOwn, userDoc));
        d.accept(new InventoryRecord(Cloud.HUAWEI, DOMAIN, AT, "test", InventoryRecord.Kind.HOLDS, "user", WANG, List.of(userOwn),
                null, null, null, false, null, null));
        AuditEvent auth = Trails.load("huawei/drift-delete-agency-configured-for-modelarts.json").get(0);
        AuditEvent forWang = new AuditEvent(auth.cloud(), auth.eventId(), auth.eventTime(), auth.principal(), auth.service(), auth.action(),
                auth.iamAction(), auth.resource(), auth.outcome(), auth.explicitDeny(), auth.errorCode(), auth.errorMessage(), auth.sourceIp(),
                auth.region(), auth.userAgent(), auth.eventType(), Map.of("user_id", WANG, "type", "agency", "content", "ma-train-agency"),
                auth.source());
        return d.accept(forWang).stream().filter(f -> f.kind() == FindingKind.MISSING_GRANT).toList();
    }

    private static final String WANG_READS = "{\"Version\":\"5.0\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"obs:object:GetObject\"],"
            + "\"Resource\":[\"*\"]}]}";

    @Test
    void shouldAskTheUserAnAgencyIsConfiguredForToHoldWhatTheAgencyIsGiven() {
        List<Finding> out = delegatedToWang("{\"Version\":\"5.0\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"obs:object:GetObject\","
                + "\"obs:object:PutObject\",\"obs:bucket:ListBucket\"],\"Resource\":[\"*\"]}]}", WANG_READS);

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.principal().id()).isEqualTo(WANG);
            assertThat(f.missing()).extracting(m -> m.grant().value()).containsExactlyInAnyOrder("obs:object:PutObject", "obs:bucket:ListBucket");
            assertThat(f.missing()).allSatisfy(m -> {
                assertThat(m.reason()).contains("agency ma-train-agency was configured for user " + WANG).contains("请用户确保");
                assertThat(m.citation().seed()).isEqualTo("004_cae65db658487c65.txt");
            });
        });
    }

    @Test
    void shouldNotAskTheUserForTheWholeBaseScopeAWildcardGivesWhenNoFeatureIsKnownInUse() {
        // Huawei IAM v5: "*" in an Action matches any run of characters, so obs:*:* allows every OBS action the seed lists
        List<Finding> out = delegatedToWang("{\"Version\":\"5.0\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"obs:*:*\"],"
                + "\"Resource\":[\"*\"]}]}", WANG_READS);

        // no feature is known in use here: read against the seed's whole base scope, the wildcard would ask wang for every OBS
        // action of every feature (PutBucketPolicy, PutBucketAcl, ...); nothing is asked (the agency's OVER_REACH says narrow it)
        assertThat(out).isEmpty();
    }

    @Test
    void shouldSayNothingToAUserWhoseOwnWildcardCoversWhatTheAgencyIsGiven() {
        List<Finding> out = delegatedToWang("{\"Version\":\"5.0\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"obs:object:GetObject\","
                + "\"obs:object:PutObject\",\"obs:bucket:ListBucket\"],\"Resource\":[\"*\"]}]}",
                "{\"Version\":\"5.0\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"obs:*:*\"],\"Resource\":[\"*\"]}]}");

        assertThat(out).isEmpty();
    }
}
