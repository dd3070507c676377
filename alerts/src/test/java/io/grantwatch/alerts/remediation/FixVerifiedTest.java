package io.grantwatch.alerts.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.alerts.TestFindings;
import io.grantwatch.model.Finding;
import io.grantwatch.model.KnownDeny;
import io.grantwatch.model.Remediation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fix is checked against the Deny statements the inventory says the principal holds before it is printed: an Allow
 * a known explicit Deny still blocks is not presented as the fix (RAM and Huawei IAM: "explicit deny overrides allow"),
 * one a conditional Deny may block is printed with the warning first, and where the inventory knows no Deny nothing changes.
 */
class FixVerifiedTest {
    private final RemediationPlanner planner = new RemediationPlanner();

    private static KnownDeny ramDeny(String statement, boolean conditional, boolean matched) {
        return new KnownDeny("deny-raw-data-writes", "Custom", null, "v2", "group ml-researchers", "NoRawDataReads", 0, statement, "1",
                conditional, matched);
    }

    @Test
    void shouldNotProposeAnAllowAKnownRamDenyStillBlocksAndSaySoFirst() {
        Finding f = TestFindings.ossGetObject().withKnownDenies(List.of(ramDeny(
                "{\"Sid\":\"NoRawDataReads\",\"Effect\":\"Deny\",\"Action\":[\"oss:GetObject\"],\"Resource\":\"acs:oss:*:*:training-data/*\"}",
                false, true)));

        Plan plan = planner.decide(f);
        Remediation r = planner.plan(f);

        assertThat(plan.grants()).flatExtracting(Plan.PolicyGrant::actions).doesNotContain("oss:GetObject").contains("oss:ListObjects");
        assertThat(r.summary()).startsWith("A known Deny blocks the fix (first step): no Allow is proposed for what it denies");
        assertThat(r.steps().get(0)).startsWith("A known Deny still blocks this fix: statement \"NoRawDataReads\" (#1) of policy "
                + "deny-raw-data-writes (Custom) version v2, attached to group ml-researchers denies oss:GetObject on acs:oss:*:"
                + TestFindings.UID + ":training-data/datasets/iris.csv");
        assertThat(r.policies()).allSatisfy(p -> assertThat(p.document().toString()).doesNotContain("oss:GetObject"));
        assertThat(r.cliCommands()).noneMatch(c -> c.contains("oss:GetObject"));
    }

