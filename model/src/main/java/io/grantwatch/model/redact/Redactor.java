package io.grantwatch.model.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redaction at the door. Nothing leaves ingest (topic, DLQ, stdout, stderr, logs) without passing
 * here. Two rules, applied everywhere:
 * <ul>
 *   <li>by key name: values under secret-looking keys (access key secrets, security/session/auth
 *   tokens, passwords, signatures, private keys, user data) become {@value #MASK}; access key ids keep
 *   only their prefix ({@code LTAI****}, {@code STS.****}, {@code HSTA****});</li>
 *   <li>by value pattern inside any text, also JSON or XML embedded in a string: {@code key=value},
 *   {@code "key":"value"}, {@code <Key>value</Key>} with a secret key, {@code Bearer …}, access key ids,
 *   Alibaba STS tokens ({@code CAIS…}), JWTs, PEM private keys, and base64 runs of 100+ characters.</li>
 * </ul>
 * Thread-safe and stateless.
 */
public final class Redactor {
    public static final String MASK = "****";

    private static final Set<String> NOT_SECRET = Set.of(
            "ststokenplayeruid", "ststokenprincipalname", "nexttoken", "tokentype", "pagetoken",
            "signatureversion", "signaturemethod", "signaturetype", "passwordpolicy", "passwordreuseprevention",
            "passwordlength", "requirepasswordchange", "passwordresetrequired", "keyname", "keypairname");

    private static final String KEYWORDS =
            "secret|passw(?:or)?d|pwd|passphrase|token|signature|private_?key|adminpass|api_?key|credential_?value"
                    + "|authorization|cookie|x-auth-token|x-subject-token|user_?data";
    // key (possibly JSON-quoted, possibly backslash-escaped inside a JSON string) = / : value
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)(?<![A-Za-z0-9:/_.\\-])([A-Za-z0-9_.\\-]{0,40}?(?:" + KEYWORDS + ")[A-Za-z0-9_.\\-]{0,40})(\\\\*[\"'])?(\\s*[:=]\\s*)"
                    + "(?:(\\\\*\")((?:(?!\\\\*\").){0,4096})(\\\\*\")|([^\\s\"'\\\\,&;}<>)\\]]+))");
    private static final Pattern XML_SECRET = Pattern.compile(
            "(?i)(<([A-Za-z0-9_:\\-]*(?:secret|password|token|signature|privatekey)[A-Za-z0-9_:\\-]*)\\s*>)[^<]*(</)");
    private static final Pattern BEARER = Pattern.compile("\\b([Bb]earer|BEARER|Basic)(\\s+)([A-Za-z0-9._~+/=\\-]{12,})");
    private static final Pattern AK_KEY_VALUE = Pattern.compile(
            "(?i)(?<![A-Za-z0-9])((?:access_?key_?id|accesskey|access_key|akid|ak)\\\\*[\"']?\\s*[:=]\\s*\\\\*[\"']?)"
                    + "([A-Za-z0-9.]{4})([A-Za-z0-9]{4,})");
    private static final Pattern AK_VALUE = Pattern.compile("\\b(LTAI|STS\\.|HSTA|TMP\\.)[A-Za-z0-9]{6,}");
    private static final Pattern TOKENS = Pattern.compile(
            "CAIS[A-Za-z0-9+/=]{16,}|eyJ[A-Za-z0-9_\\-]{4,}\\.[A-Za-z0-9_\\-]{4,}\\.[A-Za-z0-9_\\-]*"
                    + "|-----BEGIN[A-Z ]*PRIVATE KEY-----[\\s\\S]*?(?:-----END[A-Z ]*PRIVATE KEY-----|$)"
                    + "|[A-Za-z0-9+/_=\\-]{100,}");
    private Redactor() {
    }

    /** True when a value under this key is a secret and must never be written. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Boolean> SECRET_KEY_CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    public static boolean isSecretKey(String key) {
        Boolean cached = SECRET_KEY_CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        boolean secret = computeIsSecretKey(key);
        if (SECRET_KEY_CACHE.size() < 4096) {
            SECRET_KEY_CACHE.put(key, secret);
        }
        return secret;
    }

    /** A key in one normal form: lower case, without {@code _ - . space} (AccessKeySecret = access_key_secret). */
    public static String normalizeKey(String key) {
        StringBuilder sb = null;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean drop = c == '_' || c == '-' || c == ' ' || c == '.' || c == '\t';
            boolean upper = c >= 'A' && c <= 'Z';
            if (drop || upper || c > 127) {
                if (sb == null) {
                    sb = new StringBuilder(key.length());
                    sb.append(key, 0, i);
                }
                if (!drop) {
                    sb.append(Character.toLowerCase(c));
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? key : sb.toString();
    }

    private static boolean computeIsSecretKey(String key) {
        String k = normalizeKey(key);
        if (NOT_SECRET.contains(k)) {
            return false;
        }
        return k.contains("secret") || k.contains("password") || k.contains("passwd") || k.equals("pwd")
                || k.endsWith("pwd") || k.contains("passphrase") || k.contains("token") || k.contains("signature")
                || k.contains("privatekey") || k.equals("adminpass") || k.contains("apikey")
                || k.equals("authorization") || k.equals("cookie") || k.equals("setcookie") || k.equals("userdata")
                || k.equals("sk") || k.equals("credentialvalue") || k.equals("mfacode") || k.equals("otp");
    }

    /** True when a value under this key is an access key id, to be kept as a masked prefix. */
    public static boolean isAccessKeyIdKey(String key) {
        String k = normalizeKey(key);
        return k.equals("accesskeyid") || k.equals("akid") || k.equals("ak") || k.equals("accesskey")
                || k.equals("eventaccesskeyid");
    }

    /** {@code LTAI5tAbc…} → {@code LTAI****}; {@code STS.NUav…} → {@code STS.****}. */
    public static String maskAccessKeyId(String id) {
        if (id == null) {
            return null;
        }
        String t = id.strip();
        if (t.isEmpty()) {
            return null;
        }
        if (t.startsWith("STS.") || t.startsWith("TMP.")) {
            return t.substring(0, 4) + MASK;
        }
        return t.substring(0, Math.min(4, t.length())) + MASK;
    }

    /** A value as it may be written: masked when its key says secret or access key id, else text-redacted. */
    public static String value(String key, String value) {
        if (value == null) {
            return null;
        }
        if (isSecretKey(key)) {
            return MASK;
        }
        if (isAccessKeyIdKey(key)) {
            return maskAccessKeyId(value);
        }
        return text(value);
    }

    /** Redacts secrets inside free text (messages, parameters, embedded JSON/XML). Returns the same instance when clean. */
    public static String text(String s) {
        if (s == null || s.length() < 6) {
            return s;
        }
        // Cheap triggers first: the regexes below run only on strings that can hold what they look for.
        // Value patterns are case-sensitive prefixes (indexOf is an intrinsic); key=value rules need a
        // separator, so the case-insensitive keyword scan runs only on strings that have one.
        boolean hasSep = s.indexOf(':') >= 0 || s.indexOf('=') >= 0 || s.indexOf('<') >= 0;
        boolean akValue = s.indexOf("LTAI") >= 0 || s.indexOf("STS.") >= 0 || s.indexOf("HSTA") >= 0 || s.indexOf("TMP.") >= 0;
        int runs = runs(s);
        boolean tokens = s.indexOf("CAIS") >= 0 || s.indexOf("eyJ") >= 0 || s.indexOf("-----BEGIN") >= 0 || (runs & LONG_RUN) != 0;
        boolean bareAk = (runs & BARE_AK_RUN) != 0;
        boolean bearer = s.indexOf("earer ") >= 0 || s.indexOf("EARER ") >= 0 || s.indexOf("Basic ") >= 0;
        int t = hasSep ? triggers(s) : 0;
        boolean keys = (t & T_KEY) != 0;
        boolean akKey = (t & T_AKKEY) != 0;
        if (!(keys || bearer || akKey || akValue || tokens || bareAk)) {
            return s;
        }
        String r = s;
        if (bearer) {
            r = BEARER.matcher(r).replaceAll("$1$2" + MASK);
        }
        if (keys) {
            r = replaceKeyValues(r);
            if (r.indexOf('<') >= 0) {
                r = XML_SECRET.matcher(r).replaceAll("$1" + MASK + "$3");
            }
        }
        if (akKey) {
            r = AK_KEY_VALUE.matcher(r).replaceAll("$1$2" + MASK);
        }
        if (akValue) {
            r = AK_VALUE.matcher(r).replaceAll("$1" + MASK);
        }
        if (tokens) {
            r = TOKENS.matcher(r).replaceAll(MASK);
        }
        if (bareAk) {
            // Huawei permanent AKs have no prefix: 20 upper-case letters and digits ("ak QTWA… not exist")
            Matcher m = BARE_AK.matcher(r);
            StringBuilder sb = new StringBuilder(r.length());
            while (m.find()) {
                String tok = m.group();
                boolean digit = tok.chars().anyMatch(Character::isDigit);
                boolean letter = tok.chars().anyMatch(Character::isLetter);
                m.appendReplacement(sb, digit && letter ? Matcher.quoteReplacement(tok.substring(0, 4) + MASK) : tok);
            }
            m.appendTail(sb);
            r = sb.toString();
        }
        return r;
    }

    private static final int T_KEY = 1;
    private static final int T_AKKEY = 4;

    /** Which key=value rule families may apply to {@code s}: one scan, case-insensitive, failing fast. */
    static int triggers(String s) {
        int t = 0;
        int n = s.length() - 1;
        for (int i = 0; i < n; i++) {
            char c = (char) (s.charAt(i) | 0x20);
            char d = (char) (s.charAt(i + 1) | 0x20);
            switch (c) {
                case 's' -> {
                    if ((d == 'e' && at(s, i, "secret")) || (d == 'i' && at(s, i, "signature"))) {
                        t |= T_KEY;
                    }
                }
                case 'p' -> {
                    if ((d == 'a' && (at(s, i, "passw") || at(s, i, "passphrase"))) || (d == 'w' && at(s, i, "pwd"))
                            || (d == 'r' && at(s, i, "private"))) {
                        t |= T_KEY;
                    }
                }
                case 't' -> {
                    if (d == 'o' && at(s, i, "token")) {
                        t |= T_KEY;
                    }
                }
                case 'a' -> {
                    if ((d == 'u' && at(s, i, "authorization")) || (d == 'p' && (at(s, i, "apikey") || at(s, i, "api_key")))
                            || (d == 'd' && at(s, i, "adminpass"))) {
                        t |= T_KEY;
                    }
                    if ((d == 'c' && at(s, i, "access")) || (d == 'k' && (at(s, i, "akid") || at(s, i, "ak\"")
                            || at(s, i, "ak=") || at(s, i, "ak:")))) {
                        t |= T_AKKEY;
                    }
                }
                case 'c' -> {
                    if ((d == 'r' && at(s, i, "credential")) || (d == 'o' && at(s, i, "cookie"))) {
                        t |= T_KEY;
                    }
                }
                case 'u' -> {
                    if (d == 's' && (at(s, i, "userdata") || at(s, i, "user_data"))) {
                        t |= T_KEY;
                    }
                }
                default -> {
                }
            }
        }
        return t;
    }

    /** {@code s} at {@code i} starts with the lower-case ASCII needle, ignoring ASCII case; fails fast. */
    private static boolean at(String s, int i, String lowerNeedle) {
        int n = lowerNeedle.length();
        if (i + n > s.length()) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            char c = s.charAt(i + k);
            char d = lowerNeedle.charAt(k);
            if (c != d && (c | 0x20) != d) {
                return false;
            }
        }
        return true;
    }

    private static String replaceKeyValues(String s) {
        Matcher m = KEY_VALUE.matcher(s);
        if (!m.find()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        int last = 0;
        do {
            String key = m.group(1);
            if (!isSecretKey(stripQuotes(key))) {
                continue;
            }
            sb.append(s, last, m.start());
            sb.append(key);
            if (m.group(2) != null) {
                sb.append(m.group(2));
            }
            sb.append(m.group(3));
            if (m.group(4) != null) {
                sb.append(m.group(4)).append(MASK).append(m.group(6));
            } else {
                sb.append(MASK);
            }
            last = m.end();
        } while (m.find());
        sb.append(s, last, s.length());
        return sb.toString();
    }

    private static String stripQuotes(String key) {
        return key.replace("\\", "").replace("\"", "").replace("'", "");
    }

    private static final Pattern BARE_AK = Pattern.compile("(?<![A-Za-z0-9])[A-Z0-9]{20}(?![A-Za-z0-9])");

    /** Character classes for {@link #runs}, by table: it looks at every character of every string ingest redacts. */
    private static final byte UP = 1;
    private static final byte LOW = 2;
    private static final byte B64_OTHER = 4;
    private static final byte[] CHAR_CLASS = new byte[128];

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            CHAR_CLASS[c] = UP;
        }
        for (char c = '0'; c <= '9'; c++) {
            CHAR_CLASS[c] = UP;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            CHAR_CLASS[c] = LOW;
        }
        for (char c : "+/_=-".toCharArray()) {
            CHAR_CLASS[c] = B64_OTHER;
        }
    }

    private static final int LONG_RUN = 1;
    private static final int BARE_AK_RUN = 2;

    /**
     * One pass: {@link #LONG_RUN} when a base64-ish run reaches 100 characters, {@link #BARE_AK_RUN}
     * when a run of exactly 20 upper-case letters and digits stands alone (a Huawei AK shape).
     */
    private static int runs(String s) {
        int n = s.length();
        if (n < 20) {
            return 0;
        }
        int out = 0;
        int b64 = 0;
        int upper = 0;
        boolean alnumRun = true;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? s.charAt(i) : ' ';
            int cls = c < 128 ? CHAR_CLASS[c] : 0;
            boolean up = (cls & UP) != 0;
            boolean low = (cls & LOW) != 0;
            boolean isB64 = cls != 0;
            b64 = isB64 ? b64 + 1 : 0;
            if (b64 >= 100) {
                out |= LONG_RUN;
            }
            if (up) {
                upper++;
            } else if (low) {
                upper = 0;
                alnumRun = false;
            } else {
                if (upper == 20 && alnumRun) {
                    out |= BARE_AK_RUN;
                }
                upper = 0;
                alnumRun = true;
            }
        }
        return out;
    }

    /** A redacted deep copy of a whole record (for the dead-letter topic): keys and text, also JSON inside strings. */
    public static JsonNode tree(JsonNode node) {
        if (node == null) {
            return null;
        }
        JsonNode copy = node.deepCopy();
        return redactInPlace(copy);
    }

    private static JsonNode redactInPlace(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode v = o.get(name);
                if (isSecretKey(name) && v != null && !v.isNull()) {
                    o.put(name, MASK);
                } else if (isAccessKeyIdKey(name) && v != null && v.isValueNode() && !v.isNull()) {
                    o.put(name, maskAccessKeyId(v.asText()));
                } else if (v != null) {
                    o.set(name, redactInPlace(v));
                }
            }
            return o;
        }
        if (node.isArray()) {
            ArrayNode a = (ArrayNode) node;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, redactInPlace(a.get(i)));
            }
            return a;
        }
        if (node.isTextual()) {
            String t = node.textValue();
            JsonNode inner = embeddedJson(t);
            if (inner != null) {
                return TextNode.valueOf(redactInPlace(inner).toString());
            }
            String r = text(t);
            return r == t ? node : TextNode.valueOf(r);
        }
        return node;
    }

    private static JsonNode embeddedJson(String t) {
        String s = t.strip();
        if (s.length() < 2 || !((s.charAt(0) == '{' && s.endsWith("}")) || (s.charAt(0) == '[' && s.endsWith("]")))) {
            return null;
        }
        try {
            return io.grantwatch.model.json.Json.wire().readTree(s);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Redacts a map of parameters (key rule + text rule), keeping order. */
    public static Map<String, String> parameters(Map<String, String> params) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        params.forEach((k, v) -> out.put(text(k), value(k, v)));
        return out;
    }
}
