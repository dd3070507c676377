package io.grantwatch.alerts.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.alerts.TestFindings;
import io.grantwatch.alerts.remediation.Plan.EntityKind;
import io.grantwatch.alerts.remediation.Plan.SystemPolicyRole;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Finding;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.catalog.Holder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decisions of a remediation, before any rendering. */
class PlannerTest {
    private final RemediationPlanner planner = new RemediationPlanner();

    private static Finding withMissing(Finding f, MissingGrant... extra) {
        List<MissingGrant> missing = new ArrayList<>(f.missing());
        missing.addAll(List.of(extra));
        return new Finding(f.id(), f.kind(), f.status(), f.cloud(), f.principal(), f.scenarioId(), f.scenarioTitle(), missing,
                f.confidence(), f.ranking(), f.evidence(), f.change(), f.catalogVersion(), f.resolvedAt(), f.timeToGrant(), f.updatedAt());
    }

    @Test
    void shouldGrantDeniedActionToDeniedUserOnObjectFolderWhenOssObjectDenied() {
        Plan p = planner.decide(TestFindings.ossGetObject());
        assertThat(p.subject().kind()).isEqualTo(EntityKind.USER);
        assertThat(p.grants().get(0).to()).isEqualTo(p.subject());
        assertThat(p.grants().get(0).actions()).containsExactly("oss:GetObject");
        assertThat(p.grants().get(0).resources()).containsExactly("acs:oss:*:*:training-data/datasets/*");
        assertThat(p.grants().get(0).certainty()).isEqualTo(Certainty.CERTAIN);
        // the seed's other grant is on the bucket, not widened to "*"
        assertThat(p.grants().get(1).actions()).containsExactly("oss:ListObjects");
        assertThat(p.grants().get(1).resources()).containsExactly("acs:oss:*:*:training-data");
        assertThat(p.systemPolicies()).singleElement().satisfies(s -> assertThat(s.role()).isEqualTo(SystemPolicyRole.COARSE_ALTERNATIVE));
    }

    @Test
    void shouldSendFederatedUsersDenialToItsIdentityProviderMappingWhenExternalUser() {
        Plan p = planner.decide(TestFindings.federatedObs());
        assertThat(p.subject().kind()).isEqualTo(EntityKind.IDP_MAPPING);
        assertThat(p.subject().name()).isEqualTo("corp-idp");
        assertThat(p.grants()).allSatisfy(g -> assertThat(g.to().kind()).isEqualTo(EntityKind.IDP_MAPPING));
    }

    @Test
    void shouldReviewAndGrantNothingWhenRootAccountDenied() {
        Plan p = planner.decide(TestFindings.rootDenied());
        assertThat(p.subject().kind()).isEqualTo(EntityKind.ACCOUNT);
        assertThat(p.grantsNothing()).isTrue();
        assertThat(p.denyReview()).isNotNull();
        assertThat(p.denyReview().resource()).isEqualTo("acs:oss:*:" + TestFindings.UID + ":training-data/a.csv");
    }

    @Test
    void shouldLeaveTrustAloneWhenOnlyPassRoleWasDenied() {
        Finding f = withMissing(TestFindings.passRole(), new MissingGrant(new Grant(GrantType.TRUST_PRINCIPAL, "pai.aliyuncs.com",
                "acs:ram::" + TestFindings.UID + ":role/DswOssRole"), Certainty.LIKELY, Holder.ROLE, "t", "trust", null, SeedCitations.ASSUME_ROLE));
        Plan p = planner.decide(f);
        assertThat(p.trust()).isEmpty();
        assertThat(p.notes()).anySatisfy(n -> assertThat(n).startsWith("Check, do not change yet").contains("AssumeRoleFailedError"));
        assertThat(p.grants()).singleElement().satisfies(g -> assertThat(g.resources()).containsExactly("acs:ram::*:role/DswOssRole"));
    }

