package io.grantwatch.alerts.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.alerts.TestFindings;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import io.grantwatch.model.Grant;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.PolicyDocument;
import io.grantwatch.model.PolicyKind;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.policy.PolicyEvaluator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The RAM rendering: documents, aliyun commands, Terraform, as a person pastes them. */
class RamRendererTest {
    private final RemediationPlanner planner = new RemediationPlanner();

    static JsonNode parse(String json) throws IOException {
        return Json.strict().readTree(json);
    }

    /** Every document re-parsed from its printed text passes the grammar; nothing printed holds a bare placeholder. */
    static void assertApplicable(Remediation r) throws IOException {
        for (PolicyDocument d : r.policies()) {
            JsonNode reparsed = parse(Json.wire().writeValueAsString(d.document()));
            assertThat(PolicyGrammar.check(new PolicyDocument(d.name(), d.kind(), d.attachTo(), reparsed))).as("%s", reparsed).isEmpty();
        }
        String pasted = Json.wire().writeValueAsString(r.policies()) + String.join("\n", r.cliCommands()) + r.terraform();
        assertThat(pasted).doesNotContain("${");
    }

    /** The JSON argument of {@code --Flag '…'} in a printed command. */
    static String quotedArg(String command, String flag) {
        String rest = command.substring(command.indexOf(flag + " '") + flag.length() + 2);
        return rest.substring(0, rest.indexOf('\''));
    }

    @Test
    void shouldPrintApplicableRemediationWhenAnyFinding() throws Exception {
        for (Finding f : TestFindings.all()) {
            Remediation r = planner.plan(f);
            assertThat(r.findingId()).isEqualTo(f.id());
            assertThat(r.citations()).as(f.id()).isNotEmpty();
            assertThat(r.summary()).as(f.id()).isNotBlank();
            assertApplicable(r);
            assertThat(CliGrammar.checkScript(r.cliCommands())).as("%s%n%s", f.id(), String.join("\n", r.cliCommands())).isEmpty();
        }
    }

