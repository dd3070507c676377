package io.grantwatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.json.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * End to end through {@link AuditParser}: every (secret name × text form) is planted in an ActionTrail
 * event and a CTS trace (errorMessage / error_msg, requestParameters / request, responseElements /
 * response, user agent, also as a JSON key), and no planted value may appear in the serialized
 * AuditEvent or in a rejected record's reason and bytes.
 */
class RedactionEndToEndTest {
    static final List<String> KEYWORDS = List.of("password", "passwd", "pwd", "pass", "db_pass", "secret", "AccessKeySecret",
            "sk", "token", "SecurityToken", "x-auth-token", "signature", "private_key", "ApiKey", "credential", "otp",
            "mfacode", "user_data", "cookie", "Authorization");
    static final List<String> FORMS = List.of("K=V", "K: V", "K=\"V\"", "\"K\":\"V\"", "\\\"K\\\":\\\"V\\\"", "<K>V</K>",
            "K%3DV", "?a=1&K=V", "b64:{\"K\":\"V\"}");
    static final List<String> SPECIAL = List.of("jdbc:mysql://u:V@db:3306/x", "mongodb://u:V@h/db",
            "Authorization: OSS LTAI5tQwErTyUiOpAs:V", "acs LTAI5tQwErTyUiOpAs:V", "ak=QTWAOYTTINDUT2QVKYUC sk=V",
            "Bearer V");

    private final AuditParser parser = new AuditParser();
    private static int n;

    private static String secret() {
        n++;
        return "Ee7" + Integer.toString(n * 104729, 36) + "Xy" + n + "Zq";
    }

    private static String plant(String form, String k, String v) {
        if (form.startsWith("b64:")) {
            String json = form.substring(4).replace("K", k).replace("V", v);
            return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        }
        return form.replace("K", k).replace("V", v);
    }

    @TestFactory
    Stream<DynamicTest> actionTrailAndCtsCarryNoPlantedSecret() {
        List<DynamicTest> out = new ArrayList<>();
        List<String[]> cases = new ArrayList<>();
        for (String k : KEYWORDS) {
            for (String f : FORMS) {
                cases.add(new String[] {k, f});
            }
        }
        for (String s : SPECIAL) {
            cases.add(new String[] {"", s});
        }
        for (String[] c : cases) {
            String k = c[0].isEmpty() ? "note" : c[0];
            String form = c[1];
            out.add(DynamicTest.dynamicTest("ActionTrail " + k + " " + form, () -> actionTrail(k, form)));
            out.add(DynamicTest.dynamicTest("CTS " + k + " " + form, () -> cts(k, form)));
            out.add(DynamicTest.dynamicTest("rejected " + k + " " + form, () -> rejected(k, form)));
        }
        return out.stream();
    }

    /**
     * What reaches findings and alerts: an errorMessage and flattened RPC parameters (the detector quotes both). The
     * outsider's forms: command lines, header lists, Go-escaped XML, hex STS tokens, CSV credentials, webhooks, YAML.
     */
    static final List<String> ERROR_MESSAGE_FORMS = List.of(
            "upstream said {\"headers\":[[\"Cookie\",\"SESSION=V\"]]}",
            "upstream said {\"headers\":[{\"name\":\"Cookie\",\"value\":\"SESSION=V\"}]}",
            "body \\u003cPassword\\u003eV\\u003c/Password\\u003e",
            "body \\x3cPassword\\x3eV\\x3c/Password\\x3e",
            "SecurityToken=43414953a1b2c3d4V is invalid",
            "x-acs-security-token: 43414953a1b2c3d4V",
            "job command: docker login -u bob -p V registry.example.com && python train.py",
            "job command: ossutil config -i LTAI5tQwErTyUiOpAs -k V",
            "job command: obsutil config -i=QTWAOYTTINDUT2QXKYUC -k=V",
            "job command: curl -u admin:V https://x.example.com",
            "job command: echo 'root:V' | chpasswd",
            "job command: net user bob V /add",
            "sql: CREATE USER app IDENTIFIED BY 'V'",
            "job command: aws configure set aws_secret_access_key V",
            "job command: openssl enc -aes-256-cbc -pass pass:V -in a",
            "job command: zip -P V out.zip a && 7z a -pV b.7z a && smbclient //fs/s -U alice%V",
            "dsn app:V@tcp(db:3306)/app and jdbc:oracle:thin:scott/V@db:1521/orcl",
            "AccessKey ID,AccessKey Secret\nLTAI5tQwErTyUiOpAs,V\n",
            "hook https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=V failed",
            "hook https://open.feishu.cn/open-apis/bot/v2/hook/V failed",
            "config password: |\n  V\nnext: 1",
            "数据库密码：V",
            "password\uFF1DV and HUAWEICLOUD_SDK_SK=V and REDIS_AUTH=V and OPENAI_KEY=V",
            "<Password><![CDATA[V]]></Password>",
            // a secret word and its value without a separator; full width; a Chinese label glued; token formats
            "token 'V' has expired", "token V is invalid", "the password V is wrong", "token is V", "The api key V is invalid",
            "\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44\uFF1AV", "\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44\uFF1DV",
            "密码V错误", "leaked ghp_Vabcd0123456789abcd and sk-proj-Vabcdef0123456789abcd and hf_Vabcdefghij0123456789",
            "xoxb-123456789012-Vabcdefghij glpat-Vabcdefghij0123456 github_pat_11ABCDEFG0_Vabcdef0123456789",
            "machine h login bob password V", "os.environ['HF_TOKEN']='V'", "htpasswd -b /etc/.htpasswd bob V",
            "https://a.blob.core.windows.net/c?sv=2022-11-02&sig=V", "admin:V@pai-dsw.cn-hangzhou.aliyuncs.com",
            "client-key-data: V", "{\\u0022password\\u0022:\\u0022V\\u0022}", "pass\u200bword=V");

