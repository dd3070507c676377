package io.grantwatch.detector;

import static io.grantwatch.detector.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.PrincipalType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IamChangesTest {

    private static AuditEvent ram(String api, Map<String, String> params) {
        return Events.iamChange(Events.ramUser("admin"), T0, "Ram", api, params);
    }

    @Test
    void shouldTargetTheUserNotTheAdminWhenAPolicyIsDetachedFromAUser() {
        IamChangeEvent c = IamChanges.classify(ram("DetachPolicyFromUser", Map.of("UserName", "carol", "PolicyName", "AliyunOSSFullAccess",
                "PolicyType", "System"))).orElseThrow();
        assertThat(c.kind()).isEqualTo(IamChangeEvent.Kind.DETACH_POLICY);
        assertThat(c.targetKey()).isEqualTo("alibaba:" + Events.ramUser("carol").key());
        assertThat(c.policyName()).isEqualTo("AliyunOSSFullAccess");
        assertThat(c.event().principal().name()).isEqualTo("admin");
    }

    @Test
    void shouldTargetTheRoleSessionsWhenARoleTrustPolicyIsReplaced() {
        IamChangeEvent c = IamChanges.classify(ram("UpdateRole", Map.of("RoleName", "pai-dsw-data",
                "NewAssumeRolePolicyDocument", "{}"))).orElseThrow();
        assertThat(c.kind()).isEqualTo(IamChangeEvent.Kind.UPDATE_TRUST);
        assertThat(c.target().type()).isEqualTo(PrincipalType.ASSUMED_ROLE);
        assertThat(c.targetKey()).isEqualTo("alibaba:" + Events.role("pai-dsw-data").key());
        assertThat(c.trustDocument()).isEqualTo("{}");
    }

    @Test
    void shouldReadResourceManagerDetachPolicyPrincipalNames() {
        IamChangeEvent c = IamChanges.classify(Events.iamChange(Events.ramUser("admin"), T0, "ResourceManager", "DetachPolicy",
                Map.of("PrincipalType", "IMSUser", "PrincipalName", "carol@1704.onaliyun.com", "PolicyName", "AliyunPAIFullAccess")))
                .orElseThrow();
        assertThat(c.target().name()).isEqualTo("carol");
        assertThat(c.targetKind()).isEqualTo(IamChangeEvent.TargetKind.USER);
    }

    @Test
    void shouldTargetTheAgencyOfHuaweiAgencyChanges() {
        AuditEvent detach = Events.event(Events.iamUser("admin"), T0, "IAM", "detachAgencyPolicyV5", null, Outcome.ALLOWED, null, null,
                "modelarts_agency", Map.of("policy_name", "OBS OperateAccess"));
        IamChangeEvent c = IamChanges.classify(detach).orElseThrow();
        assertThat(c.targetKey()).isEqualTo("huawei:" + Events.agency("modelarts_agency").key());
        assertThat(c.policyName()).isEqualTo("OBS OperateAccess");

        AuditEvent trust = Events.event(Events.iamUser("admin"), T0, "IAM", "updateTrustPolicyV5", null, Outcome.ALLOWED, null, null,
                "modelarts_agency", Map.of("trust_policy", "{\"Statement\":[]}"));
        assertThat(IamChanges.classify(trust)).get().extracting(IamChangeEvent::kind).isEqualTo(IamChangeEvent.Kind.UPDATE_TRUST);
        AuditEvent delete = Events.event(Events.iamUser("admin"), T0, "IAM", "deleteAgency", null, Outcome.ALLOWED, null, null,
                "modelarts_agency", Map.of());
        assertThat(IamChanges.classify(delete)).get().extracting(IamChangeEvent::kind).isEqualTo(IamChangeEvent.Kind.DELETE_ROLE);
    }

    @Test
    void shouldIgnoreChangesThatWereDeniedAndCallsThatChangeNothing() {
        AuditEvent denied = Events.event(Events.ramUser("admin"), T0, "Ram", "DetachPolicyFromUser", null, Outcome.DENIED, "NoPermission",
                "denied", null, Map.of("UserName", "carol", "PolicyName", "X"));
        assertThat(IamChanges.classify(denied)).isEmpty();
        assertThat(IamChanges.classify(ram("ListPolicies", Map.of()))).isEmpty();
        assertThat(IamChanges.classify(ram("AddUserToGroup", Map.of("UserName", "carol", "GroupName", "ml")))).isEmpty();
        assertThat(IamChanges.classify(ram("DetachPolicyFromUser", Map.of("PolicyName", "X")))).isEmpty();
    }

    @Test
    void shouldReadTheAgencyFromTheBodyAndThePolicyIdFromTheResourceOfAV5Detach() {
        AuditEvent detach = Events.event(Events.iamUser("admin"), T0, "IAM", "detachAgencyPolicyV5", null, Outcome.ALLOWED, null, null,
                "a5f6c0d9e8b74f1a9c2d3e4f5a6b7c8d", Map.of("agency_id", "4f3c9a0e7b2d4c1e9a8b6d5f3e2c1b0a"));
        IamChangeEvent c = IamChanges.classify(detach).orElseThrow();
        assertThat(c.target().roleName()).isEqualTo("4f3c9a0e7b2d4c1e9a8b6d5f3e2c1b0a");
        assertThat(c.policyName()).isEqualTo("a5f6c0d9e8b74f1a9c2d3e4f5a6b7c8d");
        assertThat(c.policyId()).isEqualTo("a5f6c0d9e8b74f1a9c2d3e4f5a6b7c8d");
        assertThat(c.policyType()).isNull();

        AuditEvent byUrn = Events.event(Events.iamUser("admin"), T0, "IAM", "detachAgencyPolicyV5", null, Outcome.ALLOWED, null, null,
                "iam::system:policy:ModelArtsFullAccessPolicy", Map.of("agency_id", "4f3c9a0e7b2d4c1e9a8b6d5f3e2c1b0a"));
        IamChangeEvent u = IamChanges.classify(byUrn).orElseThrow();
        assertThat(u.policyName()).isEqualTo("ModelArtsFullAccessPolicy");
        assertThat(u.policyType()).isEqualTo("System");
        assertThat(u.policyId()).isNull();
    }
}