    @Test
    void shouldChangeTrustWhenAssumeRoleFailed() {
        Plan p = planner.decide(TestFindings.assumeRole());
        assertThat(p.trust()).singleElement().satisfies(t -> {
            assertThat(t.role()).isEqualTo("DswOssRole");
            assertThat(t.service()).isEqualTo("pai.aliyuncs.com");
            assertThat(t.current()).isNull();
        });
    }

    @Test
    void shouldGrantDeniedActionAndKeepSystemPolicyAsCoarseAlternativeWhenSeedNamesOne() {
        Plan p = planner.decide(TestFindings.easFullAccess());
        assertThat(p.grants()).singleElement().satisfies(g -> assertThat(g.actions()).containsExactly("eas:CreateService"));
        assertThat(p.systemPolicies()).singleElement().satisfies(s -> {
            assertThat(s.policy()).isEqualTo("AliyunPAIEASFullAccess");
            assertThat(s.role()).isEqualTo(SystemPolicyRole.COARSE_ALTERNATIVE);
        });
    }

    @Test
    void shouldAttachSystemPolicyAsTheFixWhenSeedNamesItAndNoActionWasDenied() {
        Finding base = TestFindings.unmapped();
        Citation mc = new Citation(SeedCitations.PAI_SEED, "MaxCompute の有効化");
        Finding f = new Finding(base.id(), io.grantwatch.model.FindingKind.MISSING_GRANT, base.status(), base.cloud(), base.principal(),
                "pai.designer.maxcompute-activation", "Activate MaxCompute", List.of(
                        new MissingGrant(Grant.systemPolicy("AliyunBSSOrderAccess"), Certainty.CERTAIN, Holder.USER, "a", "r", null, mc),
                        new MissingGrant(Grant.systemPolicy("AliyunDataWorksFullAccess"), Certainty.LIKELY, Holder.USER, "b", "r", null, mc)),
                1, List.of(), null, null, "v", null, null, base.updatedAt());
        Plan p = planner.decide(f);
        assertThat(p.grants()).isEmpty();
        assertThat(p.systemPolicies()).extracting(Plan.SystemPolicyGrant::policy, Plan.SystemPolicyGrant::role).containsExactly(
                org.assertj.core.groups.Tuple.tuple("AliyunBSSOrderAccess", SystemPolicyRole.REQUIRED),
                org.assertj.core.groups.Tuple.tuple("AliyunDataWorksFullAccess", SystemPolicyRole.REQUIRED));
    }

    @Test
    void shouldNotGrantWildcardWhenNoSeedPrintsIt() {
        Finding f = withMissing(TestFindings.ossGetObject(), new MissingGrant(Grant.action("nas:*"), Certainty.LIKELY, Holder.USER, "n", "r",
                null, new Citation("alibaba-ram-reference", "NAS", "https://www.alibabacloud.com/help/en/nas")));
        Plan p = planner.decide(f);
        assertThat(p.grants()).flatExtracting(Plan.PolicyGrant::actions).doesNotContain("nas:*");
        assertThat(p.notes()).anySatisfy(n -> assertThat(n).contains("nas:* is a wildcard that no seed prints"));
    }

    @Test
    void shouldKeepWildcardWhenTheSeedPrintsIt() {
        Finding f = withMissing(TestFindings.trainJobCreate(), new MissingGrant(Grant.action("modelarts:trainJob:*"), Certainty.LIKELY,
                Holder.USER, "w", "r", null, new Citation(SeedCitations.MODELARTS_SEED, "功能依赖")));
        assertThat(planner.decide(f).grants()).flatExtracting(Plan.PolicyGrant::actions).contains("modelarts:trainJob:*");
    }

    @Test
    void shouldGrantTheAgencyAndTheDeniedAgencyWhenAgencySessionDenied() {
        Plan p = planner.decide(TestFindings.agencyObs());
        assertThat(p.subject().kind()).isEqualTo(EntityKind.AGENCY);
        assertThat(p.grants()).allSatisfy(g -> assertThat(g.to()).isEqualTo(p.subject()));
    }

