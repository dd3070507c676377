package io.grantwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.inventory.Snapshots;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.inventory.InventoryRecord.PolicyRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drift and regression on realistic trails (records in the vendors' formats, parsed by ingest) against the
 * bundled catalog: what an operator's trail looks like, not what the unit tests' builders produce.
 */
class DriftTrailsTest {
    private static CatalogLookup catalog;

    @BeforeAll
    static void load() {
        catalog = CatalogLookup.of(CatalogLoader.loadBundled());
    }

    /** Every finding version emitted while the trail is fed in order. */
    private static List<Finding> run(String fixture) {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        List<Finding> out = new ArrayList<>();
        for (AuditEvent e : Trails.load(fixture)) {
            out.addAll(d.accept(e));
        }
        return out;
    }

    private static List<Finding> ofKind(List<Finding> fs, FindingKind kind) {
        return fs.stream().filter(f -> f.kind() == kind).toList();
    }

    // ------------------------------------------------------------ (e) regression of a RAM user's call

    @Test
    void shouldCallItARegressionWhenARamUsersDlcCallThatSucceededIsDeniedFifteenMinutesLater() {
        List<Finding> out = run("alibaba/regression-dlc-getjob-denied-after-success.json");

        assertThat(ofKind(out, FindingKind.MISSING_GRANT)).isEmpty();
        assertThat(ofKind(out, FindingKind.REGRESSION)).singleElement().satisfies(f -> {
            assertThat(f.principal().name()).isEqualTo("li.qiang");
            assertThat(f.missing().get(0).grant().value()).isEqualTo("paidlc:GetJob");
            assertThat(f.missing().get(0).reason()).contains("succeeded for this principal at 2026-03-12T06:00:12Z");
            assertThat(f.change()).isNull();
        });
    }

    @Test
    void shouldLinkTheRegressionToThePolicyDetachedBetweenTheSuccessAndTheDenial() {
        List<Finding> out = run("alibaba/regression-dlc-getjob-denied-after-detach.json");

        assertThat(ofKind(out, FindingKind.REGRESSION)).singleElement().satisfies(f -> {
            assertThat(f.change()).isNotNull();
            assertThat(f.change().action()).isEqualTo("DetachPolicyFromUser");
            assertThat(f.change().actor()).isEqualTo("ram-admin");
            assertThat(f.change().removed()).isEqualTo("dlc-job-viewer");
            assertThat(f.missing().get(0).reason()).contains("DetachPolicyFromUser by ram-admin at 2026-03-12T06:08:27Z");
        });
    }

    // ------------------------------------------------------------ (c) a role named by a DSW instance, its trust policy replaced

    @Test
    void shouldPredictBreakageWhenUpdateRoleDropsPaiFromTheTrustOfARoleADswInstanceWasCreatedWith() {
        List<Finding> out = run("alibaba/drift-updaterole-trust-after-dsw-create.json");

        String arn = "acs:ram::1358024679135790:role/dsw-nb-oss-rw";
        assertThat(ofKind(out, FindingKind.PREDICTED_BREAKAGE)).singleElement().satisfies(f -> {
            assertThat(f.principal().roleName()).isEqualTo("dsw-nb-oss-rw");
            assertThat(f.scenarioId()).isEqualTo("pai.dsw-role.custom");
            assertThat(f.change().action()).isEqualTo("UpdateRole");
            assertThat(f.change().actor()).isEqualTo("ram-admin");
            MissingGrant removed = f.missing().get(0);
            assertThat(removed.grant()).isEqualTo(new Grant(GrantType.TRUST_PRINCIPAL, "pai.aliyuncs.com", arn));
            assertThat(removed.certainty()).isEqualTo(Certainty.CERTAIN);
            assertThat(removed.reason()).contains("no longer lets pai.aliyuncs.com assume role dsw-nb-oss-rw")
                    .contains("PaiDsw/CreateInstance by zhao.min at 2026-03-11T02:10:05Z");
            assertThat(f.confidence()).isGreaterThanOrEqualTo(0.6);
            assertThat(f.missing()).allSatisfy(m -> assertThat(String.valueOf(m.grant().resource())).doesNotContain("${"));
        });
    }

    @Test
    void shouldCountARoleNamedInACredentialConfigObjectAsInUseWhenItIsDeletedOrLosesPaiFromItsTrust() {
        // CreateInstance's CredentialConfig as a JSON object (not its text): Configs[].Roles[].RoleArn names dsw-role
        for (String fixture : List.of("alibaba/drift-deleterole-after-dsw-create-credentialconfig-object.json",
                "alibaba/drift-updaterole-after-dsw-create-credentialconfig-object.json")) {
            assertThat(ofKind(run(fixture), FindingKind.PREDICTED_BREAKAGE)).as(fixture).isNotEmpty().allSatisfy(f -> {
                assertThat(f.principal().roleName()).isEqualTo("dsw-role");
                assertThat(f.missing().get(0).reason()).contains("PaiDsw/CreateInstance by alice at 2026-12-05T01:00:00Z named it");
            });
        }
    }

    @Test
    void shouldCountARoleNamedByADlcCreateJobAsInUseWhenUpdateRoleDropsPaiFromItsTrust() {
        // CreateJob's CredentialConfig.CredentialConfigItems[].Roles[].RoleArn, as JSON text and as an object; the role never called
        for (String fixture : List.of("alibaba/drift-updaterole-after-dlc-createjob-credentialconfig-text.json",
                "alibaba/drift-updaterole-after-dlc-createjob-credentialconfig-object.json")) {
            assertThat(ofKind(run(fixture), FindingKind.PREDICTED_BREAKAGE)).as(fixture).singleElement().satisfies(f -> {
                assertThat(f.principal().roleName()).isEqualTo("dlc-role");
                assertThat(f.scenarioId()).isEqualTo("pai.dlc-role.custom");
                assertThat(f.scenarioTitle()).contains("DLC job");
                MissingGrant removed = f.missing().get(0);
                assertThat(removed.grant()).isEqualTo(new Grant(GrantType.TRUST_PRINCIPAL, "pai.aliyuncs.com",
                        "acs:ram::1234567890123456:role/dlc-role"));
                assertThat(removed.citation().url()).contains("configure-the-dlc-ram-role");
                assertThat(removed.reason()).contains("PaiDlc/CreateJob by alice at 2026-12-05T01:00:00Z named it");
            });
        }
    }

    @Test
    void shouldCountARoleNamedByAnEasServiceConfigAsInUseAndNeverAskTheDeletedRoleForTheUsersPassRole() {
        List<Finding> out = run("alibaba/drift-deleterole-after-eas-createservice.json");

        assertThat(ofKind(out, FindingKind.PREDICTED_BREAKAGE)).singleElement().satisfies(f -> {
            assertThat(f.principal().roleName()).isEqualTo("eas-role");
            assertThat(f.scenarioId()).isEqualTo("pai.eas-role.custom");
            assertThat(f.missing().get(0).reason()).contains("eas/CreateService by alice at 2026-12-05T01:00:00Z named it");
            // the user's ram:PassRole is the user's grant, not something the deleted role held
            assertThat(f.missing()).noneMatch(m -> "ram:PassRole".equals(m.grant().value()));
            assertThat(f.missing()).allSatisfy(m -> assertThat(m.reason()).doesNotContain(".."));
        });
    }

    @Test
    void shouldPredictOnTheRoleWhenADetachTakesWhatItsAssumedRoleSessionsUsedForEas() {
        // alice assumes pai-role; the session (assumed-role/pai-role/alice-sess) creates and reads an EAS service; eas-dev,
        // which the snapshot says grants both, is detached from the role
        List<Finding> out = runAfterSnapshot("alibaba/drift-detach-from-role-used-by-sessions.json", "alibaba/drift-role-sessions-snapshot.jsonl");

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.principal().name()).as("the role the change hit, not the session last seen").isEqualTo("pai-role");
            assertThat(f.principal().sessionName()).isNull();
            assertThat(f.principal().id()).as("the role id of the session's <role-id>:<session>").isEqualTo("39484351102463");
            assertThat(f.scenarioId()).as("what the sessions' calls served").isEqualTo("pai.eas");
            assertThat(f.missing().get(0).grant()).isEqualTo(new Grant(GrantType.CUSTOM_POLICY, "eas-dev", null));
            assertThat(f.missing()).allSatisfy(m -> assertThat(m.holder()).isEqualTo(Holder.ROLE));
            assertThat(f.missing()).extracting(m -> m.grant().value()).contains("eas:CreateService", "eas:DescribeService");
        });
    }

    @Test
    void shouldPredictOnTheRoleWhenANewPolicyVersionDropsWhatOnlyItsSessionsUsed() {
        // eas-dev, held by pai-role and by alice, loses eas:DescribeService; only the role's sessions called it
        List<Finding> out = runAfterSnapshot("alibaba/drift-policy-version-drops-what-role-sessions-used.json",
                "alibaba/drift-role-sessions-snapshot.jsonl");

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.principal().name()).isEqualTo("pai-role");
            assertThat(f.scenarioId()).isEqualTo("pai.eas");
            assertThat(f.missing()).extracting(m -> m.grant().value()).contains("eas:DescribeService").doesNotContain("eas:CreateService");
        });
    }

    @Test
    void shouldPredictOnTheRoleWhenADetachTakesWhatItsSessionsUsedForDlc() {
        // a ci-role session creates and reads DLC jobs; dlc-ops, which grants both, is detached from ci-role
        List<Finding> out = runAfterSnapshot("alibaba/drift-detach-from-role-dlc-sessions.json", "alibaba/drift-role-sessions-dlc-snapshot.jsonl");

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.principal().name()).isEqualTo("ci-role");
            assertThat(f.principal().sessionName()).isNull();
            assertThat(f.scenarioId()).isEqualTo("pai.dlc");
            assertThat(f.missing()).extracting(m -> m.grant().value()).contains("dlc-ops", "paidlc:CreateJob", "paidlc:GetJob");
        });
    }

    @Test
    void shouldNameTheDeletedRoleAndTheScenarioItsSessionsUsedRatherThanOneItsAssumeRoleSuggests() {
        // alice's sts AssumeRole signals DSW under a custom role (equal score); the role's own sessions served EAS
        List<Finding> out = ofKind(run("alibaba/drift-deleterole-used-by-sessions-for-eas.json"), FindingKind.PREDICTED_BREAKAGE);

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.principal().name()).isEqualTo("pai-role");
            assertThat(f.principal().sessionName()).isNull();
            assertThat(f.scenarioId()).isEqualTo("pai.eas");
        });
    }

    @Test
    void shouldStaySilentWhenTheNewTrustPolicyStillLetsPaiAssumeTheRole() {
        List<AuditEvent> trail = new ArrayList<>(Trails.load("alibaba/drift-updaterole-trust-after-dsw-create.json"));
        AuditEvent update = trail.remove(trail.size() - 1);
        Map<String, String> params = new HashMap<>(update.parameters());
        params.put("NewAssumeRolePolicyDocument", "{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"Service\":[\"pai.aliyuncs.com\",\"ecs.aliyuncs.com\"]}}],\"Version\":\"1\"}");
        trail.add(withParameters(update, params));
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        trail.forEach(d::accept);

        assertThat(d.findings()).isEmpty();
    }

    @Test
    void shouldCallItPossibleNotCertainWhenTheNewTrustPolicyNamesPaiUnderAConditionAndWhenItCannotBeRead() {
        for (String doc : List.of("{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                + "[\"pai.aliyuncs.com\"]},\"Condition\":{\"StringEquals\":{\"acs:SourceAccount\":\"999999\"}}}],\"Version\":\"1\"}",
                "{not json")) {
            List<AuditEvent> trail = new ArrayList<>(Trails.load("alibaba/drift-updaterole-trust-after-dsw-create.json"));
            AuditEvent update = trail.remove(trail.size() - 1);
            Map<String, String> params = new HashMap<>(update.parameters());
            params.put("NewAssumeRolePolicyDocument", doc);
            trail.add(withParameters(update, params));
            OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
            trail.forEach(d::accept);

            assertThat(d.findings()).as(doc).isNotEmpty().allSatisfy(f -> {
                // a trust principal the reading cannot rule out is never CERTAIN: the planner then prints no trust merge
                assertThat(f.missing()).filteredOn(m -> m.grant().type() == GrantType.TRUST_PRINCIPAL)
                        .allSatisfy(m -> assertThat(m.certainty()).isEqualTo(Certainty.POSSIBLE));
                if (doc.startsWith("{\"")) {
                    assertThat(f.missing().get(0).reason()).contains("only under a Condition GrantWatch does not evaluate");
                }
            });
        }
    }

    // ------------------------------------------------------------ (a) a Huawei agency deleted minutes after training ran under it

    @Test
    void shouldPredictBreakageWhenTheAgencyATrainingJobRanUnderIsDeletedByName() {
        List<Finding> out = run("huawei/drift-delete-agency-v3.json");

        assertThat(ofKind(out, FindingKind.PREDICTED_BREAKAGE)).singleElement().satisfies(f -> {
            assertThat(f.principal().roleName()).isEqualTo("ma-train-agency");
            assertThat(f.scenarioId()).isEqualTo("modelarts.agency.training");
            assertThat(f.change().action()).isEqualTo("deleteAgency");
            assertThat(f.change().actor()).isEqualTo("sec-admin");
            assertThat(f.missing().get(0).reason()).contains("deleted agency ma-train-agency")
                    .contains("wang.lei called ModelArts/CreateJobV2 at 2026-03-10T01:00:00Z");
            assertThat(f.missing()).extracting(MissingGrant::grant).contains(
                    new Grant(GrantType.AGENCY_ACTION, "obs:object:GetObject", null), new Grant(GrantType.AGENCY_ACTION, "obs:object:PutObject",
                            null));
            assertThat(f.missing().subList(1, f.missing().size())).allSatisfy(m -> assertThat(m.certainty()).isEqualTo(Certainty.LIKELY));
            assertThat(f.confidence()).isGreaterThanOrEqualTo(0.7);
        });
    }

    @Test
    void shouldFindTheAgencyItsSessionsActedAsWhenAV5DeletionNamesItByIdOnly() {
        List<Finding> byId = ofKind(run("huawei/drift-delete-agency-v5-by-id.json"), FindingKind.PREDICTED_BREAKAGE);
        List<Finding> byName = ofKind(run("huawei/drift-delete-agency-v3.json"), FindingKind.PREDICTED_BREAKAGE);

        assertThat(byId).singleElement().satisfies(f -> {
            assertThat(f.change().action()).isEqualTo("deleteAgencyV5");
            assertThat(f.change().target()).isEqualTo("agency ma-train-agency");
            assertThat(f.id()).as("the same agency, the same finding").isEqualTo(byName.get(0).id());
        });
    }

    @Test
    void shouldCountAnAgencyModelArtsWasGivenAsInUseBeforeItsFirstSessionWhenATrainingJobWasJustSubmitted() {
        // CreateAuthorization (type agency) the day before; the job is submitted, the agency has not acted yet
        List<Finding> out = run("huawei/drift-delete-agency-configured-for-modelarts.json");

        assertThat(ofKind(out, FindingKind.PREDICTED_BREAKAGE)).singleElement().satisfies(f -> {
            assertThat(f.principal().roleName()).isEqualTo("ma-train-agency");
            assertThat(f.scenarioId()).isEqualTo("modelarts.agency.training");
            assertThat(f.missing().get(0).reason()).contains("wang.lei called ModelArts/CreateJobV2 at 2026-03-10T09:00:00Z")
                    .contains("ModelArts/CreateAuthorization by sec-admin at 2026-03-09T08:30:00Z named it");
        });
    }

    @Test
    void shouldStaySilentWhenTheDeletedAgencyIsNotTheOneThatActed() {
        List<AuditEvent> trail = new ArrayList<>(Trails.load("huawei/drift-delete-agency-v3.json"));
        AuditEvent delete = trail.remove(trail.size() - 1);
        trail.add(new AuditEvent(delete.cloud(), delete.eventId(), delete.eventTime(), delete.principal(), delete.service(), delete.action(),
                delete.iamAction(), "ma-batch-agency", delete.outcome(), false, null, null, delete.sourceIp(), delete.region(),
                delete.userAgent(), delete.eventType(), delete.parameters(), delete.source()));
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        trail.forEach(d::accept);

        assertThat(d.findings()).isEmpty();
        assertThat(d.counters().iamChanges()).isEqualTo(1);
    }

    // ------------------------------------------------------------ (b) a custom identity policy, named by id, detached from an agency

    @Test
    void shouldPredictALowerConfidenceBreakageAndPrintHowToReadThePolicyWhenACustomPolicyIsDetachedFromAnAgencyInUse() {
        List<Finding> out = run("huawei/drift-detach-custom-policy-v5.json");
        String policyId = "a5f6c0d9e8b74f1a9c2d3e4f5a6b7c8d";

        assertThat(ofKind(out, FindingKind.PREDICTED_BREAKAGE)).singleElement().satisfies(f -> {
            assertThat(f.principal().roleName()).as("the body's agency_id, resolved to the agency's name").isEqualTo("ma-train-agency");
            assertThat(f.scenarioId()).isEqualTo("modelarts.agency.training");
            assertThat(f.change().removed()).isEqualTo(policyId);
            MissingGrant removed = f.missing().get(0);
            assertThat(removed.grant().value()).isEqualTo(policyId);
            assertThat(removed.systemPolicy()).as("an id is no system policy to offer back").isNull();
            assertThat(removed.reason()).contains("removed the policy with id " + policyId + " from agency ma-train-agency")
                    .contains("its content is unknown to GrantWatch")
                    .contains("hcloud IAM GetPolicyV5 --policy_id=" + policyId)
                    .contains("hcloud IAM GetPolicyVersionV5 --policy_id=" + policyId + " --version_id=");
            assertThat(f.missing().subList(1, f.missing().size())).isNotEmpty()
                    .allSatisfy(m -> assertThat(m.certainty()).isEqualTo(Certainty.POSSIBLE));
            assertThat(f.missing()).extracting(MissingGrant::grant).contains(new Grant(GrantType.AGENCY_ACTION, "obs:object:GetObject", null));
            assertThat(f.confidence()).isLessThanOrEqualTo(0.3);
        });
    }

    @Test
    void shouldSayTheContentIsUnknownAndHowToReadItWhenACustomRamPolicyIsDetachedFromAnActiveUser() {
        List<Finding> out = run("alibaba/regression-dlc-getjob-denied-after-detach.json");

        assertThat(ofKind(out, FindingKind.PREDICTED_BREAKAGE)).isNotEmpty().allSatisfy(f -> {
            assertThat(f.principal().name()).isEqualTo("li.qiang");
            assertThat(f.missing().get(0).reason()).contains("the content of dlc-job-viewer is unknown to GrantWatch")
                    .contains("aliyun ram GetPolicy --PolicyName dlc-job-viewer --PolicyType Custom");
            assertThat(f.missing().get(0).systemPolicy()).isNull();
            assertThat(f.confidence()).isLessThanOrEqualTo(0.3);
        });
    }

    // ------------------------------------------------------------ (d) a v5 trust policy that no longer trusts ModelArts

    @Test
    void shouldPredictBreakageWhenTheNewV5TrustPolicyOfAnAgencyInUseNoLongerTrustsModelArts() {
        List<Finding> out = run("huawei/drift-trust-policy-v5-drops-modelarts.json");

        assertThat(ofKind(out, FindingKind.PREDICTED_BREAKAGE)).singleElement().satisfies(f -> {
            assertThat(f.principal().roleName()).isEqualTo("ma-train-agency");
            assertThat(f.scenarioId()).isEqualTo("modelarts.agency.training");
            assertThat(f.change().action()).isEqualTo("updateTrustPolicyV5");
            MissingGrant removed = f.missing().get(0);
            assertThat(removed.grant().type()).isEqualTo(GrantType.TRUST_PRINCIPAL);
            assertThat(removed.grant().value()).isEqualTo("service.ModelArts");
            assertThat(removed.certainty()).isEqualTo(Certainty.CERTAIN);
            assertThat(removed.reason()).contains("no longer lets service.ModelArts assume agency ma-train-agency (it trusts service.DataArts)");
            assertThat(removed.citation().seed()).isEqualTo("004_cae65db658487c65.txt");
            assertThat(f.missing()).filteredOn(m -> m.grant().type() == GrantType.TRUST_PRINCIPAL).hasSize(1);
        });
    }

    @Test
    void shouldStaySilentWhenTheNewV5TrustPolicyStillTrustsModelArtsWhateverTheCase() {
        List<AuditEvent> trail = new ArrayList<>(Trails.load("huawei/drift-trust-policy-v5-drops-modelarts.json"));
        AuditEvent update = trail.remove(trail.size() - 1);
        trail.add(withParameters(update, Map.of("trust_policy", "{\"Version\":\"5.0\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":[\"sts:agencies:assume\"],\"Principal\":{\"Service\":[\"service.modelarts\",\"service.DataArts\"]}}]}")));
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        trail.forEach(d::accept);

        assertThat(d.findings()).isEmpty();
    }

    @Test
    void shouldReadADenyThatNamesModelArtsAsNoLongerTrustingIt() {
        List<AuditEvent> trail = new ArrayList<>(Trails.load("huawei/drift-trust-policy-v5-drops-modelarts.json"));
        AuditEvent update = trail.remove(trail.size() - 1);
        trail.add(withParameters(update, Map.of("trust_policy", "{\"Version\":\"5.0\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Action\":[\"sts:agencies:assume\"],\"Principal\":{\"Service\":[\"service.ModelArts\"]}},"
                + "{\"Effect\":\"Deny\",\"Action\":[\"sts:agencies:*\"],\"Principal\":{\"Service\":[\"service.ModelArts\"]}}]}")));
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        trail.forEach(d::accept);

        assertThat(d.findings()).singleElement().satisfies(f -> assertThat(f.missing().get(0).reason())
                .contains("no longer lets service.ModelArts assume")
                .contains("(a Deny statement names service.ModelArts, and a Deny wins over its Allow)")
                .as("it names ModelArts in an Allow too").doesNotContain("trusts no service principal"));
    }

    // ------------------------------------------------------------ drift from the inventory's content of the removed policy

    private static final String LI_ACCOUNT = "1358024679135790";

    /** A RAM custom policy with its one (default) version, as `inventory import` reads GetPolicy. */
    private static InventoryRecord ramPolicy(String name, String document) {
        return new InventoryRecord(Cloud.ALIBABA, LI_ACCOUNT, Instant.parse("2026-03-01T00:00:00Z"), "test", InventoryRecord.Kind.POLICY_VERSION,
                null, null, null, new PolicyRef("Custom", name, null), "v1", document, true, null, null);
    }

    private static InventoryRecord holds(String holderType, String holder, PolicyRef... refs) {
        return new InventoryRecord(Cloud.ALIBABA, LI_ACCOUNT, Instant.parse("2026-03-01T00:00:00Z"), "test", InventoryRecord.Kind.HOLDS,
                holderType, holder, List.of(refs), null, null, null, false, null, null);
    }

    private static InventoryRecord groups(String user, String... names) {
        return new InventoryRecord(Cloud.ALIBABA, LI_ACCOUNT, Instant.parse("2026-03-01T00:00:00Z"), "test", InventoryRecord.Kind.GROUPS,
                "user", user, null, null, null, null, false, List.of(names), null);
    }

    /** li.qiang's successful GetJob, then dlc-job-viewer detached from him (the trail's first two records), after the inventory. */
    private static List<Finding> detachWithInventory(InventoryRecord... inventory) {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        for (InventoryRecord r : inventory) {
            d.accept(r);
        }
        List<Finding> out = new ArrayList<>();
        for (AuditEvent e : Trails.load("alibaba/regression-dlc-getjob-denied-after-detach.json").subList(0, 2)) {
            out.addAll(d.accept(e));
        }
        return ofKind(out, FindingKind.PREDICTED_BREAKAGE);
    }

    private static final PolicyRef VIEWER = new PolicyRef("Custom", "dlc-job-viewer", null);

    /** dlc-job-viewer's first version: what li.qiang's DLC job reads need, and one list call. */
    private static final String VIEWER_V1 = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":[\"paidlc:GetJob\",\"paidlc:ListJobs\"],\"Resource\":\"*\"}]}";

    @Test
    void shouldNameTheExactGrantsLostWhenTheInventoryKnowsTheDetachedPolicysDocument() {
        List<Finding> out = detachWithInventory(
                ramPolicy("dlc-job-viewer", VIEWER_V1),
                holds("user", "li.qiang", VIEWER));

        assertThat(out).isNotEmpty().allSatisfy(f -> {
            assertThat(f.missing().get(0).reason()).contains("what dlc-job-viewer (Custom) version v1 allowed (its document is in the inventory)")
                    .doesNotContain("unknown to GrantWatch").doesNotContain("aliyun ram GetPolicy");
            assertThat(f.missing().subList(1, f.missing().size())).isNotEmpty()
                    .allSatisfy(m -> assertThat(m.grant().value()).matches("(?i)paidlc:(GetJob|ListJobs)"));
            assertThat(f.confidence()).isGreaterThan(0.3);
        });
        assertThat(out).flatMap(Finding::missing).anySatisfy(m -> {
            assertThat(m.grant().value()).isEqualToIgnoringCase("paidlc:GetJob");
            assertThat(m.certainty()).as("he called GetJob and nothing else he holds allows it").isEqualTo(Certainty.CERTAIN);
        });
    }

    @Test
    void shouldStaySilentWhenTheDetachedPolicysKnownDocumentGrantsNothingAScenarioInUseNeeds() {
        List<Finding> out = detachWithInventory(
                ramPolicy("dlc-job-viewer",
                        "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecs:Describe*\",\"Resource\":\"*\"}]}"),
                holds("user", "li.qiang", VIEWER));

        assertThat(out).as("the policy's content is known and no scenario in use needs any of it").isEmpty();
    }

    @Test
    void shouldStaySilentWhenAGroupOfTheUserStillGrantsWhatTheDetachedPolicyAllowed() {
        PolicyRef teamPolicy = new PolicyRef("Custom", "dlc-team", null);
        List<Finding> out = detachWithInventory(
                ramPolicy("dlc-job-viewer",
                        "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"paidlc:GetJob\",\"Resource\":\"*\"}]}"),
                ramPolicy("dlc-team", "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"paidlc:*\",\"Resource\":\"*\"}]}"),
                holds("user", "li.qiang", VIEWER), groups("li.qiang", "dlc-team-members"), holds("group", "dlc-team-members", teamPolicy));

        assertThat(out).as("paidlc:* through the group still allows GetJob").isEmpty();
    }

    @Test
    void shouldKeepTheUnknownContentWordingWhenTheInventoryDoesNotHaveTheDocument() {
        List<Finding> out = detachWithInventory(holds("user", "li.qiang", VIEWER));

        assertThat(out).isNotEmpty().allSatisfy(f -> assertThat(f.missing().get(0).reason())
                .contains("the content of dlc-job-viewer is unknown to GrantWatch"));
    }

    @Test
    void shouldNameTheObsActionsAnAgencyLosesWhenAV5CustomPolicyNamedByIdIsDetachedAndTheInventoryKnowsIt() {
        String domain = "5c0f3a1e9b7d4e2f8a6c4b1d3e5f7a90";
        PolicyRef rw = new PolicyRef("Custom", "ma-obs-rw", "a5f6c0d9e8b74f1a9c2d3e4f5a6b7c8d");
        Instant at = Instant.parse("2026-03-01T00:00:00Z");
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        d.accept(new InventoryRecord(Cloud.HUAWEI, domain, at, "test", InventoryRecord.Kind.POLICY_VERSION, null, null, null, rw, "v1",
                "{\"Version\":\"5.0\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"obs:object:getObject\",\"obs:object:putObject\"],"
                        + "\"Resource\":[\"obs:*:*:object:ml-datasets-hw/*\"]}]}", true, null, null));
        d.accept(new InventoryRecord(Cloud.HUAWEI, domain, at, "test", InventoryRecord.Kind.HOLDS, "agency", "ma-train-agency", List.of(rw),
                null, null, null, false, null, null));
        List<Finding> out = new ArrayList<>();
        Trails.load("huawei/drift-detach-custom-policy-v5.json").forEach(e -> out.addAll(d.accept(e)));

        assertThat(ofKind(out, FindingKind.PREDICTED_BREAKAGE)).singleElement().satisfies(f -> {
            assertThat(f.missing().get(0).reason()).contains("what ma-obs-rw (Custom) version v1 allowed").doesNotContain("unknown to GrantWatch");
            assertThat(f.missing().subList(1, f.missing().size())).extracting(MissingGrant::grant).containsExactlyInAnyOrder(
                    new Grant(GrantType.AGENCY_ACTION, "obs:object:GetObject", null), new Grant(GrantType.AGENCY_ACTION, "obs:object:PutObject",
                            null));
            assertThat(f.missing().subList(1, f.missing().size())).allSatisfy(m -> assertThat(m.certainty()).isEqualTo(Certainty.CERTAIN));
        });
    }

    /** li.qiang's successful GetJob, then the RAM admin's call {@code action} with {@code params} instead of the detach. */
    private static List<Finding> afterPolicyCall(String action, Map<String, String> params, InventoryRecord... inventory) {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        for (InventoryRecord r : inventory) {
            d.accept(r);
        }
        List<AuditEvent> trail = Trails.load("alibaba/regression-dlc-getjob-denied-after-detach.json");
        AuditEvent detach = trail.get(1);
        AuditEvent call = new AuditEvent(detach.cloud(), detach.eventId(), detach.eventTime(), detach.principal(), detach.service(), action,
                detach.iamAction(), detach.resource(), detach.outcome(), detach.explicitDeny(), detach.errorCode(), detach.errorMessage(),
                detach.sourceIp(), detach.region(), detach.userAgent(), detach.eventType(), params, detach.source());
        List<Finding> out = new ArrayList<>(d.accept(trail.get(0)));
        out.addAll(d.accept(call));
        return ofKind(out, FindingKind.PREDICTED_BREAKAGE);
    }

    @Test
    void shouldPredictBreakageForAHolderWhenANewDefaultVersionNoLongerAllowsWhatItUsed() {
        List<Finding> out = afterPolicyCall("CreatePolicyVersion", Map.of("PolicyName", "dlc-job-viewer", "SetAsDefault", "true",
                        "PolicyDocument", "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"paidlc:ListJobs\","
                                + "\"Resource\":\"*\"}]}"),
                ramPolicy("dlc-job-viewer", VIEWER_V1),
                groups("li.qiang", "dlc-users"), holds("group", "dlc-users", VIEWER));

        assertThat(out).as("one per DLC scenario his GetJob signals").isNotEmpty().allSatisfy(f -> {
            assertThat(f.principal().name()).as("a member of the group that holds the policy").isEqualTo("li.qiang");
            assertThat(f.missing().get(0).reason()).contains("CreatePolicyVersion by ram-admin")
                    .contains("changed the document in force of dlc-job-viewer, which user li.qiang holds")
                    .contains("dlc-job-viewer (Custom) version v1 (replaced by the version created at 2026-03-12T06:08:27Z) allowed");
            assertThat(f.missing().subList(1, f.missing().size())).extracting(m -> m.grant().value()).containsExactly("paidlc:GetJob");
        });
    }

    @Test
    void shouldResolveThePredictedBreakageWhenTheVersionInForceBeforeIsMadeTheDefaultAgain() {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        d.accept(ramPolicy("dlc-job-viewer", VIEWER_V1));
        d.accept(holds("user", "li.qiang", VIEWER));
        List<AuditEvent> trail = Trails.load("alibaba/regression-dlc-getjob-denied-after-detach.json");
        AuditEvent detach = trail.get(1);
        List<Finding> out = new ArrayList<>(d.accept(trail.get(0)));
        out.addAll(d.accept(call(detach, "CreatePolicyVersion", detach.eventTime(), Map.of("PolicyName", "dlc-job-viewer", "SetAsDefault",
                "true", "PolicyDocument", "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"paidlc:ListJobs\","
                        + "\"Resource\":\"*\"}]}"))));
        assertThat(ofKind(out, FindingKind.PREDICTED_BREAKAGE)).as("the new version breaks his GetJob").isNotEmpty()
                .allSatisfy(f -> assertThat(f.status()).isEqualTo(FindingStatus.OPEN));
        out.addAll(d.accept(call(detach, "SetDefaultPolicyVersion", detach.eventTime().plusSeconds(300),
                Map.of("PolicyName", "dlc-job-viewer", "VersionId", "v1"))));

        List<Finding> breakages = ofKind(out, FindingKind.PREDICTED_BREAKAGE);
        Finding last = breakages.get(breakages.size() - 1);
        assertThat(last.status()).as("the rollback undid the change: nothing is left to restore").isEqualTo(FindingStatus.RESOLVED);
    }

    private static AuditEvent call(AuditEvent like, String action, Instant at, Map<String, String> params) {
        return new AuditEvent(like.cloud(), like.eventId() + "-" + action, at, like.principal(), like.service(), action,
                like.iamAction(), like.resource(), like.outcome(), like.explicitDeny(), like.errorCode(), like.errorMessage(),
                like.sourceIp(), like.region(), like.userAgent(), like.eventType(), params, like.source());
    }

    @Test
    void shouldCarryTheActionTheCatalogMapsTheApiToWhenARegressionsRecordNamesNone() {
        // CTS: dave's CreateJobV2 succeeded, then was refused 15 minutes later; the record names the API, not the action
        List<Finding> out = ofKind(run("huawei/regression-createjobv2-names-no-action.json"), FindingKind.REGRESSION);

        assertThat(out).isNotEmpty().allSatisfy(f -> assertThat(f.evidence().deniedAction()).isEqualTo("modelarts:trainJob:create"));
    }

    @Test
    void shouldListTheDeniedActionNotTheSystemPolicyTheCatalogWouldGrantWhenAnExplicitDenyBlocksIt() {
        // alice's DescribeService refused; the snapshot's guard policy denies eas:Describe* unconditionally
        List<Finding> out = ofKind(allAfterSnapshot("alibaba/explicit-deny-eas-describe-by-snapshot-deny.json",
                "alibaba/explicit-deny-eas-guard-snapshot.jsonl"), FindingKind.EXPLICIT_DENY);

        assertThat(out).isNotEmpty().allSatisfy(f -> assertThat(f.missing()).singleElement()
                .satisfies(m -> assertThat(m.grant()).isEqualTo(Grant.action("eas:DescribeService"))));
    }

    @Test
    void shouldStaySilentWhenANewDefaultVersionStillAllowsWhatTheHoldersUse() {
        List<Finding> out = afterPolicyCall("CreatePolicyVersion", Map.of("PolicyName", "dlc-job-viewer", "SetAsDefault", "true",
                        "PolicyDocument", "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"paidlc:Get*\",\"Resource\":\"*\"}]}"),
                ramPolicy("dlc-job-viewer", VIEWER_V1),
                holds("user", "li.qiang", VIEWER));

        assertThat(out).isEmpty();
    }

    @Test
    void shouldStaySilentWhenTheNewVersionIsNotMadeTheDefault() {
        List<Finding> out = afterPolicyCall("CreatePolicyVersion", Map.of("PolicyName", "dlc-job-viewer", "SetAsDefault", "false",
                        "PolicyDocument", "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecs:*\",\"Resource\":\"*\"}]}"),
                ramPolicy("dlc-job-viewer", VIEWER_V1),
                holds("user", "li.qiang", VIEWER));

        assertThat(out).isEmpty();
    }

    @Test
    void shouldPredictBreakageForTheMembersTheInventoryKnowsWhenAPolicyIsDetachedFromTheirGroup() {
        List<Finding> out = afterPolicyCall("DetachPolicyFromGroup", Map.of("PolicyType", "Custom", "PolicyName", "dlc-job-viewer",
                        "GroupName", "dlc-users"),
                ramPolicy("dlc-job-viewer",
                        "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"paidlc:GetJob\",\"Resource\":\"*\"}]}"),
                groups("li.qiang", "dlc-users"), groups("zhao.min", "dlc-users"), holds("group", "dlc-users", VIEWER));

        assertThat(out).as("li.qiang used it; zhao.min, also a member, made no call").isNotEmpty().allSatisfy(f -> {
            assertThat(f.principal().name()).isEqualTo("li.qiang");
            assertThat(f.missing().get(0).reason()).contains("removed dlc-job-viewer from group dlc-users (user li.qiang is in it)")
                    .doesNotContain("does not see who belongs");
            assertThat(f.missing().subList(1, f.missing().size())).extracting(m -> m.grant().value()).containsExactly("paidlc:GetJob");
            assertThat(f.confidence()).isGreaterThan(0.3);
        });
    }

    @Test
    void shouldKeepTheGroupWideGuessWhenTheInventoryKnowsNoMemberOfTheGroup() {
        List<Finding> out = afterPolicyCall("DetachPolicyFromGroup", Map.of("PolicyType", "System", "PolicyName", "AliyunPAIFullAccess",
                "GroupName", "dlc-users"));

        assertThat(out).isNotEmpty().allSatisfy(f -> assertThat(f.missing().get(0).reason()).contains("does not see who belongs to group dlc-users"));
    }

    // ------------------------------------------------------------ drift read by evaluating what the principal still holds

    private static Map<String, String> newDefaultVersion(String document) {
        return Map.of("PolicyName", "dlc-job-viewer", "SetAsDefault", "true", "PolicyDocument", document);
    }

    @Test
    void shouldPredictBreakageWhenANewDefaultVersionAddsADenyOfWhatTheHolderUsed() {
        // RAM: an explicit Deny wins over any Allow, so paidlc:* no longer lets him call GetJob
        List<Finding> out = afterPolicyCall("CreatePolicyVersion", newDefaultVersion("{\"Version\":\"1\",\"Statement\":["
                        + "{\"Effect\":\"Allow\",\"Action\":\"paidlc:*\",\"Resource\":\"*\"},"
                        + "{\"Sid\":\"NoJobReads\",\"Effect\":\"Deny\",\"Action\":\"paidlc:GetJob\",\"Resource\":\"*\"}]}"),
                ramPolicy("dlc-job-viewer", VIEWER_V1), holds("user", "li.qiang", VIEWER));

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.missing().get(0).reason()).contains("statement \"NoJobReads\" (#2) of policy dlc-job-viewer")
                    .contains("an explicit Deny wins over any Allow");
            assertThat(f.missing().subList(1, f.missing().size())).extracting(m -> m.grant().value()).containsExactly("paidlc:GetJob");
            assertThat(f.missing().get(1).certainty()).isEqualTo(Certainty.CERTAIN);
            assertThat(f.knownDenies()).as("carried, so that no fix proposes an Allow the Deny still blocks").singleElement()
                    .satisfies(d -> assertThat(d.sid()).isEqualTo("NoJobReads"));
        });
    }

    @Test
    void shouldPredictBreakageWhenANewDefaultVersionSwitchesToANotActionThatLeavesOutWhatTheHolderUsed() {
        // RAM: an Allow with NotAction allows every action except those it lists
        List<Finding> out = afterPolicyCall("CreatePolicyVersion", newDefaultVersion("{\"Version\":\"1\",\"Statement\":["
                        + "{\"Effect\":\"Allow\",\"NotAction\":[\"paidlc:GetJob\",\"ram:*\"],\"Resource\":\"*\"}]}"),
                ramPolicy("dlc-job-viewer", VIEWER_V1), holds("user", "li.qiang", VIEWER));

        assertThat(out).singleElement().satisfies(f ->
                assertThat(f.missing().subList(1, f.missing().size())).extracting(m -> m.grant().value()).containsExactly("paidlc:GetJob"));
    }

    @Test
    void shouldPredictALikelyBreakageWhenAnotherPolicyAllowsTheLostActionOnlyUnderACondition() {
        PolicyRef fromOffice = new PolicyRef("Custom", "dlc-from-office", null);
        List<Finding> out = detachWithInventory(
                ramPolicy("dlc-job-viewer", VIEWER_V1),
                ramPolicy("dlc-from-office", "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"paidlc:*\","
                        + "\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"acs:SourceIp\":\"192.168.0.0/16\"}}}]}"),
                holds("user", "li.qiang", VIEWER, fromOffice));

        assertThat(out).as("a conditional Allow is not evaluated: the grant may be lost").singleElement().satisfies(f -> {
            assertThat(f.missing().get(0).reason()).contains("dlc-from-office (Custom) version v1 (user li.qiang) allows paidlc:GetJob only under "
                    + "a Condition GrantWatch does not evaluate");
            assertThat(f.missing().subList(1, f.missing().size())).isNotEmpty()
                    .allSatisfy(m -> assertThat(m.certainty()).isEqualTo(Certainty.LIKELY));
            assertThat(f.confidence()).isLessThan(detachWithInventory(ramPolicy("dlc-job-viewer", VIEWER_V1), holds("user", "li.qiang", VIEWER))
                    .get(0).confidence());
        });
    }

    private static final PolicyRef DENY_JOBS = new PolicyRef("Custom", "dlc-deny-jobs", null);
    private static final String DENY_JOBS_V1 = "{\"Version\":\"1\",\"Statement\":[{\"Sid\":\"NoJobReads\",\"Effect\":\"Deny\","
            + "\"Action\":[\"paidlc:GetJob\"],\"Resource\":\"*\"}]}";

    @Test
    void shouldPredictTheBreakageAnAttachedDenyCausesAndNameItsStatementNotARemovedGrant() {
        List<Finding> out = afterPolicyCall("AttachPolicyToUser", Map.of("PolicyType", "Custom", "PolicyName", "dlc-deny-jobs",
                        "UserName", "li.qiang"),
                ramPolicy("dlc-job-viewer", VIEWER_V1), ramPolicy("dlc-deny-jobs", DENY_JOBS_V1), holds("user", "li.qiang", VIEWER));

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.missing()).extracting(m -> m.grant().type()).as("no policy to give back: the attach removed none")
                    .doesNotContain(GrantType.SYSTEM_POLICY);
            assertThat(f.missing().get(0).grant().value()).isEqualTo("paidlc:GetJob");
            assertThat(f.missing().get(0).reason()).contains("attached dlc-deny-jobs to user li.qiang")
                    .contains("statement \"NoJobReads\" (#1) of policy dlc-deny-jobs (Custom) version v1").doesNotContain("removed");
            assertThat(f.knownDenies()).singleElement().satisfies(d -> assertThat(d.matched()).isTrue());
        });
    }

    @Test
    void shouldPredictTheBreakageForTheMembersTheInventoryKnowsWhenAPolicyWithADenyIsAttachedToTheirGroup() {
        List<Finding> out = afterPolicyCall("AttachPolicyToGroup", Map.of("PolicyType", "Custom", "PolicyName", "dlc-deny-jobs",
                        "GroupName", "dlc-users"),
                ramPolicy("dlc-job-viewer", VIEWER_V1), ramPolicy("dlc-deny-jobs", DENY_JOBS_V1), holds("user", "li.qiang", VIEWER),
                groups("li.qiang", "dlc-users"));

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.principal().name()).isEqualTo("li.qiang");
            assertThat(f.missing().get(0).reason()).contains("attached dlc-deny-jobs to group dlc-users (user li.qiang is in it)")
                    .contains("attached to group dlc-users denies paidlc:GetJob");
        });
    }

    @Test
    void shouldCallADenialExplicitAndNameTheStatementWhenTheInventoryHoldsAnUnconditionalDenyThatMatchesIt() {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        for (InventoryRecord r : List.of(ramPolicy("dlc-job-viewer", VIEWER_V1), ramPolicy("dlc-deny-jobs", DENY_JOBS_V1),
                holds("user", "li.qiang", VIEWER, DENY_JOBS))) {
            d.accept(r);
        }
        List<Finding> out = new ArrayList<>();
        Trails.load("alibaba/regression-dlc-getjob-denied-after-success.json").forEach(e -> out.addAll(d.accept(e)));

        assertThat(ofKind(out, FindingKind.REGRESSION)).isEmpty();
        assertThat(ofKind(out, FindingKind.MISSING_GRANT)).isEmpty();
        assertThat(ofKind(out, FindingKind.EXPLICIT_DENY)).singleElement().satisfies(f ->
                assertThat(f.missing().get(0).reason()).contains("statement \"NoJobReads\" (#1) of policy dlc-deny-jobs (Custom) version v1")
                        .contains("Adding an Allow will not help"));
    }

    @Test
    void shouldKeepTheUnconditionalDenyOfAUserWhoseSnapshotCommandNamesThemWithShellMetacharactersUnquoted() {
        // ListPoliciesForUser --UserName eve$(touch …)`id`: the whole name holds guard (Deny eas:DeleteService), not "eve$(touch"
        List<Finding> out = allAfterSnapshot("alibaba/hostile-user-name-explicit-deny.json", "alibaba/hostile-user-name-snapshot.jsonl");

        assertThat(ofKind(out, FindingKind.MISSING_GRANT)).isEmpty();
        assertThat(ofKind(out, FindingKind.EXPLICIT_DENY)).singleElement().satisfies(f -> {
            assertThat(f.principal().name()).isEqualTo("eve$(touch /tmp/gw-fixture/PWNED_u)`id`");
            assertThat(f.missing().get(0).reason()).contains("\"NoDel\"").contains("guard");
        });
    }

    @Test
    void shouldGiveOneFindingListingEveryLostGrantOnceWhenOneDetachBreaksSeveralScenariosInUse() {
        List<Finding> out = detachWithInventory(ramPolicy("dlc-job-viewer", VIEWER_V1), holds("user", "li.qiang", VIEWER));

        assertThat(out.get(0).ranking()).as("his GetJob signals more than one DLC scenario").hasSizeGreaterThan(1);
        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.scenarioId()).isEqualTo(f.ranking().get(0).scenarioId());
            assertThat(f.missing()).extracting(m -> m.grant().key()).doesNotHaveDuplicates();
            assertThat(f.missing().get(0).reason()).contains("The same change also breaks");
        });
    }

    // ------------------------------------------------------------ Huawei IAM v5 bodies that name the principal by id only

    /** The trail after a snapshot of the official CLI's outputs ({@code inventory import}), as {@code scan --inventory} feeds them. */
    private static List<Finding> runAfterSnapshot(String fixture, String snapshot) {
        return ofKind(allAfterSnapshot(fixture, snapshot), FindingKind.PREDICTED_BREAKAGE);
    }

    private static List<Finding> allAfterSnapshot(String fixture, String snapshot) {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        try (InputStream in = DriftTrailsTest.class.getResourceAsStream("/fixtures/" + snapshot)) {
            Snapshots.Result r = Snapshots.read(snapshot, new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    Instant.parse("2026-12-01T00:00:00Z"), null);
            assertThat(r.problems()).isEmpty();
            r.records().forEach(d::accept);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Finding> out = new ArrayList<>();
        Trails.load(fixture).forEach(e -> out.addAll(d.accept(e)));
        return out;
    }

    @Test
    void shouldNameTheUserAModelArtsAgencyWasConfiguredForByNameWithTheIdInBrackets() {
        // CreateAuthorization {"user_id":"u-dave"} by dave himself; the snapshot knows u-dave's policies by id only
        List<Finding> out = ofKind(allAfterSnapshot("huawei/agency-configured-for-user-by-id.json", "huawei/agency-configured-snapshot.jsonl"),
                FindingKind.MISSING_GRANT);

        assertThat(out).isNotEmpty().allSatisfy(f -> {
            assertThat(f.principal().name()).isEqualTo("dave");
            assertThat(f.principal().id()).isEqualTo("u-dave");
            assertThat(f.missing().get(0).reason()).contains("configured for user dave (u-dave)");
        });
    }

    @Test
    void shouldListWhatTheScenarioKeepsOnADeletedAgencyAndResolveItsOverReach() {
        // ma_agency (obs:*:*, over the training rows) runs training; deleteAgencyV5 removes it
        List<Finding> out = allAfterSnapshot("huawei/drift-v5-delete-agency-over-reaching.json", "huawei/drift-v5-snapshot-wildcard-agency.jsonl");

        assertThat(ofKind(out, FindingKind.PREDICTED_BREAKAGE)).singleElement().satisfies(f -> assertThat(f.missing())
                .extracting(m -> m.grant().value()).contains("obs:object:GetObject", "obs:object:PutObject", "obs:bucket:ListBucket"));
        List<Finding> overReach = ofKind(out, FindingKind.OVER_REACH);
        assertThat(overReach).isNotEmpty();
        assertThat(overReach.get(overReach.size() - 1).status()).as("nothing is held by a deleted agency").isEqualTo(FindingStatus.RESOLVED);
    }

    @Test
    void shouldSayAResourceManagerDetachTookThePolicyWithinItsResourceGroupSoItIsRestoredThere() {
        List<Finding> out = runAfterSnapshot("alibaba/drift-resourcemanager-detach-in-resource-group.json",
                "alibaba/drift-resourcemanager-snapshot.jsonl");

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.principal().name()).isEqualTo("alice");
            assertThat(f.missing().get(0).grant()).isEqualTo(new Grant(GrantType.CUSTOM_POLICY, "eas-dev",
                    "rg/rg-acfmz7hqgtk4abc/Custom/IMSUser/alice@1234567890123456.onaliyun.com"));
        });
        // the snapshot lists eas-dev on alice account-wide (ListPoliciesForUser shows account-scope attachments): the detach
        // within the resource group takes nothing she holds everywhere
        assertThat(runAfterSnapshot("alibaba/drift-resourcemanager-detach-in-resource-group.json",
                "alibaba/drift-resourcemanager-snapshot-also-account-wide.jsonl")).isEmpty();
    }

    @Test
    void shouldNotOfferARollbackAsTheFixWhenTheNewVersionAlsoAddedWhatOthersUseAndADeny() {
        // v2 of eas-dev drops eas:DescribeService (alice uses it) but adds eas:DeleteService (bob uses it) and an MFA Deny
        List<Finding> out = runAfterSnapshot("alibaba/drift-new-version-adds-and-removes.json",
                "alibaba/drift-new-version-adds-and-removes-snapshot.jsonl");

        assertThat(out).filteredOn(f -> "alice".equals(f.principal().name())).singleElement().satisfies(f -> {
            MissingGrant policy = f.missing().get(0);
            assertThat(policy.grant().type()).isEqualTo(GrantType.CUSTOM_POLICY);
            assertThat(policy.grant().resource()).as("not a plain rollback").isEqualTo("changed/v1");
            assertThat(policy.reason()).contains("also added", "eas:DeleteService", "Deny", "from every holder of eas-dev");
            assertThat(f.missing()).extracting(m -> m.grant().value()).contains("eas:DescribeService");
            // v2's MFA Deny, conditional: carried so the fix warns that an Allow cannot override it when its Condition holds
            assertThat(f.knownDenies()).isNotEmpty().allSatisfy(d -> assertThat(d.conditional()).isTrue());
        });
    }

    @Test
    void shouldNotCallALossCertainWhenTheNewVersionAllowsTheActionOnItsResourceUnderACondition() {
        // v2 adds IpAddress acs:SourceIp 10.0.0.0/8 to the statement on services/svc1: the loss depends on the Condition
        List<Finding> out = runAfterSnapshot("alibaba/drift-new-version-adds-condition-on-resource.json",
                "alibaba/drift-resource-scoped-snapshot.jsonl");

        assertThat(out).isNotEmpty().allSatisfy(f -> {
            assertThat(f.missing()).noneMatch(m -> m.certainty() == Certainty.CERTAIN);
            assertThat(f.missing()).anySatisfy(m -> assertThat(m.reason()).contains("only under a Condition GrantWatch does not evaluate"));
        });
    }

    @Test
    void shouldCountANewPolicyVersionAsAnIamChange() throws IOException {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        try (InputStream in = DriftTrailsTest.class.getResourceAsStream("/fixtures/alibaba/drift-new-version-adds-and-removes-snapshot.jsonl")) {
            Snapshots.read("s.jsonl", new String(in.readAllBytes(), StandardCharsets.UTF_8), Instant.parse("2026-12-01T00:00:00Z"), null)
                    .records().forEach(d::accept);
        }
        Trails.load("alibaba/drift-new-version-adds-and-removes.json").forEach(d::accept);

        assertThat(d.counters().iamChanges()).as("CreatePolicyVersion changes no holder but is an IAM change").isEqualTo(1);
    }

    @Test
    void shouldGiveBackALostActionOnTheResourceTheLostStatementNamedNotOnEverything() {
        // eas-dev allowed eas:DescribeService / UpdateService on services/svc1 only; a detach, and a version moving it to svc2
        for (String trail : List.of("alibaba/drift-detach-resource-scoped-policy.json", "alibaba/drift-new-version-moves-resource.json")) {
            List<Finding> out = runAfterSnapshot(trail, "alibaba/drift-resource-scoped-snapshot.jsonl");
            assertThat(out).as(trail).isNotEmpty().allSatisfy(f -> assertThat(f.missing())
                    .filteredOn(m -> m.grant().type() == GrantType.ACTION && m.grant().value().startsWith("eas:"))
                    .isNotEmpty().allSatisfy(m -> assertThat(m.grant().resource()).isEqualTo("acs:eas:cn-hangzhou:1234567890123456:services/svc1")));
        }
    }

    @Test
    void shouldPredictForAUserTheSnapshotListsByIdWhenANewV5VersionDropsWhatTheyUsed() {
        // ListAttachedUserPoliciesV5 --user_id=u-dave lists p-3; dave (u-dave) ran CreateJobV2; createPolicyVersionV5 drops trainJob:create
        List<Finding> out = runAfterSnapshot("huawei/drift-v5-new-version-user-known-by-id.json",
                "huawei/drift-v5-snapshot-user-attachments-by-id.jsonl");

        assertThat(out).anySatisfy(f -> {
            assertThat(f.principal().name()).isEqualTo("dave");
            assertThat(f.missing().get(0).grant().resource()).isEqualTo("version/v1");
            // the one action his call is evidence of (CreateJobV2 names no action; the catalog maps it)
            assertThat(f.missing()).extracting(m -> m.grant().value()).contains("modelarts:trainJob:create");
        });
    }

    @Test
    void shouldPredictWhenAVersionCreatedWithoutSetAsDefaultIsMadeTheDefaultLater() {
        // the console's two steps: CreatePolicyVersion (SetAsDefault false, dropping DescribeService), then SetDefaultPolicyVersion v2
        List<Finding> out = runAfterSnapshot("alibaba/drift-version-created-then-made-default.json", "alibaba/drift-eas-dev-v1-snapshot.jsonl");

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.principal().name()).isEqualTo("alice");
            assertThat(f.change().action()).isEqualTo("SetDefaultPolicyVersion");
            assertThat(f.missing()).extracting(m -> m.grant().value()).contains("eas:DescribeService");
        });
    }

    @Test
    void shouldKeepWhatTheFirstOfTwoNewVersionsTookAndGoBackToTheVersionBeforeIt() {
        // v2 drops eas:DescribeService, v3 then drops eas:CreateService; alice used both
        List<Finding> out = runAfterSnapshot("alibaba/drift-two-new-versions-in-a-row.json", "alibaba/drift-eas-dev-shared-snapshot.jsonl");

        Finding last = out.stream().filter(f -> "alice".equals(f.principal().name())).reduce((a, b) -> b).orElseThrow();
        assertThat(last.missing()).extracting(m -> m.grant().value()).contains("eas:DescribeService", "eas:CreateService");
        assertThat(last.missing().get(0).grant().resource()).as("back to the version before the first change").isEqualTo("version/v1");
    }

    @Test
    void shouldNotSayADeletedRoleHeldThePolicyTheSeedGivesOnlyAsAnExample() {
        // seed 003 says to grant the DSW role policies "such as AliyunOSSFullAccess": an example, not what this role held
        assertThat(ofKind(run("alibaba/drift-deleterole-after-dsw-create-credentialconfig-object.json"), FindingKind.PREDICTED_BREAKAGE))
                .isNotEmpty().allSatisfy(f -> assertThat(f.missing()).noneMatch(m -> "AliyunOSSFullAccess".equals(m.grant().value())));
    }

    @Test
    void shouldNameAPolicyTheV5DetachGaveByIdOnlyByTheNameTheSnapshotKnows() {
        // detachAgencyPolicyV5 names policy p-1 and agency ag-111 by id only; the snapshot's GetPolicyV5 says p-1 is obs-train
        List<Finding> out = runAfterSnapshot("huawei/drift-v5-detach-policy-by-id-only.json", "huawei/drift-v5-snapshot-policy-named.jsonl");

        assertThat(ofKind(out, FindingKind.PREDICTED_BREAKAGE)).singleElement().satisfies(f -> {
            assertThat(f.missing().get(0).grant()).isEqualTo(new Grant(GrantType.CUSTOM_POLICY, "obs-train", "v5/agency/ag-111/p-1"));
            assertThat(f.missing().get(0).reason()).contains("removed obs-train, the policy with id p-1 from agency ma_agency");
        });
    }

    @Test
    void shouldResolveTheAgencyIdOfAV5DetachBodyThroughTheSnapshotAndNameTheObsActionsTheTrainingAgencyLoses() {
        // detachAgencyPolicyV5 body {"agency_id":"ag-111"}; the snapshot's GetAgencyV5 says ag-111 is ma_agency, whose session read OBS
        List<Finding> out = runAfterSnapshot("huawei/drift-v5-detach-agency-policy-by-agency-id.json",
                "huawei/drift-v5-snapshot-agency-and-user.jsonl");

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.principal().roleName()).isEqualTo("ma_agency");
            assertThat(f.scenarioId()).isEqualTo("modelarts.agency.training");
            assertThat(f.missing().get(0).reason()).contains("what obs-all (Custom) version v1 allowed")
                    .as("the trace's resource is the policy's name, its id p-1").doesNotContain("the policy with id obs-all");
            assertThat(f.missing().get(0).grant()).as("restored as detached: AttachAgencyPolicyV5 with the record's ids")
                    .isEqualTo(new Grant(GrantType.CUSTOM_POLICY, "obs-all", "v5/agency/ag-111/p-1"));
            assertThat(f.missing().subList(1, f.missing().size())).extracting(m -> m.grant().type()).containsOnly(GrantType.AGENCY_ACTION);
            assertThat(f.missing()).extracting(m -> m.grant().value()).contains("obs:object:GetObject");
        });
    }

    @Test
    void shouldPredictBreakageForAnAgencyWhoseNameHoldsShellMetacharactersAndSlashes() {
        // agency "ma;$(touch /tmp/…) `id`": its session's URN is assumed-agency:<that name>/sess1, cut at the last '/'
        List<Finding> out = runAfterSnapshot("huawei/drift-v5-detach-hostile-agency-name.json",
                "huawei/drift-v5-snapshot-hostile-agency-name.jsonl");

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.principal().roleName()).isEqualTo("ma;$(touch /tmp/gw-fixture/PWNED_h) `id`");
            assertThat(f.scenarioId()).isEqualTo("modelarts.agency.training");
            assertThat(f.missing()).extracting(m -> m.grant().value()).contains("obs:object:GetObject");
        });
    }

    @Test
    void shouldPredictWhatAUserLosesWhenRemovedFromTheGroupWhosePolicyGaveTheCallsTheyMade() {
        // alice holds nothing herself; group mlteam holds eas-dev (CreateService, DescribeService, DeleteService), then RemoveUserFromGroup
        List<Finding> out = runAfterSnapshot("alibaba/drift-remove-user-from-group.json", "alibaba/drift-remove-user-from-group-snapshot.jsonl");

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.principal().name()).isEqualTo("alice");
            assertThat(f.change().action()).isEqualTo("RemoveUserFromGroup");
            assertThat(f.missing().get(0).grant()).as("still the group's: the member is what to restore")
                    .isEqualTo(new Grant(GrantType.CUSTOM_POLICY, "eas-dev", "member/mlteam"));
            assertThat(f.missing().get(0).reason()).contains("removed user alice from group mlteam, which holds eas-dev");
            assertThat(f.missing().subList(1, f.missing().size())).extracting(m -> m.grant().value())
                    .contains("eas:CreateService", "eas:DescribeService");
        });
    }

    @Test
    void shouldPredictWhatAV5UserNamedByIdLosesWhenRemovedFromItsGroup() {
        // removeUserFromGroupV5 body {"user_id":"u-dave"}, the group (mlteam, g-ml) from the path; dave's CreateJobV2 carries his id
        List<Finding> out = runAfterSnapshot("huawei/drift-v5-remove-user-from-group.json", "huawei/drift-v5-snapshot-group-member-by-id.jsonl");

        assertThat(out).isNotEmpty().allSatisfy(f -> {
            assertThat(f.principal().name()).isEqualTo("dave");
            assertThat(f.missing().get(0).grant()).isEqualTo(new Grant(GrantType.CUSTOM_POLICY, "dave-obs", "member/mlteam"));
            assertThat(f.missing()).allSatisfy(m -> assertThat(m.holder()).isEqualTo(Holder.USER));
        });
    }

    @Test
    void shouldPredictBreakageForAGroupMemberTheSnapshotKnowsByIdWhenAV5PolicyIsDetachedFromTheGroup() {
        // detachGroupPolicyV5 body {"group_id":"g-ml"}; KeystoneListGroupsForUser --user_id=u-dave lists g-ml; dave's calls are by name
        List<Finding> out = runAfterSnapshot("huawei/drift-v5-detach-group-policy-member-by-id.json",
                "huawei/drift-v5-snapshot-group-member-by-id.jsonl");

        assertThat(out).isNotEmpty().allSatisfy(f -> {
            assertThat(f.principal().name()).isEqualTo("dave");
            assertThat(f.missing().get(0).grant().type()).isEqualTo(GrantType.CUSTOM_POLICY);
            assertThat(f.missing().get(0).grant().resource()).as("restored to the group, with the v5 ids the record carries")
                    .isEqualTo("v5/group/g-ml/p-2");
            assertThat(f.missing().get(0).reason()).contains("dave");
        });
    }

    @Test
    void shouldLearnAShortAgencyIdFromItsSessionsPrincipalIdWhenAV5DetachNamesItByIdOnly() {
        // no snapshot: ma_agency's session (principal_id ag-111:sess1) read OBS before detachAgencyPolicyV5 {"agency_id":"ag-111"}
        List<Finding> out = ofKind(run("huawei/drift-v5-detach-agency-policy-by-agency-id.json"), FindingKind.PREDICTED_BREAKAGE);

        assertThat(out).isNotEmpty().allSatisfy(f -> {
            assertThat(f.principal().roleName()).isEqualTo("ma_agency");
            assertThat(f.confidence()).isGreaterThan(DriftPredictor.UNRESOLVED_ID);
            assertThat(f.missing().get(0).reason()).doesNotContain("names the agency by the id ag-111 only");
        });
    }

    @Test
    void shouldSayTheAgencyIdIsUnknownInAPossibleFindingWhenNothingMapsItToANameWhileATrainingJobJustStarted() {
        // the same trail without the snapshot and without the agency's session (whose principal_id ag-111:sess1 would name it)
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        List<Finding> all = new ArrayList<>();
        Trails.load("huawei/drift-v5-detach-agency-policy-by-agency-id.json").stream()
                .filter(e -> e.principal().type() != io.grantwatch.model.PrincipalType.ASSUMED_AGENCY).forEach(e -> all.addAll(d.accept(e)));
        List<Finding> out = ofKind(all, FindingKind.PREDICTED_BREAKAGE);

        assertThat(out).isNotEmpty().allSatisfy(f -> {
            assertThat(f.scenarioId()).isEqualTo("modelarts.agency.training");
            assertThat(f.confidence()).isLessThanOrEqualTo(DriftPredictor.UNRESOLVED_ID);
            assertThat(f.missing().get(0).reason()).contains("names the agency by the id ag-111 only").contains("dave called");
            assertThat(f.missing().subList(1, f.missing().size())).allSatisfy(m -> assertThat(m.certainty()).isEqualTo(Certainty.POSSIBLE));
        });
    }

    @Test
    void shouldResolveTheUserIdOfAV5DetachBodyToTheUserWhoseCallsUsedThePolicyAndListOnlyUserGrants() {
        // detachUserPolicyV5 body {"user_id":"u-dave"}; dave's own calls carry both his id and his name
        List<Finding> out = runAfterSnapshot("huawei/drift-v5-detach-user-policy-by-user-id.json",
                "huawei/drift-v5-snapshot-agency-and-user.jsonl");

        assertThat(out).isNotEmpty().allSatisfy(f -> {
            assertThat(f.principal().name()).isEqualTo("dave");
            assertThat(f.missing().get(0).reason()).contains("what dave-obs (Custom) version v1 allowed");
            assertThat(f.missing()).as("a user holds actions, never an agency's").extracting(m -> m.grant().type())
                    .doesNotContain(GrantType.AGENCY_ACTION);
            assertThat(f.missing()).allSatisfy(m -> assertThat(m.holder()).isEqualTo(Holder.USER));
        });
    }

    @Test
    void shouldPredictBreakageForTheAgencyHoldingAV5PolicyWhoseNewDefaultVersionDropsTheObsReadItsSessionsMade() {
        // the snapshot knows p-1 as attached to agency ag-111 (= ma_agency); createPolicyVersionV5 drops obs:object:GetObject
        List<Finding> out = runAfterSnapshot("huawei/drift-v5-new-version-of-agency-policy.json", "huawei/drift-v5-snapshot-agency-policy.jsonl");

        assertThat(out).isNotEmpty().allSatisfy(f -> {
            assertThat(f.principal().roleName()).isEqualTo("ma_agency");
            assertThat(f.missing().subList(1, f.missing().size())).extracting(m -> m.grant().value()).contains("obs:object:GetObject")
                    .doesNotContain("obs:object:PutObject", "obs:bucket:ListBucket");
        });
    }

    @Test
    void shouldShowANewDefaultVersionAsTheCustomPolicyAndTheVersionThatWasInForce() {
        List<Finding> out = afterPolicyCall("CreatePolicyVersion", Map.of("PolicyName", "dlc-job-viewer", "SetAsDefault", "true",
                        "PolicyDocument", "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"paidlc:ListJobs\","
                                + "\"Resource\":\"*\"}]}"),
                ramPolicy("dlc-job-viewer", VIEWER_V1), holds("user", "li.qiang", VIEWER));

        // the policy is still attached: the fix restores version v1, never a re-attach of a "system policy"
        assertThat(out).isNotEmpty().allSatisfy(f -> assertThat(f.missing().get(0).grant())
                .isEqualTo(new Grant(GrantType.CUSTOM_POLICY, "dlc-job-viewer", "version/v1")));
    }

    @Test
    void shouldShowAPolicyDetachedFromAGroupAsHeldThroughThatGroup() {
        List<Finding> out = afterPolicyCall("DetachPolicyFromGroup", Map.of("PolicyType", "Custom", "PolicyName", "dlc-job-viewer",
                        "GroupName", "dlc-users"),
                ramPolicy("dlc-job-viewer", VIEWER_V1), groups("li.qiang", "dlc-users"), holds("group", "dlc-users", VIEWER));

        assertThat(out).isNotEmpty().allSatisfy(f -> assertThat(f.missing().get(0).grant())
                .isEqualTo(new Grant(GrantType.CUSTOM_POLICY, "dlc-job-viewer", "group/dlc-users")));
    }

    @Test
    void shouldPredictGroupWideFromWhoRecentlyUsedTheLostGrantsWhenACustomPolicyLeavesAGroupWithUnknownMembers() {
        // the inventory knows the group's policy and its document, not who is in the group
        List<Finding> out = afterPolicyCall("DetachPolicyFromGroup", Map.of("PolicyType", "Custom", "PolicyName", "dlc-job-viewer",
                        "GroupName", "dlc-users"),
                ramPolicy("dlc-job-viewer", VIEWER_V1), holds("group", "dlc-users", VIEWER));

        assertThat(out).isNotEmpty().allSatisfy(f -> {
            assertThat(f.principal().name()).isEqualTo("group/dlc-users");
            assertThat(f.confidence()).isLessThanOrEqualTo(DriftPredictor.GROUP_WIDE);
            assertThat(f.missing().get(0).reason()).contains("does not see who belongs to group dlc-users")
                    .contains("li.qiang").contains("may be members");
            assertThat(f.missing().subList(1, f.missing().size())).isNotEmpty()
                    .allSatisfy(m -> assertThat(m.certainty()).isEqualTo(Certainty.POSSIBLE));
        });
    }

    private static AuditEvent withParameters(AuditEvent e, Map<String, String> params) {
        return new AuditEvent(e.cloud(), e.eventId(), e.eventTime(), e.principal(), e.service(), e.action(), e.iamAction(), e.resource(),
                e.outcome(), e.explicitDeny(), e.errorCode(), e.errorMessage(), e.sourceIp(), e.region(), e.userAgent(), e.eventType(),
                params, e.source());
    }
}
