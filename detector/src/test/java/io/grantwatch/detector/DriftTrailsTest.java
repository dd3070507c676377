package io.grantwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.MissingGrant;
import java.util.ArrayList;
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
    void shouldStaySilentWhenTheNewTrustPolicyStillLetsPaiAssumeTheRole() {
        List<AuditEvent> trail = new ArrayList<>(Trails.load("alibaba/drift-updaterole-trust-after-dsw-create.json"));
        AuditEvent update = trail.remove(trail.size() - 1);
        Map<String, String> params = new java.util.HashMap<>(update.parameters());
        params.put("NewAssumeRolePolicyDocument", "{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"Service\":[\"pai.aliyuncs.com\",\"ecs.aliyuncs.com\"]}}],\"Version\":\"1\"}");
        trail.add(withParameters(update, params));
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        trail.forEach(d::accept);

        assertThat(d.findings()).isEmpty();
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
                    new Grant(GrantType.AGENCY_ACTION, "obs:object:GetObject", null), new Grant(GrantType.AGENCY_ACTION, "obs:object:PutObject", null));
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
                .contains("no longer lets service.ModelArts assume").contains("(it trusts no service principal)"));
    }

    private static AuditEvent withParameters(AuditEvent e, Map<String, String> params) {
        return new AuditEvent(e.cloud(), e.eventId(), e.eventTime(), e.principal(), e.service(), e.action(), e.iamAction(), e.resource(),
                e.outcome(), e.explicitDeny(), e.errorCode(), e.errorMessage(), e.sourceIp(), e.region(), e.userAgent(), e.eventType(),
                params, e.source());
    }
}
