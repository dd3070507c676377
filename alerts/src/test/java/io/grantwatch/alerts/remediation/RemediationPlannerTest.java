package io.grantwatch.alerts.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.alerts.TestFindings;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import io.grantwatch.model.PolicyDocument;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.json.Json;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RemediationPlannerTest {
    private final RemediationPlanner planner = new RemediationPlanner();

    private static JsonNode parse(String json) throws Exception {
        return Json.strict().readTree(json);
    }

    /** The policy as a person pastes it: re-parsed from its printed text, then checked against the grammar. */
    private static void assertValid(Remediation r) throws Exception {
        for (PolicyDocument d : r.policies()) {
            JsonNode reparsed = parse(Json.wire().writeValueAsString(d.document()));
            assertThat(PolicyGrammar.check(new PolicyDocument(d.name(), d.kind(), d.attachTo(), reparsed)))
                    .as("%s %s", d.kind(), reparsed).isEmpty();
        }
    }

    @Test
    void shouldPlanValidCitedRemediationWhenAnySeedAreaFinding() throws Exception {
        for (Finding f : TestFindings.all()) {
            Remediation r = planner.plan(f);
            assertThat(r.findingId()).isEqualTo(f.id());
            assertThat(r.citations()).as(f.id()).isNotEmpty();
            assertThat(r.summary()).as(f.id()).isNotBlank();
            assertValid(r);
        }
    }

    @Test
    void shouldFillRoleNameInPassRolePolicyWhenPassRoleDenied() throws Exception {
        Remediation r = planner.plan(TestFindings.passRole());
        assertThat(r.policies()).hasSize(1);
        JsonNode doc = r.policies().get(0).document();
        assertThat(doc.path("Version").asText()).isEqualTo("1");
        JsonNode st = doc.path("Statement").get(0);
        assertThat(st.path("Action").get(0).asText()).isEqualTo("ram:PassRole");
        assertThat(st.path("Resource").get(0).asText()).isEqualTo("acs:ram::*:role/DswOssRole");
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("aliyun ram CreatePolicy --PolicyName GrantWatch-"));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c)
                .startsWith("aliyun ram AttachPolicyToUser --PolicyType Custom --PolicyName GrantWatch-").endsWith("--UserName alice"));
        assertThat(r.citations()).contains(SeedCitations.PASS_ROLE);
        assertThat(r.terraform()).contains("resource \"alicloud_ram_policy\"", "resource \"alicloud_ram_user_policy_attachment\"",
                "user_name", "acs:ram::*:role/DswOssRole");
    }

    @Test
    void shouldPrintPolicyDocumentThatParsesWhenTakenFromTheCommandLine() throws Exception {
        Remediation r = planner.plan(TestFindings.ossGetObject());
        String create = r.cliCommands().stream().filter(c -> c.startsWith("aliyun ram CreatePolicy")).findFirst().orElseThrow();
        String quoted = create.substring(create.indexOf("--PolicyDocument '") + "--PolicyDocument '".length());
        String json = quoted.substring(0, quoted.indexOf("' --Description"));
        assertThat(PolicyGrammar.ram(parse(json), false)).isEmpty();
    }

    @Test
    void shouldMergePaiIntoExistingServiceListWhenAssumeRoleFailed() throws Exception {
        // the seed's own example (003, AssumeRoleFailedError FAQ): before and after
        JsonNode before = parse("""
                {"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow",
                  "Principal":{"RAM":["acs:ram::aaa:root"],"Service":["xxx.aliyuncs.com"]}}],"Version":"1"}""");
        JsonNode after = parse("""
                {"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow",
                  "Principal":{"RAM":["acs:ram::aaa:root"],"Service":["xxx.aliyuncs.com","pai.aliyuncs.com"]}}],"Version":"1"}""");
        RemediationPlanner withTrust = new RemediationPlanner(role -> role.equals("DswOssRole") ? Optional.of(before) : Optional.empty());
        Remediation r = withTrust.plan(TestFindings.assumeRole());
        PolicyDocument trust = r.policies().get(0);
        assertThat(trust.kind()).isEqualTo("ram-trust-policy");
        assertThat(trust.attachTo()).isEqualTo("DswOssRole");
        assertThat(trust.document()).isEqualTo(after);
        assertThat(before.path("Statement").get(0).path("Principal").path("Service")).hasSize(1);
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("aliyun ram UpdateRole --RoleName DswOssRole"));
        assertThat(r.citations()).contains(SeedCitations.ASSUME_ROLE);
    }

    @Test
    void shouldBuildCompleteTrustPolicyAndAskToKeepPrincipalsWhenCurrentUnknown() throws Exception {
        Remediation r = planner.plan(TestFindings.assumeRole());
        JsonNode doc = r.policies().get(0).document();
        assertThat(doc).isEqualTo(parse("""
                {"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["pai.aliyuncs.com"]}}]}"""));
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("aliyun ram GetRole --RoleName DswOssRole", "keep every principal"));
    }

    @Test
    void shouldTurnStringServiceIntoListWithoutDuplicatesWhenMerging() throws Exception {
        JsonNode single = parse("""
                {"Version":"1","Statement":{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"pai.aliyuncs.com"}}}""");
        JsonNode merged = TrustPolicies.mergeService(single, "pai.aliyuncs.com");
        assertThat(merged.path("Statement").get(0).path("Principal").path("Service")).hasSize(1);
        assertThat(PolicyGrammar.ram(merged, true)).isEmpty();
    }

    @Test
    void shouldNarrowToBucketAndObjectsWhenEventNamesOssObject() {
        Remediation r = planner.plan(TestFindings.ossGetObject());
        JsonNode st = r.policies().get(0).document().path("Statement").get(0);
        assertThat(st.path("Action")).extracting(JsonNode::asText).containsExactly("oss:GetObject", "oss:ListObjects");
        assertThat(st.path("Resource")).extracting(JsonNode::asText)
                .containsExactly("acs:oss:*:*:training-data", "acs:oss:*:*:training-data/*");
        assertThat(r.policies().get(0).document().toString()).doesNotContain("\"*\"");
        assertThat(r.systemPolicies()).containsExactly("AliyunOSSReadOnlyAccess");
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("Coarse alternative", "AliyunOSSReadOnlyAccess"));
    }

    @Test
    void shouldAttachToRoleWhenPrincipalIsAssumedRole() {
        Remediation r = planner.plan(TestFindings.roleOssPut());
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("aliyun ram AttachPolicyToRole --PolicyType Custom")
                .endsWith("--RoleName DswOssRole"));
        assertThat(r.terraform()).contains("alicloud_ram_role_policy_attachment", "role_name");
        assertThat(r.policies().get(0).document().path("Statement").get(0).path("Resource").get(0).asText())
                .isEqualTo("acs:oss:*:*:ckpt-bucket");
    }

    @Test
    void shouldOfferDeniedActionAndNameSystemPolicyWhenSeedDocumentsOne() {
        Remediation r = planner.plan(TestFindings.easFullAccess());
        assertThat(r.policies().get(0).document().path("Statement").get(0).path("Action").get(0).asText())
                .isEqualTo("eas:CreateService");
        assertThat(r.systemPolicies()).containsExactly("AliyunPAIEASFullAccess");
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c)
                .contains("AttachPolicyToUser --PolicyType System --PolicyName 'AliyunPAIEASFullAccess' --UserName alice"));
    }

    @Test
    void shouldGiveConsoleStepWhenWorkspaceRoleMissing() {
        Remediation r = planner.plan(TestFindings.maxComputeDeveloper());
        assertThat(r.policies()).isEmpty();
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("Workspaces > 640957 > Members", "MaxCompute Developer", "alice"));
        assertThat(r.citations()).contains(SeedCitations.MAXCOMPUTE_USE);
    }

    @Test
    void shouldNeverAllowAndNameTheLayerWhenExplicitDeny() {
        for (Finding f : List.of(TestFindings.alibabaExplicitDeny(), TestFindings.huaweiExplicitDeny())) {
            Remediation r = planner.plan(f);
            assertThat(r.policies()).isEmpty();
            assertThat(r.terraform()).isNull();
            assertThat(r.cliCommands()).noneMatch(c -> c.contains("Attach") || c.contains("Associate") || c.contains("Create"));
            assertThat(r.summary()).contains("do not add an Allow");
        }
        assertThat(planner.plan(TestFindings.alibabaExplicitDeny()).steps()).anySatisfy(s -> assertThat(s).contains("ControlPolicy"));
        assertThat(planner.plan(TestFindings.alibabaExplicitDeny()).cliCommands())
                .anySatisfy(c -> assertThat(c).contains("DecodeDiagnosticMessage"));
        assertThat(planner.plan(TestFindings.huaweiExplicitDeny()).steps()).anySatisfy(s -> assertThat(s).contains("identity-based"));
    }

    @Test
    void shouldWriteHuaweiPolicyOnBucketObjectsWhenObsObjectDenied() {
        Remediation r = planner.plan(TestFindings.obsGetObject());
        assertThat(r.cloud()).isEqualTo(Cloud.HUAWEI);
        JsonNode doc = r.policies().get(0).document();
        assertThat(doc.path("Version").asText()).isEqualTo("1.1");
        assertThat(doc.toString()).contains("\"obs:*:*:object:ma-datasets/*\"", "\"obs:*:*:bucket:ma-datasets\"");
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("hcloud IAM CreateCloudRole --cli-jsonInput="));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("hcloud IAM KeystoneAssociateGroupWithDomainPermission"));
        assertThat(r.terraform()).contains("huaweicloud_identity_role", "huaweicloud_identity_role_assignment", "type        = \"AX\"",
                "$${GroupId}");
    }

    @Test
    void shouldSplitGlobalAndProjectScopesWhenModelArtsNeedsObs() {
        Remediation r = planner.plan(TestFindings.trainJobCreate());
        assertThat(r.policies()).hasSize(2);
        assertThat(r.policies().get(0).document().toString()).contains("obs:object:GetObject").doesNotContain("modelarts");
        assertThat(r.policies().get(1).document().toString()).contains("modelarts:trainJob:create").doesNotContain("obs:");
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("hcloud IAM KeystoneAssociateGroupWithProjectPermission"));
        assertThat(r.systemPolicies()).containsExactly("ModelArts CommonOperations");
    }

    @Test
    void shouldGrantAgencyAndRemindDelegatingUserWhenAgencyFinding() {
        Remediation r = planner.plan(TestFindings.agencyObs());
        assertThat(r.policies()).allSatisfy(p -> {
            assertThat(p.kind()).isEqualTo("huawei-agency-policy");
            assertThat(p.attachTo()).isEqualTo("modelarts_agency");
        });
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("must hold these permissions too", "zhang.wei",
                "obs:object:PutObject"));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).contains("AssociateAgencyWith"));
        assertThat(r.citations()).contains(SeedCitations.MODELARTS_AGENCY);
        assertThat(r.systemPolicies()).contains("SWR Admin");
    }

    @Test
    void shouldUsePlaceholdersAndNoHostileTextWhenNamesAreInjections() throws Exception {
        for (Cloud cloud : Cloud.values()) {
            Remediation r = planner.plan(TestFindings.hostile(cloud));
            assertValid(r);
            String everything = Json.wire().writeValueAsString(r.policies()) + r.cliCommands() + r.terraform();
            for (String bad : List.of("<!channel>", "<!here>", "<https", "@all", "<at user_id", "<script", "alert(1)",
                    "\u202E", "\r", "\u0007", "\u0000", "Injected-Header")) {
                assertThat(everything).as(bad).doesNotContain(bad);
            }
            for (String cmd : r.cliCommands()) {
                // every single quote opens and closes a shell word
                assertThat(cmd.replace("'\\''", "").chars().filter(c -> c == '\'').count() % 2).as(cmd).isZero();
            }
        }
    }

    /** Modelled on the demo corpus: ARN with region "*", a trailing period from the message, mixed holders and certainties. */
    private static Finding dswCustomRole() {
        String arn = "acs:ram:*:" + TestFindings.UID + ":role/pai-dsw-data.";
        java.util.List<io.grantwatch.model.MissingGrant> missing = List.of(
                new io.grantwatch.model.MissingGrant(new io.grantwatch.model.Grant(io.grantwatch.model.GrantType.PASS_ROLE, "ram:PassRole", arn),
                        io.grantwatch.model.Certainty.CERTAIN, "USER", "r1", "pass", null, SeedCitations.PASS_ROLE),
                new io.grantwatch.model.MissingGrant(new io.grantwatch.model.Grant(io.grantwatch.model.GrantType.TRUST_PRINCIPAL,
                        "pai.aliyuncs.com", arn), io.grantwatch.model.Certainty.LIKELY, "ROLE", "r2", "trust", null, SeedCitations.ASSUME_ROLE),
                new io.grantwatch.model.MissingGrant(io.grantwatch.model.Grant.action("oss:GetObject"), io.grantwatch.model.Certainty.LIKELY,
                        "ROLE", "r3", "read data", "AliyunOSSReadOnlyAccess", SeedCitations.PAI_DEPENDENCIES),
                new io.grantwatch.model.MissingGrant(io.grantwatch.model.Grant.systemPolicy("AliyunOSSFullAccess"),
                        io.grantwatch.model.Certainty.POSSIBLE, "ROLE", "r4", "maybe", "AliyunOSSFullAccess", SeedCitations.PAI_DEPENDENCIES),
                new io.grantwatch.model.MissingGrant(new io.grantwatch.model.Grant(io.grantwatch.model.GrantType.SERVICE_ACTIVATION, "oss", null),
                        io.grantwatch.model.Certainty.POSSIBLE, "ACCOUNT", "r5", "activate", null, SeedCitations.PAI_DEPENDENCIES),
                new io.grantwatch.model.MissingGrant(new io.grantwatch.model.Grant(io.grantwatch.model.GrantType.SERVICE_ACTIVATION, "log", null),
                        io.grantwatch.model.Certainty.POSSIBLE, "ACCOUNT", "r6", "activate", null, SeedCitations.PAI_DEPENDENCIES));
        return new Finding("missing-grant-dsw", io.grantwatch.model.FindingKind.MISSING_GRANT, io.grantwatch.model.FindingStatus.OPEN,
                Cloud.ALIBABA, TestFindings.alice(), "pai.dsw-role.custom", "DSW custom role", missing, 0.8, List.of(),
                new io.grantwatch.model.Evidence(List.of("e1"), TestFindings.T0, TestFindings.T0, 1, "PaiDsw", "CreateInstance",
                        "ram:PassRole", arn, "PassRoleFailedError", "denied"), null, "v", null, null, TestFindings.T0);
    }

    @Test
    void shouldGiveEachHolderItsPolicyAndKeepPossibleGrantsOutWhenFindingMixesThem() throws Exception {
        Remediation r = planner.plan(dswCustomRole());
        assertValid(r);
        assertThat(r.policies()).extracting(PolicyDocument::kind, PolicyDocument::attachTo).containsExactly(
                org.assertj.core.groups.Tuple.tuple("ram-trust-policy", "pai-dsw-data"),
                org.assertj.core.groups.Tuple.tuple("ram-custom-policy", "alice"),
                org.assertj.core.groups.Tuple.tuple("ram-custom-policy", "pai-dsw-data"));
        assertThat(r.policies().get(1).document().toString()).contains("acs:ram::*:role/pai-dsw-data\"").doesNotContain("oss:");
        assertThat(r.policies().get(2).document().toString()).contains("oss:GetObject").doesNotContain("PassRole");
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).contains("AttachPolicyToRole --PolicyType Custom").endsWith("--RoleName pai-dsw-data"));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c)
                .isEqualTo("# alternative: aliyun ram AttachPolicyToRole --PolicyType System --PolicyName 'AliyunOSSReadOnlyAccess' --RoleName pai-dsw-data"));
        assertThat(r.toString()).doesNotContain("AliyunOSSFullAccess' --");
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).startsWith("May also be needed").contains("AliyunOSSFullAccess"));
        assertThat(r.steps()).filteredOn(s -> s.contains("activate with the Alibaba Cloud account")).singleElement()
                .asString().contains("oss, log");
    }

    @Test
    void shouldReattachRemovedSystemPolicyWhenPredictedBreakage() {
        Remediation r = planner.plan(TestFindings.predictedBreakage());
        assertThat(r.cliCommands()).contains("aliyun ram AttachPolicyToUser --PolicyType System --PolicyName 'AliyunPAIEASFullAccess' --UserName alice");
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("restores what DetachPolicyFromUser"));
        assertThat(r.systemPolicies()).containsExactly("AliyunPAIEASFullAccess");
    }

    @Test
    void shouldAssignSystemRoleToAgencyWhenHuaweiAgencyLostIt() {
        Finding f = TestFindings.agencyObs();
        Finding lost = new Finding(f.id(), io.grantwatch.model.FindingKind.PREDICTED_BREAKAGE, f.status(), f.cloud(), f.principal(),
                f.scenarioId(), f.scenarioTitle(), List.of(new io.grantwatch.model.MissingGrant(io.grantwatch.model.Grant.systemPolicy(
                        "OBS OperateAccess"), io.grantwatch.model.Certainty.CERTAIN, "AGENCY", "a", "r", "OBS OperateAccess",
                        SeedCitations.MODELARTS_AGENCY)), 1, List.of(), null,
                new io.grantwatch.model.IamChange("c1", TestFindings.T0, "updateAgency", "admin", "modelarts_agency", "OBS OperateAccess"),
                "v", null, null, TestFindings.T0);
        Remediation r = planner.plan(lost);
        assertThat(r.policies()).isEmpty();
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("hcloud IAM KeystoneListPermissions --display_name='OBS OperateAccess'"));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("hcloud IAM AssociateAgencyWithDomainPermission"));
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("restores what updateAgency"));
    }

    @Test
    void shouldParseRoleNamesFromEveryArnShape() {
        assertThat(Identifiers.roleName("acs:ram:*:123:role/pai-dsw-data.")).contains("pai-dsw-data");
        assertThat(Identifiers.roleName("acs:ram::123:role/DswOssRole")).contains("DswOssRole");
        assertThat(Identifiers.roleName("acs:ram:*:*:role/x'y")).isEmpty();
    }
}
