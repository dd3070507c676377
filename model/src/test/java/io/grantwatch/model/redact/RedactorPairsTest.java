package io.grantwatch.model.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A secret whose name and value are two fields of one object: environment lists, stack and job parameters. */
class RedactorPairsTest {
    private static final String SECRET = "Zx9-pair-canary-S3cret";

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"name\":\"DB_PASSWORD\",\"value\":\"" + SECRET + "\"}",                         // Kubernetes / PAI DLC env list
        "{\"ParameterKey\":\"DBPassword\",\"ParameterValue\":\"" + SECRET + "\"}",         // ROS stack parameters
        "{\"key\":\"access_key_secret\",\"value\":\"" + SECRET + "\"}",
        "{\"Name\":\"api-token\",\"Value\":\"" + SECRET + "\",\"Type\":\"String\"}",
        "{\"param_name\":\"sk\",\"param_value\":\"" + SECRET + "\"}"                      // ModelArts training parameters
    })
    void shouldMaskTheValueOfANameValuePairWhoseNameIsASecretsInTreesAndInJsonParameters(String pair) throws Exception {
        JsonNode record = Json.wire().readTree("{\"requestParameters\":{\"Envs\":[" + pair + "]}}");

        assertThat(Redactor.tree(record).toString()).doesNotContain(SECRET).contains("****");
        assertThat(Redactor.value("Parameters", "[" + pair + "]")).doesNotContain(SECRET).contains("****");
    }

    /** Alibaba RPC request parameters flatten lists with indices: the name and the value are two sibling keys. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"Container.1.EnvironmentVar.1.Key\":\"DB_PASSWORD\",\"Container.1.EnvironmentVar.1.Value\":\"" + SECRET + "\"}",
        "{\"Parameters.1.ParameterKey\":\"AdminPassword\",\"Parameters.1.ParameterValue\":\"" + SECRET + "\"}",
        "{\"Parameters.2.ParameterValue\":\"" + SECRET + "\",\"Parameters.1.ParameterKey\":\"Region\","
                + "\"Parameters.1.ParameterValue\":\"cn-hangzhou\",\"Parameters.2.ParameterKey\":\"AdminPassword\"}",
        "{\"Envs.3.Name\":\"OBS_SK\",\"Envs.3.Value\":\"" + SECRET + "\"}"
    })
    void shouldMaskTheValueSiblingOfAFlattenedPairWhoseNameIsASecretsInTreesTextAndQueryStrings(String params) throws Exception {
        JsonNode record = Json.wire().readTree("{\"requestParameters\":" + params + "}");

        assertThat(Redactor.tree(record).toString()).doesNotContain(SECRET).contains("****");
        assertThat(Redactor.text("body " + params)).doesNotContain(SECRET).contains("****");
        assertThat(Redactor.value("Body", params)).doesNotContain(SECRET).contains("****");
        StringBuilder query = new StringBuilder();
        Json.wire().readTree(params).properties().forEach(e -> query.append(query.isEmpty() ? "" : "&").append(e.getKey())
                .append('=').append(e.getValue().textValue()));
        assertThat(Redactor.text("POST /?" + query)).doesNotContain(SECRET).contains("****");
        java.util.Map<String, String> flat = new java.util.LinkedHashMap<>();
        record.get("requestParameters").properties().forEach(e -> flat.put(e.getKey(), e.getValue().textValue()));
        assertThat(Redactor.secretPairValues(record.get("requestParameters"))).isNotEmpty()
                .allMatch(k -> SECRET.equals(flat.get(k)));
    }

    @Test
    void shouldKeepTheSiblingsOfAnOrdinaryFlattenedPair() {
        String q = "Parameters.1.ParameterKey=Region&Parameters.1.ParameterValue=cn-hangzhou&Container.1.EnvironmentVar.1.Key=LOG_LEVEL"
                + "&Container.1.EnvironmentVar.1.Value=debug";
        assertThat(Redactor.text(q)).isEqualTo(q);
    }

    @Test
    void shouldLeaveOrdinaryPairsAndTheSecretsNameReadable() throws Exception {
        JsonNode record = Json.wire().readTree("{\"Envs\":[{\"name\":\"LOG_LEVEL\",\"value\":\"debug\"},"
                + "{\"name\":\"DB_PASSWORD\",\"value\":\"" + SECRET + "\"}]}");

        String out = Redactor.tree(record).toString();

        assertThat(out).contains("\"LOG_LEVEL\"", "\"debug\"", "\"DB_PASSWORD\"").doesNotContain(SECRET);
    }
}
