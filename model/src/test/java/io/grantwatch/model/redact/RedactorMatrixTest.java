package io.grantwatch.model.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.model.json.Json;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A generated matrix: every secret key name of the vocabulary × every way text writes a key and value ×
 * every place a value can sit in a record. Each case plants a unique secret and asserts that it is gone
 * from the output, also after percent-, entity- and base64-decoding the output.
 */
class RedactorMatrixTest {

    /** Key names as attackers, SDKs and clouds spell them (case and separators vary on purpose). */
    static final List<String> KEYWORDS = List.of(
            "password", "Password", "passwd", "pwd", "pass", "db_pass", "dbPassword", "adminPass", "passphrase",
            "secret", "client_secret", "AccessKeySecret", "secret_key", "SecretAccessKey", "sk",
            "token", "SecurityToken", "session_token", "x-auth-token", "X-Subject-Token", "access_token",
            "signature", "Signature", "private_key", "PrivateKey", "api_key", "ApiKey", "apikey", "x-api-key",
            "credential", "credentials", "credential_value", "otp", "OTP", "mfacode", "MfaCode", "mfa_code",
            "user_data", "UserData", "cookie", "Set-Cookie", "authorization", "Proxy-Authorization", "jaas",
            "passcode", "totp", "ssl.keystore.key",
            // a secret key as the last word after a separator; keys named for what they protect; Redis; Chinese labels
            "HUAWEICLOUD_SDK_SK", "OBS_SK", "OSS_SK", "master_key", "encryption_key", "hmac_key", "signing_key", "license_key",
            "OPENAI_KEY", "openai_api_key", "REDIS_AUTH", "masterauth", "数据库密码", "密码", "密钥", "口令", "令牌",
            // KMS plaintext, one-time codes, kubeconfig key data, Azure SAS signatures
            "Plaintext", "plain_text", "OtpCode", "hotp", "verification_code", "sms_code", "client-key-data", "sig");

    /** A PEM body line (base64 of DER), the same in every case; templates write it {@code {BODY}}. */
    static final String PEM_LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";

    /**
     * How a key and its value are written: the value's place is {@code V}, the key's {@code K}; after
     * both are put in, {@link #expand} writes out the PEM markers and body ({@code {BEGIN}}, {@code {BODY}}, …).
     */
    static final List<Form> FORMS = List.of(
            Form.of("K=V"), Form.of("K = V"), Form.of("K: V"), Form.of("K:V"), Form.of("K=\"V\""), Form.of("K='V'"),
            Form.of("\"K\":\"V\""), Form.of("\"K\": \"V\""), Form.of("'K': 'V'"), Form.of("\\\"K\\\":\\\"V\\\""),
            Form.of("<K>V</K>"), new Form("K%3DV", (k, v) -> URLEncoder.encode(k, StandardCharsets.UTF_8) + "%3D" + v),
            Form.of("?a=1&K=V&b=2"), Form.of("{\"K\":\"V\",\"n\":1}"), Form.of("K=V;other=1"),
            // a PEM body under the name, the secret on its second line: raw lines, \n escapes, a JSON string
            Form.of("K: {BEGIN}\n{BODY}\nV\n{END}"), Form.of("K={BEGIN}\\n{BODY}\\nV\\n{END}\\n"),
            Form.of("\"K\": \"{BEGIN}\\n{BODY}\\nV\\n{END}\\n\""),
            // command-line options
            Form.of("cli --K V --region cn-hangzhou"), Form.of("cli --K=V"), Form.of("tool -K V -v"), Form.of("cli --K 'V' x"),
            Form.of("cli --K \"V\" x"), Form.of("[\"cli\", \"--K\", \"V\", \"-v\"]"),
            // XML that names the key in an attribute or a sibling element
            Form.of("<param name=\"K\" value=\"V\"/>"), Form.of("<entry key=\"K\">V</entry>"),
            Form.of("<property name=\"K\">V</property>"), Form.of("<add value='V' key='K' />"),
            Form.of("<property>\n  <name>K</name>\n  <value>V</value>\n</property>"),
            // the key spelled with character references: a letter decimal, hex, in the middle, all of it; a named separator
            new Form("&#D;K=V", (k, v) -> "&#" + (int) k.charAt(0) + ";" + k.substring(1) + "=" + v),
            new Form("&#xH;K=V", (k, v) -> "&#x" + Integer.toHexString(k.charAt(0)) + ";" + k.substring(1) + "=" + v),
            new Form("&#X00H;K: V", (k, v) -> "&#X00" + Integer.toHexString(k.charAt(0)).toUpperCase(java.util.Locale.ROOT) + ";"
                    + k.substring(1) + ": " + v),
            new Form("K[..]&#D;K[..]=V", (k, v) -> k.substring(0, k.length() / 2) + "&#" + (int) k.charAt(k.length() / 2) + ";"
                    + k.substring(k.length() / 2 + 1) + "=" + v),
            new Form("&#D;&#D;…=V", (k, v) -> k.chars().mapToObj(c -> "&#" + c + ";").collect(java.util.stream.Collectors.joining()) + "=" + v),
            Form.of("K&equals;V"), Form.of("&quot;K&quot;&colon;&quot;V&quot;"),
            // separators escaped as Go and JavaScript write them, and in full width
            Form.of("K\\u003dV"), Form.of("K\\u003a V"), Form.of("K\uFF1DV"), Form.of("K\uFF1AV"),
            // XML: CDATA, and Go-escaped / \\x-escaped tags
            Form.of("<K><![CDATA[V]]></K>"), Form.of("\\u003cK\\u003eV\\u003c/K\\u003e"), Form.of("\\x3cK\\x3eV\\x3c/K\\x3e"),
            // YAML block scalars
            Form.of("K: |\n  V\n  tail\nnext: 1"), Form.of("  K: >-\n      V\n  next: 1"),
            // a name/value pair: a header list, an object in text, RPC parameters flattened with indices (either order)
            Form.of("[[\"K\",\"V\"]]"), Form.of("[{\"name\":\"K\",\"value\":\"V\"}]"),
            new Form("Container.1.EnvironmentVar.1.Key=K&….Value=V",
                    (k, v) -> "Container.1.EnvironmentVar.1.Key=" + k + "&Container.1.EnvironmentVar.1.Value=" + v),
            new Form("…EnvironmentVar.2.Value=V&….Key=K",
                    (k, v) -> "Container.1.EnvironmentVar.2.Value=" + v + "&Container.1.EnvironmentVar.2.Key=" + k),
            new Form("{\"Parameters.1.ParameterKey\":\"K\",….ParameterValue}",
                    (k, v) -> "{\"Parameters.1.ParameterKey\":\"" + k + "\",\"Parameters.1.ParameterValue\":\"" + v + "\"}"),
            // a quoted key in brackets (Python, Ruby, PHP), JSON-escaped JSON as text
            Form.of("os.environ['K']='V'"), Form.of("settings[\"K\"] = \"V\""), Form.of("{\\u0022K\\u0022:\\u0022V\\u0022}"),
            // the key in full-width letters; a zero-width character inside the key
            new Form("ｆｕｌｌｗｉｄｔｈ(K)：V", (k, v) -> fullWidth(k) + "\uFF1A" + v),
            new Form("K[..]\\u200bK[..]=V", (k, v) -> k.substring(0, k.length() / 2) + "\u200b" + k.substring(k.length() / 2) + "=" + v),
            new Form("\\uFEFFK: V", (k, v) -> "\uFEFF" + k + ": " + v),
            // hex of the whole pair
            new Form("hex(K=V)", (k, v) -> "dump " + hex(k + "=" + v) + " end"));

