package io.grantwatch.detector;

import static io.grantwatch.detector.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.catalog.Holder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectionEngineTest {
    private final OfflineDetector detector = new OfflineDetector(DetectorSettings.defaults(), TestCatalog.lookup());

    private Finding only(FindingKind kind) {
        List<Finding> fs = detector.findings().stream().filter(f -> f.kind() == kind).toList();
        assertThat(fs).hasSize(1);
        return fs.get(0);
    }

    private static List<Grant> grants(Finding f) {
        return f.missing().stream().map(MissingGrant::grant).toList();
    }

    // ------------------------------------------------------------ DSW instance RAM role

    @Test
    void shouldInferPassRoleThenTrustAndRolePolicyWhenDswCreateInstanceDeniesPassRole() {
        Principal bob = Events.ramUser("bob");
        detector.accept(Events.dswPassRoleDenied(bob, T0));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("pai.dsw-role.custom");
        MissingGrant denied = f.missing().get(0);
        assertThat(denied.grant()).isEqualTo(new Grant(GrantType.PASS_ROLE, "ram:PassRole", "acs:ram:*:" + Events.ACCOUNT + ":role/pai-dsw-data"));
        assertThat(denied.certainty()).isEqualTo(Certainty.CERTAIN);
        assertThat(denied.holder()).isEqualTo(Holder.USER);
        assertThat(f.missing()).anySatisfy(m -> {
            assertThat(m.grant().type()).isEqualTo(GrantType.TRUST_PRINCIPAL);
            assertThat(m.grant().value()).isEqualTo("pai.aliyuncs.com");
            assertThat(m.grant().resource()).endsWith("role/pai-dsw-data");
            assertThat(m.holder()).isEqualTo(Holder.ROLE);
            assertThat(m.certainty()).isEqualTo(Certainty.LIKELY);
        });
        assertThat(f.missing()).anySatisfy(m -> {
            assertThat(m.grant()).isEqualTo(Grant.systemPolicy("AliyunOSSFullAccess"));
            assertThat(m.certainty()).isEqualTo(Certainty.POSSIBLE);
        });
        assertThat(f.ranking().get(0).scenarioId()).isEqualTo("pai.dsw-role.custom");
        assertThat(f.ranking()).extracting(c -> c.scenarioId()).contains("pai.dsw-role.update");
        assertThat(f.catalogVersion()).isEqualTo("test-1");
        assertThat(f.evidence().count()).isEqualTo(1);
    }

    @Test
    void shouldNameTrustPrincipalOnTheRoleWhenAssumeRoleFailedError() {
        Principal bob = Events.ramUser("bob");
        detector.accept(Events.event(bob, T0, "PaiDsw", "CreateInstance", null, Outcome.DENIED, "AssumeRoleFailedError",
                "AssumeRoleFailedError", null, Map.of("CredentialConfig", "{\"RoleArn\":\"acs:ram::" + Events.ACCOUNT + ":role/pai-dsw-data\"}")));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("pai.dsw-role.custom");
        MissingGrant first = f.missing().get(0);
        assertThat(first.grant()).isEqualTo(new Grant(GrantType.TRUST_PRINCIPAL, "pai.aliyuncs.com",
                "acs:ram::" + Events.ACCOUNT + ":role/pai-dsw-data"));
        assertThat(first.certainty()).isEqualTo(Certainty.CERTAIN);
        assertThat(first.holder()).isEqualTo(Holder.ROLE);
    }

    @Test
    void shouldNamePassRoleWhenPassRoleFailedErrorCarriesNoAction() {
        Principal bob = Events.ramUser("bob");
        detector.accept(Events.event(bob, T0, "PaiDsw", "CreateInstance", null, Outcome.DENIED, "PassRoleFailedError",
                "PassRoleFailedError", null, Map.of("CredentialConfig", "{\"RoleArn\":\"acs:ram::" + Events.ACCOUNT + ":role/ml\"}")));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("pai.dsw-role.custom");
        assertThat(f.missing().get(0).grant()).isEqualTo(new Grant(GrantType.PASS_ROLE, "ram:PassRole", "acs:ram::" + Events.ACCOUNT + ":role/ml"));
        assertThat(f.missing().get(0).certainty()).isEqualTo(Certainty.CERTAIN);
    }

    // ------------------------------------------------------------ PAI modules

    @Test
    void shouldSuggestEasSystemPolicyWhenEasCreateServiceDenied() {
        Principal carol = Events.ramUser("carol");
        detector.accept(Events.denied(carol, T0, "Eas", "CreateService", "eas:CreateService", "NoPermission"));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("pai.eas");
        assertThat(f.missing().get(0).grant()).isEqualTo(Grant.action("eas:CreateService"));
        assertThat(f.missing().get(0).systemPolicy()).isEqualTo("AliyunPAIEASFullAccess");
        assertThat(grants(f)).contains(new Grant(GrantType.ACTION, "oss:*", null), new Grant(GrantType.ACTION, "apigateway:*", null));
    }

    @Test
    void shouldNameWorkspaceRoleWhenDswRbacDenies() {
        Principal dave = Events.ramUser("dave");
        detector.accept(Events.denied(dave, T0, "PaiDsw", "ListInstances", null, "NoPermissionError"));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("pai.dsw");
        assertThat(f.missing().get(0).grant()).isEqualTo(new Grant(GrantType.WORKSPACE_ROLE, "PAI.AlgoDeveloper", null));
        assertThat(f.missing()).extracting(MissingGrant::certainty).contains(Certainty.POSSIBLE);
    }

    @Test
    void shouldFallBackToServiceWhenNothingMorePreciseMatches() {
        Principal erin = Events.ramUser("erin");
        detector.accept(Events.denied(erin, T0, "PaiDlc", "CreateJob", null, "Forbidden.RAM"));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("pai.dlc");
        assertThat(f.missing().get(0).certainty()).isEqualTo(Certainty.LIKELY);
        assertThat(f.confidence()).isLessThan(0.5);
    }

    @Test
    void shouldDropGrantsSeenUsedSuccessfully() {
        Principal carol = Events.ramUser("carol");
        detector.accept(Events.ok(carol, T0, "Oss", "GetObject", "oss:GetObject"));
        detector.accept(Events.denied(carol, T0.plusSeconds(60), "Eas", "CreateService", "eas:CreateService", "NoPermission"));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(grants(f)).doesNotContain(new Grant(GrantType.ACTION, "oss:*", null));
        assertThat(grants(f)).contains(new Grant(GrantType.ACTION, "apigateway:*", null));
    }

    // ------------------------------------------------------------ ModelArts scenarios and agency scopes

    @Test
    void shouldPickTrainingWhenCreateJobV2PrecededObsDenial() {
        Principal alice = Events.iamUser("alice");
        detector.accept(Events.ok(alice, T0, "ModelArts", "CreateJobV2", null));
        detector.accept(Events.denied(alice, T0.plusSeconds(60), "OBS", "getObject", "obs:object:GetObject", "403"));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("modelarts.training");
        assertThat(f.missing().get(0).grant()).isEqualTo(Grant.action("obs:object:GetObject"));
        assertThat(f.missing()).extracting(MissingGrant::grant).contains(Grant.action("obs:bucket:ListBucket"),
                Grant.action("obs:object:PutObject"), Grant.action("iam:agencies:listAgencies"));
        // modelarts:trainJob:* is covered by the CreateJobV2 success (API mapping → modelarts:trainJob:create).
        assertThat(f.missing()).extracting(MissingGrant::grant).doesNotContain(Grant.action("modelarts:trainJob:*"));
        assertThat(f.ranking().get(0).reasons()).anySatisfy(r -> assertThat(r).contains("recent call"));
        assertThat(f.ranking()).extracting(c -> c.scenarioId()).contains("modelarts.data.datasets", "modelarts.workflow.data");
    }

    @Test
    void shouldPickDatasetsWhenDatasetActivityPrecededSameDenial() {
        Principal alice = Events.iamUser("alice");
        detector.accept(Events.ok(alice, T0, "ModelArts", "CreateDataset", "modelarts:dataset:createDataset"));
        detector.accept(Events.denied(alice, T0.plusSeconds(60), "OBS", "getObject", "obs:object:GetObject", "403"));

        assertThat(only(FindingKind.MISSING_GRANT).scenarioId()).isEqualTo("modelarts.data.datasets");
    }

    @Test
    void shouldPickNotebookScenarioWhenNotebookCreateDenied() {
        Principal alice = Events.iamUser("alice");
        detector.accept(Events.denied(alice, T0, "ModelArts", "createNotebook", null, "403"));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("modelarts.devenv.notebook");
        assertThat(f.missing().get(0).grant()).isEqualTo(Grant.action("modelarts:notebook:create"));
        assertThat(f.missing()).hasSize(6);
    }

    @Test
    void shouldPutGrantsOnTheAgencyWhenModelArtsAgencyIsDenied() {
        Principal agency = Events.agency("ma-agency");
        detector.accept(Events.ok(agency, T0, "ModelArts", "ShowJobV2", "modelarts:trainJob:get"));
        detector.accept(Events.denied(agency, T0.plusSeconds(30), "OBS", "getObject", "obs:object:GetObject", "403"));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("modelarts.agency.training");
        assertThat(f.missing()).allSatisfy(m -> {
            assertThat(m.holder()).isEqualTo(Holder.AGENCY);
            assertThat(m.grant().type()).isEqualTo(GrantType.AGENCY_ACTION);
        });
        assertThat(f.missing().get(0).reason()).contains("the user who delegates must hold it too");
    }

    @Test
    void shouldPreferUserScopeOverAgencyScopeForAPlainUser() {
        Principal alice = Events.iamUser("alice");
        detector.accept(Events.denied(alice, T0, "OBS", "putObject", "obs:object:PutObject", "403"));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).doesNotStartWith("modelarts.agency.");
        assertThat(f.missing()).allSatisfy(m -> assertThat(m.grant().type()).isEqualTo(GrantType.ACTION));
    }

    @Test
    void shouldFallBackToSwrOnModelArtsWhenSwrDeniesWithoutAction() {
        Principal alice = Events.iamUser("alice");
        detector.accept(Events.denied(alice, T0, "SWR", "listRepositories", null, "403"));

        assertThat(only(FindingKind.MISSING_GRANT).scenarioId()).isEqualTo("modelarts.training");
    }

    // ------------------------------------------------------------ kinds

    @Test
    void shouldPointAtTheDenyNeverAtAnAllowWhenExplicitDeny() {
        Principal bob = Events.ramUser("bob");
        detector.accept(Events.explicitDeny(bob, T0, "Eas", "DeleteService", "eas:DeleteService"));

        Finding f = only(FindingKind.EXPLICIT_DENY);
        assertThat(f.missing()).hasSize(1);
        assertThat(f.missing().get(0).reason()).contains("explicit Deny").contains("Adding an Allow will not help");
        assertThat(f.missing().get(0).grant()).as("what was denied, not a system policy to add").isEqualTo(Grant.action("eas:DeleteService"));
        assertThat(f.scenarioId()).isEqualTo("pai.eas");
        assertThat(detector.findings()).noneMatch(x -> x.kind() == FindingKind.MISSING_GRANT);
    }

    @Test
    void shouldReportUnmappedDenialWhenNoCatalogEntryExplainsIt() {
        Principal bob = Events.ramUser("bob");
        detector.accept(Events.denied(bob, T0, "Ecs", "RunInstances", "ecs:RunInstances", "NoPermission"));

        Finding f = only(FindingKind.UNMAPPED_DENIAL);
        assertThat(f.scenarioId()).isNull();
        assertThat(f.missing().get(0).grant()).isEqualTo(Grant.action("ecs:RunInstances"));
        assertThat(detector.unmapped()).hasSize(1);
        assertThat(detector.counters().unmappedDenials()).isEqualTo(1);
    }

    @Test
    void shouldCollapseAStormOf300IdenticalDenialsIntoOneFindingEmittedSparsely() {
        Principal bob = Events.ramUser("bob");
        int emitted = 0;
        for (int i = 0; i < 300; i++) {
            emitted += detector.accept(Events.dswPassRoleDenied(bob, T0.plusMillis(100L * i))).size();
        }
        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.evidence().count()).isEqualTo(300);
        assertThat(f.evidence().eventIds()).hasSize(10);
        assertThat(f.evidence().lastSeen()).isEqualTo(T0.plusMillis(29_900));
        assertThat(emitted).isEqualTo(3); // counts 1, 10, 100
        assertThat(detector.findings()).hasSize(1);
    }

    @Test
    void shouldNotCountAResentEventTwiceWhenIngestDeliversItAgain() {
        Principal bob = Events.ramUser("bob");
        var denial = Events.dswPassRoleDenied(bob, T0);
        assertThat(detector.accept(denial)).hasSize(1);
        assertThat(detector.accept(denial)).isEmpty();
        detector.accept(Events.dswPassRoleDenied(bob, T0.plusSeconds(5)));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.evidence().count()).isEqualTo(2);
        assertThat(f.evidence().eventIds()).hasSize(2).contains(denial.eventId());
    }

    @Test
    void shouldResolveWithTimeToGrantWhenTheDeniedCallLaterSucceeds() {
        Principal bob = Events.ramUser("bob");
        detector.accept(Events.dswPassRoleDenied(bob, T0));
        detector.accept(Events.dswPassRoleDenied(bob, T0.plusSeconds(60)));
        List<Finding> out = detector.accept(Events.ok(bob, T0.plusSeconds(600), "PaiDsw", "CreateInstance", null));

        assertThat(out).hasSize(1);
        Finding f = out.get(0);
        assertThat(f.status()).isEqualTo(FindingStatus.RESOLVED);
        assertThat(f.resolvedAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(f.timeToGrant()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void shouldNotResolveWhenTheSuccessHappenedBeforeTheDenialButArrivedLater() {
        Principal bob = Events.ramUser("bob");
        detector.accept(Events.dswPassRoleDenied(bob, T0.plusSeconds(60)));
        List<Finding> out = detector.accept(Events.ok(bob, T0, "PaiDsw", "CreateInstance", null));

        assertThat(out).isEmpty();
        assertThat(only(FindingKind.MISSING_GRANT).status()).isEqualTo(FindingStatus.OPEN);
    }

    @Test
    void shouldEndAsInTimeOrderWhenTheSuccessOvertakesItsDenialWithinTheGrace() {
        Principal bob = Events.ramUser("bob");
        AuditEvent denial = Events.dswPassRoleDenied(bob, T0);
        AuditEvent success = Events.ok(bob, T0.plusSeconds(600), "PaiDsw", "CreateInstance", null);
        OfflineDetector inOrder = new OfflineDetector(DetectorSettings.defaults(), TestCatalog.lookup());
        List<Finding> ordered = new ArrayList<>(inOrder.accept(denial));
        ordered.addAll(inOrder.accept(success));

        assertThat(detector.accept(success)).isEmpty();
        List<Finding> out = detector.accept(denial);

        // The same versions as in time order: opened, then resolved by the later success.
        assertThat(out).extracting(Finding::id, Finding::status)
                .containsExactlyElementsOf(ordered.stream().map(f -> org.assertj.core.groups.Tuple.tuple(f.id(), f.status())).toList());
        assertThat(out).extracting(Finding::status).containsExactly(FindingStatus.OPEN, FindingStatus.RESOLVED);
        Finding resolved = out.get(1);
        assertThat(resolved.kind()).isEqualTo(FindingKind.MISSING_GRANT);
        assertThat(resolved.resolvedAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(resolved.timeToGrant()).isEqualTo(Duration.ofSeconds(600));
        assertThat(detector.findings()).singleElement().satisfies(f -> assertThat(f.status()).isEqualTo(FindingStatus.RESOLVED));
    }

    @Test
    void shouldKeepADenialOpenWhenTheOnlySuccessOfItsGrantCameBeforeIt() {
        Principal carol = Events.ramUser("carol");
        detector.accept(Events.ok(carol, T0, "Eas", "CreateService", "eas:CreateService"));
        List<Finding> out = detector.accept(Events.denied(carol, T0.plusSeconds(60), "Eas", "CreateService", "eas:CreateService",
                "NoPermission"));

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.REGRESSION);
            assertThat(f.status()).isEqualTo(FindingStatus.OPEN);
        });
    }

    @Test
    void shouldNotResolveAnExplicitDenyBySomethingOtherThanItsOwnActionSucceedingLater() {
        Principal dave = Events.ramUser("dave");
        detector.accept(Events.ok(dave, T0.plusSeconds(300), "Oss", "ListObjects", "oss:ListObjects"));
        List<Finding> out = detector.accept(Events.explicitDeny(dave, T0, "Oss", "GetObject", "oss:GetObject"));

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.EXPLICIT_DENY);
            assertThat(f.status()).isEqualTo(FindingStatus.OPEN);
        });
        List<Finding> later = detector.accept(Events.ok(dave, T0.plusSeconds(400), "Oss", "GetObject", "oss:GetObject"));
        assertThat(later).singleElement().satisfies(f -> assertThat(f.status()).isEqualTo(FindingStatus.RESOLVED));
    }

    @Test
    void shouldReopenWhenDeniedAgainAfterResolution() {
        Principal carol = Events.ramUser("carol");
        detector.accept(Events.denied(carol, T0, "Eas", "CreateService", "eas:CreateService", "NoPermission"));
        detector.accept(Events.ok(carol, T0.plusSeconds(60), "Eas", "CreateService", "eas:CreateService"));
        detector.accept(Events.denied(carol, T0.plusSeconds(120), "Eas", "CreateService", "eas:CreateService", "NoPermission"));

        Finding regression = only(FindingKind.REGRESSION);
        assertThat(regression.status()).isEqualTo(FindingStatus.OPEN);
        assertThat(only(FindingKind.MISSING_GRANT).status()).isEqualTo(FindingStatus.RESOLVED);
    }

    @Test
    void shouldFlagRegressionAndLinkTheChangeWhenAnActionThatSucceededIsDenied() {
        Principal carol = Events.ramUser("carol");
        Principal admin = Events.ramUser("admin");
        detector.accept(Events.ok(carol, T0, "Eas", "CreateService", "eas:CreateService"));
        detector.accept(Events.iamChange(admin, T0.plusSeconds(30), "Ram", "DetachPolicyFromUser",
                Map.of("UserName", "carol", "PolicyName", "AliyunPAIEASFullAccess", "PolicyType", "System")));
        detector.accept(Events.denied(carol, T0.plusSeconds(60), "Eas", "CreateService", "eas:CreateService", "NoPermission"));

        Finding f = only(FindingKind.REGRESSION);
        assertThat(f.change()).isNotNull();
        assertThat(f.change().action()).isEqualTo("DetachPolicyFromUser");
        assertThat(f.missing().get(0).reason()).contains("succeeded for this principal");
    }

    // ------------------------------------------------------------ drift

    @Test
    void shouldPredictBreakageNamingChangeActorAndWhatBreaksWhenPolicyDetachedFromActiveUser() {
        Principal carol = Events.ramUser("carol");
        Principal admin = Events.ramUser("admin");
        detector.accept(Events.ok(carol, T0, "Eas", "CreateService", "eas:CreateService"));
        List<Finding> out = detector.accept(Events.iamChange(admin, T0.plusSeconds(60), "Ram", "DetachPolicyFromUser",
                Map.of("UserName", "carol", "PolicyName", "AliyunPAIEASFullAccess", "PolicyType", "System")));

        assertThat(out).hasSize(1);
        Finding f = out.get(0);
        assertThat(f.kind()).isEqualTo(FindingKind.PREDICTED_BREAKAGE);
        assertThat(f.principal().name()).isEqualTo("carol");
        assertThat(f.scenarioId()).isEqualTo("pai.eas");
        assertThat(f.change().actor()).isEqualTo("admin");
        assertThat(f.change().action()).isEqualTo("DetachPolicyFromUser");
        assertThat(f.change().removed()).isEqualTo("AliyunPAIEASFullAccess");
        assertThat(f.missing().get(0).grant()).isEqualTo(Grant.systemPolicy("AliyunPAIEASFullAccess"));
    }

    @Test
    void shouldNotPredictBreakageWhenTheAffectedPrincipalIsNotActive() {
        Principal admin = Events.ramUser("admin");
        List<Finding> out = detector.accept(Events.iamChange(admin, T0, "Ram", "DetachPolicyFromUser",
                Map.of("UserName", "idle", "PolicyName", "AliyunPAIEASFullAccess", "PolicyType", "System")));

        assertThat(out).isEmpty();
        assertThat(detector.counters().iamChanges()).isEqualTo(1);
    }

    @Test
    void shouldResolveBreakageWhenThePolicyIsAttachedAgain() {
        Principal carol = Events.ramUser("carol");
        Principal admin = Events.ramUser("admin");
        detector.accept(Events.ok(carol, T0, "Eas", "CreateService", "eas:CreateService"));
        detector.accept(Events.iamChange(admin, T0.plusSeconds(60), "Ram", "DetachPolicyFromUser",
                Map.of("UserName", "carol", "PolicyName", "AliyunPAIEASFullAccess")));
        List<Finding> out = detector.accept(Events.iamChange(admin, T0.plusSeconds(120), "Ram", "AttachPolicyToUser",
                Map.of("UserName", "carol", "PolicyName", "AliyunPAIEASFullAccess")));

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.PREDICTED_BREAKAGE);
            assertThat(f.status()).isEqualTo(FindingStatus.RESOLVED);
            assertThat(f.timeToGrant()).isEqualTo(Duration.ofMinutes(1));
        });
    }

    @Test
    void shouldPredictBreakageWhenTheRoleTrustPolicyNoLongerNamesPai() {
        Principal role = Events.role("pai-dsw-data");
        Principal admin = Events.ramUser("admin");
        detector.accept(Events.ok(role, T0, "Oss", "GetObject", "oss:GetObject"));
        List<Finding> out = detector.accept(Events.iamChange(admin, T0.plusSeconds(60), "Ram", "UpdateRole",
                Map.of("RoleName", "pai-dsw-data", "NewAssumeRolePolicyDocument",
                        "{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\"ecs.aliyuncs.com\"]}}],"
                                + "\"Version\":\"1\"}")));

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.PREDICTED_BREAKAGE);
            assertThat(f.scenarioId()).isEqualTo("pai.dsw-role.custom");
            assertThat(f.missing().get(0).grant().type()).isEqualTo(GrantType.TRUST_PRINCIPAL);
            assertThat(f.missing().get(0).grant().value()).isEqualTo("pai.aliyuncs.com");
        });
    }

    @Test
    void shouldNotPredictBreakageWhenTheNewTrustPolicyStillNamesPai() {
        Principal role = Events.role("pai-dsw-data");
        Principal admin = Events.ramUser("admin");
        detector.accept(Events.ok(role, T0, "Oss", "GetObject", "oss:GetObject"));
        List<Finding> out = detector.accept(Events.iamChange(admin, T0.plusSeconds(60), "Ram", "UpdateRole",
                Map.of("RoleName", "pai-dsw-data", "NewAssumeRolePolicyDocument", "{\"Principal\":{\"Service\":[\"pai.aliyuncs.com\"]}}")));

        assertThat(out).isEmpty();
    }

    @Test
    void shouldPredictBreakageForAnActiveAgencyWhenItIsDeleted() {
        Principal agency = Events.agency("ma-agency");
        Principal admin = Events.iamUser("admin");
        detector.accept(Events.ok(agency, T0, "ModelArts", "ShowJobV2", "modelarts:trainJob:get"));
        detector.accept(Events.ok(agency, T0.plusSeconds(5), "OBS", "getObject", "obs:object:GetObject"));
        List<Finding> out = detector.accept(Events.event(admin, T0.plusSeconds(60), "IAM", "deleteAgency", null, Outcome.ALLOWED,
                null, null, "ma-agency", Map.of()));

        assertThat(out).isNotEmpty().allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.PREDICTED_BREAKAGE);
            assertThat(f.principal().roleName()).isEqualTo("ma-agency");
            assertThat(f.change().action()).isEqualTo("deleteAgency");
        });
        assertThat(out).extracting(Finding::scenarioId).contains("modelarts.agency.training");
    }

    @Test
    void shouldSayWhichScenariosNeedAPolicyDetachedFromAGroup() {
        Principal admin = Events.ramUser("admin");
        List<Finding> out = detector.accept(Events.iamChange(admin, T0, "Ram", "DetachPolicyFromGroup",
                Map.of("GroupName", "ml-team", "PolicyName", "AliyunPAIEASFullAccess", "PolicyType", "System")));

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.PREDICTED_BREAKAGE);
            assertThat(f.principal().name()).isEqualTo("group/ml-team");
            assertThat(f.confidence()).isLessThan(0.5);
        });
    }

    // ------------------------------------------------------------ time and bounds

    @Test
    void shouldCountButIgnoreEventsLaterThanTheGrace() {
        Principal bob = Events.ramUser("bob");
        detector.accept(Events.ok(bob, T0.plus(Duration.ofHours(2)), "PaiDsw", "ListInstances", null));
        List<Finding> out = detector.accept(Events.dswPassRoleDenied(bob, T0));

        assertThat(out).isEmpty();
        assertThat(detector.counters().late()).isEqualTo(1);
        assertThat(detector.state(bob.key() == null ? null : "alibaba:" + bob.key()).late()).isEqualTo(1);
    }

    @Test
    void shouldKeepStateBoundedWhateverTheNumberOfEvents() {
        Principal bob = Events.ramUser("bob");
        for (int i = 0; i < 5_000; i++) {
            detector.accept(Events.ok(bob, T0.plusSeconds(i), "Oss", "GetObject" + (i % 700), "oss:GetObject" + (i % 700)));
        }
        PrincipalState s = detector.state("alibaba:" + bob.key());
        assertThat(s.recent()).hasSizeLessThanOrEqualTo(200);
        assertThat(s.succeeded()).hasSizeLessThanOrEqualTo(500);
        assertThat(s.recent().get(0).time()).isAfterOrEqualTo(T0.plusSeconds(4_999).minus(Duration.ofHours(1)));
    }

    @Test
    void shouldEmitOnlyOnMilestonesAfterTheFirst() {
        assertThat(DetectionEngine.milestone(1)).isFalse();
        assertThat(DetectionEngine.milestone(9)).isFalse();
        assertThat(DetectionEngine.milestone(10)).isTrue();
        assertThat(DetectionEngine.milestone(100)).isTrue();
        assertThat(DetectionEngine.milestone(300)).isFalse();
        assertThat(DetectionEngine.milestone(1000)).isTrue();
    }

    @Test
    void shouldGiveTheSameIdToTheSameDenialWhateverTheObject() {
        Principal alice = Events.iamUser("alice");
        AuditEvent a = Events.event(alice, T0, "OBS", "getObject", "obs:object:GetObject", Outcome.DENIED, "403", "denied",
                "obs:cn-north-4:d:object:bucket/a.csv", Map.of());
        AuditEvent b = Events.event(alice, T0.plusSeconds(1), "OBS", "getObject", "obs:object:GetObject", Outcome.DENIED, "403", "denied",
                "obs:cn-north-4:d:object:bucket/b.csv", Map.of());
        detector.accept(a);
        detector.accept(b);
        assertThat(only(FindingKind.MISSING_GRANT).evidence().count()).isEqualTo(2);
    }

    @Test
    void shouldPredictBreakageWhenTheScenarioWasUsedHoursAgoWithinTheDriftHorizon() {
        Principal carol = Events.ramUser("carol");
        Principal root = Events.ramUser("root");
        detector.accept(Events.ok(carol, T0, "eas", "UpdateService", "eas:UpdateService"));
        List<Finding> out = detector.accept(Events.iamChange(root, T0.plus(Duration.ofHours(2)), "Ram", "DetachPolicyFromUser",
                Map.of("UserName", "carol", "PolicyName", "AliyunPAIEASFullAccess", "PolicyType", "System")));

        assertThat(out).singleElement().extracting(Finding::kind).isEqualTo(FindingKind.PREDICTED_BREAKAGE);
    }

    @Test
    void shouldReadTheServiceFromTheNameOfASystemPolicyTheCatalogDoesNotList() {
        Principal agency = Events.agency("modelarts_agency");
        Principal admin = Events.iamUser("admin");
        detector.accept(Events.ok(agency, T0, "ModelArts", "ShowJobV2", "modelarts:trainJob:get"));
        detector.accept(Events.ok(agency, T0, "OBS", "getObject", "obs:object:GetObject"));
        List<Finding> out = detector.accept(Events.event(admin, T0.plusSeconds(60), "IAM", "detachAgencyPolicyV5", null, Outcome.ALLOWED,
                null, null, "modelarts_agency", Map.of("policy_name", "OBS OperateAccess", "agency_id", "a9f8")));

        assertThat(out).isNotEmpty().allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.PREDICTED_BREAKAGE);
            assertThat(f.missing().get(0).grant()).isEqualTo(Grant.systemPolicy("OBS OperateAccess"));
            assertThat(f.missing().get(1).certainty()).isEqualTo(Certainty.POSSIBLE);
            assertThat(f.missing().get(0).reason()).contains("by its name");
        });
    }

    @Test
    void shouldGuessTheCoveredServiceFromSystemPolicyNames() {
        assertThat(SystemPolicies.guessCover(io.grantwatch.model.Cloud.ALIBABA, "AliyunOSSFullAccess")).isEqualTo("oss:*");
        assertThat(SystemPolicies.guessCover(io.grantwatch.model.Cloud.HUAWEI, "OBS OperateAccess")).isEqualTo("obs:*");
        assertThat(SystemPolicies.guessCover(io.grantwatch.model.Cloud.ALIBABA, "AliyunPAIEASFullAccess")).as("EAS RAM code").isEqualTo("eas:*");
        assertThat(SystemPolicies.guessCover(io.grantwatch.model.Cloud.HUAWEI, "Tenant Administrator")).isNull();
        assertThat(SystemPolicies.guessCover(io.grantwatch.model.Cloud.ALIBABA, "my-custom")).isNull();
    }

    @Test
    void shouldPickTheAgencyTrainingScopeWhenAPersonOfTheAccountStartedATrainingJob() {
        Principal dave = Events.iamUser("dave");
        Principal agency = Events.agency("modelarts_agency");
        detector.accept(Events.ok(dave, T0, "ModelArts", "CreateJobV2", null));
        detector.accept(Events.denied(agency, T0.plusSeconds(100), "OBS", "getObject", "obs:object:GetObject", "AccessDenied"));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("modelarts.agency.training");
        assertThat(f.ranking().get(0).reasons()).anySatisfy(r -> assertThat(r).contains("dave").contains("runs under this agency"));
    }

    @Test
    void shouldIgnoreAnotherAccountsActivityForAnAgencyDenial() {
        Principal other = new Principal(io.grantwatch.model.PrincipalType.USER, "x", "dave", "other-domain", null, null, null, null);
        Principal agency = Events.agency("modelarts_agency");
        detector.accept(Events.event(other, T0, "ModelArts", "CreateJobV2", null, Outcome.ALLOWED, null, null, null, Map.of()));
        detector.accept(Events.event(agency, T0.plusSeconds(100), "OBS", "getObject", "obs:object:GetObject", Outcome.DENIED,
                "AccessDenied", "denied", null, Map.of()));

        Finding f = only(FindingKind.MISSING_GRANT);
        assertThat(f.ranking().get(0).reasons()).noneSatisfy(r -> assertThat(r).contains("runs under this agency"));
    }
}
