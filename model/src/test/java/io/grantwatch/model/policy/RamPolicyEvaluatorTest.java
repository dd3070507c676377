package io.grantwatch.model.policy;

import static io.grantwatch.model.policy.Policies.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class RamPolicyEvaluatorTest {
    static final String BUCKET_OBJECT = "acs:oss:*:123:bucket/a/b";

    static final JsonNode OSS_READ = json("""
            {'Version': '1', 'Statement': [
              {'Effect': 'Allow', 'Action': ['oss:GetObject', 'oss:ListObjects'], 'Resource': 'acs:oss:*:*:bucket/*'}
            ]}""");

    @Test
    void shouldAllowWhenActionAndResourceMatch() {
        Evaluation e = PolicyEvaluator.evaluate(OSS_READ, new Request("oss:GetObject", BUCKET_OBJECT));
        assertThat(e.decision()).isEqualTo(Decision.ALLOW);
        assertThat(e.document()).isZero();
        assertThat(e.statement()).isZero();
        assertThat(e.reason()).contains("oss:GetObject");
    }

    @Test
    void shouldImplicitlyDenyWhenNoStatementMatches() {
        Evaluation e = PolicyEvaluator.evaluate(OSS_READ, new Request("oss:PutObject", BUCKET_OBJECT));
        assertThat(e).isEqualTo(new Evaluation(Decision.IMPLICIT_DENY, -1, -1, e.reason()));
        assertThat(PolicyEvaluator.allows(OSS_READ, "oss:GetObject", "acs:oss:*:123:other/a")).isFalse();
    }

    @Test
    void shouldMatchActionsCaseInsensitivelyWhenCaseDiffers() {
        assertThat(PolicyEvaluator.allows(OSS_READ, "OSS:getobject", BUCKET_OBJECT)).isTrue();
        JsonNode upper = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'ECS:Describe*', 'Resource': '*'}]}");
        assertThat(PolicyEvaluator.allows(upper, "ecs:DescribeInstances", "acs:ecs:cn-hangzhou:123:instance/i-1")).isTrue();
    }

    @Test
    void shouldMatchResourcesCaseSensitivelyWhenCaseDiffers() {
        assertThat(PolicyEvaluator.allows(OSS_READ, "oss:GetObject", "acs:oss:*:123:Bucket/a")).isFalse();
    }

    @Test
    void shouldMatchWildcardActionsWhenServiceStarOrStarOrQuestionMark() {
        JsonNode service = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'paidsw:*', 'Resource': '*'}]}");
        JsonNode all = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}");
        JsonNode prefix = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'ecs:Describe*', 'Resource': '*'}]}");
        JsonNode one = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'oss:Get?bject', 'Resource': '*'}]}");
        assertThat(PolicyEvaluator.allows(service, "paidsw:CreateInstance", null)).isTrue();
        assertThat(PolicyEvaluator.allows(service, "paiflow:CreateInstance", null)).isFalse();
        assertThat(PolicyEvaluator.allows(all, "ram:CreateUser", null)).isTrue();
        assertThat(PolicyEvaluator.allows(prefix, "ecs:DescribeInstances", null)).isTrue();
        assertThat(PolicyEvaluator.allows(prefix, "ecs:StartInstance", null)).isFalse();
        assertThat(PolicyEvaluator.allows(one, "oss:GetObject", null)).isTrue();
        assertThat(PolicyEvaluator.allows(one, "oss:GetObjectAcl", null)).isFalse();
    }

    @Test
    void shouldMatchResourceGlobAcrossColonsAndSlashesWhenResourceHasStar() {
        assertThat(PolicyEvaluator.allows(OSS_READ, "oss:GetObject", "acs:oss:cn-hangzhou:123:bucket/a/b/c")).isTrue();
        assertThat(PolicyEvaluator.allows(OSS_READ, "oss:GetObject", "acs:oss:*:*:bucket/x")).isTrue();
    }

    @Test
    void shouldNotMatchConcreteAccountWhenRequestAccountIsUnknownStar() {
        JsonNode account = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'oss:GetObject', 'Resource': "
                + "'acs:oss:*:123:bucket/*'}]}");
        assertThat(PolicyEvaluator.allows(account, "oss:GetObject", "acs:oss:*:123:bucket/a")).isTrue();
        assertThat(PolicyEvaluator.allows(account, "oss:GetObject", "acs:oss:*:*:bucket/a")).isFalse();
    }

    @Test
    void shouldMatchOnlyStarResourceWhenRequestResourceIsNull() {
        assertThat(PolicyEvaluator.allows(OSS_READ, "oss:GetObject", null)).isFalse();
        JsonNode star = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'oss:GetObject', 'Resource': ['acs:oss:*:*:b/*', '*']}]}");
        assertThat(PolicyEvaluator.allows(star, "oss:GetObject", null)).isTrue();
        JsonNode notResource = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'oss:GetObject', 'NotResource': "
                + "'acs:oss:*:*:secret/*'}]}");
        assertThat(PolicyEvaluator.allows(notResource, "oss:GetObject", null)).isFalse();
    }

    @Test
    void shouldMatchEveryOtherActionWhenStatementUsesNotAction() {
        JsonNode p = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'NotAction': ['ram:*', 'sts:*'], 'Resource': '*'}]}");
        assertThat(PolicyEvaluator.allows(p, "ecs:RunInstances", "acs:ecs:*:123:instance/*")).isTrue();
        assertThat(PolicyEvaluator.allows(p, "RAM:CreateUser", "*")).isFalse();
        assertThat(PolicyEvaluator.evaluate(p, new Request("sts:AssumeRole", "*")).decision()).isEqualTo(Decision.IMPLICIT_DENY);
    }

    @Test
    void shouldMatchEveryOtherResourceWhenStatementUsesNotResource() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'oss:*', 'NotResource': ['acs:oss:*:*:secret', 'acs:oss:*:*:secret/*']}
                ]}""");
        assertThat(PolicyEvaluator.allows(p, "oss:GetObject", "acs:oss:*:123:public/a")).isTrue();
        assertThat(PolicyEvaluator.allows(p, "oss:GetObject", "acs:oss:*:123:secret/a")).isFalse();
        assertThat(PolicyEvaluator.allows(p, "oss:GetBucketInfo", "acs:oss:*:123:secret")).isFalse();
    }

    @Test
    void shouldDenyExplicitlyWhenDenyAndAllowMatchInOneDocument() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'oss:*', 'Resource': '*'},
                  {'Effect': 'Deny', 'Action': 'oss:DeleteObject', 'Resource': 'acs:oss:*:*:bucket/*'}
                ]}""");
        assertThat(PolicyEvaluator.evaluate(p, new Request("oss:DeleteObject", BUCKET_OBJECT)))
                .extracting(Evaluation::decision, Evaluation::document, Evaluation::statement)
                .containsExactly(Decision.EXPLICIT_DENY, 0, 1);
        assertThat(PolicyEvaluator.allows(p, "oss:DeleteObject", "acs:oss:*:123:other/a")).isTrue();
    }

    @Test
    void shouldDenyExplicitlyWhenDenyIsInAnotherDocument() {
        JsonNode allow = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'ecs:*', 'Resource': '*'}]}");
        JsonNode deny = json("{'Version': '1', 'Statement': [{'Effect': 'Deny', 'Action': 'ecs:DeleteInstance', 'Resource': '*'}]}");
        Evaluation e = PolicyEvaluator.evaluate(List.of(allow, deny), new Request("ecs:DeleteInstance", "acs:ecs:*:123:instance/i-1"));
        assertThat(e.decision()).isEqualTo(Decision.EXPLICIT_DENY);
        assertThat(e.document()).isEqualTo(1);
        assertThat(e.statement()).isZero();
        assertThat(PolicyEvaluator.evaluate(List.of(allow, deny), new Request("ecs:StartInstance", "*")))
                .extracting(Evaluation::decision, Evaluation::document).containsExactly(Decision.ALLOW, 0);
    }

    @Test
    void shouldImplicitlyDenyWhenListOfDocumentsIsEmpty() {
        assertThat(PolicyEvaluator.evaluate(List.of(), new Request("ecs:StartInstance", null)).decision())
                .isEqualTo(Decision.IMPLICIT_DENY);
    }

    @Test
    void shouldNotDecideWhenOnlyConditionalAllowMatches() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'oss:GetObject', 'Resource': '*',
                   'Condition': {'IpAddress': {'acs:SourceIp': '10.0.0.0/8'}}}
                ]}""");
        Evaluation e = PolicyEvaluator.evaluate(p, new Request("oss:GetObject", BUCKET_OBJECT));
        assertThat(e.decision()).isEqualTo(Decision.CONDITION_NOT_EVALUATED);
        assertThat(e.statement()).isZero();
        assertThat(PolicyEvaluator.allows(p, "oss:GetObject", BUCKET_OBJECT)).isFalse();
    }

    @Test
    void shouldAllowWhenConditionalAllowAndUnconditionalAllowMatch() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'oss:GetObject', 'Resource': '*', 'Condition': {'Bool': {'acs:MFAPresent': 'true'}}},
                  {'Effect': 'Allow', 'Action': 'oss:Get*', 'Resource': '*'}
                ]}""");
        assertThat(PolicyEvaluator.evaluate(p, new Request("oss:GetObject", BUCKET_OBJECT)))
                .extracting(Evaluation::decision, Evaluation::statement).containsExactly(Decision.ALLOW, 1);
    }

    @Test
    void shouldNotDecideWhenConditionalDenyMatchesAnAllowedCall() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'ecs:*', 'Resource': '*'},
                  {'Effect': 'Deny', 'Action': 'ecs:*', 'Resource': '*', 'Condition': {'NotIpAddress': {'acs:SourceIp': '10.0.0.0/8'}}}
                ]}""");
        assertThat(PolicyEvaluator.evaluate(p, new Request("ecs:StartInstance", "*")))
                .extracting(Evaluation::decision, Evaluation::statement).containsExactly(Decision.CONDITION_NOT_EVALUATED, 1);
    }

    @Test
    void shouldDenyExplicitlyWhenUnconditionalDenyFollowsConditionalDeny() {
        JsonNode conditional = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Deny', 'Action': 'ecs:*', 'Resource': '*', 'Condition': {'Bool': {'acs:MFAPresent': 'false'}}}
                ]}""");
        JsonNode hard = json("{'Version': '1', 'Statement': [{'Effect': 'Deny', 'Action': 'ecs:Delete*', 'Resource': '*'}]}");
        assertThat(PolicyEvaluator.evaluate(List.of(conditional, hard), new Request("ecs:DeleteInstance", "*")))
                .extracting(Evaluation::decision, Evaluation::document).containsExactly(Decision.EXPLICIT_DENY, 1);
    }

    @Test
    void shouldIgnoreConditionWhenConditionObjectIsEmpty() {
        JsonNode p = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'ecs:*', 'Resource': '*', 'Condition': {}}]}");
        assertThat(PolicyEvaluator.allows(p, "ecs:StartInstance", "*")).isTrue();
    }

    @Test
    void shouldIgnoreConditionalStatementWhenItDoesNotMatch() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Deny', 'Action': 'ram:*', 'Resource': '*', 'Condition': {'Bool': {'acs:MFAPresent': 'false'}}},
                  {'Effect': 'Allow', 'Action': 'ecs:*', 'Resource': '*'}
                ]}""");
        assertThat(PolicyEvaluator.allows(p, "ecs:StartInstance", "*")).isTrue();
    }

    @Test
    void shouldImplicitlyDenyWhenStatementListIsEmpty() {
        JsonNode p = json("{'Version': '1', 'Statement': []}");
        assertThat(PolicyEvaluator.evaluate(p, new Request("ecs:StartInstance", "*")).decision()).isEqualTo(Decision.IMPLICIT_DENY);
        assertThat(PolicyEvaluator.actionsGranted(p)).isEmpty();
    }

    @Test
    void shouldEvaluateStatementWhenStatementIsSingleObject() {
        JsonNode p = json("{'Version': '1', 'Statement': {'Effect': 'Allow', 'Action': 'ecs:StartInstance', 'Resource': '*'}}");
        assertThat(PolicyEvaluator.evaluate(p, new Request("ecs:StartInstance", "acs:ecs:*:1:instance/i")))
                .extracting(Evaluation::decision, Evaluation::statement).containsExactly(Decision.ALLOW, 0);
    }

    @Test
    void shouldListAllowedActionsWhenAskedForActionsGranted() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': ['oss:GetObject', 'oss:ListObjects'], 'Resource': '*'},
                  {'Effect': 'Deny', 'Action': 'oss:DeleteObject', 'Resource': '*'},
                  {'Effect': 'Allow', 'Action': 'oss:GetObject', 'Resource': 'acs:oss:*:*:b/*',
                   'Condition': {'Bool': {'acs:SecureTransport': 'true'}}},
                  {'Effect': 'Allow', 'Action': 'ecs:Describe*', 'Resource': '*'}
                ]}""");
        assertThat(PolicyEvaluator.actionsGranted(p)).containsExactly("oss:GetObject", "oss:ListObjects", "ecs:Describe*");
    }

    @Test
    void shouldReportStarWhenAllowStatementUsesNotAction() {
        JsonNode p = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'oss:GetObject', 'Resource': '*'},
                  {'Effect': 'Allow', 'NotAction': 'ram:*', 'Resource': '*'}
                ]}""");
        assertThat(PolicyEvaluator.actionsGranted(p)).containsExactly("oss:GetObject", "*");
    }

    // RAM policy language (help.aliyun.com, 权限策略基本元素): NotAction matches every action except those listed; an
    // Allow reaches only the resources its Resource (or all but its NotResource) names; a Condition is not evaluated here.
    @Test
    void shouldSayWhereUnconditionalAllowsReachAnAction() {
        JsonNode doc = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'eas:*', 'Resource': 'acs:eas:*:*:services/dev-*'},
                  {'Effect': 'Allow', 'NotAction': ['eas:DeleteService', 'ram:*'], 'NotResource': 'acs:eas:*:*:services/prod-*'},
                  {'Effect': 'Allow', 'Action': 'eas:DeleteService', 'Resource': '*', 'Condition': {'Bool': {'acs:MFAPresent': 'true'}}},
                  {'Effect': 'Deny', 'Action': 'eas:CreateService', 'Resource': '*'}
                ]}""");

        assertThat(PolicyEvaluator.allowedResources(doc, "eas:CreateService")).as("the Deny is left to evaluate; both Allows reach it")
                .containsExactly("acs:eas:*:*:services/dev-*", "not acs:eas:*:*:services/prod-*");
        assertThat(PolicyEvaluator.allowedResources(doc, "eas:DeleteService")).as("NotAction leaves it out; the other Allow is conditional")
                .containsExactly("acs:eas:*:*:services/dev-*");
        assertThat(PolicyEvaluator.allowedResources(doc, "ram:CreateUser")).isEmpty();
    }

    @Test
    void shouldListTheActionsDenyStatementsNameAndReadANotActionDenyAsEverything() {
        JsonNode doc = json("""
                {'Version': '1', 'Statement': [
                  {'Effect': 'Allow', 'Action': 'eas:*', 'Resource': '*'},
                  {'Sid': 'NoCreate', 'Effect': 'Deny', 'Action': ['eas:CreateService', 'eas:UpdateService'], 'Resource': '*'},
                  {'Effect': 'Deny', 'Action': 'eas:CreateService', 'Resource': '*', 'Condition': {'IpAddress': {'acs:SourceIp': '10.0.0.0/8'}}}
                ]}""");
        JsonNode allBut = json("{'Version': '1', 'Statement': [{'Effect': 'Deny', 'NotAction': 'oss:Get*', 'Resource': '*'}]}");

        assertThat(PolicyEvaluator.actionsDenied(doc)).containsExactly("eas:CreateService", "eas:UpdateService");
        assertThat(PolicyEvaluator.actionsDenied(allBut)).containsExactly("*");
        assertThat(PolicyEvaluator.actionsDenied(OSS_READ)).isEmpty();
    }
}
