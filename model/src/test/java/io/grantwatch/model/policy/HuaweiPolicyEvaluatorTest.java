package io.grantwatch.model.policy;

import static io.grantwatch.model.policy.Policies.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class HuaweiPolicyEvaluatorTest {
    static final JsonNode MODELARTS = json("""
            {'Version': '1.1', 'Statement': [
              {'Effect': 'Allow', 'Action': ['modelarts:trainJob:*', 'obs:*:get*']},
              {'Effect': 'Deny', 'Action': ['modelarts:*:*delete*']}
            ]}""");

    @Test
    void shouldDetectLanguageWhenVersionIsGiven() {
        assertThat(PolicyLanguage.detect(json("{'Version': '1', 'Statement': []}"))).isEqualTo(PolicyLanguage.RAM);
        assertThat(PolicyLanguage.detect(json("{'Version': '1.1', 'Statement': []}"))).isEqualTo(PolicyLanguage.HUAWEI_IAM_1_1);
        assertThat(PolicyLanguage.detect(json("{'Version': '5.0', 'Statement': []}"))).isEqualTo(PolicyLanguage.HUAWEI_IAM_V5);
    }

    @Test
    void shouldAllowAllResourcesWhenHuawei11StatementHasNoResource() {
        assertThat(PolicyEvaluator.allows(MODELARTS, "modelarts:trainJob:create", null)).isTrue();
        assertThat(PolicyEvaluator.allows(MODELARTS, "modelarts:trainJob:create", "modelarts:cn-north-4:p1:trainJob:j1")).isTrue();
        assertThat(PolicyEvaluator.allows(MODELARTS, "obs:object:getObject", "obs:*:*:object:b/k")).isTrue();
    }

    @Test
    void shouldMatchHuawei11ActionsCaseInsensitivelyWhenCaseDiffers() {
        assertThat(PolicyEvaluator.allows(MODELARTS, "ModelArts:TrainJob:Create", null)).isTrue();
        assertThat(PolicyEvaluator.allows(MODELARTS, "modelarts:notebook:create", null)).isFalse();
    }

    @Test
    void shouldDenyExplicitlyWhenHuawei11DenyWildcardMatches() {
        Evaluation e = PolicyEvaluator.evaluate(MODELARTS, new Request("modelarts:trainJob:delete", null));
        assertThat(e).extracting(Evaluation::decision, Evaluation::statement).containsExactly(Decision.EXPLICIT_DENY, 1);
        assertThat(PolicyEvaluator.evaluate(MODELARTS, new Request("modelarts:notebook:batchDeleteImages", null)).decision())
                .isEqualTo(Decision.EXPLICIT_DENY);
    }

    @Test
    void shouldMatchHuawei11ResourcesWhenResourceListIsGiven() {
        JsonNode p = json("""
                {'Version': '1.1', 'Statement': [
                  {'Effect': 'Allow', 'Action': ['obs:*:*'], 'Resource': ['obs:*:*:bucket:mybucket', 'obs:*:*:object:mybucket/*']}
                ]}""");
        assertThat(PolicyEvaluator.allows(p, "obs:bucket:listBucket", "obs:*:*:bucket:mybucket")).isTrue();
        assertThat(PolicyEvaluator.allows(p, "obs:object:getObject", "obs:*:*:object:mybucket/dir/k")).isTrue();
        assertThat(PolicyEvaluator.allows(p, "obs:object:getObject", "obs:*:*:object:other/k")).isFalse();
        assertThat(PolicyEvaluator.allows(p, "obs:bucket:listBucket", null)).isFalse();
    }

    @Test
    void shouldNotDecideWhenHuawei11AllowHasCondition() {
        JsonNode p = json("""
                {'Version': '1.1', 'Statement': [
                  {'Effect': 'Allow', 'Action': ['ecs:*:get*'], 'Condition': {'StringEquals': {'g:ProjectName': ['cn-north-4']}}}
                ]}""");
        assertThat(PolicyEvaluator.evaluate(p, new Request("ecs:cloudServers:get", null)).decision())
                .isEqualTo(Decision.CONDITION_NOT_EVALUATED);
    }

    @Test
    void shouldRejectNotActionWhenLanguageIsHuawei11() {
        JsonNode p = json("{'Version': '1.1', 'Statement': [{'Effect': 'Allow', 'NotAction': ['iam:*:*']}]}");
        assertThatThrownBy(() -> PolicyEvaluator.allows(p, "ecs:cloudServers:get", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NotAction");
    }

    @Test
    void shouldMatchV5UrnResourcesWhenResourceHasWildcards() {
        JsonNode p = json("""
                {'Version': '5.0', 'Statement': [
                  {'Effect': 'Allow', 'Action': ['obs:bucket:listBucket', 'obs:object:get*'], 'Resource': ['obs:*:*:bucket:x', 'obs:*:*:object:x/*']}
                ]}""");
        assertThat(PolicyEvaluator.allows(p, "obs:bucket:listBucket", "obs:*:*:bucket:x")).isTrue();
        assertThat(PolicyEvaluator.allows(p, "OBS:Object:GetObject", "obs:*:*:object:x/a/b")).isTrue();
        assertThat(PolicyEvaluator.allows(p, "obs:bucket:listBucket", "obs:*:*:bucket:xy")).isFalse();
        assertThat(PolicyEvaluator.allows(p, "obs:object:putObject", "obs:*:*:object:x/a")).isFalse();
    }

    @Test
    void shouldAllowAllResourcesWhenV5StatementHasNoResource() {
        JsonNode p = json("{'Version': '5.0', 'Statement': [{'Effect': 'Allow', 'Action': ['ecs:servers:list']}]}");
        assertThat(PolicyEvaluator.allows(p, "ecs:servers:list", null)).isTrue();
        assertThat(PolicyEvaluator.allows(p, "ecs:servers:list", "ecs:cn-north-4:1:instance:i")).isTrue();
    }

    @Test
    void shouldMatchOtherActionsAndResourcesWhenV5UsesNotActionAndNotResource() {
        JsonNode p = json("""
                {'Version': '5.0', 'Statement': [
                  {'Effect': 'Allow', 'NotAction': ['iam:*:*'], 'NotResource': ['obs:*:*:bucket:secret']}
                ]}""");
        assertThat(PolicyEvaluator.allows(p, "obs:bucket:listBucket", "obs:*:*:bucket:public")).isTrue();
        assertThat(PolicyEvaluator.allows(p, "obs:bucket:listBucket", "obs:*:*:bucket:secret")).isFalse();
        assertThat(PolicyEvaluator.allows(p, "iam:users:listUsers", "obs:*:*:bucket:public")).isFalse();
        assertThat(PolicyEvaluator.allows(p, "obs:bucket:listBucket", null)).isFalse();
    }

    @Test
    void shouldDenyAcrossLanguagesWhenV5DenyAndHuawei11AllowMatch() {
        JsonNode deny = json("{'Version': '5.0', 'Statement': [{'Effect': 'Deny', 'Action': ['modelarts:trainJob:create']}]}");
        assertThat(PolicyEvaluator.evaluate(List.of(MODELARTS, deny), new Request("modelarts:trainJob:create", null)))
                .extracting(Evaluation::decision, Evaluation::document, Evaluation::statement)
                .containsExactly(Decision.EXPLICIT_DENY, 1, 0);
    }

    @Test
    void shouldNotDecideWhenV5ConditionalDenyMatches() {
        JsonNode p = json("""
                {'Version': '5.0', 'Statement': [
                  {'Effect': 'Allow', 'Action': ['obs:*:*']},
                  {'Effect': 'Deny', 'Action': ['obs:object:delete*'], 'Condition': {'Bool': {'g:MFAPresent': ['false']}}}
                ]}""");
        assertThat(PolicyEvaluator.evaluate(p, new Request("obs:object:deleteObject", "obs:*:*:object:b/k")).decision())
                .isEqualTo(Decision.CONDITION_NOT_EVALUATED);
        assertThat(PolicyEvaluator.allows(p, "obs:object:getObject", "obs:*:*:object:b/k")).isTrue();
    }

    @Test
    void shouldListHuaweiActionsWhenAskedForActionsGranted() {
        assertThat(PolicyEvaluator.actionsGranted(MODELARTS)).containsExactly("modelarts:trainJob:*", "obs:*:get*");
    }

    // Huawei IAM (身份策略语法): a statement without Resource applies to all resources; v5 defines NotAction; a Deny is
    // read by evaluate, allowedResources says only how far the Allows reach.
    @Test
    void shouldSayAHuaweiAllowWithoutResourceReachesEveryResourceAndAV5NotActionLeavesItsActionsOut() {
        JsonNode v5 = json("""
                {'Version': '5.0', 'Statement': [
                  {'Effect': 'Allow', 'NotAction': ['obs:object:DeleteObject']},
                  {'Effect': 'Allow', 'Action': ['obs:object:*'], 'Resource': ['obs:*:*:object:ml-datasets/*']}
                ]}""");

        assertThat(PolicyEvaluator.allowedResources(MODELARTS, "modelarts:trainJob:create")).containsExactly("*");
        assertThat(PolicyEvaluator.allowedResources(MODELARTS, "modelarts:trainJob:delete")).as("the Deny is evaluate's to read")
                .containsExactly("*");
        assertThat(PolicyEvaluator.allowedResources(v5, "obs:object:GetObject")).containsExactly("*", "obs:*:*:object:ml-datasets/*");
        assertThat(PolicyEvaluator.allowedResources(v5, "obs:object:DeleteObject")).containsExactly("obs:*:*:object:ml-datasets/*");
        assertThat(PolicyEvaluator.actionsDenied(MODELARTS)).containsExactly("modelarts:*:*delete*");
    }
}
