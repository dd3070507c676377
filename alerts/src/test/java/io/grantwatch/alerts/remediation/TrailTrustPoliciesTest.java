package io.grantwatch.alerts.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.alerts.TestFindings;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.PolicyDocument;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.policy.PolicyEvaluator;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrailTrustPoliciesTest {
    private static final String ECS_AND_ROOT = "{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"RAM\":[\"acs:ram::1234567890123456:root\"],\"Service\":[\"ecs.aliyuncs.com\"]}}],\"Version\":\"1\"}";

    private static AuditEvent event(String action, Outcome outcome, Instant t, Map<String, String> params) {
        return new AuditEvent(Cloud.ALIBABA, "e-" + action + t, t, TestFindings.alice(), "Ram", action, "ram:" + action, null, outcome,
                false, null, null, null, "cn-hangzhou", null, "ApiCall", params, null);
    }

    @Test
    void shouldMergeIntoTheDocumentTheTrailRecordedWhenCreateRoleWasSeen() {
        TrailTrustPolicies trust = new TrailTrustPolicies();
        trust.accept(event("CreateRole", Outcome.ALLOWED, TestFindings.T0.minusSeconds(3600),
                Map.of("RoleName", "DswOssRole", "AssumeRolePolicyDocument", ECS_AND_ROOT)));
        Remediation r = new RemediationPlanner(trust).plan(TestFindings.assumeRole());
        PolicyDocument merged = r.policies().get(0);
        assertThat(PolicyEvaluator.trustAllowsService(merged.document(), "pai.aliyuncs.com")).isTrue();
        assertThat(PolicyEvaluator.trustAllowsService(merged.document(), "ecs.aliyuncs.com")).isTrue();
        assertThat(PolicyEvaluator.trustAllowsRam(merged.document(), "acs:ram::1234567890123456:root")).isTrue();
        assertThat(r.cliCommands().get(0)).as("the live document is what gets merged, in the role's own account")
                .contains("[ \"$(aliyun sts GetCallerIdentity | jq -r '.AccountId')\" = " + TestFindings.UID + " ] && aliyun ram GetRole");
    }

    @Test
    void shouldKeepTheNewestDocumentAndIgnoreFailedOrBrokenOnesWhenRolesChange() {
        TrailTrustPolicies trust = new TrailTrustPolicies();
        Instant t = TestFindings.T0;
        trust.accept(event("UpdateRole", Outcome.ALLOWED, t, Map.of("RoleName", "R", "NewAssumeRolePolicyDocument", ECS_AND_ROOT)));
        trust.accept(event("CreateRole", Outcome.ALLOWED, t.minusSeconds(60), Map.of("RoleName", "R", "AssumeRolePolicyDocument",
                "{\"Version\":\"1\",\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\","
                        + "\"Principal\":{\"Service\":[\"x.aliyuncs.com\"]}}]}")));
        trust.accept(event("UpdateRole", Outcome.DENIED, t.plusSeconds(60), Map.of("RoleName", "R", "NewAssumeRolePolicyDocument",
                "{\"Version\":\"1\",\"Statement\":[]}")));
        assertThat(trust.current(TestFindings.UID, "R")).hasValueSatisfying(d -> assertThat(PolicyEvaluator.trustAllowsService(d,
                "ecs.aliyuncs.com")).isTrue());
        // a newer change GrantWatch cannot read makes what it knew out of date: it forgets rather than show a stale document
        trust.accept(event("UpdateRole", Outcome.ALLOWED, t.plusSeconds(120), Map.of("RoleName", "R", "NewAssumeRolePolicyDocument",
                "{\"Version\":\"1\",\"Statement\":[{\"Action\":\"sts:Ass…")));
        assertThat(trust.current(TestFindings.UID, "R")).isEmpty();
        assertThat(trust.current(TestFindings.UID, "other")).isEmpty();
        assertThat(trust.current("9999999999999999", "R")).as("a role name is unique only inside its account").isEmpty();
    }

    @Test
    void shouldIgnoreADocumentIngestMaskedAValueInWhenTheTrailRedactedIt() {
        TrailTrustPolicies trust = new TrailTrustPolicies();
        trust.accept(event("UpdateRole", Outcome.ALLOWED, TestFindings.T0, Map.of("RoleName", "R", "NewAssumeRolePolicyDocument",
                "{\"Version\":\"1\",\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"RAM\":"
                        + "[\"acs:ram::1:root\"]},\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"****\"}}}]}")));
        assertThat(trust.current(TestFindings.UID, "R")).isEmpty();
    }
}
