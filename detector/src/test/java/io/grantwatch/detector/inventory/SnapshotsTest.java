package io.grantwatch.detector.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.Cloud;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.inventory.InventoryRecord.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CLIs' JSON (RAM 2015-05-01 and IAM v5 response shapes) read into inventory records. */
class SnapshotsTest {
    private static final Instant T = Instant.parse("2026-03-11T09:00:00Z");

    private static String fixture(String name) throws IOException {
        try (InputStream in = SnapshotsTest.class.getResourceAsStream("/fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Inventory fold(List<InventoryRecord> records) {
        Inventory i = Inventory.empty();
        for (InventoryRecord r : records) {
            i = i.apply(r);
        }
        return i;
    }

    @Test
    void shouldReadTheAliyunRamCommandsOfASnapshotIntoTheAccountTheCallerIdentityNames() throws Exception {
        Snapshots.Result r = Snapshots.read("ram.jsonl", fixture("alibaba/inventory-snapshot.jsonl"), T, null);

        assertThat(r.problems()).isEmpty();
        assertThat(r.records()).allSatisfy(x -> {
            assertThat(x.cloud()).isEqualTo(Cloud.ALIBABA);
            assertThat(x.account()).isEqualTo("1358024679135790");
            assertThat(x.asOf()).isEqualTo(T);
        });
        assertThat(r.records()).extracting(InventoryRecord::source)
                .contains("ram.jsonl#2 (aliyun ram ListPoliciesForUser --UserName zhao.min)");
        Inventory i = fold(r.records());
        assertThat(i.attachments().get("user/zhao.min")).containsOnlyKeys("System/AliyunOSSReadOnlyAccess", "Custom/deny-raw-data-writes");
        assertThat(i.attachments().get("group/ml-researchers")).containsOnlyKeys("Custom/deny-dlc-job-deletes", "System/AliyunPAIFullAccess");
        assertThat(i.groups().get("user/zhao.min")).containsOnlyKeys("ml-researchers");
        assertThat(i.policies().get("Custom/deny-dlc-job-deletes").current().getKey()).isEqualTo("v3");
        assertThat(i.policies().get("Custom/deny-raw-data-writes").current().getKey()).isEqualTo("v2");
        assertThat(i.policies().get("System/AliyunPAIFullAccess").current()).as("listed with its default version, content unknown").isNull();
        assertThat(i.trust()).containsKey("role/dsw-nb-oss-rw");
    }

    @Test
    void shouldReadTheHcloudIamV5CommandsOfASnapshotWithTheAccountFromTheUrns() throws Exception {
        Snapshots.Result r = Snapshots.read("iam.jsonl", fixture("huawei/inventory-snapshot.jsonl"), T, null);

        assertThat(r.problems()).isEmpty();
        assertThat(r.records()).allSatisfy(x -> assertThat(x.account()).isEqualTo("5c0f3a1e9b7d4e2f8a6c4b1d3e5f7a90"));
        Inventory i = fold(r.records());
        // the agency's attachments are listed by id; GetAgencyV5 told its name
        assertThat(i.attachments().get("agency/ma-train-agency")).containsOnlyKeys("Custom/ma-deny-dataset-delete");
        assertThat(i.attachments().get("user/8d2f0c6a4b1e4f3a9c7e5d3b1a2c4e6f")).containsOnlyKeys("Custom/ma-deny-dataset-delete",
                "System/OBSReadOnlyPolicy");
        assertThat(i.policies().get("Custom/ma-deny-dataset-delete")).satisfies(p -> {
            assertThat(p.ref().id()).isEqualTo("7a1c3e5f9b2d4f6a8c0e2a4c6e8a0c2e");
            assertThat(p.current().getKey()).isEqualTo("v2");
        });
        assertThat(i.trust()).containsKey("agency/ma-train-agency");
    }

    @Test
    void shouldSayWhatItCannotPlaceAndReadTheRest() {
        String text = """
                {"command":"aliyun ram ListPoliciesForUser --UserName zhao.min",\
                "output":{"Policies":{"Policy":[{"PolicyName":"AdministratorAccess","PolicyType":"System"}]}}}
                {"Policies":{"Policy":[{"PolicyName":"AliyunOSSFullAccess","PolicyType":"System"}]}}
                {"command":"aliyun ecs DescribeInstances","output":{}}
                not json
                {"command":"aliyun ram GetRole --RoleName r",\
                "output":{"Role":{"RoleName":"r","Arn":"acs:ram::1704123456789012:role/r","AssumeRolePolicyDocument":"{}"}}}
                """;
        Snapshots.Result r = Snapshots.read("mixed.jsonl", text, T, null);

        assertThat(r.problems()).hasSize(3).anySatisfy(p -> assertThat(p).startsWith("mixed.jsonl#2: an output GrantWatch cannot place"))
                .anySatisfy(p -> assertThat(p).startsWith("mixed.jsonl#3: not one of the commands GrantWatch reads"))
                .anySatisfy(p -> assertThat(p).startsWith("mixed.jsonl#4: not JSON"));
        // the account of the file comes from GetRole's Arn, also for the ListPoliciesForUser above it
        assertThat(r.records()).extracting(InventoryRecord::kind).containsExactly(Kind.HOLDS, Kind.TRUST);
        assertThat(r.records()).allSatisfy(x -> assertThat(x.account()).isEqualTo("1704123456789012"));
    }

    @Test
    void shouldAskForTheAccountWhenNothingInTheFileNamesIt() {
        Snapshots.Result r = Snapshots.read("a.json",
                "{\"command\":\"aliyun ram ListGroupsForUser --UserName 'zhao.min'\",\"output\":{\"Groups\":{\"Group\":[]}}}", T, null);
        assertThat(r.records()).isEmpty();
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p).contains("no account", "--account"));

        Snapshots.Result given = Snapshots.read("a.json",
                "{\"command\":\"aliyun ram ListGroupsForUser --UserName 'zhao.min'\",\"output\":{\"Groups\":{\"Group\":[]}}}", T, "1704123456789012");
        assertThat(given.records()).singleElement().satisfies(x -> {
            assertThat(x.holder()).as("quotes are the shell's").isEqualTo("zhao.min");
            assertThat(x.groups()).isEmpty();
        });
    }