    @Test
    void shouldKeepPossibleGrantsOutOfThePlanWhenTheSeedQualifiesThem() {
        Finding f = withMissing(TestFindings.ossGetObject(), new MissingGrant(Grant.systemPolicy("AliyunOSSFullAccess"), Certainty.POSSIBLE,
                Holder.USER, "p", "r", "AliyunOSSFullAccess", SeedCitations.PAI_DEPENDENCIES));
        Plan p = planner.decide(f);
        assertThat(p.systemPolicies()).extracting(Plan.SystemPolicyGrant::policy).doesNotContain("AliyunOSSFullAccess");
        assertThat(p.notes()).anySatisfy(n -> assertThat(n).startsWith("May also be needed").contains("AliyunOSSFullAccess"));
    }

    private static Finding withEvidenceCode(Finding f, String code, List<MissingGrant> missing) {
        io.grantwatch.model.Evidence e = f.evidence();
        return new Finding(f.id(), f.kind(), f.status(), f.cloud(), f.principal(), f.scenarioId(), f.scenarioTitle(), missing,
                f.confidence(), f.ranking(), new io.grantwatch.model.Evidence(e.eventIds(), e.firstSeen(), e.lastSeen(), e.count(),
                e.service(), e.api(), e.deniedAction(), e.resource(), code, e.errorMessage()), f.change(), f.catalogVersion(),
                f.resolvedAt(), f.timeToGrant(), f.updatedAt());
    }

    @Test
    void shouldGrantTheDeniedCallFirstWhenTheCatalogOnlyOffersAnExamplePolicy() {
        // seed 000 gives AliyunPAIEASFullAccess as 例: a qualified, POSSIBLE match — the refusal itself is still evidence
        Finding f = withEvidenceCode(TestFindings.easFullAccess(), "NoPermission", List.of(new MissingGrant(
                Grant.systemPolicy("AliyunPAIEASFullAccess"), Certainty.POSSIBLE, Holder.USER, "pai.eas/policy", "r", "AliyunPAIEASFullAccess",
                SeedCitations.PAI_DEPENDENCIES)));
        Plan p = planner.decide(f);
        assertThat(p.grants().get(0).actions()).containsExactly("eas:CreateService");
        assertThat(p.grants().get(0).certainty()).isEqualTo(Certainty.CERTAIN);
        assertThat(p.systemPolicies()).isEmpty();
        assertThat(p.notes()).anySatisfy(n -> assertThat(n).startsWith("May also be needed").contains("AliyunPAIEASFullAccess"));
    }

    @Test
    void shouldAnswerWithWorkspaceMembershipNotRamWhenPaiRefusesWithNoPermissionError() {
        Finding f = withEvidenceCode(TestFindings.maxComputeDeveloper(), "NoPermissionError", List.of(
                new MissingGrant(new Grant(GrantType.WORKSPACE_ROLE, "PAI.AlgoDeveloper", null), Certainty.POSSIBLE, Holder.USER, "w1", "r",
                        null, SeedCitations.PAI_DEPENDENCIES),
                new MissingGrant(new Grant(GrantType.WORKSPACE_ROLE, "PAI.WorkspaceGuest", null), Certainty.POSSIBLE, Holder.USER, "w2", "r",
                        null, SeedCitations.PAI_DEPENDENCIES)));
        Plan p = planner.decide(f);
        assertThat(p.grants()).isEmpty();
        assertThat(p.workspaceRoles()).singleElement().satisfies(w -> {
            assertThat(w.member()).isEqualTo(p.subject());
            assertThat(w.role()).as("a choice among the seed's roles").isNull();
            assertThat(w.workspace()).isEqualTo("640957");
        });
    }

