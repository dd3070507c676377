package io.grantwatch.detector.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.Cloud;
import io.grantwatch.model.KnownDeny;
import io.grantwatch.model.Principal;
import io.grantwatch.model.PrincipalType;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.inventory.InventoryRecord.Kind;
import io.grantwatch.model.inventory.InventoryRecord.PolicyRef;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the evaluator decides over the policies the inventory says a principal holds, against the clouds' documented
 * evaluation rules:
 * <ul>
 *   <li>RAM, "Policy evaluation logic": deny by default; "Explicit deny overrides allow: if any applicable policy contains an
 *       explicit Deny statement for the request, the request is immediately denied, regardless of any Allow statements in
 *       other policies" (https://www.alibabacloud.com/help/en/resource-access-management/latest/policy-evaluation-process);</li>
 *   <li>Huawei IAM (roles and policies, 1.1): the system looks for a matching Deny first, then an Allow, else denies
 *       (https://support.huaweicloud.com/usermanual-iam/iam_01_0020.html);</li>
 *   <li>Huawei IAM identity policies (5.0): an explicit deny in any policy overrides every allow
 *       (https://support.huaweicloud.com/usermanual-iam5/iam_01_1290.html).</li>
 * </ul>
 * GrantWatch sees only the identity policies the inventory holds: control policies (step 1 of the RAM page), SCPs, session
 * and resource policies are not in it, and Conditions are not evaluated.
 */
class PolicyKnowledgeTest {
    private static final Instant T = Instant.parse("2026-03-11T02:00:00Z");
    private static final String ACCT = "1358024679135790";
    private static final Principal ZHAO = Principal.user(ACCT, "247305918264137042", "zhao.min");

    private static InventoryRecord rec(Cloud cloud, Kind kind, String holderType, String holder, List<PolicyRef> policies, PolicyRef policy,
                                       String version, String document, List<String> groups) {
        return new InventoryRecord(cloud, ACCT, T, "test", kind, holderType, holder, policies, policy, version, document, true, groups, null);
    }

    private static Inventory ram(String... documents) {
        Inventory i = Inventory.empty();
        for (int n = 0; n < documents.length; n++) {
            PolicyRef p = new PolicyRef("Custom", "p" + n, null);
            i = i.apply(rec(Cloud.ALIBABA, Kind.POLICY_VERSION, null, null, null, p, "v1", documents[n], null));
            i = i.apply(rec(Cloud.ALIBABA, n == 0 ? Kind.ATTACH : Kind.ATTACH, n % 2 == 0 ? "user" : "group", n % 2 == 0 ? "zhao.min" : "ml",
                    List.of(p), null, null, null, null));
        }
        return i.apply(rec(Cloud.ALIBABA, Kind.JOIN, "user", "zhao.min", null, null, null, null, List.of("ml")));
    }

    @Test
    void shouldNameTheDenyOfAnotherPolicyOverAnAllowForTheSameCallAsRamDocuments() {
        // p0 (the user's) allows everything on the job; p1 (its group's) denies DeleteJob: explicit deny overrides allow
        PolicyKnowledge k = PolicyKnowledge.of(ram(
                "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"paidlc:*\",\"Resource\":\"*\"}]}",
                "{\"Version\":\"1\",\"Statement\":[{\"Sid\":\"NoDeletes\",\"Effect\":\"Deny\",\"Action\":\"paidlc:Delete*\","
                        + "\"Resource\":\"acs:paidlc:*:*:job/*\"}]}"),
                Cloud.ALIBABA, ZHAO);

        assertThat(k.explain("paidlc:DeleteJob", "acs:paidlc:cn-shanghai:" + ACCT + ":job/dlc1")).hasValueSatisfying(d -> {
            assertThat(d.policy()).isEqualTo("p1");
            assertThat(d.via()).isEqualTo("group ml");
            assertThat(d.sid()).isEqualTo("NoDeletes");
            assertThat(d.matched()).isTrue();
        });
        // actions are case-insensitive; the resource must match the Deny's pattern
        assertThat(k.explain("PAIDLC:deletejob", "acs:paidlc:cn-shanghai:" + ACCT + ":job/dlc1")).isPresent();
        assertThat(k.explain("paidlc:DeleteJob", "acs:paidlc:cn-shanghai:" + ACCT + ":workspace/1")).isEmpty();
        assertThat(k.explain("paidlc:GetJob", "acs:paidlc:cn-shanghai:" + ACCT + ":job/dlc1")).as("only an Allow matches").isEmpty();
    }

    @Test
    void shouldReadANotActionDenyAsDenyingEverythingElse() {
        PolicyKnowledge k = PolicyKnowledge.of(ram(
                "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Deny\",\"NotAction\":[\"oss:Get*\",\"oss:List*\"],"
                        + "\"Resource\":\"acs:oss:*:*:ml-raw-data/*\"}]}"),
                Cloud.ALIBABA, ZHAO);

        assertThat(k.explain("oss:PutObject", "acs:oss:*:" + ACCT + ":ml-raw-data/a.parquet")).isPresent();
        assertThat(k.explain("oss:GetObject", "acs:oss:*:" + ACCT + ":ml-raw-data/a.parquet")).isEmpty();
        assertThat(k.denies(List.of("oss:PutObject", "oss:GetObject"), null, null)).singleElement()
                .satisfies(d -> assertThat(d.matched()).isFalse());
    }

    @Test
    void shouldReportAConditionalDenyAsConditionalNotAsTheCertainCause() {
        PolicyKnowledge k = PolicyKnowledge.of(ram(
                "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"paidlc:DeleteJob\",\"Resource\":\"*\","
                        + "\"Condition\":{\"StringEquals\":{\"acs:ResourceTag/env\":\"prod\"}}}]}"),
                Cloud.ALIBABA, ZHAO);

        KnownDeny d = k.explain("paidlc:DeleteJob", "acs:paidlc:cn-shanghai:" + ACCT + ":job/dlc1").orElseThrow();
        assertThat(d.conditional()).isTrue();
        assertThat(d.label()).isEqualTo("statement #1 of policy p0 (Custom) version v1, attached to user zhao.min");
    }

    @Test
    void shouldFindTheDenyOfAHuaweiV3CustomPolicyAndOfAV5PolicyHeldThroughAnAgency() {
        String v3 = "{\"Version\":\"1.1\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"obs:bucket:DeleteBucket\"]}]}";
        String v5 = "{\"Version\":\"5.0\",\"Statement\":[{\"Sid\":\"NoDeletes\",\"Effect\":\"Deny\",\"Action\":[\"obs:object:delete*\"],"
                + "\"Resource\":[\"obs:*:*:object:ml-datasets-hw/*\"]}]}";
        String agencyId = "4f3c9a0e7b2d4c1e9a8b6d5f3e2c1b0a";
        Inventory i = Inventory.empty()
                .apply(rec(Cloud.HUAWEI, Kind.POLICY_VERSION, null, null, null, new PolicyRef("Custom", "ma-no-bucket-delete", "r1"), "-", v3, null))
                .apply(rec(Cloud.HUAWEI, Kind.POLICY_VERSION, null, null, null, new PolicyRef(null, null, "p5"), "v2", v5, null))
                .apply(new InventoryRecord(Cloud.HUAWEI, ACCT, T, "t", Kind.ALIAS, "agency", "ma-train-agency", null, null, null, null, false, null,
                        agencyId))
                .apply(rec(Cloud.HUAWEI, Kind.HOLDS, "agency", agencyId, List.of(new PolicyRef(null, null, "r1"), new PolicyRef("custom", "ma-deny",
                        "p5")),
                        null, null, null, null));
        Principal session = new Principal(PrincipalType.ASSUMED_AGENCY, agencyId + ":job-7", "hw-ml-lab/ma-train-agency", ACCT, "ma-train-agency",
                "job-7", null, null);
        PolicyKnowledge k = PolicyKnowledge.of(i, Cloud.HUAWEI, session);

        // 1.1: no Resource means every resource
        assertThat(k.explain("obs:bucket:DeleteBucket", null)).hasValueSatisfying(d -> {
            assertThat(d.policy()).isEqualTo("ma-no-bucket-delete");
            assertThat(d.version()).as("a v3 policy has no versions").isNull();
            assertThat(d.via()).isEqualTo("agency ma-train-agency");
        });
        // 5.0: actions case-insensitive and globbed; the policy first known by id now has its name
        assertThat(k.explain("obs:object:DeleteObject", "obs:cn-north-4:" + ACCT + ":object:ml-datasets-hw/a.tar")).hasValueSatisfying(d -> {
            assertThat(d.policy()).isEqualTo("ma-deny");
            assertThat(d.policyId()).isEqualTo("p5");
            assertThat(d.version()).isEqualTo("v2");
        });
        // a CTS resource_name is no URN: only statements on every resource can match it
        assertThat(k.explain("obs:object:DeleteObject", "ml-datasets-hw/a.tar")).isEmpty();
    }

    @Test
    void shouldKnowNothingForAPrincipalTheInventoryDoesNotHoldAndCountAttachedPoliciesWithoutContent() {
        Inventory i = Inventory.empty().apply(rec(Cloud.ALIBABA, Kind.HOLDS, "user", "zhao.min",
                List.of(new PolicyRef("System", "AliyunPAIFullAccess", null), new PolicyRef("System", "AliyunOSSReadOnlyAccess", null)),
                null, null, null, null));

        assertThat(PolicyKnowledge.of(i, Cloud.ALIBABA, Principal.user(ACCT, null, "li.qiang"))).isSameAs(PolicyKnowledge.NONE);
        PolicyKnowledge k = PolicyKnowledge.of(i, Cloud.ALIBABA, ZHAO);
        assertThat(k.unknown()).containsExactly("AliyunPAIFullAccess (System) (user zhao.min)");
        // AliyunOSSReadOnlyAccess's document is cited (system-policies.json): an Allow, no Deny
        assertThat(k.held()).singleElement().satisfies(h -> assertThat(h.ref().name()).isEqualTo("AliyunOSSReadOnlyAccess"));
        assertThat(k.denies(List.of("oss:GetObject"), "oss:GetObject", null)).isEmpty();
    }
}
