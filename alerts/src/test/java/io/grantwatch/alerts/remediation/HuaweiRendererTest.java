package io.grantwatch.alerts.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.alerts.TestFindings;
import io.grantwatch.model.PolicyDocument;
import io.grantwatch.model.PolicyKind;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.policy.PolicyEvaluator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The Huawei IAM rendering: 1.1 documents, KooCLI commands and their input files, Terraform. */
class HuaweiRendererTest {
    private final RemediationPlanner planner = new RemediationPlanner();

    /** The {@code --cli-jsonInput} file that a {@code printf '%s\n' '…' > F.json} line writes. */
    private static JsonNode inputFile(Remediation r, String file) throws Exception {
        String line = r.cliCommands().stream().filter(c -> c.startsWith("printf") && c.endsWith("> " + file)).findFirst().orElseThrow();
        return RamRendererTest.parse(line.substring(line.indexOf("' '") + 3, line.lastIndexOf("' >")));
    }

    /** Every shell variable a command uses is set by an earlier line; every command and input file is KooCLI's. */
    private static void assertInputsSetBeforeUse(Remediation r) {
        assertThat(CliGrammar.checkScript(r.cliCommands())).as(String.join("\n", r.cliCommands())).isEmpty();
        Pattern jsonInput = Pattern.compile("hcloud IAM (\\w+) --cli-jsonInput=(\\S+\\.json)");
        for (String c : r.cliCommands()) {
            Matcher m = jsonInput.matcher(c);
            if (m.find()) {
                try {
                    assertThat(CliGrammar.checkHcloudJsonInput(m.group(1), inputFile(r, m.group(2)))).as(c).isEmpty();
                } catch (Exception e) {
                    throw new AssertionError(c, e);
                }
            }
        }
        Set<String> set = new HashSet<>();
        Pattern use = Pattern.compile("\\$([A-Z][A-Z0-9_]*)");
        Pattern assign = Pattern.compile("(?:^|\\|\\| )([A-Z][A-Z0-9_]*)=|read -r -p '[^']*' ([A-Z][A-Z0-9_]*)(?: < /dev/tty)?$");
        for (String c : r.cliCommands()) {
            Matcher u = use.matcher(c.replaceAll("(?:^|\\|\\| )[A-Z][A-Z0-9_]*=", ""));
            while (u.find()) {
                assertThat(set).as("%s uses $%s before it is set", c, u.group(1)).contains(u.group(1));
            }
            Matcher a = assign.matcher(c);
            while (a.find()) {
                set.add(a.group(1) != null ? a.group(1) : a.group(2));
            }
        }
    }