    @TestFactory
    Stream<DynamicTest> anErrorMessageAndFlattenedRpcParametersCarryNoPlantedSecret() {
        return ERROR_MESSAGE_FORMS.stream().map(form -> DynamicTest.dynamicTest("errorMessage " + form, () -> {
            List<String> secrets = new ArrayList<>();
            ObjectNode e = JsonNodeFactory.instance.objectNode();
            e.put("eventId", "e2e-rpc-" + n).put("eventName", "CreateJob").put("serviceName", "paidlc")
                    .put("eventTime", "2026-09-25T03:52:04Z").put("acsRegion", "cn-hangzhou");
            e.putObject("userIdentity").put("type", "ram-user").put("accountId", "1704000000000001")
                    .put("principalId", "208300000000001").put("userName", "bob").put("accessKeyId", "LTAI5tQwErTyUiOpAs");
            ObjectNode req = e.putObject("requestParameters");
            req.put("Container.1.EnvironmentVar.1.Key", "DB_PASSWORD").put("Container.1.EnvironmentVar.1.Value", planted("V", "x", secrets));
            req.put("Parameters.1.ParameterKey", "AdminPassword").put("Parameters.1.ParameterValue", planted("V", "x", secrets));
            req.put("Parameters.2.ParameterKey", "Region").put("Parameters.2.ParameterValue", "cn-hangzhou");
            req.put("Command", planted(form, "K", secrets));
            e.put("errorCode", "NoPermission");
            e.put("errorMessage", "You are not authorized to do action: paidlc:CreateJob " + planted(form, "K", secrets));
            check(Json.wire().writeValueAsBytes(e), secrets, true);
            AuditEvent ev = parser.parse(Json.wire().writeValueAsBytes(e), "e2e", Hints.NONE).events().get(0);
            assertThat(ev.parameters()).containsEntry("Parameters.2.ParameterValue", "cn-hangzhou")
                    .containsEntry("Container.1.EnvironmentVar.1.Key", "DB_PASSWORD");
        }));
    }

    private void actionTrail(String k, String form) throws Exception {
        List<String> secrets = new ArrayList<>();
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("eventId", "e2e-" + n).put("eventName", "CreateInstance").put("serviceName", "Ecs")
                .put("eventTime", "2026-09-25T03:52:04Z").put("acsRegion", "cn-hangzhou");
        e.put("userAgent", "sdk/1.0 " + planted(form, k, secrets));
        e.putObject("userIdentity").put("type", "ram-user").put("accountId", "1704000000000001")
                .put("principalId", "208300000000001").put("userName", "bob").put("accessKeyId", "LTAI5tQwErTyUiOpAs");
        ObjectNode req = e.putObject("requestParameters");
        req.put("Detail", "x " + planted(form, k, secrets) + " y");
        req.put("Body", Json.wire().writeValueAsString(Map.of("inner", planted(form, k, secrets))));
        req.put(k, planted("V", k, secrets));
        ObjectNode resp = e.putObject("responseElements");
        resp.put("Message", planted(form, k, secrets));
        resp.putObject("Credentials").put(k, planted("V", k, secrets));
        e.put("errorCode", "NoPermission");
        e.put("errorMessage", "You are not authorized to do action: ram:PassRole " + planted(form, k, secrets));
        check(Json.wire().writeValueAsBytes(e), secrets, true);
    }