    static String fullWidth(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(c -> sb.append(c > 0x20 && c < 0x7f ? (char) (c + 0xFEE0) : (char) c));
        return sb.toString();
    }

    static String hex(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            sb.append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }

    /** A way to write a key and its value. */
    record Form(String name, java.util.function.BinaryOperator<String> plant) {
        static Form of(String template) {
            return new Form(template, (k, v) -> expand(template.replace("K", k).replace("V", v)));
        }
    }

    /** The markers a template cannot spell itself (they hold the letters K and V). */
    static String expand(String s) {
        return s.replace("{BODY}", PEM_LINE).replace("{BEGIN}", "-----BEGIN PRIVATE KEY-----").replace("{END}", "-----END PRIVATE KEY-----")
                .replace("{BEGIN ", "-----BEGIN ").replace("{END ", "-----END ").replace(" PK}", " PRIVATE KEY-----")
                .replace(" PKB}", " PRIVATE KEY BLOCK-----");
    }

    /** Where the text sits: in a field value, a message, a nested JSON string, base64, a URL, a header, XML. */
    enum Position {
        VALUE(s -> Redactor.value("message", s)),
        TEXT(s -> Redactor.text("Request failed: " + s + " please retry")),
        NESTED_JSON(s -> Redactor.text(jsonDoc(jsonDoc(s)))),
        NESTED_JSON_TREE(s -> Redactor.tree(tree(jsonDoc(s))).toString()),
        BASE64(s -> Redactor.text("payload=" + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)) + " end")),
        /** MIME base64 (lines of 76, CRLF), as a mail body or an attachment carries it, raw and in a JSON string. */
        BASE64_MIME(s -> Redactor.text("attachment:\r\n" + mime(s) + "\r\n--")),
        BASE64_MIME_JSON(s -> Redactor.text(jsonDoc("body:\n" + mime(s)))),
        BASE64_URL(s -> Redactor.text("data " + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("{\"note\":\"" + jsonEscape(s) + "\"}").getBytes(StandardCharsets.UTF_8)))),
        URL(s -> Redactor.text("GET https://api.example.com/v1/items?next=" + URLEncoder.encode(s, StandardCharsets.UTF_8) + "&x=1")),
        HEADER(s -> Redactor.text("POST /v1 HTTP/1.1\r\nHost: h.example.com\r\nX-Debug: " + s + "\r\nContent-Length: 2\r\n")),
        XML(s -> Redactor.text("<Error><Code>Denied</Code><Message>" + s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                + "</Message></Error>")),
        XML_RAW(s -> Redactor.text("<Error><Detail>" + s + "</Detail></Error>"));

        final Function<String, String> run;

        Position(Function<String, String> run) {
            this.run = run;
        }
    }

    /** {@code s} between two lines of filler, in MIME base64 (so that it spans lines of 76). */
    static String mime(String s) {
        String filler = "Subject: nightly report for the data platform team, see the attached logs\n";
        return Base64.getMimeEncoder().encodeToString((filler + s + "\n" + filler).getBytes(StandardCharsets.UTF_8));
    }

    /** Forms that are not key/value: URL user info, signatures after access key ids, pairs, encoded JSON. */
    static final List<String> SPECIAL = List.of(
            "jdbc:mysql://dbuser:V@db.example.com:3306/app",
            "mongodb://admin:V@mongo.example.com/db",
            "postgresql://u:V@pg:5432/x",
            "https://bob:V@git.example.com/repo.git",
            "redis://:V@cache:6379",
            "Authorization: acs LTAI5tQwErTyUiOpAs:V",
            "Authorization: OSS LTAI5tQwErTyUiOpAs:V",
            "OSS LTAI5tQwErTyUiOpAs:V",
            "ak=QTWAOYTTINDUT2QVKYUC sk=V",
            "AK: HSTAQWERTYUIOP12 SK: V",
            "Authorization: Bearer V",
            "Basic V",
            "Cookie: session=V; theme=dark",
            // bare PEM private keys: raw lines, \n escapes (as in a JSON string), other labels, cut short
            "{BEGIN}\n{BODY}\nV\n{END}\n",
            "{BEGIN}\\n{BODY}\\nV\\n{END}\\n",
            "{\"type\":\"service_account\",\"private_key\":\"{BEGIN}\\n{BODY}\\nV\\n{END}\\n\",\"n\":1}",
            "{BEGIN RSA PK}\r\n{BODY}\r\nV\r\n{END RSA PK}",
            "{BEGIN EC PK}\nV\n{END EC PK}",
            "{BEGIN OPENSSH PK}\n{BODY}\nV\n{END OPENSSH PK}",
            "{BEGIN ENCRYPTED PK}\n{BODY}\nV\n{END ENCRYPTED PK}",
            "{BEGIN PGP PKB}\n\n{BODY}\nV\n{END PGP PKB}",
            "key file {BEGIN}\n{BODY}\nV",
            // one-letter password options of known commands, and whole CLI configurations
            "mysql -u root -pV app",
            "mysqldump -uroot -pV --all-databases",
            "mysql -h db -P 3306 -u app -p'V' app",
            "/usr/bin/mysqladmin -u root -p\"V\" status",
            "docker exec -it db mariadb -uroot -pV -e 'select 1'",
            "sh -c \"mysql -uroot -pV < dump.sql\"",
            "sshpass -p V ssh ops@10.0.0.8",
            "sshpass -pV scp a ops@10.0.0.8:/tmp",
            "redis-cli -h cache -p 6379 -a V ping",
            "mongosh -u admin -p V --authenticationDatabase admin",
            "aliyun configure set --profile p1 --mode AK --access-key-id LTAI5tQwErTyUiOpAs --access-key-secret V --region cn-hangzhou",
            "hcloud configure set --cli-profile=p1 --cli-mode=AKSK --cli-access-key=HSTAQWERTYUIOP12 --cli-secret-key=V --cli-region=cn-north-4",
            "hcloud configure set --cli-secret-key V --cli-region cn-north-4",
            "keytool -importkeystore -srckeystore a.p12 -srcstorepass V -destkeystore b.jks",
            "docker login -u bob --password V registry.example.com",
            "{\"Command\":[\"mysql\",\"-uroot\",\"-pV\",\"app\"]}",
            "{\"args\":[\"sshpass\",\"-p\",\"V\",\"ssh\",\"h\"]}",
            // quoted header parameters: HTTP Digest, quoted cookies
            "Authorization: Digest username=\"admin\", realm=\"api@example.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
                    + "uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"V\", opaque=\"5ccc069c403ebaf9\"",
            "Proxy-Authorization: Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"V\"",
            "authorization: Digest response=\"V\", username=\"u\"",
            "Cookie: theme=\"dark\"; session=\"V\"",
            // command lines whose password options only the command says (docker's -p is a port elsewhere)
            "docker login -u bob -p V registry.example.com",
            "podman login -u bob -p V quay.io",
            "docker login -u bob --password=V r.example.com",
            "ossutil config -e oss-cn-hangzhou.aliyuncs.com -i LTAI5tQwErTyUiOpAs -k V",
            "ossutil cp a oss://b/ --access-key-id LTAI5tQwErTyUiOpAs --access-key-secret V",
            "obsutil config -i=QTWAOYTTINDUT2QXKYUC -k=V -e=obs.cn-north-4.myhuaweicloud.com",
            "curl -u admin:V https://api.example.com",
            "curl --user admin:V https://api.example.com",
            "curl -s --user=admin:V https://x.example.com",
            "echo 'root:V' | chpasswd",
            "echo \"admin:V\" | sudo chpasswd",
            "net user bob V /add",
            "CREATE USER 'app'@'%' IDENTIFIED BY 'V';",
            "ALTER USER app IDENTIFIED BY V;",
            "aws configure set aws_secret_access_key V",
            "openssl enc -aes-256-cbc -k V -in a -out b",
            "openssl enc -aes-256-cbc -pass pass:V -in a",
            "openssl rsa -passin pass:V -in k.pem",
            "zip -P V secret.zip a.txt",
            "7z a -pV backup.7z dir",
            "smbclient //fs/share -U alice%V",
            "jdbc:oracle:thin:scott/V@db.example.com:1521/orcl",
            "app:V@tcp(db.example.com:3306)/app?parseTime=true",
            // credential files as the consoles write them
            "AccessKey ID,AccessKey Secret\r\nLTAI5tQwErTyUiOpAs,V\r\n",
            "User Name,Access Key Id,Secret Access Key\nbob,QTWAOYTTINDUT2QXKYUC,V\n",
            // chat webhooks whose URL is the credential
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=V",
            "https://open.feishu.cn/open-apis/bot/v2/hook/V",
            "https://open.larksuite.com/open-apis/bot/v2/hook/V",
            "https://oapi.dingtalk.com/robot/send?access_token=V",
            // headers inside an error message: a JSON header list, Go-escaped XML, a hex-encoded STS token
            "{\"headers\":[[\"Cookie\",\"SESSION=V\"]]}",
            "{\"headers\":[{\"name\":\"Cookie\",\"value\":\"SESSION=V\"}]}",
            "\\u003cPassword\\u003eV\\u003c/Password\\u003e",
            "\\x3cPassword\\x3eV\\x3c/Password\\x3e",
            "SecurityToken=4341495300ff21V",
            "x-acs-security-token: 43414953a1b2c3V",
            // a secret word and its value without a separator (error messages, .netrc)
            "token 'V' has expired", "token V is invalid", "the password V is wrong", "token is V", "The api key V is invalid",
            "access key secret V was rotated", "passwd \"V\" rejected", "machine h.example.com login bob password V",
            // a Chinese label glued to the value
            "密码V错误", "令牌是V", "口令 V 已过期",
            // a quoted key in brackets, an exported variable
            "os.environ['HF_TOKEN']='V'", "export HF_TOKEN=V", "env['DB_PASSWORD'] = 'V'",
            // commands whose password is a positional word
            "htpasswd -b /etc/nginx/.htpasswd bob V", "htpasswd -cbB users.txt alice V && nginx -s reload",
            // Azure SAS, kubeconfig
            "https://acc.blob.core.windows.net/c/b.txt?sv=2022-11-02&se=2026-01-01&sr=b&sp=r&sig=V",
            "users:\n- name: admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTg==\n    client-key-data: V\n",
            // template parameters: a secret's name, or NoEcho, makes the Default a secret
            "{\"AdminPassword\":{\"Type\":\"String\",\"NoEcho\":true,\"Default\":\"V\"}}",
            "{\"DbUser\":{\"Type\":\"String\",\"NoEcho\":true,\"Default\":\"V\"}}",
            "DBPassword:\n  Type: String\n  NoEcho: true\n  Default: V\n",
            "Parameters:\n  DbLogin:\n    Type: String\n    Default: V\n    NoEcho: true\nOutputs: {}");

    /**
     * Forms whose value has a format of its own (token prefixes, a host after user info): planted with the plain secret only,
     * as an encodable one (with {@code + / é}) is no such value.
     */
    static final List<String> SPECIAL_SHAPED = List.of(
            "ghp_Vabcd0123456789abcd", "found gho_Vabcd0123456789 in log", "ghu_Vabcd0123456789x", "ghs_Vabcd0123456789x",
            "ghr_Vabcd0123456789x", "github_pat_11ABCDEFG0_Vabcdef0123456789", "OPENAI sk-proj-Vabcdef0123456789abcd",
            "key sk-Vabcdefghij0123456789", "hf_Vabcdefghij0123456789", "xoxb-123456789012-Vabcdefghij", "xoxp-1-Vabcdefghij0123",
            "glpat-Vabcdefghij0123456", "admin:V@pai-dsw.cn-hangzhou.aliyuncs.com", "ssh deploy:V@git.cn-hangzhou.example.com");

    private static int n;

    static String secret() {
        n++;
        return "Qz9" + Integer.toString(n * 7919, 36) + "Vw" + Integer.toString(n, 36) + "pK";
    }

    /**
     * A secret that every encoding writes differently: a {@code +} (percent: {@code %2B}, form: a space), a
     * {@code /} ({@code %2F}, and JSON may write {@code \\/}), a non-ASCII letter ({@code %C3%A9}, {@code \\u00e9}),
     * at a different base64 alignment in every case.
     */
    static String encodableSecret() {
        n++;
        return "Qz9" + Integer.toString(n * 7919, 36) + "+Vw/\u00e9" + Integer.toString(n, 36) + "pK";
    }

    static Stream<DynamicTest> cases(List<String> keys, List<Form> forms) {
        return cases(keys, forms, RedactorMatrixTest::secret, "");
    }

    static Stream<DynamicTest> cases(List<String> keys, List<Form> forms, java.util.function.Supplier<String> secrets, String label) {
        List<DynamicTest> out = new ArrayList<>();
        for (String k : keys) {
            for (Form form : forms) {
                for (Position p : Position.values()) {
                    String v = secrets.get();
                    String planted = form.plant().apply(k, v);
                    out.add(DynamicTest.dynamicTest(label + p + " | " + planted, () -> assertNoLeak(p.run.apply(planted), v, planted)));
                }
            }
        }
        return out.stream();
    }

    static Stream<DynamicTest> specialCases(List<String> forms, java.util.function.Supplier<String> secrets, String label) {
        List<DynamicTest> out = new ArrayList<>();
        for (String form : forms) {
            for (Position p : Position.values()) {
                String v = secrets.get();
                String planted = expand(form.replace("V", v));
                out.add(DynamicTest.dynamicTest(label + p + " | " + planted, () -> assertNoLeak(p.run.apply(planted), v, planted)));
            }
        }
        return out.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyKeywordEveryFormEveryPosition() {
        return cases(KEYWORDS, FORMS);
    }

    @TestFactory
    Stream<DynamicTest> everySpecialFormEveryPosition() {
        return Stream.concat(specialCases(SPECIAL, RedactorMatrixTest::secret, ""),
                specialCases(SPECIAL_SHAPED, RedactorMatrixTest::secret, "shaped | "));
    }

    /** The key and the value in full width ({@code ｐａｓｓｗｏｒｄ＝ＣＡＮＡＲＹ－１２５}): gone also read as ASCII (NFKC). */
    @TestFactory
    Stream<DynamicTest> fullWidthKeysAndValues() {
        List<DynamicTest> out = new ArrayList<>();
        for (String k : KEYWORDS) {
            for (String form : List.of("K=V", "K: V", "\"K\":\"V\"")) {
                for (Position p : Position.values()) {
                    String v = secret().toUpperCase(java.util.Locale.ROOT) + "-125";
                    String planted = fullWidth(form.replace("K", k).replace("V", v));
                    out.add(DynamicTest.dynamicTest("full width " + p + " | " + planted, () -> {
                        String r = p.run.apply(planted);
                        assertNoLeak(java.text.Normalizer.normalize(r, java.text.Normalizer.Form.NFKC), v, planted);
                    }));
                }
            }
        }
        return out.stream();
    }

    /** A secret template parameter keeps what describes it: only its Default is masked (JSON tree and text). */
    @org.junit.jupiter.api.Test
    void templateParametersKeepTheirDescription() {
        String doc = "{\"Parameters\":{\"AdminPassword\":{\"Type\":\"String\",\"NoEcho\":true,\"Default\":\"Qz9tpl1\"},"
                + "\"Size\":{\"Type\":\"Number\",\"Default\":40}}}";
        for (String out : List.of(Redactor.tree(tree(doc)).toString(), Redactor.text(doc), Redactor.value("TemplateBody", doc))) {
            assertThat(out).as(out).doesNotContain("Qz9tpl1").contains("String").contains("NoEcho").contains("40");
        }
    }

    /**
     * The whole matrix again with a secret that percent-, base64- and JSON-encoding each change: the output
     * holds it in none of them (raw, {@code %XX}, {@code +} for a space, base64 and base64url at any alignment,
     * JSON-escaped, {@code \\uXXXX}, character references), nor does any decoding of the output show it
     * ({@link #assertNoLeak}). URL user info is left out: a {@code /} would end it (it must be {@code %2F} there).
     */
    @TestFactory
    Stream<DynamicTest> aSecretIsInNoEncodingOfTheOutput() {
        return Stream.concat(cases(KEYWORDS, FORMS, RedactorMatrixTest::encodableSecret, "any encoding | "),
                specialCases(SPECIAL.stream().filter(f -> !f.contains("://")).toList(), RedactorMatrixTest::encodableSecret,
                        "any encoding | "));
    }

    /** A value under a secret key in a JSON record (the key rule), at any depth. */
    @TestFactory
    Stream<DynamicTest> everyKeywordAsJsonKey() {
        return KEYWORDS.stream().map(k -> DynamicTest.dynamicTest("json key " + k, () -> {
            String v = secret();
            assertNoLeak(Redactor.value(k, v), v, k);
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.putObject("requestParameters").putObject("inner").put(k, v);
            assertNoLeak(Redactor.tree(o).toString(), v, k);
            assertThat(Redactor.isSecretKey(k)).as(k).isTrue();
        }));
    }

    /** Every secret name of the vocabulary is planted by some keyword above, so by every form. */
    @org.junit.jupiter.api.Test
    void theKeywordsCoverEveryNameOfTheVocabulary() {
        List<String> names = new ArrayList<>(SecretVocabulary.fragments(SecretVocabulary.Kind.SECRET));
        names.addAll(SecretVocabulary.fragments(SecretVocabulary.Kind.HEADER));
        for (String f : names) {
            assertThat(KEYWORDS).as(f).anyMatch(k -> SecretVocabulary.normalize(k).contains(f) && SecretVocabulary.isSecret(k));
        }
        for (String f : SecretVocabulary.fragments(SecretVocabulary.Kind.ACCESS_KEY_ID)) {
            assertThat(AK_KEYWORDS).as(f).anyMatch(k -> SecretVocabulary.normalize(k).endsWith(f) && SecretVocabulary.isAccessKeyId(k));
        }
    }

    /** Base64 of a short JSON credential document (under the 100-character run rule). */
    @TestFactory
    Stream<DynamicTest> base64JsonCredentialsUnder100() {
        return KEYWORDS.stream().map(k -> DynamicTest.dynamicTest("b64 json " + k, () -> {
            String v = secret();
            String json = "{\"" + k + "\":\"" + v + "\"}";
            String b64 = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
            assertThat(b64.length()).isLessThan(100);
            assertNoLeak(Redactor.text("ctx " + b64), v, json);
            assertNoLeak(Redactor.value("payload", b64), v, json);
        }));
    }

    /** Names of access key ids, as SDKs and clouds spell them. */
    static final List<String> AK_KEYWORDS = List.of("ak", "AccessKeyId", "access_key_id", "akid", "accessKey");

    /** Access key ids keep their prefix for correlation, in every form. */
    @TestFactory
    Stream<DynamicTest> accessKeyIdsKeepTheirPrefix() {
        List<DynamicTest> out = new ArrayList<>();
        for (String k : AK_KEYWORDS) {
            for (String form : List.of("K=V", "K: V", "\"K\":\"V\"", "\\\"K\\\":\\\"V\\\"", "<K>V</K>", "?a=1&K=V",
                    "cli --K V -x", "<param name=\"K\" value=\"V\"/>", "<entry key=\"K\">V</entry>", "K&equals;V")) {
                for (String id : List.of("LTAI5tQwErTyUiOpAsDf", "QTWAOYTTINDUT2QVKYUC", "STS.NUav87jQZ3eT9TTP18tYDuvSS")) {
                    String planted = form.replace("K", k).replace("V", id);
                    out.add(DynamicTest.dynamicTest("ak " + planted, () -> {
                        String r = Redactor.text("x " + planted + " y");
                        assertThat(r).as(planted).doesNotContain(id.substring(5)).contains(id.substring(0, 4) + Redactor.MASK);
                    }));
                }
            }
        }
        return out.stream();
    }

    static Stream<String> notSecrets() {
        return Stream.of(
                "passwordless sign-in is enabled for this account",
                "skip the first 3 items",
                "task=reindex-2024",
                "task: reindex",
                "ask=123 mask=abc desk=12 risk=low",
                "User: dave is not authorized to perform: iam:credentials:listCredentials on resource: iam::123:user/dave",
                "User: dave is not authorized to perform: iam:tokens:assume on x",
                "obs:object:GetObject on obs:my-bucket:secret-reports/2024/token.csv",
                "/bucket/passwords/readme.txt and /secrets/ folder",
                "You are not authorized to perform ram:PassRole on acs:ram::1234567890:role/ecs-admin",
                "Action: oss:PutObject, Resource: acs:oss:*:*:bucket/obj",
                "passes: 3, bypass=off",
                "The token expired; please sign in again",
                "signature mismatch",
                "stsTokenPlayerUid=12345",
                "PasswordPolicy=strict",
                "domain OTC00000000001000100974 and request 6110E64B004C4034363CDC5E",
                "https://obs.cn-north-4.myhuaweicloud.com/bucket/key?versionId=abc&uploads",
                "mask=rw-r--r-- otpauth",
                "request 8f14e45f-ceea-467a-9c1c-4f8a0e6b1c2d took 12ms",
                "eventName=CreateUser; eventSource=ram.aliyuncs.com",
                "SkipAuth=false; TaskId=7",
                "Message: the credentials file was rotated",
                "authorizationType: RAM, result: denied",
                "cookieName=theme; MaxAge=3600",
                "CredentialConfig: role/pai-dsw-data",
                // command lines without secrets: -p of other commands, a bare -p (mysql then prompts; the word names a database)
                "ls -p /tmp && tar -xzf backup.tgz -C /tmp",
                "gcc -pedantic -O2 -o app main.c",
                "mysql -h db -u root -p app",
                "mysql -u root -p",
                "docker login --username bob --password-stdin registry.example.com",
                "aliyun ram CreateUser --UserName alice --DisplayName Alice --region cn-hangzhou",
                "hcloud configure set --cli-region=cn-north-4 --cli-mode=AKSK",
                "psql --no-password -h db app",
                "cp -a src dst; redis-cli -h cache ping",
                "a --region cn-hangzhou --password-policy strict",
                "[\"ls\",\"-p\",\"/tmp\"] and [\"mysql\",\"-p\",\"app\"] and {\"--password\": []}",
                // XML that names an ordinary key
                "<param name=\"region\" value=\"cn-hangzhou\"/><entry key=\"timeout\">30</entry>",
                "<property name=\"db.url\">jdbc:mysql://db:3306/app</property><property><name>fs.oss.endpoint</name><value>oss-cn-hangzhou.aliyuncs.com</value></property>",
                "<input type=\"text\" name=\"username\" value=\"alice\"/><name>password</name> is required",
                // a Digest challenge holds no credential
                "WWW-Authenticate: Digest realm=\"api@example.com\", qop=\"auth\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"",
                // character references around ordinary words
                "Tom &amp; Jerry &#38; co &lt;b&gt; AT&T R&D &#x26;&nbsp;&equals; &#112;ath=/tmp",
                // public PEM blocks are no secret, under an ordinary name or alone
                "certificate: -----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUW7d0\n-----END CERTIFICATE-----",
                "{\"publicKey\":\"-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZI\\n-----END PUBLIC KEY-----\\n\"}",
                // a secret's state, name, ARN and policy are no secret
                "token: expired",
                "The security token has expired",
                "Access denied for user 'root'@'localhost' (using password: YES)",
                "Access denied for user 'app'@'10.0.0.8' (using password: NO)",
                "SecretName=prod-db TokenName=ci-token SecretArn=acs:kms:cn-hangzhou:123:secret/prod-db",
                "PasswordPolicy: {MinimumPasswordLength=8, PasswordReusePrevention=3, MaxPasswordAge=90}",
                "x-oss-signature-version: OSS4-HMAC-SHA256",
                "STS.Endpoint is not reachable; STS.AssumeRoleResponse was empty",
                // 20 upper-case characters that stand where no access key id does
                "product ABCDEFGHIJKLMNOPQRST and request 8F14E45FCEEA467A9C1C failed",
                // key names that are no key material; words that end in sk or auth
                "ObjectKey=a/b.txt KeyName=k1 keyId=1 PolicyKey=p key=x",
                "disk=40 task: build ask=1 SkipAuth=true OAuth=on",
                // options that are no password for their command
                "docker run -p 8080:80 nginx && docker ps -a",
                "curl -u bob https://api.example.com && zip -r a.zip dir",
                "net user bob /delete",
                // a secret word before an ordinary word: a state, not a value
                "token expired", "token has expired", "the security token is expired", "invalid password format",
                "password is too short", "token is invalid", "password: YES", "api key not found", "the token for user alice was revoked",
                "secret scanning found 0 issues", "machine h login bob password",
                // names that only start with a secret word, or describe one
                "python train.py --tokenizer bert-base --epochs 3", "TokenExpireTime: \"2026-11-23T00:00:00Z\"",
                "PasswordExpiry=90 TokenCount: 3 SecretEnabled=true ApiKeyFormat: v2",
                "client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
                // template parameters that are no secret; e-mail addresses; hex ids; tool names
                "Parameters:\n  InstanceType:\n    Type: String\n    Default: ecs.g6.large\n",
                "{\"InstanceType\":{\"Type\":\"String\",\"Default\":\"ecs.g6.large\"}}",
                "mailto:ops@example.com contact:alice@corp.example.com",
                "request 0a1b2c3d4e5f60718293a4b5c6d7e8f9 sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "pip install sk-learn hf_transfer; task-1234567890abcdefghij");
    }

    @ParameterizedTest
    @MethodSource("notSecrets")
    void leavesOrdinaryTextAlone(String s) {
        assertThat(Redactor.text(s)).isEqualTo(s);
    }

    /** The outsider's 20 planted forms (14 got through the redactor before the one vocabulary). */
    static Stream<String> outsiderForms() {
        String b64 = Base64.getEncoder().encodeToString("{\"sk\":\"SECRETVAL1\"}".getBytes(StandardCharsets.UTF_8));
        return Stream.of("otp=SECRETVAL1", "mfacode=SECRETVAL1", "login failed sk=SECRETVAL1 for user", "<ApiKey>SECRETVAL1</ApiKey>",
                "jdbc:mysql://u:SECRETVAL1@h:3306/db", "mongodb://u:SECRETVAL1@h/db", "q=1&password%3DSECRETVAL1",
                "Authorization: acs LTAI5tQwErTyUiOpAs:SECRETVAL1", "OSS LTAI5tQwErTyUiOpAs:SECRETVAL1",
                "ak=QTWAOYTTINDUT2QVKYUC sk=SECRETVAL1", "pass: SECRETVAL1", "db_pass=SECRETVAL1", "credential=SECRETVAL1",
                "ctx " + b64, "password=SECRETVAL1", "{\"AccessKeySecret\":\"SECRETVAL1\"}", "Authorization: Bearer SECRETVAL1abcdef",
                "token: SECRETVAL1", "<SecurityToken>SECRETVAL1</SecurityToken>", "x-auth-token: SECRETVAL1");
    }

    @ParameterizedTest
    @MethodSource("outsiderForms")
    void catchesEveryOutsiderForm(String s) {
        assertNoLeak(Redactor.text(s), "SECRETVAL1", s);
        assertNoLeak(Redactor.value("errorMessage", s), "SECRETVAL1", s);
    }

    @org.junit.jupiter.api.Test
    void keepsAccessKeyIdPrefixesInSignedHeaders() {
        assertThat(Redactor.text("Authorization: OSS LTAI5tQwErTyUiOpAs:c2lnbmF0dXJl")).isEqualTo("Authorization: OSS LTAI****");
        assertThat(Redactor.text("acs LTAI5tQwErTyUiOpAs:c2lnbmF0dXJl")).isEqualTo("acs LTAI****:****");
        assertThat(Redactor.text("ak=QTWAOYTTINDUT2QVKYUC sk=abcdef")).isEqualTo("ak=QTWA**** sk=****");
        assertThat(Redactor.text("jdbc:mysql://app:hunter2@db:3306/x")).isEqualTo("jdbc:mysql://app:****@db:3306/x");
    }

    /** A {@code %2B} inside a form-encoded value is a '+' of the value, not a space that ends it. */
    @org.junit.jupiter.api.Test
    void anEncodedPlusStaysInTheValue() {
        for (String s : List.of("GET /x?next=password%3DAb3%2BcD9%2Fef&x=1", "q=a+b&token%3Dabc%2BcD9ef",
                "u=" + URLEncoder.encode("secret=Ab3+cD9ef x=1", StandardCharsets.UTF_8))) {
            String out = Redactor.text(s);
            assertThat(out).as(s).doesNotContain("cD9").contains(Redactor.MASK);
        }
    }

    /** The leak check itself: it finds a secret written in each encoding, inside longer text. */
    @org.junit.jupiter.api.Test
    void theLeakCheckSeesEveryEncoding() {
        String v = "Qz9kq3Vw1pK";
        List<String> shown = new ArrayList<>();
        for (String e : encodings(v)) {
            shown.add("x=" + e + " y");
            if (e.startsWith("%") || e.startsWith("\\") || e.startsWith("&")) { // hex digits in either case
                shown.add("x=" + e.toUpperCase(java.util.Locale.ROOT).replace("&#X", "&#x").replace("\\U", "\\u") + " y");
            }
        }
        for (String prefix : List.of("", "a", "ab", "{\"k\":\"")) {
            shown.add("d " + Base64.getEncoder().encodeToString((prefix + v + "\"}").getBytes(StandardCharsets.UTF_8)));
            shown.add("d " + Base64.getUrlEncoder().withoutPadding().encodeToString((prefix + v).getBytes(StandardCharsets.UTF_8)));
        }
        shown.add("m " + jsonEscape("{\"k\":\"" + v + "\"}"));
        shown.add("m " + URLEncoder.encode(URLEncoder.encode("k=" + v, StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        for (String out : shown) {
            assertThat(shownEncoded(out, v) != null || leaks(out, v, 3)).as(out).isTrue();
        }
        assertThat(shownEncoded("x=**** y", v)).isNull();
        assertThat(leaks("x=**** y " + Base64.getEncoder().encodeToString("k=****".getBytes(StandardCharsets.UTF_8)), v, 3)).isFalse();
    }

    // ---------------------------------------------------------------------------------------------

    private static final Pattern B64_RUN = Pattern.compile("[A-Za-z0-9+/_\\-]{8,}={0,2}");
    private static final Pattern NUMERIC_REF = Pattern.compile("&#(?:0*([0-9]{1,6})|[xX]0*([0-9a-fA-F]{1,5}));?");
    private static final Pattern JSON_ESCAPE = Pattern.compile("\\\\u([0-9a-fA-F]{4})");

    /**
     * The secret is gone from {@code out}: neither written out in any encoding ({@link #encodings}) nor
     * found after decoding the output's percent-, entity-, JSON- and base64-encoded parts ({@link #leaks}).
     */
    static void assertNoLeak(String out, String secret, String planted) {
        assertThat(shownEncoded(out, secret)).as("planted %s%n  out %s", planted, out).isNull();
        assertThat(leaks(out, secret, 3)).as("planted %s%n  out %s", planted, out).isFalse();
    }

    /** The first encoding of {@code secret} that {@code out} holds (hex digits in any case), or null. */
    static String shownEncoded(String out, String secret) {
        if (out == null) {
            return null;
        }
        String lower = out.toLowerCase(java.util.Locale.ROOT);
        for (String e : encodings(secret)) {
            if (out.contains(e) || ((e.indexOf('%') >= 0 || e.indexOf('\\') >= 0 || e.indexOf('&') >= 0)
                    && lower.contains(e.toLowerCase(java.util.Locale.ROOT)))) {
                return e;
            }
        }
        return null;
    }

    /**
     * Every way the output could still show a secret: raw; percent-encoded (every byte, and as
     * {@link URLEncoder} writes it); JSON-escaped (as Jackson writes it, and every character as
     * {@code \\uXXXX}); as decimal and hex character references; in base64 and base64url at each of the
     * three byte alignments (the characters that depend on the secret's bytes alone).
     */
    static List<String> encodings(String secret) {
        byte[] b = secret.getBytes(StandardCharsets.UTF_8);
        StringBuilder pct = new StringBuilder();
        for (byte x : b) {
            pct.append(String.format("%%%02X", x & 0xff));
        }
        StringBuilder uesc = new StringBuilder();
        StringBuilder dec = new StringBuilder();
        StringBuilder hex = new StringBuilder();
        secret.chars().forEach(c -> {
            uesc.append(String.format("\\u%04x", c));
            dec.append("&#").append(c).append(';');
            hex.append("&#x").append(Integer.toHexString(c)).append(';');
        });
        List<String> out = new ArrayList<>(List.of(secret, pct.toString(), URLEncoder.encode(secret, StandardCharsets.UTF_8),
                jsonEscape(secret), uesc.toString(), dec.toString(), hex.toString(), hex(secret)));
        for (int o = 0; o < 3; o++) {
            byte[] padded = new byte[o + b.length];
            java.util.Arrays.fill(padded, 0, o, (byte) 'x');
            System.arraycopy(b, 0, padded, o, b.length);
            String enc = Base64.getEncoder().encodeToString(padded);
            String own = enc.substring(o == 0 ? 0 : 4, (o + b.length) / 3 * 4);
            if (own.length() >= 8) {
                out.add(own);
                out.add(own.replace('+', '-').replace('/', '_'));
            }
        }
        return out;
    }

    static boolean leaks(String out, String secret, int depth) {
        if (out == null) {
            return false;
        }
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
        String ent = NUMERIC_REF.matcher(out).replaceAll(m -> Matcher.quoteReplacement(Character.toString(
                m.group(1) != null ? Integer.parseInt(m.group(1)) : Integer.parseInt(m.group(2), 16))))
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
        if (!ent.equals(out) && leaks(ent, secret, depth - 1)) {
            return true;
        }
        String json = JSON_ESCAPE.matcher(out).replaceAll(m -> Matcher.quoteReplacement(Character.toString(Integer.parseInt(m.group(1), 16))));
        if (!json.equals(out) && leaks(json, secret, depth - 1)) {
            return true;
        }
        Matcher m = B64_RUN.matcher(out);
        while (m.find()) {
            String run = m.group();
            for (Base64.Decoder dec : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
                try {
                    String d = new String(dec.decode(run), StandardCharsets.UTF_8);
                    if (leaks(d, secret, depth - 1)) {
                        return true;
                    }
                } catch (IllegalArgumentException ignored) {
                    // not base64
                }
            }
        }
        return false;
    }

    static String jsonEscape(String s) {
        String q = Json.wire().getNodeFactory().textNode(s).toString();
        return q.substring(1, q.length() - 1);
    }

    static String jsonDoc(String s) {
        return "{\"errorMessage\":\"" + jsonEscape(s) + "\",\"code\":403}";
    }

    static JsonNode tree(String json) {
        try {
            return Json.wire().readTree("{\"responseElements\":" + Json.wire().writeValueAsString(json) + ",\"x\":1}");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
