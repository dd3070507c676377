package io.grantwatch.model.policy;

import static io.grantwatch.model.policy.Policies.json;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class MalformedPolicyTest {
    static final Request CALL = new Request("ecs:StartInstance", "*");

    static void rejects(String policy, String field) {
        JsonNode p = json(policy);
        assertThatThrownBy(() -> PolicyEvaluator.evaluate(p, CALL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
        assertThatThrownBy(() -> PolicyEvaluator.actionsGranted(p))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
    }

    @Test
    void shouldRejectDocumentWhenItIsNotAnObject() {
        rejects("['Version']", "JSON object");
        rejects("'1'", "JSON object");
        assertThatThrownBy(() -> PolicyEvaluator.evaluate((JsonNode) null, CALL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
    }

    @Test
    void shouldRejectDocumentWhenVersionIsMissingOrUnknown() {
        rejects("{'Statement': []}", "Version");
        rejects("{'Version': 1, 'Statement': []}", "Version");
        rejects("{'Version': '2012-10-17', 'Statement': []}", "Version");
    }

    @Test
    void shouldRejectDocumentWhenStatementIsMissingOrNotAListOrObject() {
        rejects("{'Version': '1'}", "Statement");
        rejects("{'Version': '1', 'Statement': 'Allow'}", "Statement");
        rejects("{'Version': '1', 'Statement': ['Allow']}", "Statement[0]");
    }

    @Test
    void shouldRejectStatementWhenEffectIsMissingOrInvalid() {
        rejects("{'Version': '1', 'Statement': [{'Action': '*', 'Resource': '*'}]}", "Statement[0].Effect");
        rejects("{'Version': '1.1', 'Statement': [{'Effect': 'Allow', 'Action': ['*:*:*']}, {'Action': ['*:*:*']}]}", "Statement[1].Effect");
        rejects("{'Version': '1', 'Statement': [{'Effect': 'allow', 'Action': '*', 'Resource': '*'}]}", "Effect");
        rejects("{'Version': '5.0', 'Statement': [{'Effect': true, 'Action': ['*']}]}", "Effect");
    }

    @Test
    void shouldRejectStatementWhenActionIsMissingEmptyOrBothActionAndNotAction() {
        rejects("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Resource': '*'}]}", "Action");
        rejects("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': [], 'Resource': '*'}]}", "Action");
        rejects("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': [1], 'Resource': '*'}]}", "Action");
        rejects("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'NotAction': 'ram:*', 'Resource': '*'}]}", "NotAction");
        rejects("{'Version': '5.0', 'Statement': [{'Effect': 'Deny', 'NotAction': []}]}", "NotAction");
    }

    @Test
    void shouldRejectStatementWhenResourceIsMalformed() {
        rejects("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': '*'}]}", "Resource");
        rejects("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': {}}]}", "Resource");
        rejects("{'Version': '5.0', 'Statement': [{'Effect': 'Allow', 'Action': ['*'], 'Resource': ['*'], 'NotResource': ['x']}]}", "NotResource");
        rejects("{'Version': '1.1', 'Statement': [{'Effect': 'Allow', 'Action': ['*'], 'NotResource': ['x']}]}", "NotResource");
    }

    @Test
    void shouldRejectStatementWhenConditionIsNotAnObject() {
        rejects("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*', 'Condition': 'x'}]}", "Condition");
    }

    @Test
    void shouldRejectWholeListWhenAnyDocumentIsMalformedEvenAfterAnAllow() {
        JsonNode allow = json("{'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}");
        JsonNode broken = json("{'Version': '1', 'Statement': [{'Action': '*', 'Resource': '*'}]}");
        assertThatThrownBy(() -> PolicyEvaluator.evaluate(List.of(allow, broken), CALL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("document 1").hasMessageContaining("Effect");
    }

    @Test
    void shouldRejectRequestWhenActionIsBlank() {
        assertThatThrownBy(() -> new Request(" ", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Request(null, null)).isInstanceOf(NullPointerException.class);
    }
}