    @Test
    void shouldInferTheActionFromTheApiAndSayItIsInferredWhenTheSeedLeavesTheServiceOpen() {
        Finding base = TestFindings.unmapped();
        io.grantwatch.model.Evidence e = new io.grantwatch.model.Evidence(List.of("e1"), base.updatedAt(), base.updatedAt(), 1, "cr",
                "ListRepository", null, null, "Forbidden.RAM", "User not authorized to operate on the specified resource.");
        Finding f = new Finding(base.id(), io.grantwatch.model.FindingKind.MISSING_GRANT, base.status(), base.cloud(), base.principal(),
                "pai.asset-management.container-registry", "CR", List.of(new MissingGrant(new Grant(GrantType.DENIED_ACTION, "cr", null),
                Certainty.POSSIBLE, Holder.USER, "cr", "r", null, SeedCitations.PAI_DEPENDENCIES)), 1, List.of(), e, null, "v", null, null,
                base.updatedAt());
        Plan p = planner.decide(f);
        assertThat(p.grants()).singleElement().satisfies(g -> {
            assertThat(g.actions()).containsExactly("cr:ListRepository");
            assertThat(g.certainty()).isEqualTo(Certainty.LIKELY);
        });
        assertThat(p.notes()).anySatisfy(n -> assertThat(n).contains("inferred from the API name"));
    }

    @Test
    void shouldFixTheRolesTrustWhenTheRootAccountHitAssumeRoleFailed() {
        Finding f = TestFindings.assumeRole();
        Finding root = new Finding(f.id(), f.kind(), f.status(), f.cloud(), TestFindings.rootDenied().principal(), f.scenarioId(),
                f.scenarioTitle(), f.missing(), f.confidence(), f.ranking(), f.evidence(), f.change(), f.catalogVersion(), f.resolvedAt(),
                f.timeToGrant(), f.updatedAt());
        Plan p = planner.decide(root);
        assertThat(p.denyReview()).isNull();
        assertThat(p.trust()).singleElement().satisfies(t -> assertThat(t.role()).isEqualTo("DswOssRole"));
        assertThat(p.grants()).isEmpty();
    }

    @Test
    void shouldPointAtTheAgencyScopeWithoutGrantingItWhenTheUsersOwnCallWasDenied() {
        Finding f = withMissing(TestFindings.obsGetObject(), new MissingGrant(new Grant(GrantType.AGENCY_ACTION, "obs:object:PutObject", null),
                Certainty.LIKELY, Holder.AGENCY, "ag", "r", null, new Citation(SeedCitations.MODELARTS_SEED, "委托授权")));
        Plan p = planner.decide(f);
        assertThat(p.grants()).allSatisfy(g -> assertThat(g.to().kind()).isEqualTo(EntityKind.USER));
        assertThat(p.notes()).anySatisfy(n -> assertThat(n).contains("ModelArts agency may also need obs:object:PutObject"));
    }

    @Test
    void shouldCutTheFolderBeforeAWildcardCharacterWhenTheObjectKeyHoldsOne() {
        assertThat(Resources.prefix("data/2026 q1/it's/x.csv")).isEqualTo("data/2026 q1/it's/");
        assertThat(Resources.prefix("data/a*b/x.csv")).isEqualTo("data/a");
        assertThat(Resources.prefix("data/$HOME/x")).isEqualTo("data/");
        assertThat(Resources.prefix("x.csv")).isEmpty();
    }

    @Test
    void shouldKeepTheRolesAccountForRamActionsOtherThanPassRole() {
        io.grantwatch.model.Evidence ev = new io.grantwatch.model.Evidence(List.of("e"), null, null, 1, "Ram", "GetRole", "ram:GetRole",
                "acs:ram::" + TestFindings.UID + ":role/DswOssRole", "NoPermission", "denied");
        assertThat(Resources.narrow(io.grantwatch.model.Cloud.ALIBABA, "ram:GetRole", null, ev))
                .containsExactly("acs:ram::" + TestFindings.UID + ":role/DswOssRole");
        assertThat(Resources.narrow(io.grantwatch.model.Cloud.ALIBABA, "ram:PassRole", "acs:ram::" + TestFindings.UID + ":role/DswOssRole", ev))
                .containsExactly("acs:ram::*:role/DswOssRole");
    }

