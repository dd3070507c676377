package io.grantwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets where no value is: a file's name, a field's name, a parse error's quote (outsider findings on issue 13). */
class SecretsInNamesTest {
    private static final String SIG = "Zq7FN03sigCANARYWv8";
    private static final String TOKEN = "CAISZq7FN04tokenCANARYWv8";

    @Test
    void shouldRedactTheQueryOfAFileSavedFromAPresignedUrlWhereverItsNameIsShown(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("AT_cn-hangzhou_20260105.json?OSSAccessKeyId=STS.NTx1&Expires=1767600000&Signature=" + SIG
                + "%3D&security-token=" + TOKEN);
        Files.writeString(f, "{\"eventId\":\"n1\",\"eventName\":\"ListUsers\",\"eventTime\":\"2026-01-05T10:00:00Z\","
                + "\"userIdentity\":{\"type\":\"ram-user\",\"userName\":\"u\",\"accountId\":\"1\"}}\n{ broken\n");
        List<AuditEvent> events = new ArrayList<>();
        List<RejectedRecord> rejected = new ArrayList<>();

        new AuditFileReader().readFile(f, 0, events::add, rejected::add);

        assertThat(events).singleElement().satisfies(e -> assertThat(e.source().location())
                .startsWith(tmp + "/AT_cn-hangzhou_20260105.json?").doesNotContain(SIG, TOKEN));
        assertThat(rejected).singleElement().satisfies(r -> assertThat(r.location()).doesNotContain(SIG, TOKEN));
        assertThat(AuditFileReader.namesRedacted("Cannot read " + f + ": denied")).doesNotContain(SIG, TOKEN).startsWith("Cannot read " + tmp);
    }

    @Test
    void shouldNotQuoteAnUnquotedSecretInTheReasonOfAParseError() {
        String secret = "Zq7D04aUnquotedPassWv8";
        byte[] body = ("{\"eventName\":\"CreateLoginProfile\",\"eventTime\":\"2024-05-01T10:00:00Z\",\"userIdentity\":"
                + "{\"type\":\"ram-user\"},\"requestParameters\":{\"UserName\":\"bob\",\"Password\":" + secret + "}}")
                .getBytes(StandardCharsets.UTF_8);

        AuditParser.Result r = new AuditParser().parse(body, "mem", Hints.NONE);

        assertThat(r.rejected()).singleElement().satisfies(x -> {
            assertThat(x.reason()).doesNotContain(secret).contains("token (" + secret.length() + " characters)");
            assertThat(new String(x.bytes(), StandardCharsets.UTF_8)).doesNotContain(secret);
        });
    }

    @Test
    void shouldRedactASecretCarriedInAFieldsName() throws Exception {
        String secret = "Zq7A29aKeyNameCanaryWv8";
        byte[] body = ("{\"eventId\":\"k1\",\"eventName\":\"Login\",\"eventTime\":\"2026-01-05T10:00:00Z\",\"userIdentity\":"
                + "{\"type\":\"ram-user\",\"userName\":\"u\",\"accountId\":\"1\"},\"requestParameters\":{\"password=" + secret
                + "&user=admin\":\"1\"}}").getBytes(StandardCharsets.UTF_8);

        AuditParser.Result r = new AuditParser().parse(body, "mem", Hints.NONE);

        assertThat(r.events()).singleElement().satisfies(e -> assertThat(Json.wire().writeValueAsString(e)).doesNotContain(secret));
        assertThat(io.grantwatch.model.redact.Redactor.tree(Json.wire().readTree(body)).toString()).doesNotContain(secret);
    }
}
