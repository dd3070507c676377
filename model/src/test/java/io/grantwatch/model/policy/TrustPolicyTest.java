package io.grantwatch.model.policy;

import static io.grantwatch.model.policy.Policies.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class TrustPolicyTest {
    static final String ECS = "ecs.aliyuncs.com";
    static final String PAI = "pai.aliyuncs.com";

    @Test
    void shouldTrustServiceWhenServiceIsAString() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Principal': {'Service': 'ecs.aliyuncs.com'}}
                ]}""");
        assertThat(PolicyEvaluator.trustAllowsService(p, ECS)).isTrue();
        assertThat(PolicyEvaluator.trustAllowsService(p, PAI)).isFalse();
    }

    @Test
    void shouldTrustEachServiceWhenServiceIsAList() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': ['sts:AssumeRole'], 'Principal': {'Service': ['ecs.aliyuncs.com', 'pai.aliyuncs.com']}}
                ]}""");
        assertThat(PolicyEvaluator.trustAllowsService(p, ECS)).isTrue();
        assertThat(PolicyEvaluator.trustAllowsService(p, PAI)).isTrue();
        assertThat(PolicyEvaluator.trustAllowsService(p, "fc.aliyuncs.com")).isFalse();
    }

    @Test
    void shouldTrustRamPrincipalOnlyWhenPolicyNamesRamPrincipals() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': {'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Principal': {'RAM': ['acs:ram::123:root']}}}""");
        assertThat(PolicyEvaluator.trustAllowsRam(p, "acs:ram::123:root")).isTrue();
        assertThat(PolicyEvaluator.trustAllowsRam(p, "acs:ram::456:root")).isFalse();
        assertThat(PolicyEvaluator.trustAllowsRam(p, "acs:ram::123:role/x")).isFalse();
        assertThat(PolicyEvaluator.trustAllowsService(p, ECS)).isFalse();
    }

    @Test
    void shouldNotTrustWhenDenyNamesTheService() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Principal': {'Service': ['ecs.aliyuncs.com', 'pai.aliyuncs.com']}},
                  {'Effect': 'Deny', 'Action': 'sts:*', 'Principal': {'Service': 'ecs.aliyuncs.com'}}
                ]}""");
        assertThat(PolicyEvaluator.trustAllowsService(p, ECS)).isFalse();
        assertThat(PolicyEvaluator.trustAllowsService(p, PAI)).isTrue();
    }

    @Test
    void shouldNotTrustWhenDenyNamesEveryone() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Principal': {'Service': 'ecs.aliyuncs.com'}},
                  {'Effect': 'Deny', 'Action': 'sts:AssumeRole', 'Principal': '*'}
                ]}""");
        assertThat(PolicyEvaluator.trustAllowsService(p, ECS)).isFalse();
    }

    @Test
    void shouldNotTrustWhenAllowIsConditionalOrForAnotherAction() {
        JsonNode conditional = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Principal': {'RAM': 'acs:ram::123:root'},
                   'Condition': {'StringEquals': {'sts:ExternalId': 'abc'}}}
                ]}""");
        JsonNode other = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'sts:GetCallerIdentity', 'Principal': {'Service': 'ecs.aliyuncs.com'}}
                ]}""");
        assertThat(PolicyEvaluator.trustAllowsRam(conditional, "acs:ram::123:root")).isFalse();
        assertThat(PolicyEvaluator.trustAllowsService(other, ECS)).isFalse();
    }

    @Test
    void shouldNotTrustServiceWhenAllowNamesEveryone() {
        JsonNode p = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Principal': '*'}]}");
        assertThat(PolicyEvaluator.trustAllowsService(p, ECS)).isFalse();
    }

    @Test
    void shouldRejectTrustPolicyWhenVersionIsNotRam() {
        JsonNode p = json("{'Version': '5.0', 'Statement': [{'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Principal': {'Service': 'x'}}]}");
        assertThatThrownBy(() -> PolicyEvaluator.trustAllowsService(p, ECS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Version");
    }

    @Test
    void shouldRejectTrustPolicyWhenPrincipalIsNotAnObject() {
        JsonNode p = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Principal': ['x']}]}");
        assertThatThrownBy(() -> PolicyEvaluator.trustAllowsService(p, ECS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Principal");
    }

    // ------------------------------------------------------------ Huawei IAM v5 trust agencies

    @Test
    void shouldReadWhichServicesAV5TrustPolicyStillTrusts() {
        JsonNode p = json("""
                {'Version': '5.0', 'Statement': [
                  {'Effect': 'Allow', 'Action': ['sts:agencies:assume'], 'Principal': {'Service': ['service.ModelArts', 'service.DataArts']}},
                  {'Effect': 'Deny', 'Action': ['sts:agencies:*'], 'Principal': {'Service': ['service.dataarts']}}
                ]}""");
        assertThat(PolicyEvaluator.trustedServices(p)).containsExactly("service.ModelArts");
        assertThat(PolicyEvaluator.agencyTrustAllowsService(p, "service.ModelArts")).isTrue();
        assertThat(PolicyEvaluator.agencyTrustAllowsService(p, "service.modelarts")).as("service names ignore case").isTrue();
        assertThat(PolicyEvaluator.agencyTrustAllowsService(p, "service.DataArts")).isFalse();
    }

    @Test
    void shouldNotTrustAServiceAV5PolicyNamesOnlyForAnotherActionOrUnderACondition() {
        JsonNode p = json("""
                {'Version': '5.0', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'sts::setSourceIdentity', 'Principal': {'Service': 'service.ModelArts'}},
                  {'Effect': 'Allow', 'Action': 'sts:agencies:assume', 'Principal': {'Service': 'service.CCE'},
                   'Condition': {'StringEquals': {'g:SourceAccount': ['0a1b']}}},
                  {'Effect': 'Allow', 'Action': 'sts:agencies:assume', 'Principal': {'IAM': ['iam::0a1b:root']}}
                ]}""");
        assertThat(PolicyEvaluator.trustedServices(p)).isEmpty();
        assertThat(PolicyEvaluator.agencyTrustAllowsService(p, "service.ModelArts")).isFalse();
    }

    @Test
    void shouldListTheServicesARamTrustPolicyTrustsAndNoneWhenADenyNamesEveryone() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Principal': {'Service': ['pai.aliyuncs.com', 'ecs.aliyuncs.com']}}
                ]}""");
        JsonNode denyAll = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Principal': {'Service': 'pai.aliyuncs.com'}},
                  {'Effect': 'Deny', 'Action': 'sts:AssumeRole', 'Principal': '*'}
                ]}""");
        assertThat(PolicyEvaluator.trustedServices(p)).containsExactly(PAI, ECS);
        assertThat(PolicyEvaluator.trustedServices(denyAll)).isEmpty();
    }

    @Test
    void shouldRejectAV5TrustQuestionOnARamPolicyAndAFineGrainedPolicyAsTrust() {
        JsonNode ram = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Principal': {'Service': 'x'}}]}");
        JsonNode v11 = json("{'Version': '1.1', 'Statement': [{'Effect': 'Allow', 'Action': ['obs:*:*']}]}");
        assertThatThrownBy(() -> PolicyEvaluator.agencyTrustAllowsService(ram, "service.ModelArts"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5.0");
        assertThatThrownBy(() -> PolicyEvaluator.trustedServices(v11))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Version");
    }
}