    @Test
    void shouldGrantOnlyTheUsersOwnGroupTheDeniedObjectFolderWhenObsObjectDenied() throws Exception {
        Remediation r = planner.plan(TestFindings.obsGetObject());
        RamRendererTest.assertApplicable(r);
        assertInputsSetBeforeUse(r);
        PolicyDocument d = r.policies().get(0);
        assertThat(d.kind()).isEqualTo(PolicyKind.HUAWEI_IAM_POLICY);
        assertThat(PolicyEvaluator.allows(d.document(), "obs:object:GetObject",
                "obs:cn-north-4:" + TestFindings.HW_DOMAIN + ":object:ma-datasets/flowers/a.jpg")).isTrue();
        assertThat(PolicyEvaluator.allows(d.document(), "obs:object:GetObject",
                "obs:cn-north-4:" + TestFindings.HW_DOMAIN + ":object:other-bucket/flowers/a.jpg")).isFalse();
        assertThat(PolicyEvaluator.allows(d.document(), "obs:bucket:ListBucket",
                "obs:cn-north-4:" + TestFindings.HW_DOMAIN + ":bucket:ma-datasets")).isTrue();
        assertThat(r.cliCommands()).contains(
                "GROUP_ID=$(hcloud IAM KeystoneListGroups --name=GrantWatch-zhang.wei --cli-query=\"groups[0].id\" --cli-output=tsv)",
                "hcloud IAM KeystoneAddUserToGroup --group_id=\"$GROUP_ID\" --user_id=f1e2d3c4b5a6");
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c)
                .startsWith("hcloud IAM KeystoneAssociateGroupWithDomainPermission --domain_id=\"" + TestFindings.HW_DOMAIN
                        + "\" --group_id=\"$GROUP_ID\""));
        assertThat(r.cliCommands()).noneMatch(c -> c.contains("CreateCloudRole"));
    }

    @Test
    void shouldWrapTheCustomPolicyInBodyWhenWritingTheKooCliInputFile() throws Exception {
        Remediation r = planner.plan(TestFindings.obsGetObject());
        String create = r.cliCommands().stream().filter(c -> c.contains("CreateCloudServiceCustomPolicy")).findFirst().orElseThrow();
        String file = create.substring(create.indexOf("--cli-jsonInput=") + 16, create.indexOf(".json") + 5);
        JsonNode input = inputFile(r, file);
        Iterator<String> top = input.fieldNames();
        assertThat(top.next()).isEqualTo("body");
        assertThat(top.hasNext()).isFalse();
        JsonNode role = input.path("body").path("role");
        assertThat(role.path("type").asText()).isEqualTo("AX");
        assertThat(role.path("display_name").asText()).startsWith("GrantWatch-");
        assertThat(role.path("policy")).isEqualTo(r.policies().get(0).document());
        assertThat(create).startsWith("POLICY_ID=$(hcloud IAM CreateCloudServiceCustomPolicy --cli-jsonInput=").endsWith(
                "--cli-query=\"role.id\" --cli-output=tsv)");
    }

    @Test
    void shouldGrantProjectServicesInTheRegionsProjectWhenModelArtsNeedsObs() throws Exception {
        Remediation r = planner.plan(TestFindings.trainJobCreate());
        RamRendererTest.assertApplicable(r);
        assertInputsSetBeforeUse(r);
        assertThat(r.policies()).extracting(PolicyDocument::name).allSatisfy(n -> assertThat(n).matches(".*-(global|project)$"));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("read -r -p ").endsWith(" REGION < /dev/tty"));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("PROJECT_ID=$(hcloud IAM KeystoneListProjects --name=\"$REGION\""));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("hcloud IAM KeystoneAssociateGroupWithProjectPermission "
                + "--project_id=\"$PROJECT_ID\" --group_id=\"$GROUP_ID\""));
        JsonNode project = r.policies().stream().filter(p -> p.name().endsWith("-project")).findFirst().orElseThrow().document();
        assertThat(PolicyEvaluator.allows(project, "modelarts:trainJob:create", null)).isTrue();
        assertThat(r.terraform()).contains("huaweicloud_identity_role", "type        = \"XA\"",
                "project_id = data.huaweicloud_identity_projects.region.projects[0].id", "resource \"huaweicloud_identity_group_membership\"");
    }

    @Test
    void shouldGrantTheAgencyAndRemindTheDelegatingUserWhenAgencySessionDenied() throws Exception {
        Remediation r = planner.plan(TestFindings.agencyObs());
        RamRendererTest.assertApplicable(r);
        assertInputsSetBeforeUse(r);
        assertThat(r.policies()).allSatisfy(p -> {
            assertThat(p.kind()).isEqualTo(PolicyKind.HUAWEI_AGENCY_POLICY);
            assertThat(p.attachTo()).isEqualTo("modelarts_agency");
        });
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("AGENCY_ID=$(hcloud IAM ListAgencies --domain_id=\""
                + TestFindings.HW_DOMAIN + "\" --name=modelarts_agency"));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("hcloud IAM AssociateAgencyWithDomainPermission")
                .contains("--agency_id=\"$AGENCY_ID\""));
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("must hold these permissions too", "请用户确保"));
    }

    @Test
    void shouldAttachTheMinimalAgencyPolicyAndNameTheExcessWithoutPrintingARemovalWhenAnAgencyOverReaches() throws Exception {
        io.grantwatch.model.Finding base = TestFindings.agencyObs();
        io.grantwatch.model.Citation row = new io.grantwatch.model.Citation("004_cae65db658487c65.txt", "委托基础授权范围 > 训练作业");
        List<io.grantwatch.model.MissingGrant> minimal = Stream.of("obs:bucket:ListBucket", "obs:object:GetObject",
                "obs:object:PutObject").map(a -> new io.grantwatch.model.MissingGrant(new io.grantwatch.model.Grant(
                        io.grantwatch.model.GrantType.AGENCY_ACTION, a, null), io.grantwatch.model.Certainty.LIKELY, Holder.AGENCY,
                "modelarts.agency.training/" + a, "Agency: training jobs needs it.", null, row)).toList();
        io.grantwatch.model.Finding over = new io.grantwatch.model.Finding("over-reach-1", io.grantwatch.model.FindingKind.OVER_REACH,
                io.grantwatch.model.FindingStatus.OPEN, base.cloud(), base.principal(), "modelarts.agency.training", "Agency: training jobs",
                minimal, 0.6, List.of(), new io.grantwatch.model.Evidence(List.of("t1"), TestFindings.T0, TestFindings.T0, 1, "IAM",
                        "attachAgencyPolicyV5", null, null, null, null), null, "v1", null, null, TestFindings.T0, List.of(),
                List.of(new io.grantwatch.model.Excess("ma-train-broad (Custom) version v1", "agency modelarts_agency",
                        List.of("obs:*:*", "iam:users:*", "ecs:cloudServers:delete\u001b[2J<b>"))));

        Remediation r = planner.plan(over);

        RamRendererTest.assertApplicable(r);
        assertThat(r.summary()).startsWith("Over-reach: agency modelarts_agency holds more than the ModelArts features in use need");
        assertThat(r.policies()).singleElement().satisfies(p -> {
            assertThat(p.attachTo()).isEqualTo("modelarts_agency");
            assertThat(PolicyEvaluator.actionsGranted(p.document())).containsExactlyInAnyOrder("obs:bucket:ListBucket", "obs:object:GetObject",
                    "obs:object:PutObject");
        });
        assertThat(String.join("\n", r.cliCommands())).as("no removal is printed").doesNotContainIgnoringCase("detach")
                .doesNotContainIgnoringCase("Disassociate").doesNotContain("Remove");
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("Beyond the need: ma-train-broad (Custom) version v1 (held by agency "
                + "modelarts_agency) allows obs:*:*, iam:users:*"));
        assertThat(String.join("\n", r.steps())).doesNotContain("\u001b");
        assertThat(r.citations()).extracting(io.grantwatch.model.Citation::section).contains("委托授权的最小化");
    }

    @Test
    void shouldNeverTellToGrantTheAdminsOwnIamCallWhenADriftFindingHasNothingToRestore() {
        io.grantwatch.model.Finding base = TestFindings.agencyObs();
        io.grantwatch.model.Finding drift = new io.grantwatch.model.Finding("predicted-breakage-1",
                io.grantwatch.model.FindingKind.PREDICTED_BREAKAGE,
                io.grantwatch.model.FindingStatus.OPEN, base.cloud(), base.principal(), "modelarts.agency.training", "Agency: training jobs",
                List.of(), 0.5, List.of(), new io.grantwatch.model.Evidence(List.of("t1"), TestFindings.T0, TestFindings.T0, 1, "IAM",
                        "keystoneRemoveDomainPermissionFromAgency", null, "agency modelarts_agency", null, null), null, "v1", null, null,
                TestFindings.T0);

        Remediation r = planner.plan(drift);

        assertThat(r.steps()).noneSatisfy(s -> assertThat(s).contains("grant it to"));
        assertThat(r.summary()).doesNotContain("review the denial");
    }

    @Test
    void shouldGrantTheMappedGroupNotAnAgencyWhenFederatedUserDenied() throws Exception {
        Remediation r = planner.plan(TestFindings.federatedObs());
        RamRendererTest.assertApplicable(r);
        assertInputsSetBeforeUse(r);
        assertThat(String.join("\n", r.cliCommands())).doesNotContain("Agency").contains("KeystoneListMappings", "MAPPED_GROUP_NAME");
        assertThat(r.policies()).allSatisfy(p -> assertThat(p.kind()).isEqualTo(PolicyKind.HUAWEI_IAM_POLICY));
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("identity provider's mapping", "not to an agency"));
    }

    @Test
    void shouldNeverAllowWhenHuaweiExplicitDeny() {
        Remediation r = planner.plan(TestFindings.huaweiExplicitDeny());
        assertThat(r.policies()).isEmpty();
        assertThat(r.summary()).startsWith("Explicit deny of modelarts:trainJob:delete");
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("Do not add an Allow"));
    }

    @Test
    void shouldLookUpTheSystemPolicyIdAndAssociateItWhenAgencyLostIt() {
        io.grantwatch.model.Finding f = TestFindings.agencyObs();
        io.grantwatch.model.Finding lost = new io.grantwatch.model.Finding(f.id(), io.grantwatch.model.FindingKind.PREDICTED_BREAKAGE,
                f.status(), f.cloud(), f.principal(), f.scenarioId(), f.scenarioTitle(), List.of(new io.grantwatch.model.MissingGrant(
                        io.grantwatch.model.Grant.systemPolicy("OBS OperateAccess"), io.grantwatch.model.Certainty.CERTAIN, Holder.AGENCY, "a", "r",
                        "OBS OperateAccess", SeedCitations.MODELARTS_AGENCY)), 1, List.of(), null,
                new io.grantwatch.model.IamChange("c1", TestFindings.T0, "updateAgency", "admin", "modelarts_agency", "OBS OperateAccess"),
                "v", null, null, TestFindings.T0);
        Remediation r = planner.plan(lost);
        assertInputsSetBeforeUse(r);
        assertThat(r.policies()).isEmpty();
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c)
                .startsWith("SYSTEM_POLICY_ID_OBS_OPERATEACCESS=$(hcloud IAM KeystoneListPermissions --display_name='OBS OperateAccess'"));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c).startsWith("hcloud IAM AssociateAgencyWithDomainPermission")
                .endsWith("--role_id=\"$SYSTEM_POLICY_ID_OBS_OPERATEACCESS\""));
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("restores what updateAgency"));
    }

    /** A predicted breakage after an IAM v5 detach from {@code holder} ({@code agency/ag-111}, {@code user/u-dave}) of policy p-1. */
    private static io.grantwatch.model.Finding v5Detach(String api, String holder, io.grantwatch.model.Principal p) {
        io.grantwatch.model.Finding f = TestFindings.agencyObs();
        return new io.grantwatch.model.Finding(f.id(), io.grantwatch.model.FindingKind.PREDICTED_BREAKAGE, f.status(), f.cloud(), p,
                f.scenarioId(), f.scenarioTitle(), List.of(
                        new io.grantwatch.model.MissingGrant(new io.grantwatch.model.Grant(io.grantwatch.model.GrantType.CUSTOM_POLICY, "p-1",
                                "v5/" + holder + "/p-1"), io.grantwatch.model.Certainty.CERTAIN, Holder.AGENCY, "a", "r", null,
                                SeedCitations.MODELARTS_AGENCY),
                        new io.grantwatch.model.MissingGrant(new io.grantwatch.model.Grant(io.grantwatch.model.GrantType.AGENCY_ACTION,
                                "obs:object:GetObject", null), io.grantwatch.model.Certainty.CERTAIN, Holder.AGENCY, "a", "r", null,
                                SeedCitations.MODELARTS_AGENCY)), 0.7, List.of(), null,
                new io.grantwatch.model.IamChange("c1", TestFindings.T0, api, "admin", holder.replace('/', ' '), "p-1"),
                "v", null, null, TestFindings.T0);
    }

    @Test
    void shouldRestoreAV5DetachWithTheV5AttachAndTheRecordsIdsNotAV3CustomRole() throws Exception {
        io.grantwatch.model.Principal agencyById = new io.grantwatch.model.Principal(io.grantwatch.model.PrincipalType.ASSUMED_AGENCY,
                "ag-111", "ag-111", TestFindings.HW_DOMAIN, "ag-111", null, null, null);
        io.grantwatch.model.Principal dave = new io.grantwatch.model.Principal(io.grantwatch.model.PrincipalType.USER, "u-dave", "dave",
                TestFindings.HW_DOMAIN, null, null, null, null);
        for (var c : List.of(List.of(v5Detach("detachAgencyPolicyV5", "agency/ag-111", agencyById), "AttachAgencyPolicyV5", "agency_id", "ag-111"),
                List.of(v5Detach("detachUserPolicyV5", "user/u-dave", dave), "AttachUserPolicyV5", "user_id", "u-dave"),
                List.of(v5Detach("detachGroupPolicyV5", "group/g-ml", dave), "AttachGroupPolicyV5", "group_id", "g-ml"))) {
            Remediation r = planner.plan((io.grantwatch.model.Finding) c.get(0));
            assertThat(CliGrammar.checkScript(r.cliCommands())).as(String.join("\n", r.cliCommands())).isEmpty();
            String attach = r.cliCommands().stream().filter(x -> x.startsWith("hcloud IAM " + c.get(1))).findFirst().orElseThrow();
            assertThat(attach).startsWith("hcloud IAM " + c.get(1) + " --policy_id=p-1 --cli-jsonInput=");
            String file = attach.substring(attach.indexOf("--cli-jsonInput=") + "--cli-jsonInput=".length());
            assertThat(inputFile(r, file).path("body").path((String) c.get(2)).asText()).isEqualTo(c.get(3));
            assertThat(CliGrammar.checkHcloudJsonInput((String) c.get(1), inputFile(r, file))).isEmpty();
            assertThat(r.summary()).startsWith("Re-attach identity policy p-1");
            // the v3 family only as the commented alternative: no live custom role, group or association
            assertThat(r.cliCommands()).filteredOn(x -> !x.startsWith("#")).noneSatisfy(x -> assertThat(x)
                    .containsAnyOf("CreateCloudServiceCustomPolicy", "KeystoneCreateGroup", "AssociateAgencyWith", "KeystoneAssociateGroupWith"));
            // and nothing asked or looked up for it alone: its inputs are commented out with it
            assertThat(r.cliCommands()).filteredOn(x -> !x.startsWith("#"))
                    .noneMatch(x -> x.startsWith("read ") || x.matches("[A-Z][A-Z0-9_]*=\\$\\(.*"));
            assertThat(r.summary()).doesNotContain("ask for");
        }
    }

    @Test
    void shouldMergeTheLostServiceIntoTheAgencysLiveTrustPolicyWithTheV5CallsNeverReplacingIt() throws Exception {
        io.grantwatch.model.Finding f = TestFindings.agencyObs();
        io.grantwatch.model.Principal session = new io.grantwatch.model.Principal(io.grantwatch.model.PrincipalType.ASSUMED_AGENCY,
                "ag-111:sess1", "corp/ma_agency", TestFindings.HW_DOMAIN, "ma_agency", "sess1", null, null);
        io.grantwatch.model.Finding dropped = new io.grantwatch.model.Finding(f.id(), io.grantwatch.model.FindingKind.PREDICTED_BREAKAGE,
                f.status(), f.cloud(), session, "modelarts.agency.training", "Agency: training jobs", List.of(
                        new io.grantwatch.model.MissingGrant(new io.grantwatch.model.Grant(io.grantwatch.model.GrantType.TRUST_PRINCIPAL,
                                "service.ModelArts", "agency ma_agency"), io.grantwatch.model.Certainty.CERTAIN, Holder.AGENCY, "a", "r", null,
                                SeedCitations.MODELARTS_AGENCY)), 0.6, List.of(), null,
                new io.grantwatch.model.IamChange("c1", TestFindings.T0, "updateTrustPolicyV5", "admin", "agency ma_agency",
                        "trust policy of agency ma_agency"), "v", null, null, TestFindings.T0);

        Remediation r = planner.plan(dropped);

        assertThat(r.summary()).contains("service.ModelArts", "agency ma_agency", "merged");
        assertThat(CliGrammar.checkScript(r.cliCommands())).as(String.join("\n", r.cliCommands())).isEmpty();
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c)
                .contains("hcloud IAM GetAgencyV5 --agency_id=ag-111 | jq -r '.agency.trust_policy'"));
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c)
                .endsWith("hcloud IAM UpdateTrustPolicyV5 --agency_id=ag-111 --cli-jsonInput=trust-policy-ag-111.json"));
        // no v3 grant, no replaced document: the only write is the merged trust policy
        assertThat(r.cliCommands()).noneSatisfy(c -> assertThat(c).containsAnyOf("CreateCloudServiceCustomPolicy", "AssociateAgencyWith"));
        Assumptions.assumeTrue(RamRendererTest.jqAvailable(), "jq is not installed");
        // the jq program on a live v5 trust policy: an IAM principal, a conditional statement and a NotPrincipal one all kept
        String live = "{\"Version\":\"5.0\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sts:agencies:assume\"],"
                + "\"Principal\":{\"IAM\":[\"iam::123:root\"]},\"Condition\":{\"StringEquals\":{\"g:SourceAccount\":[\"123\"]}}},"
                + "{\"Effect\":\"Allow\",\"Action\":[\"sts:agencies:assume\"],\"Principal\":{\"Service\":[\"service.DLI\"]}}]}";
        JsonNode merged = runJq(TrustPolicies.mergeJq(TrustPolicies.V5_ASSUME, true), live);
        assertThat(merged.path("Statement")).hasSize(2);
        assertThat(merged.path("Statement").get(0).path("Condition").path("StringEquals").has("g:SourceAccount")).isTrue();
        assertThat(merged.path("Statement").get(1).path("Principal").path("Service").toString()).isEqualTo("[\"service.DLI\",\"service.ModelArts\"]");
        assertThat(merged).isEqualTo(TrustPolicies.mergeService(RamRendererTest.parse(live), "service.ModelArts", TrustPolicies.V5_ASSUME,
                true, "5.0"));
        JsonNode notPrincipal = runJq(TrustPolicies.mergeJq(TrustPolicies.V5_ASSUME, true), "{\"Version\":\"5.0\",\"Statement\":[{\"Effect\":"
                + "\"Allow\",\"Action\":[\"sts:agencies:assume\"],\"NotPrincipal\":{\"IAM\":[\"iam::999:root\"]}}]}");
        assertThat(notPrincipal.path("Statement")).hasSize(2);
        assertThat(notPrincipal.path("Statement").get(1).toString())
                .isEqualTo("{\"Action\":[\"sts:agencies:assume\"],\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\"service.ModelArts\"]}}");
        // an agency with no trust policy (IAM v3) or an error instead of JSON: jq fails, the file stays empty, nothing is written
        Process none = new ProcessBuilder("jq", "-c", "--arg", "svc", "service.ModelArts", TrustPolicies.mergeJq(TrustPolicies.V5_ASSUME, true))
                .start();
        none.getOutputStream().write("null".getBytes(StandardCharsets.UTF_8));
        none.getOutputStream().close();
        assertThat(none.getInputStream().readAllBytes()).isEmpty();
        assertThat(none.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(none.exitValue()).isNotZero();
        // and the file UpdateTrustPolicyV5 reads, as the printed jq builds it
        JsonNode input = runJq("{body: {trust_policy: tojson}}", merged.toString());
        assertThat(CliGrammar.checkHcloudJsonInput("UpdateTrustPolicyV5", input)).isEmpty();
        assertThat(RamRendererTest.parse(input.path("body").path("trust_policy").asText())).isEqualTo(merged);
    }

    private static JsonNode runJq(String program, String in) throws Exception {
        Process p = new ProcessBuilder("jq", "-c", "--arg", "svc", "service.ModelArts", program).start();
        p.getOutputStream().write(in.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        return RamRendererTest.parse(out);
    }

    @Test
    void shouldPrintNoGrantToADeletedAgencyButHowToRecreateItAndWhatItHeld() {
        io.grantwatch.model.Finding f = TestFindings.agencyObs();
        io.grantwatch.model.Certainty certain = io.grantwatch.model.Certainty.CERTAIN;
        List<io.grantwatch.model.MissingGrant> lost = new ArrayList<>();
        lost.add(new io.grantwatch.model.MissingGrant(new io.grantwatch.model.Grant(io.grantwatch.model.GrantType.AGENCY_ACTION,
                "agency modelarts_agency", null), certain, Holder.AGENCY, "a", "r", null, SeedCitations.MODELARTS_AGENCY));
        for (String a : List.of("obs:object:GetObject", "obs:object:PutObject", "obs:bucket:ListBucket")) {
            lost.add(new io.grantwatch.model.MissingGrant(new io.grantwatch.model.Grant(io.grantwatch.model.GrantType.AGENCY_ACTION, a, null),
                    io.grantwatch.model.Certainty.LIKELY, Holder.AGENCY, "a", "r", null, SeedCitations.MODELARTS_AGENCY));
        }
        for (String api : List.of("deleteAgency", "deleteAgencyV5")) {
            io.grantwatch.model.Finding deleted = new io.grantwatch.model.Finding(f.id(), io.grantwatch.model.FindingKind.PREDICTED_BREAKAGE,
                    f.status(), f.cloud(), TestFindings.hwAgency(), f.scenarioId(), f.scenarioTitle(), lost, 0.8, List.of(), null,
                    new io.grantwatch.model.IamChange("c1", TestFindings.T0, api, "admin", "agency modelarts_agency", "agency modelarts_agency"),
                    "v", null, null, TestFindings.T0);
            Remediation r = planner.plan(deleted);
            assertThat(r.cliCommands()).as("nothing can be granted to a deleted agency: no lookup returning an empty id").isEmpty();
            assertThat(r.policies()).isEmpty();
            assertThat(r.summary()).startsWith("Recreate agency modelarts_agency");
            assertThat(r.steps()).anySatisfy(x -> assertThat(x).contains("service.ModelArts"));
            assertThat(r.steps()).anySatisfy(x -> assertThat(x).contains("obs:object:GetObject, obs:object:PutObject, obs:bucket:ListBucket"));
        }
    }

    @Test
    void shouldNeverCallARemovedCustomPolicyASystemPolicy() {
        io.grantwatch.model.Finding f = TestFindings.agencyObs();
        io.grantwatch.model.Finding lost = new io.grantwatch.model.Finding(f.id(), io.grantwatch.model.FindingKind.PREDICTED_BREAKAGE,
                f.status(), f.cloud(), TestFindings.hwAgency(), f.scenarioId(), f.scenarioTitle(), List.of(new io.grantwatch.model.MissingGrant(
                        new io.grantwatch.model.Grant(io.grantwatch.model.GrantType.CUSTOM_POLICY, "p-1", null),
                        io.grantwatch.model.Certainty.CERTAIN, Holder.AGENCY, "a", "r", null, SeedCitations.MODELARTS_AGENCY)), 0.2, List.of(), null,
                new io.grantwatch.model.IamChange("c1", TestFindings.T0, "detachAgencyPolicyV5", "admin", "agency modelarts_agency", "p-1"),
                "v", null, null, TestFindings.T0);
        Remediation r = planner.plan(lost);
        assertThat(r.summary()).doesNotContain("system policy").startsWith("Re-attach custom policy p-1");
    }

    private static io.grantwatch.model.Finding withPrincipal(io.grantwatch.model.Finding f, io.grantwatch.model.Principal p) {
        return new io.grantwatch.model.Finding(f.id(), f.kind(), f.status(), f.cloud(), p, f.scenarioId(), f.scenarioTitle(), f.missing(),
                f.confidence(), f.ranking(), f.evidence(), f.change(), f.catalogVersion(), f.resolvedAt(), f.timeToGrant(), f.updatedAt());
    }

    @Test
    void shouldNameTheUsersOwnGroupByIdAndNeverShareOneWhenTheNameIsNotUsable() throws Exception {
        io.grantwatch.model.Principal spaced = new io.grantwatch.model.Principal(io.grantwatch.model.PrincipalType.USER, "f1e2d3c4b5a6",
                "Zhang San", TestFindings.HW_DOMAIN, null, null, null, null);
        Remediation r = planner.plan(withPrincipal(TestFindings.obsGetObject(), spaced));
        assertInputsSetBeforeUse(r);
        assertThat(r.cliCommands()).anySatisfy(c -> assertThat(c)
                .startsWith("GROUP_ID=$(hcloud IAM KeystoneListGroups --name=GrantWatch-f1e2d3c4b5a6 "));
        io.grantwatch.model.Principal anonymous = new io.grantwatch.model.Principal(io.grantwatch.model.PrincipalType.USER, null,
                "Li Si", TestFindings.HW_DOMAIN, null, null, null, null);
        Remediation unknown = planner.plan(withPrincipal(TestFindings.obsGetObject(), anonymous));
        assertInputsSetBeforeUse(unknown);
        assertThat(String.join("\n", unknown.cliCommands())).doesNotContain("KeystoneCreateGroup", "GrantWatch-user");
        assertThat(unknown.cliCommands().get(0)).startsWith("read -r -p ").endsWith(" GROUP_ID < /dev/tty");
    }

    @Test
    void shouldSplitOneStatementsActionsByScopeWhenGlobalAndProjectServicesMix() {
        io.grantwatch.model.Finding f = TestFindings.trainJobCreate();
        io.grantwatch.model.Finding mixed = new io.grantwatch.model.Finding(f.id(), f.kind(), f.status(), f.cloud(), f.principal(), f.scenarioId(),
                f.scenarioTitle(), List.of(f.missing().get(0), new io.grantwatch.model.MissingGrant(io.grantwatch.model.Grant.action(
                        "iam:agencies:listAgencies"), io.grantwatch.model.Certainty.CERTAIN, Holder.USER, "x", "r", null,
                                SeedCitations.MODELARTS_DEPENDENCIES)),
                f.confidence(), f.ranking(), f.evidence(), f.change(), f.catalogVersion(), f.resolvedAt(), f.timeToGrant(), f.updatedAt());
        Remediation r = planner.plan(mixed);
        PolicyDocument global = r.policies().stream().filter(p -> p.name().endsWith("-global")).findFirst().orElseThrow();
        PolicyDocument project = r.policies().stream().filter(p -> p.name().endsWith("-project")).findFirst().orElseThrow();
        assertThat(PolicyEvaluator.actionsGranted(global.document())).containsExactly("iam:agencies:listAgencies");
        assertThat(PolicyEvaluator.actionsGranted(project.document())).containsExactly("modelarts:trainJob:create");
    }

    @Test
    void shouldKeepAnAgencyNameWithASpaceAndQuoteItInTheCommandThatLooksUpItsId() {
        io.grantwatch.model.Finding f = io.grantwatch.alerts.TestFindings.agencyObs();
        io.grantwatch.model.Principal spaced = new io.grantwatch.model.Principal(io.grantwatch.model.PrincipalType.ASSUMED_AGENCY, "a9b8c7",
                "ma train agency/s1", f.principal().accountId(), "ma train agency", "s1", null, null);
        io.grantwatch.model.Finding g = new io.grantwatch.model.Finding(f.id(), f.kind(), f.status(), f.cloud(), spaced, f.scenarioId(),
                f.scenarioTitle(), f.missing(), f.confidence(), f.ranking(), f.evidence(), f.change(), f.catalogVersion(), null, null,
                f.updatedAt());

        io.grantwatch.model.Remediation r = new RemediationPlanner().plan(g);

        assertThat(r.cliCommands()).anyMatch(c -> c.contains("--name='ma train agency'"));
        assertThat(String.join("\n", r.steps()) + r.summary()).contains("agency ma train agency").doesNotContain("(to be looked up)");
        assertThat(CliGrammar.checkScript(r.cliCommands())).isEmpty();
    }
}