    @Test
    void shouldAllowPassRoleOnTheNamedRoleOnlyWhenPassRoleDenied() throws Exception {
        Remediation r = planner.plan(TestFindings.passRole());
        assertThat(r.policies()).singleElement().satisfies(d -> {
            assertThat(d.attachTo()).isEqualTo("alice");
            assertThat(PolicyEvaluator.allows(d.document(), "ram:PassRole", "acs:ram::" + TestFindings.UID + ":role/DswOssRole")).isTrue();
            assertThat(PolicyEvaluator.allows(d.document(), "ram:PassRole", "acs:ram::" + TestFindings.UID + ":role/Admin")).isFalse();
            assertThat(PolicyEvaluator.actionsGranted(d.document())).containsExactly("ram:PassRole");
        });
        String create = r.cliCommands().stream().filter(c -> c.startsWith("aliyun ram CreatePolicy")).findFirst().orElseThrow();
        assertThat(PolicyGrammar.ram(parse(quotedArg(create, "--PolicyDocument")), false)).isEmpty();
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c)
                .startsWith("aliyun ram AttachPolicyToUser --PolicyType Custom --PolicyName GrantWatch-").endsWith("--UserName alice"));
        assertThat(r.cliCommands()).noneMatch(c -> c.contains("UpdateRole"));
        assertThat(r.terraform()).contains("resource \"alicloud_ram_policy\"", "policy_document = jsonencode(",
                "resource \"alicloud_ram_user_policy_attachment\"", "user_name   = \"alice\"", "\"acs:ram::*:role/DswOssRole\"");
    }

    @Test
    void shouldAllowDeniedObjectReadInItsFolderWhenOssObjectDenied() {
        Remediation r = planner.plan(TestFindings.ossGetObject());
        JsonNode doc = r.policies().get(0).document();
        assertThat(PolicyEvaluator.allows(doc, "oss:GetObject", "acs:oss:*:" + TestFindings.UID + ":training-data/datasets/iris.csv")).isTrue();
        assertThat(PolicyEvaluator.allows(doc, "oss:GetObject", "acs:oss:*:" + TestFindings.UID + ":training-data/private/keys.csv")).isFalse();
        assertThat(PolicyEvaluator.allows(doc, "oss:PutObject", "acs:oss:*:" + TestFindings.UID + ":training-data/datasets/iris.csv")).isFalse();
        assertThat(r.systemPolicies()).containsExactly("AliyunOSSReadOnlyAccess");
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("# coarse alternative (broader than needed)")
                .endsWith("aliyun ram AttachPolicyToUser --PolicyType System --PolicyName 'AliyunOSSReadOnlyAccess' --UserName alice"));
        assertThat(r.cliCommands()).filteredOn(c -> !c.startsWith("#")).noneMatch(c -> c.contains("AliyunOSSReadOnlyAccess"));
    }

    @Test
    void shouldAttachToTheSessionsRoleWhenRoleSessionDenied() {
        Remediation r = planner.plan(TestFindings.roleOssPut());
        assertThat(r.policies()).singleElement().satisfies(d -> assertThat(d.attachTo()).isEqualTo("DswOssRole"));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("aliyun ram AttachPolicyToRole --PolicyType Custom")
                .endsWith("--RoleName DswOssRole"));
        assertThat(r.terraform()).contains("alicloud_ram_role_policy_attachment", "role_name   = \"DswOssRole\"");
    }

    @Test
    void shouldPrintTheMergedTrustPolicyWhenCurrentIsKnown() throws Exception {
        // the seed's own example (003, AssumeRoleFailedError FAQ): before and after
        JsonNode before = parse("""
                {"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow",
                  "Principal":{"RAM":["acs:ram::aaa:root"],"Service":["xxx.aliyuncs.com"]}}],"Version":"1"}""");
        JsonNode after = parse("""
                {"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow",
                  "Principal":{"RAM":["acs:ram::aaa:root"],"Service":["xxx.aliyuncs.com","pai.aliyuncs.com"]}}],"Version":"1"}""");
        RemediationPlanner withTrust = new RemediationPlanner((account, role) -> TestFindings.UID.equals(account) && role.equals("DswOssRole")
                ? Optional.of(before) : Optional.empty());
        Remediation r = withTrust.plan(TestFindings.assumeRole());
        PolicyDocument trust = r.policies().get(0);
        assertThat(trust.kind()).isEqualTo(PolicyKind.RAM_TRUST_POLICY);
        assertThat(trust.document()).isEqualTo(after);
        assertThat(PolicyEvaluator.trustAllowsService(trust.document(), "pai.aliyuncs.com")).isTrue();
        assertThat(PolicyEvaluator.trustAllowsService(trust.document(), "xxx.aliyuncs.com")).isTrue();
        assertThat(PolicyEvaluator.trustAllowsRam(trust.document(), "acs:ram::aaa:root")).isTrue();
        // the printed document is for review; the commands still merge into the live one (a change made since is kept)
        assertThat(r.cliCommands().get(0)).contains("aliyun ram GetRole --RoleName DswOssRole | jq");
        assertThat(r.cliCommands()).contains("[ -s DswOssRole-trust-policy.json ] && aliyun ram UpdateRole --RoleName DswOssRole "
                + "--NewAssumeRolePolicyDocument \"$(cat DswOssRole-trust-policy.json)\"");
        assertThat(r.summary()).contains("merged", "every principal it trusts is kept");
    }

    @Test
    void shouldFetchMergeAndUpdateWhenCurrentTrustIsUnknown() throws Exception {
        Remediation r = planner.plan(TestFindings.assumeRole());
        assertThat(r.policies()).isEmpty();
        // fetched in the role's own account (checked), merged, written for review; an empty file updates nothing
        assertThat(r.cliCommands().get(0)).startsWith("rm -f DswOssRole-trust-policy.json; [ \"$(aliyun sts GetCallerIdentity | jq -r "
                + "'.AccountId')\" = " + TestFindings.UID
                        + " ] && aliyun ram GetRole --RoleName DswOssRole | jq -r '.Role.AssumeRolePolicyDocument' | jq -c");
        assertThat(r.cliCommands()).contains("[ -s DswOssRole-trust-policy.json ] && aliyun ram UpdateRole --RoleName DswOssRole "
                + "--NewAssumeRolePolicyDocument \"$(cat DswOssRole-trust-policy.json)\"");
    }

    /** Runs the printed jq filter on the seed's example, on a string Service, and on a role trusting only RAM. */
    @Test
    void shouldKeepEveryPrincipalWhenThePrintedJqFilterRuns() throws Exception {
        Assumptions.assumeTrue(jqAvailable(), "jq is not installed");
        JsonNode seedAfter = jq("""
                {"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow",
                  "Principal":{"RAM":["acs:ram::aaa:root"],"Service":["xxx.aliyuncs.com"]}}],"Version":"1"}""");
        assertThat(seedAfter).isEqualTo(parse("""
                {"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow",
                  "Principal":{"RAM":["acs:ram::aaa:root"],"Service":["xxx.aliyuncs.com","pai.aliyuncs.com"]}}],"Version":"1"}"""));
        JsonNode fromString = jq("""
                {"Version":"1","Statement":{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"ecs.aliyuncs.com"}}}""");
        assertThat(PolicyEvaluator.trustAllowsService(fromString, "ecs.aliyuncs.com")).isTrue();
        assertThat(PolicyEvaluator.trustAllowsService(fromString, "pai.aliyuncs.com")).isTrue();
        JsonNode ramOnly = jq("""
                {"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::123:root"]}}]}""");
        assertThat(PolicyEvaluator.trustAllowsRam(ramOnly, "acs:ram::123:root")).isTrue();
        assertThat(PolicyEvaluator.trustAllowsService(ramOnly, "pai.aliyuncs.com")).isTrue();
        // a statement with a Condition PAI cannot meet stays as it is; the service gets a statement of its own
        JsonNode conditioned = jq("""
                {"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::123:root"]},
                  "Condition":{"StringEquals":{"sts:ExternalId":"abc-123"}}}]}""");
        assertThat(conditioned).isEqualTo(TrustPolicies.mergeService(parse("""
                {"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::123:root"]},
                  "Condition":{"StringEquals":{"sts:ExternalId":"abc-123"}}}]}"""), "pai.aliyuncs.com"));
        assertThat(conditioned.path("Statement")).hasSize(2);
        assertThat(conditioned.path("Statement").get(0).path("Condition").path("StringEquals").path("sts:ExternalId").asText()).isEqualTo("abc-123");
        assertThat(PolicyEvaluator.trustAllowsService(conditioned, "pai.aliyuncs.com")).isTrue();
        JsonNode already = jq("""
                {"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["pai.aliyuncs.com"]}}]}""");
        assertThat(already.path("Statement").get(0).path("Principal").path("Service")).hasSize(1);
    }

    static boolean jqAvailable() {
        try {
            return new ProcessBuilder("jq", "--version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static JsonNode jq(String trustPolicy) throws Exception {
        Process p = new ProcessBuilder("jq", "-c", "--arg", "svc", "pai.aliyuncs.com", RamRenderer.TRUST_MERGE_JQ).start();
        p.getOutputStream().write(trustPolicy.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        return parse(out);
    }

    @Test
    void shouldAskForTheRoleAndPrintNoIncompleteDocumentWhenPassRoleNamesNoRole() {
        Finding f = TestFindings.passRole();
        Finding noRole = new Finding(f.id(), f.kind(), f.status(), f.cloud(), f.principal(), f.scenarioId(), f.scenarioTitle(),
                List.of(new io.grantwatch.model.MissingGrant(new io.grantwatch.model.Grant(io.grantwatch.model.GrantType.PASS_ROLE,
                        "ram:PassRole", null), io.grantwatch.model.Certainty.CERTAIN, Holder.USER, "p", "r", null, SeedCitations.PASS_ROLE)),
                f.confidence(), f.ranking(), new io.grantwatch.model.Evidence(List.of("e"), TestFindings.T0, TestFindings.T0, 1, "PaiDsw",
                        "CreateInstance", "ram:PassRole", null, "PassRoleFailedError", "denied"), null, "v", null, null, TestFindings.T0);
        Remediation r = planner.plan(noRole);
        assertThat(r.policies()).isEmpty();
        assertThat(r.cliCommands().get(0)).startsWith("read -r -p ").endsWith(" PASSED_ROLE_NAME < /dev/tty");
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("aliyun ram CreatePolicy")
                .contains("acs:ram::*:role/'\"$PASSED_ROLE_NAME\"'"));
        assertThat(r.terraform()).contains("variable \"passed_role_name\"", "format(\"acs:ram::*:role/%s\", var.passed_role_name)");
        assertThat(r.steps().get(0)).startsWith("Input PASSED_ROLE_NAME:");
    }

    @Test
    void shouldNeverAllowAndShowEachLayerWhenExplicitDeny() {
        Remediation r = planner.plan(TestFindings.alibabaExplicitDeny());
        assertThat(r.policies()).isEmpty();
        assertThat(r.summary()).startsWith("Explicit deny of oss:DeleteBucket");
        assertThat(r.cliCommands()).contains("aliyun ram ListPoliciesForUser --UserName alice",
                "aliyun resourcemanager ListControlPolicyAttachmentsForTarget --TargetId " + TestFindings.UID,
                "ossutil api get-bucket-policy --bucket prod-models");
        assertThat(String.join("\n", r.cliCommands())).doesNotContain("Allow");
    }

    @Test
    void shouldNotTreatRootAsRamUserWhenRootAccountDenied() {
        Remediation r = planner.plan(TestFindings.rootDenied());
        assertThat(r.policies()).isEmpty();
        assertThat(r.cliCommands()).noneMatch(c -> c.contains("--UserName"));
        assertThat(r.summary()).contains("account itself", "do not grant");
    }

    @Test
    void shouldReattachRemovedSystemPolicyWhenPredictedBreakage() {
        Remediation r = planner.plan(TestFindings.predictedBreakage());
        assertThat(r.cliCommands())
                .contains("aliyun ram AttachPolicyToUser --PolicyType System --PolicyName 'AliyunPAIEASFullAccess' --UserName alice");
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("restores what DetachPolicyFromUser"));
        assertThat(r.summary()).startsWith("Attach system policy AliyunPAIEASFullAccess to user alice");
        // systemPolicies lists the coarse alternatives only; a restore is the fix itself
        assertThat(r.systemPolicies()).isEmpty();
    }

    @Test
    void shouldReattachARemovedCustomPolicyAsCustomNotAsASystemPolicy() {
        Finding system = TestFindings.predictedBreakage();
        MissingGrant m = system.missing().get(0);
        // a DetachPolicyFromUser with PolicyType Custom: the detector leaves the system-policy field empty
        Finding custom = new Finding(system.id(), system.kind(), system.status(), system.cloud(), system.principal(),
                system.scenarioId(), system.scenarioTitle(), List.of(new MissingGrant(Grant.systemPolicy("dlc-job-viewer"),
                m.certainty(), m.holder(), m.requirementId(), m.reason(), null, m.citation())), system.confidence(), system.ranking(),
                system.evidence(), system.change(), system.catalogVersion(), null, null, system.updatedAt());

        Remediation r = planner.plan(custom);

        assertThat(r.cliCommands()).contains("aliyun ram GetPolicy --PolicyType Custom --PolicyName 'dlc-job-viewer' && aliyun ram "
                + "AttachPolicyToUser --PolicyType Custom --PolicyName 'dlc-job-viewer' --UserName alice")
                .noneMatch(c -> c.contains("--PolicyType System"));
        assertThat(r.steps()).anySatisfy(st -> assertThat(st).contains("Re-attach the custom policy dlc-job-viewer"));
    }

    @Test
    void shouldAddWorkspaceMemberThroughTheRestApiWhenWorkspaceRoleMissing() {
        Remediation r = planner.plan(TestFindings.maxComputeDeveloper());
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c)
                .startsWith("aliyun aiworkspace POST /api/v1/workspaces/640957/members --region cn-hangzhou --body '"));
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("PAI console > Workspaces > 640957 > Members"));
    }

    @Test
    void shouldKeepHostileTextOutOfEveryPastedPartWhenNamesAreInjections() throws Exception {
        for (Cloud cloud : Cloud.values()) {
            Remediation r = planner.plan(TestFindings.hostile(cloud));
            assertApplicable(r);
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

    @Test
    void shouldEscapeInterpolationWhenTerraformStringsHoldIt() {
        assertThat(Hcl.string("a${b}%{c}\"\\")).isEqualTo("\"a$${b}%%{c}\\\"\\\\\"");
        assertThat(Hcl.value("acs:ram::*:role/$ROLE_NAME")).isEqualTo("format(\"acs:ram::*:role/%s\", var.role_name)");
        // event text can hold any code point: none becomes a format verb, bidi and private-use ones are escaped
        assertThat(Hcl.value("acs:oss:*:*:b/\uE000\u202e/$ROLE_NAME"))
                .isEqualTo("format(\"acs:oss:*:*:b/\\ue000\\u202e/%s\", var.role_name)");
    }

    @Test
    void shouldParseRoleNamesFromEveryArnShape() {
        assertThat(Identifiers.roleName("acs:ram:*:123:role/pai-dsw-data.")).contains("pai-dsw-data");
        assertThat(Identifiers.roleName("acs:ram::123:role/DswOssRole")).contains("DswOssRole");
        assertThat(Identifiers.roleName("acs:ram:*:*:role/x'y")).isEmpty();
    }

    @Test
    void shouldPrintNoGrantToADeletedRoleButHowToRecreateItWithItsTrust() {
        io.grantwatch.model.Finding f = TestFindings.passRole();
        io.grantwatch.model.Finding deleted = new io.grantwatch.model.Finding(f.id(), io.grantwatch.model.FindingKind.PREDICTED_BREAKAGE,
                f.status(), f.cloud(), TestFindings.dswRole(), f.scenarioId(), f.scenarioTitle(), List.of(
                        new io.grantwatch.model.MissingGrant(new io.grantwatch.model.Grant(io.grantwatch.model.GrantType.PASS_ROLE,
                                "role DswOssRole", null), io.grantwatch.model.Certainty.CERTAIN, Holder.ROLE, "a", "r", null, null),
                        new io.grantwatch.model.MissingGrant(io.grantwatch.model.Grant.systemPolicy("AliyunOSSFullAccess"),
                                io.grantwatch.model.Certainty.LIKELY, Holder.ROLE, "a", "r", "AliyunOSSFullAccess", null)),
                0.9, List.of(), null, new io.grantwatch.model.IamChange("c1", TestFindings.T0, "DeleteRole", "admin", "role DswOssRole",
                        "role DswOssRole"), "v", null, null, TestFindings.T0);
        Remediation r = new RemediationPlanner().plan(deleted);
        assertThat(r.cliCommands()).as("no AttachPolicyToRole to a role that no longer exists").isEmpty();
        assertThat(r.summary()).startsWith("Recreate role DswOssRole");
        assertThat(r.steps()).anySatisfy(x -> assertThat(x).contains("pai.aliyuncs.com"));
        assertThat(r.steps()).anySatisfy(x -> assertThat(x).contains("AliyunOSSFullAccess"));
    }

    @Test
    void shouldPrintNothingToApplyOnceAPredictedBreakageIsResolvedByTheRollback() {
        io.grantwatch.model.Finding f = TestFindings.predictedBreakage();
        io.grantwatch.model.Finding resolved = new io.grantwatch.model.Finding(f.id(), f.kind(), io.grantwatch.model.FindingStatus.RESOLVED,
                f.cloud(), f.principal(), f.scenarioId(), f.scenarioTitle(), f.missing(), f.confidence(), f.ranking(), f.evidence(), f.change(),
                f.catalogVersion(), TestFindings.T0, null, TestFindings.T0);
        assertThat(new RemediationPlanner().plan(f).cliCommands()).isNotEmpty();
        Remediation r = new RemediationPlanner().plan(resolved);
        assertThat(r.cliCommands()).as("the restore was applied already").isEmpty();
        assertThat(r.summary()).startsWith("Resolved");
    }

    private static io.grantwatch.model.Finding customPolicyRemoved(String api) {
        return customPolicyRemoved(api, null);
    }

    private static io.grantwatch.model.Finding customPolicyRemoved(String api, String heldAt) {
        io.grantwatch.model.Finding f = TestFindings.predictedBreakage();
        return new io.grantwatch.model.Finding(f.id(), f.kind(), f.status(), f.cloud(), f.principal(), f.scenarioId(), f.scenarioTitle(),
                List.of(new MissingGrant(new Grant(io.grantwatch.model.GrantType.CUSTOM_POLICY, "eas-dev", heldAt),
                                io.grantwatch.model.Certainty.CERTAIN, Holder.USER, "pai.eas.manage", "r", null, null),
                        new MissingGrant(Grant.action("eas:DescribeService"), io.grantwatch.model.Certainty.CERTAIN, Holder.USER, "pai.eas.manage",
                                "r", null, null)), f.confidence(), f.ranking(), f.evidence(),
                new io.grantwatch.model.IamChange("c1", TestFindings.T0, api, "admin", "user alice", "eas-dev"), f.catalogVersion(), null,
                null, TestFindings.T0);
    }

    @Test
    void shouldGrantOnlyTheLostActionsLiveWhenTheNewVersionAlsoAddedSomethingARollbackWouldUndo() {
        Remediation r = new RemediationPlanner().plan(customPolicyRemoved("CreatePolicyVersion", "changed/v1"));
        assertThat(CliGrammar.checkScript(r.cliCommands())).isEmpty();
        assertThat(r.cliCommands()).noneMatch(c -> c.contains("SetDefaultPolicyVersion") && !c.startsWith("#"));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("aliyun ram CreatePolicy ").contains("eas:DescribeService"));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("aliyun ram AttachPolicyToUser"));
        assertThat(r.steps()).anySatisfy(x -> assertThat(x).contains("did more than take these away", "SetDefaultPolicyVersion to v1"));
    }

    @Test
    void shouldReattachAPolicyDetachedWithinAResourceGroupInThatGroupAndNeverAccountWide() {
        Remediation r = new RemediationPlanner().plan(customPolicyRemoved("DetachPolicy",
                "rg/rg-acfmz7hqgtk4abc/Custom/IMSUser/alice@1234567890123456.onaliyun.com"));
        assertThat(CliGrammar.checkScript(r.cliCommands())).as(String.join("\n", r.cliCommands())).isEmpty();
        assertThat(r.cliCommands()).contains("aliyun ram GetPolicy --PolicyType Custom --PolicyName 'eas-dev' && aliyun resourcemanager "
                + "AttachPolicy --ResourceGroupId rg-acfmz7hqgtk4abc --PolicyType Custom --PolicyName 'eas-dev' --PrincipalType IMSUser "
                + "--PrincipalName 'alice@1234567890123456.onaliyun.com'");
        assertThat(r.summary()).startsWith("Re-attach policy eas-dev to user alice in resource group rg-acfmz7hqgtk4abc");
        assertThat(r.cliCommands()).filteredOn(c -> !c.startsWith("#")).noneMatch(c -> c.contains("AttachPolicyToUser"));
        // a group id GrantWatch cannot print (masked, hostile): no re-attach at all, certainly not account-wide
        Remediation masked = new RemediationPlanner().plan(customPolicyRemoved("DetachPolicy",
                "rg/rg-acfm****/Custom/IMSUser/alice@1234567890123456.onaliyun.com"));
        assertThat(masked.cliCommands()).filteredOn(c -> !c.startsWith("#")).noneMatch(c -> c.contains("AttachPolicy"));
        assertThat(masked.steps()).anySatisfy(x -> assertThat(x).contains("never account-wide"));
    }

    @Test
    void shouldReattachADetachedCustomPolicyOnlyIfItStillExistsWithTheLostActionsAsTheCommentedAlternative() {
        Remediation r = new RemediationPlanner().plan(customPolicyRemoved("DetachPolicyFromUser"));
        assertThat(CliGrammar.checkScript(r.cliCommands())).isEmpty();
        assertThat(r.cliCommands()).contains("aliyun ram GetPolicy --PolicyType Custom --PolicyName 'eas-dev' && aliyun ram AttachPolicyToUser "
                + "--PolicyType Custom --PolicyName 'eas-dev' --UserName alice");
        assertThat(r.cliCommands()).filteredOn(c -> c.contains("CreatePolicy ") || c.contains("--PolicyName GrantWatch-"))
                .isNotEmpty().allSatisfy(c -> assertThat(c).startsWith("# alternative to the restore above: "));
    }

    @Test
    void shouldNeverReattachAPolicyTheChangeDeletedButGrantTheLostActions() {
        Remediation r = new RemediationPlanner().plan(customPolicyRemoved("DeletePolicy"));
        assertThat(CliGrammar.checkScript(r.cliCommands())).isEmpty();
        assertThat(r.cliCommands()).noneMatch(c -> c.contains("PolicyName 'eas-dev'") || c.contains("PolicyName eas-dev"));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("aliyun ram CreatePolicy ").contains("eas:DescribeService"));
        assertThat(r.steps()).anySatisfy(x -> assertThat(x).contains("cannot be re-attached"));
    }
}
