package io.grantwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.inventory.Inventory;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.KnownDeny;
import io.grantwatch.model.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inventory fed by the IAM changes of realistic trails (ActionTrail events and CTS traces in the vendors' formats,
 * parsed by ingest): every change kind on both clouds, then an explicit deny named to its statement.
 */
class InventoryTrailsTest {
    private static final String ALIBABA = "alibaba:1358024679135790";
    private static final String HUAWEI = "huawei:5c0f3a1e9b7d4e2f8a6c4b1d3e5f7a90";
    private static final String WANG_ID = "8d2f0c6a4b1e4f3a9c7e5d3b1a2c4e6f";
    private static CatalogLookup catalog;

    @BeforeAll
    static void load() {
        catalog = CatalogLookup.of(CatalogLoader.loadBundled());
    }

    private record Run(OfflineDetector detector, List<Finding> emitted) {
    }

    /** The first {@code n} events of a trail (all when n &lt; 0). */
    private static Run feed(String fixture, int n) {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        List<Finding> out = new ArrayList<>();
        List<AuditEvent> events = Trails.load(fixture);
        for (AuditEvent e : n < 0 ? events : events.subList(0, n)) {
            out.addAll(d.accept(e));
        }
        return new Run(d, out);
    }

    private static JsonNode json(String text) throws Exception {
        return Json.wire().readTree(text);
    }

    // ---------------------------------------------------------------- Alibaba RAM

    @Test
    void shouldKeepEveryVersionOfARamPolicyAndWhichOneIsTheDefault() {
        Inventory after1 = feed("alibaba/inventory-ram-changes.json", 1).detector().inventory(ALIBABA);
        assertThat(after1.policies().get("Custom/deny-dlc-job-deletes")).satisfies(p -> {
            assertThat(p.defaultVersion()).as("CreatePolicy makes v1, the default").isEqualTo("v1");
            assertThat(p.current().getValue().document().path("Statement").get(1).path("Sid").asText()).isEqualTo("NoProdJobDeletes");
        });
        // CreatePolicyVersion with SetAsDefault: the new version is the default; its id is only in the response
        Inventory after2 = feed("alibaba/inventory-ram-changes.json", 2).detector().inventory(ALIBABA);
        assertThat(after2.policies().get("Custom/deny-dlc-job-deletes")).satisfies(p -> {
            assertThat(p.versions()).containsOnlyKeys("v1", "@2026-03-11T02:01:00Z");
            assertThat(p.defaultVersion()).isEqualTo("@2026-03-11T02:01:00Z");
            assertThat(p.current().getValue().document().path("Statement").get(0).has("Condition")).isTrue();
        });
        // SetDefaultPolicyVersion back to v1
        Inventory after3 = feed("alibaba/inventory-ram-changes.json", 3).detector().inventory(ALIBABA);
        assertThat(after3.policies().get("Custom/deny-dlc-job-deletes").defaultVersion()).isEqualTo("v1");
    }

    @Test
    void shouldFollowAttachmentsGroupMembershipAndTrustPoliciesOfRam() throws Exception {
        Inventory i = feed("alibaba/inventory-ram-changes.json", 9).detector().inventory(ALIBABA);
        assertThat(i.attachments().get("group/ml-researchers")).containsOnlyKeys("Custom/deny-dlc-job-deletes");
        assertThat(i.attachments().get("role/dsw-nb-oss-rw")).containsOnlyKeys("Custom/deny-dlc-job-deletes");
        assertThat(i.attachments().get("user/zhao.min")).containsOnlyKeys("System/AliyunOSSReadOnlyAccess");
        assertThat(i.groups().get("user/zhao.min")).containsOnlyKeys("ml-researchers");
        // UpdateRole's NewAssumeRolePolicyDocument replaced CreateRole's
        assertThat(i.trust().get("role/dsw-nb-oss-rw").document()).isEqualTo(json(
                "{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\"pai.aliyuncs.com\","
                        + "\"ecs.aliyuncs.com\"]}}],\"Version\":\"1\"}"));

        Inventory end = feed("alibaba/inventory-ram-changes.json", -1).detector().inventory(ALIBABA);
        assertThat(end.attachments()).as("DetachPolicyFromUser, DeleteRole").doesNotContainKeys("user/zhao.min", "role/dsw-nb-oss-rw");
        assertThat(end.groups()).as("RemoveUserFromGroup").doesNotContainKey("user/zhao.min");
        assertThat(end.trust()).as("DeleteRole").doesNotContainKey("role/dsw-nb-oss-rw");
        // DeletePolicyVersion v2 names an id the trail never gave: the version CreatePolicyVersion made stays, v1 stays the default
        assertThat(end.policies().get("Custom/deny-dlc-job-deletes").defaultVersion()).isEqualTo("v1");
    }

