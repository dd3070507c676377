package io.grantwatch.app.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.alerts.remediation.CliGrammar;
import io.grantwatch.app.cli.ScanCommand;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Drift remediations as {@code grantwatch scan TRAIL --inventory SNAPSHOT} prints them, on ActionTrail records and
 * {@code aliyun ram} snapshot outputs: a removed policy is restored the way it was held, the lost actions alone being
 * the alternative, and every command follows the CLI grammar.
 */
class DriftRemediationTest {
    private static final String ROOT = "/fixtures/drift-remediation/";

    private static List<Remediation> scan(String trail, String inventory) throws Exception {
        ScanCommand command = new ScanCommand();
        new CommandLine(command).parseArgs("--threads", "1", file(trail).toString(), "--inventory", file(inventory).toString());
        Method run = ScanCommand.class.getDeclaredMethod("run", PrintStream.class, PrintStream.class);
        run.setAccessible(true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = (int) run.invoke(command, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<Remediation> rs = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                JsonNode f = Json.wire().readTree(line);
                assertThat(f.get("kind").asText()).isEqualTo("PREDICTED_BREAKAGE");
                rs.add(Json.wire().treeToValue(f.get("remediation"), Remediation.class));
            }
        }
        assertThat(rs).isNotEmpty().allSatisfy(r -> assertThat(CliGrammar.checkScript(r.cliCommands()))
                .as(String.join("\n", r.cliCommands())).isEmpty());
        return rs;
    }

    private static Path file(String name) throws Exception {
        return Path.of(DriftRemediationTest.class.getResource(ROOT + name).toURI());
    }

    @Test
    void shouldRestoreThePreviousVersionNotReattachAStillAttachedPolicyWhenANewDefaultVersionDropsACallInUse() throws Exception {
        // eas-dev v1 allowed DescribeService, which alice used; CreatePolicyVersion (SetAsDefault) drops it
        for (Remediation r : scan("ram-new-default-version.json", "ram-eas-dev-snapshot.jsonl")) {
            assertThat(r.cliCommands()).contains("aliyun ram GetPolicyVersion --PolicyType Custom --PolicyName eas-dev --VersionId v1 > /dev/null && "
                    + "aliyun ram SetDefaultPolicyVersion --PolicyName eas-dev --VersionId v1")
                    .noneMatch(c -> c.contains("--PolicyName eas-dev --UserName") || c.contains("PolicyName 'eas-dev' --UserName"));
            assertThat(r.steps()).anyMatch(s -> s.startsWith("Restore the previous version")).anyMatch(s -> s.startsWith("Alternative"));
            // the lost action alone is the alternative, shown but not run with the restore
            assertThat(r.cliCommands()).filteredOn(c -> c.contains("aliyun ram CreatePolicy ")).singleElement()
                    .satisfies(c -> assertThat(c).startsWith("# alternative to the restore above: ")
                            .contains("\"Action\":[\"eas:DescribeService\"]"));
        }
    }

    @Test
    void shouldAskForThePreviousVersionWhenTheTrailDidNotGiveItsId() throws Exception {
        // the version that was in force was created in the trail (CreatePolicyVersion names no id); SetDefaultPolicyVersion v1 drops UpdateService
        for (Remediation r : scan("ram-set-default-version-back.json", "ram-eas-dev-snapshot.jsonl")) {
            assertThat(r.cliCommands()).contains("aliyun ram GetPolicyVersion --PolicyType Custom --PolicyName eas-dev "
                    + "--VersionId \"$VERSION_ID\" > /dev/null && aliyun ram SetDefaultPolicyVersion --PolicyName eas-dev "
                    + "--VersionId \"$VERSION_ID\"")
                    .anyMatch(c -> c.startsWith("read ") && c.contains("ListPolicyVersions --PolicyType Custom --PolicyName eas-dev"));
        }
    }

    @Test
    void shouldReattachAPolicyDetachedFromAGroupToTheGroupAndNeverTheWholePolicyToTheMember() throws Exception {
        for (Remediation r : scan("ram-detach-from-group.json", "ram-eas-dev-group-snapshot.jsonl")) {
            assertThat(r.cliCommands()).contains("aliyun ram GetGroup --GroupName 'eas-team' && aliyun ram AttachPolicyToGroup "
                    + "--PolicyType Custom --PolicyName 'eas-dev' --GroupName 'eas-team'");
            assertThat(r.cliCommands()).noneMatch(c -> c.contains("AttachPolicyToUser") && c.contains("eas-dev"));
        }
    }

    @Test
    void shouldRestoreThePreviousV5VersionWithSetDefaultPolicyVersionV5WhenANewVersionDropsWhatTheAgencyRead() throws Exception {
        // CTS: createPolicyVersionV5 (set_as_default) on obs-train, held by agency ma_agency, drops obs:object:GetObject
        for (Remediation r : scan("huawei-v5-new-default-version.json", "huawei-v5-agency-policy-snapshot.jsonl")) {
            assertThat(r.cliCommands()).contains("hcloud IAM GetPolicyVersionV5 --policy_id=\"$POLICY_ID\" --version_id=v1 > /dev/null && "
                    + "hcloud IAM SetDefaultPolicyVersionV5 --policy_id=\"$POLICY_ID\" --version_id=v1")
                    .anyMatch(c -> c.startsWith("POLICY_ID=$(hcloud IAM ListPoliciesV5"));
            assertThat(r.cliCommands()).noneMatch(c -> c.contains("AttachAgencyPolicyV5"));
        }
    }

    @Test
    void shouldUndoAV5DetachWithAttachAgencyPolicyV5AndTheRecordsIdsNotAV3CustomRole() throws Exception {
        // CTS: detachAgencyPolicyV5 {policy_id p-1, agency_id ag-111}; ma_agency's session read OBS under it
        for (Remediation r : scan("huawei-v5-detach-agency-policy.json", "huawei-v5-agency-and-policy-snapshot.jsonl")) {
            assertThat(r.cliCommands()).contains("printf '%s\\n' '{\"body\":{\"agency_id\":\"ag-111\"}}' > attach-p-1-ag-111.json",
                    "hcloud IAM AttachAgencyPolicyV5 --policy_id=p-1 --cli-jsonInput=attach-p-1-ag-111.json");
            assertThat(r.cliCommands()).filteredOn(c -> !c.startsWith("#"))
                    .noneMatch(c -> c.contains("CreateCloudServiceCustomPolicy") || c.contains("AssociateAgencyWith"));
        }
    }

    @Test
    void shouldPrintNoGrantToADeletedAgencyOnlyHowToRecreateIt() throws Exception {
        for (Remediation r : scan("huawei-delete-agency.json", "huawei-v5-agency-and-policy-snapshot.jsonl")) {
            assertThat(r.cliCommands()).isEmpty();
            assertThat(r.summary()).startsWith("Recreate agency ma_agency");
            assertThat(r.steps()).anyMatch(s -> s.contains("service.ModelArts"));
        }
    }

    @Test
    void shouldResolveTheBreakageAndPrintNothingToApplyOnceTheVersionInForceBeforeIsTheDefaultAgain() throws Exception {
        // CreatePolicyVersion drops DescribeService, SetDefaultPolicyVersion v1 five minutes later puts it back
        for (Remediation r : scan("ram-new-version-rolled-back.json", "ram-eas-dev-snapshot.jsonl")) {
            assertThat(r.summary()).startsWith("Resolved");
            assertThat(r.cliCommands()).isEmpty();
        }
    }
}