    @Test
    void shouldKeepAHolderNameWhoseUnquotedWordsAShellWouldSplitWholeAndRejectACommandNamingItsHolderTwice() {
        String text = """
                {"command":"aliyun ram ListGroupsForUser --UserName eve$(touch /tmp/x)`id` --profile prod","output":{"Groups":{"Group":[]}}}
                {"command":"aliyun ram ListGroupsForUser --UserName \\"ma;$(id) x\\" > groups.json","output":{"Groups":{"Group":[]}}}
                {"command":"hcloud IAM ListAttachedAgencyPoliciesV5 --agency_id=ag-1 | jq .","output":{"attached_policies":[]}}
                {"command":"aliyun ram ListGroupsForUser --UserName eve --UserName mallory","output":{"Groups":{"Group":[]}}}
                {"command":"aliyun ram ListGroupsForUser --UserName 'eve","output":{"Groups":{"Group":[]}}}
                """;
        Snapshots.Result r = Snapshots.read("hostile.jsonl", text, T, "1704123456789012");

        assertThat(r.records()).extracting(InventoryRecord::holder).as("never cut at the first space")
                .containsExactly("eve$(touch /tmp/x)`id`", "ma;$(id) x", "ag-1");
        assertThat(r.problems()).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("hostile.jsonl#4: the command names --UserName twice").contains("not read"))
                .anySatisfy(p -> assertThat(p).startsWith("hostile.jsonl#5: the command has an unterminated single quote"));
    }

    @Test
    void shouldReadTheV3AgencyPermissionsGroupsCustomPolicyAndABareShowAgency() {
        String dom = "5c0f3a1e9b7d4e2f8a6c4b1d3e5f7a90";
        String agency = "4f3c9a0e7b2d4c1e9a8b6d5f3e2c1b0a";
        String text = String.join("\n",
                // ShowAgency (v3) alone names itself: id, name, domain_id
                "{\"agency\":{\"id\":\"" + agency + "\",\"name\":\"ma-train-agency\",\"domain_id\":\"" + dom
                        + "\",\"trust_domain_name\":\"op_svc_modelarts\","
                        + "\"duration\":\"FOREVER\",\"create_time\":\"2026-01-15T02:00:00.000000\"}}",
                "{\"command\":\"hcloud IAM ListDomainPermissionsForAgency --domain_id=" + dom + " --agency_id=" + agency
                        + "\",\"output\":{\"roles\":["
                        + "{\"id\":\"obs-adm-role-id\",\"name\":\"obs_adm\",\"display_name\":\"OBS Administrator\",\"type\":\"AA\","
                                + "\"catalog\":\"OBS\","
                        + "\"flag\":\"fine_grained\",\"policy\":{\"Version\":\"1.1\",\"Statement\":[{\"Effect\":\"Allow\","
                                + "\"Action\":[\"obs:*:*\"]}]}},"
                        + "{\"id\":\"c1d2e3\",\"name\":\"custom_c1d2e3\",\"display_name\":\"ma-no-bucket-delete\",\"type\":\"AX\",\"domain_id\":\""
                                + dom + "\","
                        + "\"policy\":{\"Version\":\"1.1\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"obs:bucket:DeleteBucket\"]}]}}]}}",
                "{\"command\":\"hcloud IAM KeystoneListGroupsForUser --user_id=8d2f0c6a\","
                        + "\"output\":{\"groups\":[{\"id\":\"07609e7eb200250a3f7dc003cb7a4e2d\","
                        + "\"name\":\"ml-engineers\",\"domain_id\":\"" + dom + "\"}]}}");
        Snapshots.Result r = Snapshots.read("v3.jsonl", text, T, null);

        assertThat(r.problems()).isEmpty();
        Inventory i = fold(r.records());
        assertThat(i.attachments().get("agency/ma-train-agency")).as("the agency by id, named by ShowAgency")
                .containsOnlyKeys("System/OBS Administrator", "Custom/ma-no-bucket-delete");
        assertThat(i.policies().get("Custom/ma-no-bucket-delete").current().getKey()).isEqualTo("-");
        assertThat(i.groups().get("user/8d2f0c6a")).containsOnlyKeys("07609e7eb200250a3f7dc003cb7a4e2d");
        assertThat(i.canonical("group/07609e7eb200250a3f7dc003cb7a4e2d")).isEqualTo("group/ml-engineers");
        assertThat(r.records()).allSatisfy(x -> assertThat(x.kind()).isNotEqualTo(Kind.DELETE_HOLDER));
    }
}
