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

    @Test
    void shouldLeaveOrdinaryPairsAndTheSecretsNameReadable() throws Exception {
        JsonNode record = Json.wire().readTree("{\"Envs\":[{\"name\":\"LOG_LEVEL\",\"value\":\"debug\"},"
                + "{\"name\":\"DB_PASSWORD\",\"value\":\"" + SECRET + "\"}]}");

        String out = Redactor.tree(record).toString();

        assertThat(out).contains("\"LOG_LEVEL\"", "\"debug\"", "\"DB_PASSWORD\"").doesNotContain(SECRET);
    }
}