    @Test
    void shouldGrantOnlyTheRefusedCallWhenTheFeatureIsAGuess() {
        Finding f = TestFindings.ossGetObject();
        Finding guess = new Finding(f.id(), f.kind(), f.status(), f.cloud(), f.principal(), f.scenarioId(), f.scenarioTitle(), f.missing(),
                0.37, f.ranking(), f.evidence(), f.change(), f.catalogVersion(), f.resolvedAt(), f.timeToGrant(), f.updatedAt());
        Plan p = planner.decide(guess);
        assertThat(p.grants()).flatExtracting(Plan.PolicyGrant::actions).containsExactly("oss:GetObject");
        assertThat(p.notes()).anySatisfy(n -> assertThat(n).contains("a guess at confidence 0.37").contains("oss:ListObjects"));
    }

    @Test
    void shouldAcceptObjectNamesWithSpacesButNoControlCharactersWhenCheckingResources() throws Exception {
        com.fasterxml.jackson.databind.JsonNode ok = RamRendererTest.parse("""
                {"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Resource":["acs:oss:*:*:b/O'Brien data/*"]}]}""");
        assertThat(PolicyGrammar.ram(ok, false)).isEmpty();
        com.fasterxml.jackson.databind.JsonNode bad = RamRendererTest.parse("""
                {"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Resource":["acs:oss:*:*:b/x\\u0007/*"]}]}""");
        assertThat(PolicyGrammar.ram(bad, false)).isNotEmpty();
    }

    private static Finding denial(Finding base, String action, String resource, MissingGrant... missing) {
        io.grantwatch.model.Evidence e = new io.grantwatch.model.Evidence(List.of("e1"), base.updatedAt(), base.updatedAt(), 1, "Ram",
                "Api", action, resource, "NoPermission", "denied");
        return new Finding(base.id(), io.grantwatch.model.FindingKind.MISSING_GRANT, base.status(), base.cloud(), base.principal(), "s", "S",
                List.of(missing), 1, List.of(), e, null, "v", null, null, base.updatedAt());
    }

    @Test
    void shouldNameButNotGrantAnIdentityWriteWhenNoSeedListsIt() {
        Finding f = denial(TestFindings.ossGetObject(), "ram:UpdateRole", "acs:ram::" + TestFindings.UID + ":role/pai-dsw-data",
                new MissingGrant(Grant.action("ram:UpdateRole"), Certainty.CERTAIN, Holder.USER, "x", "r", null,
                        Citation.vendor("alibaba-ram-reference", "UpdateRole", "https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-updaterole")));
        Plan p = planner.decide(f);
        assertThat(p.grants()).isEmpty();
        assertThat(p.notes()).anySatisfy(n -> assertThat(n).startsWith("Not granted: ram:UpdateRole").contains("privilege escalation"));
    }

    @Test
    void shouldGrantAnIdentityWriteWhenTheSeedListsItForTheFeature() {
        Finding base = TestFindings.obsGetObject();
        Finding f = new Finding(base.id(), base.kind(), base.status(), base.cloud(), base.principal(), "modelarts.data.team-labeling", "T",
                List.of(new MissingGrant(Grant.action("iam:agencies:createAgency"), Certainty.CERTAIN, Holder.USER, "t", "r", null,
                        new Citation(SeedCitations.MODELARTS_SEED, "功能依赖"))), 1, List.of(), new io.grantwatch.model.Evidence(List.of("e"),
                base.updatedAt(), base.updatedAt(), 1, "IAM", "createAgency", "iam:agencies:createAgency", null, "403", "denied"), null, "v",
                null, null, base.updatedAt());
        assertThat(planner.decide(f).grants()).flatExtracting(Plan.PolicyGrant::actions).containsExactly("iam:agencies:createAgency");
    }