    private void cts(String k, String form) throws Exception {
        List<String> secrets = new ArrayList<>();
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        t.put("trace_id", "cts-" + n).put("trace_name", "createServer").put("service_type", "ECS").put("trace_rating", "warning")
                .put("code", "403").put("time", 1795338030000L).put("user_agent", "hcloud-cli " + planted(form, k, secrets));
        t.putObject("user").put("type", "User").put("name", "dave").put("id", "u1").put("access_key_id", "HSTAQWERTYUIOP12")
                .putObject("domain").put("name", "acme").put("id", "d1");
        t.put("request", "{\"name\":\"x\",\"note\":" + Json.wire().writeValueAsString(planted(form, k, secrets)) + ",\""
                + k + "\":\"" + planted("V", k, secrets) + "\"}");
        ObjectNode resp = t.putObject("response");
        resp.put("error_msg", "User: dave is not authorized to perform action ecs:cloudServers:create on resource x "
                + planted(form, k, secrets));
        resp.put(k, planted("V", k, secrets));
        t.put("message", planted(form, k, secrets));
        check(Json.wire().writeValueAsBytes(t), secrets, true);
    }

    private void rejected(String k, String form) throws Exception {
        List<String> secrets = new ArrayList<>();
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("eventId", "bad-" + n).put("eventTime", "not a time " + planted(form, k, secrets));
        e.put("note", planted(form, k, secrets));
        e.put(k, planted("V", k, secrets));
        String body = Json.wire().writeValueAsString(e) + "\n{\"x\":\"" + planted(form, k, secrets).replace("\"", "'") + "\", broken\n";
        check(body.getBytes(StandardCharsets.UTF_8), secrets, false);
    }

    private String planted(String form, String k, List<String> secrets) {
        if (form.equals("V") && k.equals("note")) {
            return "not a secret"; // special forms have no key: nothing to plant under it
        }
        String v = secret();
        secrets.add(v);
        return plant(form, k, v);
    }

    private void check(byte[] body, List<String> secrets, boolean expectEvent) throws Exception {
        AuditParser.Result r = parser.parse(body, "e2e", Hints.NONE);
        StringBuilder all = new StringBuilder();
        for (AuditEvent ev : r.events()) {
            all.append(Json.wire().writeValueAsString(ev)).append('\n');
        }
        for (RejectedRecord rej : r.rejected()) {
            all.append(rej.reason()).append('\n').append(new String(rej.bytes(), StandardCharsets.UTF_8)).append('\n');
        }
        for (var s : r.skipped()) {
            all.append(s).append('\n');
        }
        if (expectEvent) {
            assertThat(r.events()).as("parsed %s", new String(body, StandardCharsets.UTF_8)).isNotEmpty();
        } else {
            assertThat(r.rejected()).isNotEmpty();
        }
        String text = all.toString();
        for (String s : secrets) {
            assertThat(leaks(text, s, 3)).as("secret %s in%n%s", s, text).isFalse();
        }
    }

    private static final Pattern B64_RUN = Pattern.compile("[A-Za-z0-9+/_\\-]{8,}={0,2}");

    static boolean leaks(String out, String secret, int depth) {
        if (out.contains(secret)) {
            return true;
        }
        if (depth == 0) {
            return false;
        }
        if (out.contains("%")) {
            try {
                String d = URLDecoder.decode(out.replace("+", "%2B"), StandardCharsets.UTF_8);
                if (!d.equals(out) && leaks(d, secret, depth - 1)) {
                    return true;
                }
            } catch (IllegalArgumentException ignored) {
                // not percent-encoded
            }
        }
        String unescaped = out.replace("\\\"", "\"").replace("\\\\", "\\");
        if (!unescaped.equals(out) && leaks(unescaped, secret, depth - 1)) {
            return true;
        }
        Matcher m = B64_RUN.matcher(out);
        while (m.find()) {
            for (Base64.Decoder dec : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
                try {
                    if (leaks(new String(dec.decode(m.group()), StandardCharsets.UTF_8), secret, depth - 1)) {
                        return true;
                    }
                } catch (IllegalArgumentException ignored) {
                    // not base64
                }
            }
        }
        return false;
    }
}