    @Test
    void shouldNameTheRamDenyStatementVersionAndGroupOfAnExplicitDeny() {
        Run r = feed("alibaba/inventory-ram-changes.json", 11);
        Finding f = r.emitted().stream().filter(x -> x.kind() == FindingKind.EXPLICIT_DENY).findFirst().orElseThrow();

        assertThat(f.principal().name()).isEqualTo("zhao.min");
        assertThat(f.knownDenies()).first().satisfies(d -> {
            assertThat(d.matched()).isTrue();
            assertThat(d.policy()).isEqualTo("deny-dlc-job-deletes");
            assertThat(d.policyType()).isEqualTo("Custom");
            assertThat(d.version()).isEqualTo("v1");
            assertThat(d.sid()).isEqualTo("NoProdJobDeletes");
            assertThat(d.index()).isEqualTo(1);
            assertThat(d.via()).isEqualTo("group ml-researchers");
            assertThat(d.conditional()).isFalse();
        });
        assertThat(f.missing().get(0).reason()).contains("An explicit Deny blocks paidlc:DeleteJob for zhao.min: statement "
                + "\"NoProdJobDeletes\" (#2) of policy deny-dlc-job-deletes (Custom) version v1, attached to group ml-researchers denies it");
    }

    @Test
    void shouldKeepTheWordingOfAnExplicitDenyTheInventoryCannotExplain() {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        List<Finding> out = new ArrayList<>();
        List<AuditEvent> events = Trails.load("alibaba/inventory-ram-changes.json");
        out.addAll(d.accept(events.get(10))); // the denial alone: nothing known
        assertThat(out).filteredOn(f -> f.kind() == FindingKind.EXPLICIT_DENY).singleElement().satisfies(f -> {
            assertThat(f.knownDenies()).isEmpty();
            assertThat(f.missing().get(0).reason()).contains("review the Deny statement (identity policy, control policy");
        });
    }

    // ---------------------------------------------------------------- Huawei IAM

    @Test
    void shouldFollowHuaweiV5PoliciesVersionsAttachmentsGroupsAndTrust() throws Exception {
        Inventory i = feed("huawei/inventory-iam-changes.json", 7).detector().inventory(HUAWEI);
        assertThat(i.policies().get("Custom/ma-deny-dataset-delete")).satisfies(p -> {
            assertThat(p.versions()).containsKeys("v1", "@2026-03-11T01:02:00Z");
            assertThat(p.defaultVersion()).as("createPolicyVersionV5 set_as_default").isEqualTo("@2026-03-11T01:02:00Z");
        });
        // attachUserPolicyV5 names the user by id in its body and the policy by the trace's resource
        assertThat(i.attachments().get("user/" + WANG_ID)).containsOnlyKeys("Custom/ma-deny-dataset-delete");
        assertThat(i.groups().get("user/" + WANG_ID)).containsOnlyKeys("ml-engineers");
        assertThat(i.trust().get("agency/ma-train-agency").document().path("Statement").get(0).path("Principal").has("IAM"))
                .as("updateTrustPolicyV5 replaced createAgencyV5's").isTrue();
        // IAM v3 custom policy: one document, no versions
        assertThat(i.policies().get("Custom/ma-no-bucket-delete").current().getKey()).isEqualTo("-");
        assertThat(i.policies().get("Custom/ma-no-bucket-delete").current().getValue().document().path("Version").asText()).isEqualTo("1.1");

        Inventory end = feed("huawei/inventory-iam-changes.json", -1).detector().inventory(HUAWEI);
        assertThat(end.attachments()).as("detachUserPolicyV5").doesNotContainKey("user/" + WANG_ID);
        assertThat(end.groups()).as("removeUserFromGroupV5").doesNotContainKey("user/" + WANG_ID);
    }

    @Test
    void shouldNameTheHuaweiV5DenyStatementOfAnExplicitObsDeny() {
        Run r = feed("huawei/inventory-iam-changes.json", 8);
        Finding f = r.emitted().stream().filter(x -> x.kind() == FindingKind.EXPLICIT_DENY).findFirst().orElseThrow();

        KnownDeny d = f.knownDenies().get(0);
        assertThat(d.matched()).isTrue();
        assertThat(d.policy()).isEqualTo("ma-deny-dataset-delete");
        assertThat(d.version()).isEqualTo("@2026-03-11T01:02:00Z");
        assertThat(d.sid()).isEqualTo("NoDatasetDeletes");
        assertThat(d.via()).isEqualTo("user wang.lei");
        assertThat(d.language()).isEqualTo("5.0");
        assertThat(f.missing().get(0).reason()).contains("statement \"NoDatasetDeletes\" (#2) of policy ma-deny-dataset-delete (Custom) "
                + "version created at 2026-03-11T01:02:00Z, attached to user wang.lei denies it");
    }

    @Test
    void shouldLeaveAnAccountWithoutIamChangesWithoutInventory() {
        Run r = feed("huawei/drift-delete-agency-v3.json", -1);
        assertThat(r.detector().inventory(HUAWEI)).isNull();
        assertThat(r.emitted()).allSatisfy(f -> assertThat(f.knownDenies()).isEmpty());
        assertThat(Map.of()).isEmpty();
    }
}