    @Test
    void shouldAskForTheResourceNeverWidenToEverythingWhenTheRecordsBucketIsUnusable() {
        Finding f = denial(TestFindings.ossGetObject(), "oss:GetObject", "acs:oss:*:" + TestFindings.UID + ":Bad_Bucket!/x",
                new MissingGrant(Grant.action("oss:GetObject"), Certainty.CERTAIN, Holder.USER, "x", "r", null, SeedCitations.PAI_DEPENDENCIES));
        Plan p = planner.decide(f);
        assertThat(p.grants().get(0).resources()).containsExactly(Resources.ASK);
        io.grantwatch.model.Remediation r = planner.plan(f);
        assertThat(r.policies()).as("an incomplete document is not printed as one").isEmpty();
        assertThat(String.join("\n", r.cliCommands())).doesNotContain("\"Resource\":[\"*\"]").contains("RESOURCE_ARN");
    }

    @Test
    void shouldLeaveTheSeedsWildcardAsACoarseNoteWhenTheRecordNamesNoAction() {
        Finding base = TestFindings.trainJobCreate();
        Finding f = new Finding(base.id(), base.kind(), base.status(), base.cloud(), base.principal(), base.scenarioId(), base.scenarioTitle(),
                List.of(new MissingGrant(Grant.action("modelarts:trainJob:*"), Certainty.CERTAIN, Holder.USER, "w", "r", null,
                        new Citation(SeedCitations.MODELARTS_SEED, "功能依赖"))), 1, List.of(), new io.grantwatch.model.Evidence(List.of("e"),
                base.updatedAt(), base.updatedAt(), 1, "ModelArts", "CreateJobV2", null, "job-a", "403", "Forbidden operation"), null, "v",
                null, null, base.updatedAt());
        Plan p = planner.decide(f);
        assertThat(p.grants()).flatExtracting(Plan.PolicyGrant::actions).doesNotContain("modelarts:trainJob:*");
        assertThat(p.notes()).anySatisfy(n -> assertThat(n).startsWith("Coarse alternative, not granted").contains("modelarts:trainJob:*"));
    }

    @Test
    void shouldNeverAddTheServiceToAFederatedStatementWhenMerging() throws Exception {
        com.fasterxml.jackson.databind.JsonNode saml = RamRendererTest.parse("""
                {"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow",
                  "Principal":{"Federated":["acs:ram::1:saml-provider/okta"]},"Condition":{}}]}""");
        com.fasterxml.jackson.databind.JsonNode merged = TrustPolicies.mergeService(saml, "pai.aliyuncs.com");
        assertThat(merged.path("Statement")).hasSize(2);
        assertThat(merged.path("Statement").get(0)).isEqualTo(saml.path("Statement").get(0));
    }

    @Test
    void shouldGrantARegressionOnlyTheRefusedCallNotTheFeaturesWildcardOrItsOtherRows() {
        Finding f = TestFindings.trainJobCreate();
        Citation c = f.missing().get(0).citation();
        List<MissingGrant> missing = List.of(
                new MissingGrant(Grant.action("modelarts:trainJob:*"), Certainty.CERTAIN, Holder.USER, "modelarts.training", "r", null, c),
                new MissingGrant(Grant.action("obs:bucket:PutBucketAcl"), Certainty.LIKELY, Holder.USER, "modelarts.training", "r", null, c),
                new MissingGrant(Grant.action("smn:topic:publish"), Certainty.LIKELY, Holder.USER, "modelarts.training", "r", null, c));
        io.grantwatch.model.Evidence e = f.evidence();
        Finding regression = new Finding(f.id(), io.grantwatch.model.FindingKind.REGRESSION, f.status(), f.cloud(), f.principal(),
                f.scenarioId(), f.scenarioTitle(), missing, 0.67, List.of(), new io.grantwatch.model.Evidence(e.eventIds(), e.firstSeen(),
                        e.lastSeen(), 1, "ModelArts", "CreateJobV2", "modelarts:trainJob:create", null, "ModelArts.0203", "denied"),
                null, "v", null, null, TestFindings.T0);

        Plan p = new RemediationPlanner().decide(regression);

        assertThat(p.grants()).flatExtracting(Plan.PolicyGrant::actions).containsExactly("modelarts:trainJob:create");
        assertThat(p.notes()).anySatisfy(n -> assertThat(n).contains("obs:bucket:PutBucketAcl, smn:topic:publish"));
    }
}