    @Test
    void shouldAskToReviewTheDenyAnAttachAddedAndNeverToAddAnAllowOrRestoreAnything() {
        Remediation r = planner.plan(TestFindings.predictedBreakageByAttachedDeny());

        assertThat(r.policies()).as("an Allow cannot override an explicit Deny").isEmpty();
        assertThat(r.cliCommands()).noneMatch(c -> c.contains("eas:CreateService") || c.contains("AttachPolicyToUser"));
        assertThat(r.steps().get(0)).startsWith("A known Deny still blocks this fix: statement \"NoCreate\" (#1) of policy p-deny");
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).contains("attached a policy whose Deny blocks what a feature still needs"))
                .noneSatisfy(s -> assertThat(s).contains("restores what"));
    }

    @Test
    void shouldKeepTheAllowWithTheWarningFirstWhenTheKnownDenyHasACondition() {
        Finding f = TestFindings.ossGetObject().withKnownDenies(List.of(ramDeny(
                "{\"Effect\":\"Deny\",\"Action\":\"oss:Get*\",\"Resource\":\"*\","
                        + "\"Condition\":{\"NotIpAddress\":{\"acs:SourceIp\":[\"10.0.0.0/8\"]}}}",
                true, false)));

        Remediation r = planner.plan(f);

        assertThat(r.policies()).anySatisfy(p -> assertThat(p.document().toString()).contains("oss:GetObject"));
        assertThat(r.summary()).endsWith("; a known Deny may still block it (first step)");
        assertThat(r.steps().get(0))
                .startsWith("A known Deny may still block this fix: statement \"NoRawDataReads\" (#1) of policy deny-raw-data-writes")
                .contains("under a Condition GrantWatch does not evaluate");
    }

    @Test
    void shouldLeaveTheFixAsItWasWhenTheKnownDenyCoversOtherResourcesOrTheInventoryKnowsNone() {
        Remediation plain = planner.plan(TestFindings.ossGetObject());
        Finding elsewhere = TestFindings.ossGetObject().withKnownDenies(List.of(ramDeny(
                "{\"Effect\":\"Deny\",\"Action\":\"oss:GetObject\",\"Resource\":\"acs:oss:*:*:hr-payroll/*\"}", false, false)));

        assertThat(planner.plan(elsewhere)).isEqualTo(plain);
    }

    @Test
    void shouldCheckAHuaweiV5DenyAgainstTheIamAllowItWouldPrint() {
        Finding f = TestFindings.obsGetObject().withKnownDenies(List.of(new KnownDeny("ma-deny-dataset-read", "Custom", "7a1c3e5f", "v2",
                "user zhang.wei", "NoFlowers", 0,
                "{\"Sid\":\"NoFlowers\",\"Effect\":\"Deny\",\"Action\":[\"obs:object:get*\"],"
                        + "\"Resource\":[\"obs:*:*:object:ma-datasets/flowers/*\"]}",
                "5.0", false, true)));

        Remediation r = planner.plan(f);

        assertThat(r.steps().get(0)).startsWith("A known Deny still blocks this fix: statement \"NoFlowers\" (#1) of policy "
                + "ma-deny-dataset-read (Custom) version v2, attached to user zhang.wei denies obs:object:GetObject");
        assertThat(r.policies()).allSatisfy(p -> assertThat(p.document().toString()).doesNotContain("obs:object:GetObject"));
    }

    @Test
    void shouldNameTheKnownDenyStatementInTheReviewOfAnExplicitDenyWithTheCommandThatShowsIt() {
        Finding ram = TestFindings.alibabaExplicitDeny().withKnownDenies(List.of(new KnownDeny("deny-prod-bucket-deletes", "Custom", null, "v3",
                "user alice", "KeepProd", 1,
                        "{\"Sid\":\"KeepProd\",\"Effect\":\"Deny\",\"Action\":\"oss:DeleteBucket\",\"Resource\":\"acs:oss:*:*:prod-*\"}",
                "1", false, true)));
        Remediation r = planner.plan(ram);

        assertThat(r.summary()).isEqualTo("Explicit deny of oss:DeleteBucket for user alice: statement \"KeepProd\" (#2) of policy "
                + "deny-prod-bucket-deletes (Custom) version v3, attached to user alice denies it — change that statement, do not add an Allow");
        assertThat(r.cliCommands()).contains("aliyun ram GetPolicyVersion --PolicyType Custom --PolicyName deny-prod-bucket-deletes --VersionId v3");
        assertThat(r.policies()).isEmpty();

        Finding hw = TestFindings.huaweiExplicitDeny().withKnownDenies(List.of(new KnownDeny("ma-no-job-deletes", "Custom",
                "7a1c3e5f9b2d4f6a8c0e2a4c6e8a0c2e", "v2", "group ml-engineers", null, 0,
                "{\"Effect\":\"Deny\",\"Action\":[\"modelarts:trainJob:delete\"]}", "5.0", false, true)));
        Remediation h = planner.plan(hw);
        assertThat(h.summary()).contains("statement #1 of policy ma-no-job-deletes (Custom) version v2, attached to group ml-engineers denies it");
        assertThat(h.cliCommands()).contains("hcloud IAM GetPolicyVersionV5 --policy_id=7a1c3e5f9b2d4f6a8c0e2a4c6e8a0c2e --version_id=v2");
    }
}
