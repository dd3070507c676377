package io.grantwatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.ParseRun;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.redact.Redactor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Secrets planted in every field never reach any output: stdout, stderr, rejected bytes. */
class RedactionTest {

    /** Everything parse could print: each event as JSON, each rejection's location and reason. */
    private static String runParse(String... fixtures) throws IOException {
        StringBuilder all = new StringBuilder();
        ParseRun.run(new AuditFileReader(), Arrays.stream(fixtures).map(Fixtures::path).toList(), new ByteArrayInputStream(new byte[0]),
                e -> all.append(Json.wire().<JsonNode>valueToTree(e).toString()).append('\n'),
                r -> all.append(r.location()).append(": ").append(r.reason()).append('\n'));
        return all.toString();
    }

    @Test
    void shouldNeverPrintAPlantedSecretWhenParsing() throws IOException {
        String all = runParse("alibaba/secrets-planted.json", "huawei/secrets-planted.json", "alibaba/secrets-in-bad-records.jsonl");
        assertThat(all).doesNotContain("SEKRET").doesNotContain("CAIS").doesNotContain("MII");
        assertThat(all).contains("LTAI****").contains("HSTA****").contains("ram:PassRole").contains("ecs:cloudServers:create");
    }

    @Test
    void shouldNeverKeepAPlantedSecretInRejectedBytes() {
        Fixtures.Read r = Fixtures.read("alibaba/secrets-in-bad-records.jsonl");
        assertThat(r.rejected()).hasSize(2);
        for (var rej : r.rejected()) {
            String bytes = new String(rej.bytes(), StandardCharsets.UTF_8);
            assertThat(bytes).doesNotContain("SEKRET");
            assertThat(rej.reason()).doesNotContain("SEKRET");
        }
        assertThat(new String(r.rejected().get(0).bytes(), StandardCharsets.UTF_8)).contains("\"foo\":\"bar\"").contains("LTAI****");
    }

    @Test
    void shouldKeepUsefulParametersWhileMaskingSecretOnes() {
        AuditEvent e = Fixtures.read("alibaba/secrets-planted.json").only();
        assertThat(e.parameters()).containsEntry("AccessKeySecret", Redactor.MASK).containsEntry("Password", Redactor.MASK)
                .containsEntry("Nested.name", "ok").containsEntry("Query", "a=1&Signature=****&b=2");
        assertThat(e.parameters().get("Body")).isEqualTo("{\"password\":\"****\",\"x\":1}");
        assertThat(e.errorMessage()).contains("Action: ram:PassRole").contains("password=****");
        assertThat(e.iamAction()).isEqualTo("ram:PassRole");
    }

    @Test
    void shouldRedactTextForms() {
        assertThat(Redactor.text("x-auth-token: abcdef123")).isEqualTo("x-auth-token: ****");
        assertThat(Redactor.text("<AccessKeySecret>abc</AccessKeySecret>")).isEqualTo("<AccessKeySecret>****</AccessKeySecret>");
        assertThat(Redactor.text("{\\\"SecurityToken\\\":\\\"abc def\\\"}")).isEqualTo("{\\\"SecurityToken\\\":\\\"****\\\"}");
        assertThat(Redactor.text("key LTAI5tAbCdEfGhIjKl used")).isEqualTo("key LTAI**** used");
        assertThat(Redactor.text("stsTokenPlayerUid=12345")).isEqualTo("stsTokenPlayerUid=12345");
        assertThat(Redactor.text("User: dave is not authorized to perform: iam:tokens:assume on x"))
                .isEqualTo("User: dave is not authorized to perform: iam:tokens:assume on x");
        assertThat(Redactor.maskAccessKeyId("STS.NUav87jQZ3eT9TTP18tYDuvSS")).isEqualTo("STS.****");
        assertThat(Redactor.text("Incorrect IAM authentication information: ak QTWAOYTTINDUT2QVKYUC not exist"))
                .isEqualTo("Incorrect IAM authentication information: ak QTWA**** not exist");
        assertThat(Redactor.text("domain OTC00000000001000100974 and request 6110E64B004C4034363CDC5E"))
                .isEqualTo("domain OTC00000000001000100974 and request 6110E64B004C4034363CDC5E");
        String blob = "A1b2+/c3D4_=".repeat(10); // a 120-character base64 run: a token or key of unknown kind
        assertThat(Redactor.text("credential " + blob + " sent")).doesNotContain(blob).startsWith("credential ").endsWith(" sent");
        assertThat(Redactor.text("path " + blob.substring(0, 99) + " ok")).contains(blob.substring(0, 99));
        assertThat(Redactor.text("ak ÄQTWAOYTTINDUT2QVKYUC")).isEqualTo("ak ÄQTWA****");
        assertThat(List.of(Redactor.isSecretKey("accessKeySecret"), Redactor.isSecretKey("security_token"),
                Redactor.isSecretKey("stsTokenPrincipalName"), Redactor.isSecretKey("PolicyName")))
                .containsExactly(true, true, false, false);
    }
}
