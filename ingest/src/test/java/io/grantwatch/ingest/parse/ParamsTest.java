package io.grantwatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request parameters keep the policy documents IAM changes carry whole: the detector's inventory reads them. */
class ParamsTest {

    @Test
    void shouldKeepARamPolicyDocumentOfFiveThousandCharactersWholeButCutOtherLongValues() throws Exception {
        StringBuilder resources = new StringBuilder();
        for (int i = 0; resources.length() < 5_000; i++) {
            resources.append(i == 0 ? "" : ",").append("\"acs:oss:*:*:ml-datasets-").append(i).append("/*\"");
        }
        String doc = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"oss:DeleteObject\",\"Resource\":[" + resources + "]}]}";
        String other = "Blocks deletes in the training dataset buckets; ask the data platform team. ".repeat(40);
        JsonNode request = Json.wire().createObjectNode().put("PolicyName", "deny-dataset-delete").put("PolicyDocument", doc)
                .put("SetAsDefault", "true").put("Description", other);

        Map<String, String> p = Params.of(request);

        assertThat(doc.length()).isGreaterThan(Params.MAX_VALUE);
        assertThat(p.get("PolicyDocument")).isEqualTo(doc);
        assertThat(p.get("Description")).hasSize(Params.MAX_VALUE + 1).endsWith("…");
    }

    @Test
    void shouldKeepAnIamV3CustomPolicyObjectAsItsJsonText() throws Exception {
        JsonNode request = Json.wire().readTree("""
                {"role":{"display_name":"ma-deny-obs-delete","type":"AX","description":"no deletes in the dataset buckets",
                 "policy":{"Version":"1.1","Statement":[{"Effect":"Deny","Action":["obs:object:DeleteObject"],
                 "Resource":["obs:*:*:object:ml-datasets-hw/*"]}]}}}""");

        Map<String, String> p = Params.of(request);

        assertThat(p).containsEntry("role.display_name", "ma-deny-obs-delete");
        assertThat(Json.wire().readTree(p.get("role.policy"))).isEqualTo(request.path("role").path("policy"));
    }

    @Test
    void shouldFlattenArraysAndMaskTheValueOfASecretPair() throws Exception {
        JsonNode request = Json.wire().readTree("""
                {"StackName":"s1","Tags":[{"Key":"env","Value":"prod"},{"Key":"DB_PASSWORD","Value":"Qz9arr1"}],
                 "Parameters":[{"ParameterKey":"InstanceType","ParameterValue":"ecs.g6.large"},
                               {"ParameterKey":"AdminPassword","ParameterValue":"Qz9arr2"}],
                 "Passwords":["Qz9arr3"],
                 "job":{"Envs":[{"name":"HF_TOKEN","value":"Qz9arr4"},{"name":"EPOCHS","value":"3"}],"Args":["--lr","0.1"]}}""");

        Map<String, String> p = Params.of(request);

        assertThat(p).containsEntry("Tags.1.Key", "env").containsEntry("Tags.1.Value", "prod")
                .containsEntry("Tags.2.Key", "DB_PASSWORD").containsEntry("Tags.2.Value", "****")
                .containsEntry("Parameters.1.ParameterValue", "ecs.g6.large").containsEntry("Parameters.2.ParameterValue", "****")
                .containsEntry("job.Envs.1.value", "****").containsEntry("job.Envs.2.value", "3").containsEntry("job.Args.2", "0.1");
        assertThat(p.toString()).doesNotContain("Qz9arr");
    }
    @Test
    void shouldReadTheRoleArnOfACredentialConfigGivenAsAnObjectButNeverItsSecurityToken() throws Exception {
        // PAI DSW CreateInstance: CredentialConfig {Enable, Configs[{Key, Type, Roles[{RoleArn, RoleType, AssumeRoleFor, UserInfo}]}]}
        // (API reference, struct CredentialConfig); ActionTrail keeps it as an object or as its JSON text
        JsonNode request = Json.wire().readTree("""
                {"WorkspaceId":"123","CredentialConfig":{"Enable":true,"Configs":[{"Key":"default","Type":"Role",
                 "Roles":[{"RoleArn":"acs:ram::1234567890123456:role/dsw-role","RoleType":"service","AssumeRoleFor":"1234567890123456",
                           "UserInfo":{"Id":"456","SecurityToken":"Qz9tok1","AccessKeyId":"LTAI5tQz9abcdefghijk"}}]}]}}""");

        Map<String, String> p = Params.of(request);

        assertThat(p).containsEntry("CredentialConfig.Configs.1.Roles.1.RoleArn", "acs:ram::1234567890123456:role/dsw-role")
                .containsEntry("CredentialConfig.Configs.1.Type", "Role");
        assertThat(p.toString()).doesNotContain("Qz9tok1").doesNotContain("Qz9abcdefghijk");
    }
}
