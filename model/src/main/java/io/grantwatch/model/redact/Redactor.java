package io.grantwatch.model.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redaction at the door. Nothing leaves ingest (topic, DLQ, stdout, stderr, logs) without passing
 * here. Which names hold secrets is decided in one place, {@link SecretVocabulary}; this class applies
 * it to every form a name and value take:
 * <ul>
 *   <li>JSON keys ({@link #value}, {@link #tree}, {@link #parameters}): values under secret names become
 *   {@value #MASK}; access key ids keep only their prefix ({@code LTAI****}, {@code STS.****}, {@code HSTA****});</li>
 *   <li>text: {@code k=v}, {@code k: v}, {@code k="v"}, {@code "k":"v"} at any JSON escaping depth (a value
 *   that opens a PEM block is the whole block, to its {@code -----END …-----} line), HTTP
 *   headers (the value to the end of the line, through quoted parameters such as Digest's {@code response="…"},
 *   keeping the scheme and key id prefix), XML elements (also named by
 *   an attribute: {@code <param name="k" value="v"/>}, {@code <entry key="k">v</entry>}, or by a sibling:
 *   {@code <name>k</name><value>v</value>}), URL
 *   query strings and user info ({@code scheme://user:****@host}); command-line options ({@code --password X},
 *   {@code -storepass X}, {@code ["--token","X"]} as text or as a JSON array, and the one-letter password options
 *   of the commands {@link SecretVocabulary#passwordOption} names: {@code mysql -pX}, {@code sshpass -p X});</li>
 *   <li>value shapes: {@code Bearer …}, access key ids and the signature after them ({@code OSS LTAI****:****}),
 *   Alibaba STS tokens ({@code CAIS…}), JWTs, PEM private key blocks (any label: RSA, EC, OPENSSH, ENCRYPTED,
 *   PGP … BLOCK; lines broken or {@code \n}-escaped), base64 runs of 100+ characters, bare Huawei AKs;</li>
 *   <li>payloads inside values, recursively (depth {@value #MAX_DEPTH}, up to 1 MiB): percent-encoded text,
 *   XML/HTML character references (named, decimal, hex: {@code &#112;assword=}), base64 runs of 16–99 characters
 *   that decode to text holding a secret (masked whole).</li>
 * </ul>
 * A table-driven pass over the characters decides which rules can apply; clean text comes back as the
 * same instance.
 * Thread-safe and stateless.
 */
public final class Redactor {
    public static final String MASK = "****";

    private static final Pattern BEARER = Pattern.compile("\\b([Bb]earer|BEARER|Basic)(\\s+|\\+)([A-Za-z0-9._~+/=\\-]{12,})");
    /** An access key id, and the request signature that may follow it ({@code OSS LTAI…:signature}). */
    private static final Pattern AK_VALUE = Pattern.compile(
            "\\b(LTAI|STS\\.|HSTA|TMP\\.)(?:[A-Za-z0-9]{6,}|\\*{4})((?::|%3[Aa])[A-Za-z0-9+/=_\\-]{6,})?");
    private static final Pattern TOKENS = Pattern.compile(
            "CAIS[A-Za-z0-9+/=]{16,}|eyJ[A-Za-z0-9_\\-]{4,}\\.[A-Za-z0-9_\\-]{4,}\\.[A-Za-z0-9_\\-]*"
                    + "|-----BEGIN[A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----[\\s\\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----|$)"
                    + "|[A-Za-z0-9+/_=\\-]{100,}");
    private Redactor() {
    }

    /** True when a value under this key is a secret and must never be written ({@link SecretVocabulary}). */
    public static boolean isSecretKey(String key) {
        return SecretVocabulary.isSecret(key);
    }

    /** A key in one normal form: lower case, without {@code _ - . space} (AccessKeySecret = access_key_secret). */
    public static String normalizeKey(String key) {
        return SecretVocabulary.normalize(key);
    }

    /** True when a value under this key is an access key id, to be kept as a masked prefix. */
    public static boolean isAccessKeyIdKey(String key) {
        return SecretVocabulary.isAccessKeyId(key);
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
        JsonNode inner = embeddedJson(value);
        if (inner != null) {
            // JSON inside a parameter (a job's env list, a stack's parameters): redacted as a tree, name/value pairs too
            return redactInPlace(inner).toString();
        }
        return text(value);
    }

    /** How many decoding layers (percent, XML entities, base64) nest, and the longest text that is decoded. */
    private static final int MAX_DEPTH = 4;
    private static final int MAX_DECODE = 1 << 20;

    /**
     * Redacts secrets inside free text (messages, parameters, embedded JSON/XML, headers, URLs), also inside
     * percent-encoded, entity-encoded and base64 payloads (bounded depth and size). Returns the same
     * instance when clean.
     */
    public static String text(String s) {
        return redact(s, MAX_DEPTH);
    }

    private static String redact(String s, int depth) {
        if (s == null || s.length() < 4) {
            return s;
        }
        // Fast path: one table-driven pass classifies every character (separators, escapes, runs); the
        // rules below run only on strings that can hold what they look for. Value patterns are
        // case-sensitive prefixes (indexOf is an intrinsic).
        int scan = scan(s);
        if ((scan & FOLD) != 0) {
            // full-width letters (ｐａｓｓｗｏｒｄ＝X) and zero-width characters inside a name (pass\u200bword=X): matched
            // as the ASCII they stand for; the output shows the folded text only where something was masked
            String f = fold(s);
            String r = redact(f, depth);
            return r == f ? s : r;
        }
        boolean sep = (scan & (SEP | OPT)) != 0;
        boolean akValue = s.indexOf("LTAI") >= 0 || s.indexOf("STS.") >= 0 || s.indexOf("HSTA") >= 0 || s.indexOf("TMP.") >= 0;
        boolean tokens = s.indexOf("CAIS") >= 0 || s.indexOf("eyJ") >= 0 || s.indexOf("-----BEGIN") >= 0 || (scan & LONG_RUN) != 0;
        boolean bareAk = (scan & BARE_AK_RUN) != 0;
        boolean bearer = s.indexOf("earer") >= 0 || s.indexOf("EARER") >= 0 || s.indexOf("Basic") >= 0;
        boolean decode = depth > 0 && s.length() <= MAX_DECODE;
        boolean b64 = decode && (scan & MID_RUN) != 0;
        boolean pct = decode && (scan & (PCT | FORM)) != 0;
        boolean ent = decode && (scan & AMP) != 0;
        boolean esc = decode && (s.indexOf("\\u") >= 0 || s.indexOf("\\x") >= 0);
        boolean hexes = decode && (scan & HEX_RUN) != 0;
        String shaped = (scan & SHAPES) != 0 ? shapes(s, scan) : s;
        if (!(sep || bearer || akValue || tokens || bareAk || b64 || pct || ent || esc || hexes) && shaped == s) {
            return s;
        }
        String r = shaped;
        if (bearer) {
            r = BEARER.matcher(r).replaceAll("$1$2" + MASK);
        }
        if (sep) {
            r = keyValues(r);
        }
        if (akValue) {
            r = AK_VALUE.matcher(r).replaceAll(m -> akShape(m) ? m.group(1) + MASK + (m.group(2) != null ? ":" + MASK : "")
                    : Matcher.quoteReplacement(m.group()));
            r = r.equals(s) ? s : r;
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
                boolean mask = digit && letter && akPosition(r, m.start(), m.end());
                m.appendReplacement(sb, mask ? Matcher.quoteReplacement(tok.substring(0, 4) + MASK) : tok);
            }
            m.appendTail(sb);
            r = sb.toString();
        }
        if (b64) {
            r = base64Payloads(r, depth - 1);
        }
        if (hexes) {
            r = hexPayloads(r, depth - 1);
        }
        if (pct) {
            // form encoding writes a space as '+' (and a '+' as %2B); raw base64 keeps '+': decode both ways
            String d = decoded(r, percentDecode(r, true), depth - 1);
            r = d != r || r.indexOf('+') < 0 ? d : decoded(r, percentDecode(r, false), depth - 1);
        }
        if (ent) {
            r = decoded(r, entityDecode(r), depth - 1);
        }
        if (esc) {
            r = decoded(r, unescape(r), depth - 1);
        }
        return r.equals(s) ? s : r;
    }

    // ---- secrets that stand in a command's or a format's own syntax, not after a name

    /** {@code echo 'user:pass' | chpasswd} */
    private static final Pattern CHPASSWD = Pattern.compile(
            "(?i)\\becho\\s+(?:-[en]+\\s+)?\\\\*['\"]?[^\\s:'\"|\\\\]+:([^\\s'\"|\\\\]+)\\\\*['\"]?\\s*\\|\\s*(?:sudo\\s+)?chpasswd");
    /** {@code net user bob P@ss /add} (not {@code net user bob /delete}, nor {@code *}, which prompts) */
    private static final Pattern NET_USER = Pattern.compile("(?i)\\bnet\\s+user\\s+(?:\"[^\"]+\"|[^\\s/\"]+)\\s+(\"[^\"]*\"|[^\\s/*\"][^\\s\"]*)");
    /** SQL: {@code IDENTIFIED BY 'x'}, {@code IDENTIFIED WITH plugin BY x}, PostgreSQL {@code [ENCRYPTED] PASSWORD 'x'} */
    private static final Pattern SQL_PASSWORD = Pattern.compile("(?i)\\b(?:identified\\s+(?:with\\s+\\S+\\s+)?by(?:\\s+password)?"
            + "|(?:encrypted\\s+)?password)\\s+('[^']*'|\"[^\"]*\"|(?<=by\\s{1,8})[^\\s;,)'\"]+)");
    /** {@code aws configure set aws_secret_access_key X}, {@code redis-cli CONFIG SET requirepass X}: the name decides */
    private static final Pattern CONFIG_SET = Pattern.compile(
            "(?i)\\bconfig(?:ure)?[\\s+]+set[\\s+]+(?:--[^\\s+]+[\\s+]+)*([A-Za-z0-9_.\\-]+)[\\s+]+([^\\s\"',;&]+)");
    /** {@code jdbc:oracle:thin:user/pass@host:1521/svc}, {@code sqlplus user/pass@db} */
    private static final Pattern SLASH_LOGIN = Pattern.compile(
            "(?:jdbc:oracle:(?:thin|oci):|(?i:\\bsqlplus)\\s+(?:-\\S+\\s+)*)[^/\\s@:\"']+/([^@\\s\"']+)");
    /** Go's MySQL DSN: {@code user:pass@tcp(host:3306)/db} */
    private static final Pattern GO_DSN = Pattern.compile("[A-Za-z0-9_.\\-]+:([^@\\s\"']+)@(?:tcp6?|unix|udp)\\(");
    /** Chat webhooks whose URL is the credential: WeCom {@code ?key=}, Feishu/Lark, Slack, Discord paths */
    private static final Pattern WEBHOOK = Pattern.compile("webhook/send\\?(?:[^\\s\"'#<>]*&)?key=([^&\\s\"'#<>\\\\]+)"
            + "|(?:/open-apis/bot/v2/hook/|hooks\\.slack\\.com/(?:services|workflows|triggers)/|/api/webhooks/\\d+/)([^\\s\"'?#<>\\\\&]+)");

    /**
     * Masks the secrets of {@link #CHPASSWD} … {@link #WEBHOOK} and of credential CSV files; each only when {@link #scan}
     * saw a word it needs ({@link #shapeWord}).
     */
    private static String shapes(String r, int scan) {
        if ((scan & SH_CHPASSWD) != 0) {
            r = maskGroups(CHPASSWD, r, null);
        }
        if ((scan & SH_NET) != 0) {
            r = maskGroups(NET_USER, r, null);
        }
        if ((scan & SH_SQL) != 0) {
            r = maskGroups(SQL_PASSWORD, r, null);
        }
        if ((scan & SH_CONFIG) != 0) {
            r = maskGroups(CONFIG_SET, r, m -> SecretVocabulary.isSecret(m.group(1)));
        }
        if ((scan & SH_SLASH) != 0) {
            r = maskGroups(SLASH_LOGIN, r, null);
        }
        if ((scan & SH_DSN) != 0) {
            r = maskGroups(GO_DSN, r, null);
        }
        if ((scan & SH_HOOK) != 0) {
            r = maskGroups(WEBHOOK, r, null);
        }
        if ((scan & SH_CSV) != 0 && r.indexOf(',') >= 0) {
            r = csvCredentials(r);
        }
        if ((scan & SH_PROSE) != 0) {
            r = prose(r, PROSE, false);
        }
        if ((scan & SH_CJK) != 0) {
            r = prose(r, CJK_LABEL, true);
        }
        if ((scan & SH_VENDOR) != 0) {
            r = vendorTokens(r);
        }
        if ((scan & SH_HTPASSWD) != 0) {
            r = maskGroups(HTPASSWD, r, null);
        }
        return r;
    }

    /**
     * A secret word and its value without a separator, as error messages and {@code .netrc} write them: {@code token 'X' has
     * expired}, {@code the password X is wrong}, {@code token is X}, {@code The api key X is invalid},
     * {@code login bob password X}. The value is masked when quoted or shaped like a credential ({@link #credentialShape}),
     * never when it is an ordinary word ({@code token has expired}, {@code password is too short}).
     */
    private static final Pattern PROSE = Pattern.compile("(?i)(?:token|password|passwd|passphrase|secret"
            + "|api[ _+-]?key|access[ _+-]?key[ _+-]?secret)[ \\t+]+(?:(?:is|was)[ \\t+]+)?");
    /** A Chinese label directly followed by a value: {@code 密码X错误}, {@code 令牌是X}. */
    private static final Pattern CJK_LABEL = Pattern.compile("(?:密码|口令|密钥|令牌)(?:[ \\t]*[是为])?[ \\t]*");

    /** Masks the value after each match of {@code label} (quoted, or a run of value characters that looks like a secret). */
    private static String prose(String s, Pattern label, boolean cjk) {
        Matcher m = label.matcher(s);
        StringBuilder sb = null;
        int last = 0;
        int n = s.length();
        // candidates only where a label can start (a CJK label's first character; a secret word's first letter at a word
        // start): no regex search over the whole text
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (cjk ? c != '密' && c != '口' && c != '令'
                    : "tTpPsSaA".indexOf(c) < 0 || (i > 0 && s.charAt(i - 1) < 128 && (keyChar(s.charAt(i - 1)) && s.charAt(i - 1) != '-'))) {
                continue;
            }
            if ((!cjk && !(s.regionMatches(true, i, "tok", 0, 3) || s.regionMatches(true, i, "pas", 0, 3)
                    || s.regionMatches(true, i, "sec", 0, 3) || s.regionMatches(true, i, "api", 0, 3)
                    || s.regionMatches(true, i, "acc", 0, 3))) || !m.region(i, n).lookingAt()) {
                continue;
            }
            i = m.end() - 1;
            int v = m.end();
            int vs;
            int ve;
            if (quoteAt(s, v)) {
                if (cjk) {
                    continue; // "密码":"X" is the key rule's
                }
                int close = closingQuote(s, v);
                int open = skipEscapes(s, v);
                if (close < 0 || close - open > 257) {
                    continue;
                }
                vs = open + 1;
                ve = close - (open - v);
                if (ve <= vs || statusWord(s, vs, ve)) {
                    continue;
                }
            } else {
                vs = v;
                ve = v;
                // form-encoded text (token+X+is+invalid): a '+' after the word is a space, so it ends the value too
                boolean form = s.charAt(v - 1) == '+';
                while (ve < n && ve - vs <= 256 && proseValueChar(s.charAt(ve), cjk) && !(form && s.charAt(ve) == '+')) {
                    ve++;
                }
                while (ve > vs && ".,;:!?".indexOf(s.charAt(ve - 1)) >= 0) {
                    ve--;
                }
                if (!credentialShape(s, vs, ve, cjk)) {
                    continue;
                }
            }
            sb = sb == null ? new StringBuilder(n) : sb;
            sb.append(s, last, vs).append(MASK);
            last = ve;
        }
        return sb == null ? s : sb.append(s, last, n).toString();
    }

    private static boolean proseValueChar(char c, boolean cjk) {
        if (c < 128) {
            return c > ' ' && "'\"\\,;<>()[]{}`".indexOf(c) < 0;
        }
        return cjk ? c < 0x2E80 && !Character.isWhitespace(c) : Character.isLetterOrDigit(c);
    }

    /**
     * A bare value that is a credential: letters and digits mixed, or 16+ characters of a token alphabet; not an option
     * ({@code -h}), not a {@code k=v} pair ({@code token SecretArn=…}). After a Chinese label also any 8+ characters.
     */
    private static boolean credentialShape(String s, int vs, int ve, boolean cjk) {
        if (ve - vs < (cjk ? 4 : 6) || s.charAt(vs) == '-') {
            return false;
        }
        boolean letter = false;
        boolean digit = false;
        boolean alphabet = true;
        for (int p = vs; p < ve; p++) {
            char c = s.charAt(p);
            if ((c == '=' && p + 2 < ve && s.charAt(p + 1) != '=') || c == ':') {
                return false;
            }
            letter |= Character.isLetter(c);
            digit |= c >= '0' && c <= '9';
            alphabet &= (c < 128 && (CHAR_CLASS[c] & (UPL | DIG | LOW | B64_OTHER)) != 0);
        }
        return (letter && digit) || (alphabet && ve - vs >= 16) || (cjk && ve - vs >= 8);
    }

    /**
     * Token formats that say what they are without a name: GitHub ({@code ghp_ gho_ ghu_ ghs_ ghr_ github_pat_}), OpenAI
     * ({@code sk-}, {@code sk-proj-}), Hugging Face ({@code hf_}), Slack ({@code xoxb-} …), GitLab ({@code glpat-}): the
     * prefix is kept ({@code ghp_****}), the rest masked.
     */
    private static final Pattern VENDOR_TOKEN = Pattern.compile("(?<![A-Za-z0-9_])(gh[pousr]_|github_pat_|sk-proj-|sk-|hf_"
            + "|xox[abprs]-|glpat-)([A-Za-z0-9_\\-]{16,})");

    private static String vendorTokens(String s) {
        Matcher m = VENDOR_TOKEN.matcher(s);
        StringBuilder sb = null;
        int last = 0;
        while (m.find()) {
            String body = m.group(2);
            boolean digit = false;
            boolean letter = false;
            for (int p = 0; p < body.length(); p++) {
                char c = body.charAt(p);
                digit |= c >= '0' && c <= '9';
                letter |= Character.isLetter(c);
            }
            if (!digit || !letter || (m.group(1).startsWith("sk-") && body.length() < 20)) {
                continue;
            }
            sb = sb == null ? new StringBuilder(s.length()) : sb;
            sb.append(s, last, m.start(2)).append(MASK);
            last = m.end(2);
        }
        return sb == null ? s : sb.append(s, last, s.length()).toString();
    }

    /** {@code htpasswd -b[c…] FILE USER PASSWORD}: the password is the third word after the options. */
    private static final Pattern HTPASSWD = Pattern.compile(
            "\\bhtpasswd\\s+(?:-[A-Za-z]*b[A-Za-z]*\\s+)(?:-[A-Za-z]+\\s+)*[^\\s'\"-][^\\s'\"]*\\s+[^\\s'\"]+\\s+('[^']*'|\"[^\"]*\"|[^\\s'\";|&]+)");

    private static final int SH_CHPASSWD = 1 << 8;
    private static final int SH_NET = 1 << 9;
    private static final int SH_SQL = 1 << 10;
    private static final int SH_CONFIG = 1 << 11;
    private static final int SH_SLASH = 1 << 12;
    private static final int SH_DSN = 1 << 13;
    private static final int SH_HOOK = 1 << 14;
    private static final int SH_CSV = 1 << 15;
    private static final int SH_PROSE = 1 << 16;
    private static final int SH_CJK = 1 << 17;
    private static final int SH_VENDOR = 1 << 18;
    private static final int SH_HTPASSWD = 1 << 19;
    private static final int SHAPES = SH_CHPASSWD | SH_NET | SH_SQL | SH_CONFIG | SH_SLASH | SH_DSN | SH_HOOK | SH_CSV | SH_PROSE
            | SH_CJK | SH_VENDOR | SH_HTPASSWD;
    /** Scan flags beyond the shapes: a hex run of 20+ digits, a full-width letter or zero-width character. */
    private static final int HEX_RUN = 1 << 20;
    private static final int FOLD = 1 << 21;

    /**
     * The shape a word that starts at {@code i} (after a non-letter) may belong to, by its first letter and then its
     * spelling, any case: {@code chpasswd}, {@code net}, {@code identified}/{@code password}, {@code config},
     * {@code oracle}/{@code sqlplus}, {@code @tcp(}, {@code hook}/{@code webhook}, {@code secret}; 0 when none.
     */
    private static int shapeWord(String s, int i, char c) {
        if (c == '@') {
            return SH_DSN;
        }
        if (i + 2 >= s.length()) {
            return 0;
        }
        // the first three letters, any case, decide which word to spell out: most words are done after one switch
        int k = (c | 0x20) << 16 | (s.charAt(i + 1) | 0x20) << 8 | (s.charAt(i + 2) | 0x20);
        return switch (k) {
            case 'c' << 16 | 'h' << 8 | 'p' -> word(s, i, "chpasswd", SH_CHPASSWD);
            case 'c' << 16 | 'o' << 8 | 'n' -> word(s, i, "config", SH_CONFIG);
            case 'n' << 16 | 'e' << 8 | 't' -> SH_NET;
            case 'i' << 16 | 'd' << 8 | 'e' -> word(s, i, "identified", SH_SQL);
            case 'p' << 16 | 'a' << 8 | 's' -> word(s, i, "password", SH_SQL) | proseWord(s, i, "password")
                    | proseWord(s, i, "passwd") | proseWord(s, i, "passphrase");
            case 'o' << 16 | 'r' << 8 | 'a' -> word(s, i, "oracle", SH_SLASH);
            case 's' << 16 | 'q' << 8 | 'l' -> word(s, i, "sqlplus", SH_SLASH);
            case 's' << 16 | 'e' << 8 | 'c' -> word(s, i, "secret", SH_CSV) | proseWord(s, i, "secret");
            case 't' << 16 | 'o' << 8 | 'k' -> proseWord(s, i, "token");
            case 'a' << 16 | 'p' << 8 | 'i' -> i + 3 < s.length() && " \t+_-".indexOf(s.charAt(i + 3)) >= 0 ? SH_PROSE : 0;
            case 'g' << 16 | 'h' << 8 | 'p', 'g' << 16 | 'h' << 8 | 'o', 'g' << 16 | 'h' << 8 | 'u', 'g' << 16 | 'h' << 8 | 's',
                    'g' << 16 | 'h' << 8 | 'r' -> i + 3 < s.length() && s.charAt(i + 3) == '_' ? SH_VENDOR : 0;
            case 'g' << 16 | 'i' << 8 | 't' -> word(s, i, "github_pat_", SH_VENDOR);
            case 'g' << 16 | 'l' << 8 | 'p' -> word(s, i, "glpat-", SH_VENDOR);
            case 's' << 16 | 'k' << 8 | '-', 'h' << 16 | 'f' << 8 | 0x7f, 'x' << 16 | 'o' << 8 | 'x' -> SH_VENDOR;
            case 'h' << 16 | 't' << 8 | 'p' -> word(s, i, "htpasswd", SH_HTPASSWD);
            case 'h' << 16 | 'o' << 8 | 'o' -> word(s, i, "hook", SH_HOOK);
            case 'w' << 16 | 'e' << 8 | 'b' -> word(s, i, "webhook", SH_HOOK);
            default -> 0;
        };
    }

    /** {@link #SH_PROSE} when the secret word {@code w} is at {@code i} and a blank (or a form-encoded one) follows it. */
    private static int proseWord(String s, int i, String w) {
        int e = i + w.length();
        return e < s.length() && (s.charAt(e) == ' ' || s.charAt(e) == '\t' || s.charAt(e) == '+') ? word(s, i, w, SH_PROSE) : 0;
    }

    private static int word(String s, int i, String w, int bit) {
        return s.regionMatches(true, i, w, 0, w.length()) ? bit : 0;
    }

    /** Every non-null capture group of every match (that {@code when} accepts) becomes {@link #MASK}. */
    private static String maskGroups(Pattern p, String s, java.util.function.Predicate<Matcher> when) {
        Matcher m = p.matcher(s);
        StringBuilder sb = null;
        int last = 0;
        while (m.find()) {
            if (when != null && !when.test(m)) {
                continue;
            }
            int g = m.groupCount();
            while (g > 0 && (m.start(g) < 0 || (when != null && g == 1))) {
                g--;
            }
            if (g == 0 || m.end(g) <= m.start(g) || statusWord(s, m.start(g), m.end(g))) {
                continue;
            }
            sb = sb == null ? new StringBuilder(s.length()) : sb;
            sb.append(s, last, m.start(g)).append(MASK);
            last = m.end(g);
        }
        if (sb == null) {
            return s;
        }
        return sb.append(s, last, s.length()).toString();
    }

    /**
     * A credential CSV as the consoles write it: a header line that names a secret column ({@code AccessKey ID,AccessKey
     * Secret}; {@code User Name,Access Key Id,Secret Access Key}), then rows of as many columns: their secret columns are
     * masked, their access key id columns keep a prefix. Lines are broken raw or by escapes.
     */
    static String csvCredentials(String s) {
        int n = s.length();
        StringBuilder sb = null;
        int last = 0;
        SecretVocabulary.Kind[] header = null;
        int ls = 0;
        while (ls < n) {
            int le = ls;
            while (le < n && lineBreak(s, le) == 0) {
                le++;
            }
            List<int[]> cols = new ArrayList<>();
            int cs = ls;
            for (int p = ls; p <= le; p++) {
                if (p == le || s.charAt(p) == ',') {
                    cols.add(new int[] {cs, p});
                    cs = p + 1;
                }
            }
            if (cols.size() >= 2 && header != null && cols.size() == header.length) {
                for (int c = 0; c < cols.size(); c++) {
                    int a = cols.get(c)[0];
                    int b = cols.get(c)[1];
                    if (header[c] == SecretVocabulary.Kind.NONE || b <= a) {
                        continue;
                    }
                    sb = sb == null ? new StringBuilder(n) : sb;
                    sb.append(s, last, a).append(header[c] == SecretVocabulary.Kind.ACCESS_KEY_ID ? maskAccessKeyId(s.substring(a, b)) : MASK);
                    last = b;
                }
            } else {
                header = null;
                if (cols.size() >= 2 && cols.size() <= 32) {
                    SecretVocabulary.Kind[] kinds = new SecretVocabulary.Kind[cols.size()];
                    boolean secret = false;
                    for (int c = 0; c < cols.size(); c++) {
                        String name = s.substring(cols.get(c)[0], cols.get(c)[1]).strip();
                        name = name.length() > 64 ? "" : name.replace("\"", "");
                        kinds[c] = SecretVocabulary.classify(name);
                        secret |= kinds[c] == SecretVocabulary.Kind.SECRET;
                    }
                    header = secret ? kinds : null;
                }
            }
            ls = le + Math.max(1, lineBreak(s, le));
        }
        if (sb == null) {
            return s;
        }
        return sb.append(s, last, n).toString();
    }

    /**
     * An {@code STS.}/{@code TMP.} match is an id when it is long (16+) and has a digit, or is very long: not
     * {@code STS.Endpoint}, {@code STS.AssumeRoleResponse}. {@code LTAI}/{@code HSTA} ids as matched.
     */
    private static boolean akShape(java.util.regex.MatchResult m) {
        String p = m.group(1);
        if (!p.endsWith(".") || m.group(2) != null) {
            return true;
        }
        int len = m.end() - m.start() - 4;
        if (m.group().endsWith(MASK)) {
            return true;
        }
        boolean digit = false;
        for (int i = m.start() + 4; i < m.end() && !digit; i++) {
            digit = Character.isDigit(m.group().charAt(i - m.start()));
        }
        return len >= 24 || (len >= 16 && digit);
    }

    /** Words after which a bare 20-character upper-case token is an access key id (Huawei AKs have no prefix). */
    private static final java.util.Set<String> AK_WORDS = java.util.Set.of("ak", "akid", "accesskey", "accesskeyid", "credential",
            "obs", "oss", "aws", "acs", "sdk", "access", "key", "keyid", "i");

    /**
     * True when the token at {@code [start, end)} stands where an access key id does: after such a word ({@code The ak X
     * does not exist}, {@code Credential=X/…}, {@code OBS X:sig}, {@code access key X}, {@code -i X}), or before a
     * signature ({@code X:sig}) or a credential scope ({@code X/20240101/…}).
     */
    private static boolean akPosition(String s, int start, int end) {
        if (end < s.length() && (s.charAt(end) == ':' || s.charAt(end) == '/')) {
            return true;
        }
        int p = start;
        int stop = Math.max(0, start - 8);
        while (p > stop && !(s.charAt(p - 1) < 128 && keyChar(s.charAt(p - 1)))) { // blanks, quotes, = : , and any other letter
            p--;
        }
        int we = p;
        while (p > 0 && we - p < 24 && s.charAt(p - 1) < 128 && (keyChar(s.charAt(p - 1)) || s.charAt(p - 1) == '/')) {
            p--;
        }
        if (we == p || we == start) {
            return false;
        }
        String word = SecretVocabulary.normalize(s.substring(p, we));
        return AK_WORDS.contains(word) || word.endsWith("accesskeyid") || SecretVocabulary.isAccessKeyId(s.substring(p, we));
    }

    /** When the decoded form of {@code r} holds a secret, its redacted decoded form; else {@code r}. */
    private static String decoded(String r, String d, int depth) {
        if (d == r) {
            return r;
        }
        String rd = redact(d, depth);
        return rd == d ? r : rd;
    }

    // ---- key/value forms: k=v, k: v, k="v", "k":"v" (any JSON escaping depth), headers, XML, URL user info

    /**
     * Masks the values of secret names in every key/value form of {@code s}; one pass over its separators, and a
     * second one when the first saw a name/value pair whose name is a secret's (then its value sibling is masked).
     */
    private static String keyValues(String s) {
        List<Object> pairs = new ArrayList<>(0);
        String r = keyValues(s, pairs, true);
        return pairs.isEmpty() ? r : keyValues(r, pairs, false);
    }

    /**
     * One pass. With {@code collect}, the name fields of pairs whose value names a secret are added to {@code pairs}
     * (their prefix and position); else the value fields of those pairs are masked too.
     */
    private static String keyValues(String s, List<Object> pairs, boolean collect) {
        int n = s.length();
        StringBuilder sb = null;
        int last = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            int vs;
            int ve;
            SecretVocabulary.Kind kind;
            if (separator(c)) {
                if (c == ':' && i + 2 < n && s.charAt(i + 1) == '/' && s.charAt(i + 2) == '/') {
                    long span = userInfo(s, i + 3);
                    if (span < 0) {
                        continue;
                    }
                    vs = (int) (span >>> 32);
                    ve = (int) span;
                    kind = SecretVocabulary.Kind.SECRET;
                } else {
                    int j = i - 1;
                    while (j >= 0 && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
                        j--;
                    }
                    if (j >= 0 && s.charAt(j) == ']') {
                        j--; // os.environ['HF_TOKEN']='X', ENV["K"] = "X", a[password]=X
                    }
                    while (j >= 0 && (s.charAt(j) == '"' || s.charAt(j) == '\'' || s.charAt(j) == '\\')) {
                        j--;
                    }
                    int keyEnd = j + 1;
                    while (j >= 0 && keyChar(s.charAt(j)) && keyEnd - j <= 64) {
                        j--;
                    }
                    int keyStart = j + 1;
                    if (keyEnd - keyStart < 2) {
                        continue;
                    }
                    // svc:resource:action, acs:ram::123:role/x, paths: a ':' after ':' or '/' is no key separator
                    if (c == ':' && ((j >= 0 && (s.charAt(j) == ':' || s.charAt(j) == '/'))
                            || (i + 1 < n && s.charAt(i + 1) == ':'))) {
                        continue;
                    }
                    String key = s.substring(keyStart, keyEnd);
                    kind = SecretVocabulary.classify(key);
                    // user:password@host (no scheme); a template parameter's Default that is a secret's
                    long span = kind == SecretVocabulary.Kind.NONE && c == ':' ? bareUserInfo(s, i + 1) : -1;
                    if (span >= 0 || (kind == SecretVocabulary.Kind.NONE && noEchoDefault(s, key, keyStart))) {
                        kind = SecretVocabulary.Kind.SECRET;
                    }
                    if (kind == SecretVocabulary.Kind.NONE) {
                        if (collect) {
                            notePair(s, key, keyStart, i + 1, pairs);
                            continue;
                        }
                        if (!pairValue(key, keyStart, pairs)) {
                            continue;
                        }
                        kind = SecretVocabulary.Kind.SECRET;
                    }
                    span = span >= 0 ? span : valueSpan(s, i + 1, kind);
                    if (span < 0) {
                        continue;
                    }
                    vs = (int) (span >>> 32);
                    ve = (int) span;
                }
            } else if (c == '-') {
                if (i > 0 && !optionLead(s.charAt(i - 1))) {
                    continue;
                }
                long span = option(s, i);
                if (span == -1) {
                    continue;
                }
                vs = (int) (span >>> 32);
                ve = (int) span;
                kind = span < 0 ? SecretVocabulary.Kind.ACCESS_KEY_ID : SecretVocabulary.Kind.SECRET;
                vs &= Integer.MAX_VALUE;
            } else if (c == '[') {
                // ["Cookie","SESSION=…"]: a header as a JSON pair (a list of headers)
                long span = listPair(s, i);
                if (span < 0) {
                    continue;
                }
                vs = (int) (span >>> 32);
                ve = (int) span;
                kind = SecretVocabulary.Kind.SECRET;
            } else if (c == '<') {
                int t = i + 1;
                if (t >= n || s.charAt(t) == '/') {
                    continue;
                }
                int ns = t;
                while (t < n && tagChar(s.charAt(t)) && t - ns <= 64) {
                    t++;
                }
                if (t == ns) {
                    continue;
                }
                int gt = t;
                while (gt < n && s.charAt(gt) != '>' && s.charAt(gt) != '<' && gt - t < 256) {
                    gt++;
                }
                if (gt >= n || s.charAt(gt) != '>') {
                    continue;
                }
                boolean empty = s.charAt(gt - 1) == '/';
                String tag = s.substring(ns, t);
                int colon = tag.lastIndexOf(':');
                String local = colon >= 0 ? tag.substring(colon + 1) : tag;
                kind = SecretVocabulary.classify(local);
                long span = -1;
                if (kind == SecretVocabulary.Kind.NONE && t < gt) {
                    // <param name="password" value="X"/>, <entry key="secret">X</entry>: the name is an attribute
                    long named = attribute(s, t, gt, "name");
                    named = named >= 0 ? named : attribute(s, t, gt, "key");
                    if (named >= 0) {
                        kind = SecretVocabulary.classify(s.substring((int) (named >>> 32), (int) named));
                        span = kind == SecretVocabulary.Kind.NONE ? -1 : attribute(s, t, gt, "value");
                    }
                } else if (kind == SecretVocabulary.Kind.NONE && !empty && (local.equalsIgnoreCase("name") || local.equalsIgnoreCase("key"))) {
                    // <property><name>db.password</name><value>X</value></property>
                    span = siblingValue(s, gt + 1);
                    kind = span >= 0 ? SecretVocabulary.Kind.SECRET : kind;
                }
                if (kind == SecretVocabulary.Kind.NONE || (span < 0 && empty)) {
                    continue;
                }
                if (span >= 0) {
                    vs = (int) (span >>> 32);
                    ve = (int) span;
                } else {
                    vs = gt + 1;
                    ve = vs;
                    if (s.startsWith("<![CDATA[", vs)) {
                        int end = s.indexOf("]]>", vs);
                        ve = end < 0 ? n : end + 3;
                    }
                    while (ve < n && s.charAt(ve) != '<') {
                        ve++;
                    }
                }
            } else {
                continue;
            }
            if (ve <= vs || (kind != SecretVocabulary.Kind.ACCESS_KEY_ID && statusWord(s, vs, ve))) {
                continue;
            }
            String keep;
            if (kind == SecretVocabulary.Kind.ACCESS_KEY_ID) {
                if (ve - vs <= 4) {
                    continue;
                }
                keep = s.substring(vs, vs + 4);
            } else if (kind == SecretVocabulary.Kind.HEADER) {
                keep = headerKeep(s, vs, ve);
            } else {
                keep = "";
            }
            if (sb == null) {
                sb = new StringBuilder(n);
            }
            sb.append(s, last, vs).append(keep).append(MASK);
            last = ve;
            i = Math.max(i, ve - 1);
        }
        if (sb == null) {
            return s;
        }
        sb.append(s, last, n);
        return sb.toString();
    }

    /** Words that say what state a secret is in, not what it is: {@code token: expired}, {@code (using password: YES)}. */
    private static final java.util.Set<String> STATUS_WORDS = java.util.Set.of("yes", "no", "true", "false", "expired", "invalid",
            "missing", "required", "none", "null", "nil", "empty", "unset", "redacted", "hidden", "****", "undefined", "n/a");

    private static boolean statusWord(String s, int vs, int ve) {
        return ve - vs <= 9 && STATUS_WORDS.contains(s.substring(vs, ve).toLowerCase(java.util.Locale.ROOT));
    }

    /** {@code Container.1.EnvironmentVar.1.Key}: its last word, lower case, and its prefix ({@code container.1.environmentvar.1.}). */
    private static int lastDot(String key) {
        return key.lastIndexOf('.');
    }

    /**
     * When {@code key} is the name field of a name/value pair ({@code name}, {@code Key}, {@code …EnvironmentVar.1.Key},
     * {@code Parameters.1.ParameterKey}) and its value names a secret, its prefix and position are noted.
     */
    private static void notePair(String s, String key, int at, int from, List<Object> pairs) {
        int dot = lastDot(key);
        if (!endsWithWord(key, dot, PAIR_NAME_LIST)) {
            return;
        }
        long span = valueSpan(s, from, SecretVocabulary.Kind.SECRET);
        if (span >= 0 && (int) span - (int) (span >>> 32) <= 128
                && SecretVocabulary.isSecret(s.substring((int) (span >>> 32), (int) span))) {
            pairs.add(key.substring(0, dot + 1).toLowerCase(java.util.Locale.ROOT));
            pairs.add(at);
        }
    }

    /**
     * True when {@code key} is the value field of a noted pair: the same prefix ({@code …EnvironmentVar.1.Value}), or,
     * for an unprefixed {@code value}, near its {@code name}.
     */
    private static boolean pairValue(String key, int at, List<Object> pairs) {
        int dot = lastDot(key);
        if (!endsWithWord(key, dot, PAIR_VALUE_LIST)) {
            return false;
        }
        String prefix = key.substring(0, dot + 1).toLowerCase(java.util.Locale.ROOT);
        for (int p = 0; p < pairs.size(); p += 2) {
            if (pairs.get(p).equals(prefix) && (!prefix.isEmpty() || Math.abs((Integer) pairs.get(p + 1) - at) <= 512)) {
                return true;
            }
        }
        return false;
    }

    /** {@code ["Cookie","v"]} at {@code i}: the second element when the first names a secret; packed as in {@link #valueSpan}. */
    private static long listPair(String s, int i) {
        int n = s.length();
        int q = i + 1;
        while (q < n && isBlank(s.charAt(q))) {
            q++;
        }
        if (!quoteAt(s, q)) {
            return -1;
        }
        int open = skipEscapes(s, q);
        int close = closingQuote(s, q);
        if (close < 0 || close - open > 65) {
            return -1;
        }
        int ne = close - (open - q);
        if (ne <= open + 1 || SecretVocabulary.classify(s.substring(open + 1, ne)) == SecretVocabulary.Kind.NONE) {
            return -1;
        }
        int p = close + 1;
        while (p < n && isBlank(s.charAt(p))) {
            p++;
        }
        if (p >= n || s.charAt(p) != ',') {
            return -1;
        }
        p++;
        while (p < n && isBlank(s.charAt(p))) {
            p++;
        }
        if (!quoteAt(s, p)) {
            return -1;
        }
        // a pair is a list of two: ["sshpass","-p","X"] is a command line (option() reads it)
        int vclose = closingQuote(s, p);
        int q2 = vclose + 1;
        while (vclose >= 0 && q2 < n && isBlank(s.charAt(q2))) {
            q2++;
        }
        return vclose >= 0 && q2 < n && s.charAt(q2) == ']' ? valueSpan(s, p, SecretVocabulary.Kind.SECRET) : -1;
    }

    /** The value after a separator at {@code from}: quoted (any escaping depth, to the matching quote) or bare. */
    private static long valueSpan(String s, int from, SecretVocabulary.Kind kind) {
        int n = s.length();
        int v = from;
        while (v < n && (s.charAt(v) == ' ' || s.charAt(v) == '\t')) {
            v++;
        }
        int q = v;
        while (q < n && s.charAt(q) == '\\') {
            q++;
        }
        if (q < n && (s.charAt(q) == '"' || s.charAt(q) == '\'')) {
            char quote = s.charAt(q);
            int escapes = q - v;
            int vs = q + 1;
            for (int p = vs; p < n && p - vs <= 8192; p++) {
                if (s.charAt(p) == quote) {
                    int k = 0;
                    while (p - k - 1 >= vs && s.charAt(p - k - 1) == '\\') {
                        k++;
                    }
                    if (k == escapes || (escapes == 0 && k % 2 == 0)) {
                        return ((long) vs << 32) | (p - k);
                    }
                }
            }
            // unterminated: mask the bare word
            v = vs;
        }
        if (v < n && (s.charAt(v) == '{' || s.charAt(v) == '[')) {
            return -1; // an object or list: its own keys decide
        }
        if (s.startsWith(PEM_BEGIN, v)) {
            return ((long) v << 32) | pemEnd(s, v);
        }
        if (v < n && (s.charAt(v) == '|' || s.charAt(v) == '>' || s.startsWith("&gt;", v))) {
            long block = yamlBlock(s, from - 1, s.charAt(v) == '&' ? v + 3 : v);
            if (block >= 0) {
                return block;
            }
        }
        int e = v;
        if (kind == SecretVocabulary.Kind.HEADER) {
            while (e < n && !headerEnd(s.charAt(e))) {
                e++;
                // a quoted parameter (Digest username="u", …, response="…"; a cookie="v"): the header goes on after it
                if (e < n && s.charAt(e - 1) == '=' && quoteAt(s, e)) {
                    int close = closingQuote(s, e);
                    e = close < 0 ? e : close + 1;
                }
            }
        } else {
            while (e < n && !valueEnd(s.charAt(e))) {
                e++;
            }
        }
        return e > v ? ((long) v << 32) | e : -1;
    }

    /**
     * A YAML block scalar ({@code password: |} or {@code >-}, then lines indented deeper than the key's, raw or
     * {@code \\n}-escaped) whose indicator is at {@code v}: the span of its lines, packed as in {@link #valueSpan}; else -1.
     */
    private static long yamlBlock(String s, int sep, int v) {
        int n = s.length();
        int p = v + 1;
        while (p < n && (s.charAt(p) == '-' || s.charAt(p) == '+' || (s.charAt(p) >= '0' && s.charAt(p) <= '9') || isBlank(s.charAt(p)))) {
            p++;
        }
        int br = lineBreak(s, p);
        if (br == 0) {
            return -1;
        }
        int ls = sep;
        while (ls > 0 && s.charAt(ls - 1) != '\n' && s.charAt(ls - 1) != '\r' && !(ls >= 2 && s.charAt(ls - 1) == 'n' && s.charAt(ls - 2) == '\\')) {
            ls--;
        }
        int indent = 0;
        while (ls + indent < sep && s.charAt(ls + indent) == ' ') {
            indent++;
        }
        int start = p + br;
        int end = -1;
        int q = start;
        while (q < n) {
            int sp = 0;
            while (q + sp < n && s.charAt(q + sp) == ' ') {
                sp++;
            }
            int le = q + sp;
            while (le < n && lineBreak(s, le) == 0) {
                le++;
            }
            boolean blank = le == q + sp;
            if (!blank && sp <= indent) {
                break;
            }
            if (!blank) {
                end = le;
            }
            if (le >= n) {
                break;
            }
            q = le + lineBreak(s, le);
        }
        return end < 0 ? -1 : ((long) start << 32) | end;
    }

    /** The length of a line break at {@code p}: raw ({@code \n}, {@code \r\n}) or JSON-escaped at any depth; 0 when none. */
    private static int lineBreak(String s, int p) {
        int n = s.length();
        if (p >= n) {
            return 0;
        }
        char c = s.charAt(p);
        if (c == '\n') {
            return 1;
        }
        if (c == '\r') {
            return p + 1 < n && s.charAt(p + 1) == '\n' ? 2 : 1;
        }
        if (c != '\\') {
            return 0;
        }
        int q = skipEscapes(s, p);
        if (q >= n || (s.charAt(q) != 'n' && s.charAt(q) != 'r')) {
            return 0;
        }
        if (s.charAt(q) == 'r') {
            int r = skipEscapes(s, q + 1);
            return r < n && r > q + 1 && s.charAt(r) == 'n' ? r + 1 - p : q + 1 - p;
        }
        return q + 1 - p;
    }

    /**
     * A command-line option at {@code i} (a dash that starts a word) and the value it carries, when its name
     * says secret: {@code --password X}, {@code --access-key-secret 'X'}, {@code -storepass X}, the same as
     * elements of an argument list ({@code "--password","X"}), and the one-letter password options of
     * {@link SecretVocabulary#passwordOption known commands} ({@code mysql -pX}, {@code sshpass -p X}).
     * {@code --name=X} is left to the {@code =} rule; flags ({@code --no-password}, or a next word that is
     * an option) carry nothing. The span is packed as in {@link #valueSpan}, its sign bit set for an access
     * key id (kept as a prefix); -1 when none.
     */
    private static long option(String s, int i) {
        int n = s.length();
        int d = i + 1;
        if (d < n && s.charAt(d) == '-') {
            d++;
        }
        if (d >= n || !Character.isLetter(s.charAt(d))) {
            return -1;
        }
        int ne = d;
        while (ne < n && keyChar(s.charAt(ne)) && ne - d <= 64) {
            ne++;
        }
        // an element of a quoted argument list: the option's own closing quote, not a glued value
        char open = i > 0 ? s.charAt(i - 1) : ' ';
        boolean argv = (open == '"' || open == '\'') && quoteAt(s, ne) && s.charAt(skipEscapes(s, ne)) == open;
        char letter = s.charAt(d);
        boolean single = d == i + 1;
        String whole = single ? s.substring(d, ne) : "-" + s.substring(d, ne);
        if (ne - d >= 2 && SecretVocabulary.isPasswordOptionName(whole)) {
            // a longer option of a known command: openssl -passin X, curl --user u:X, --user=u:X
            String flags = commandBefore(s, i, whole);
            if (flags != null) {
                long span = ne < n && s.charAt(ne) == '=' ? valueSpan(s, ne + 1, SecretVocabulary.Kind.SECRET)
                        : flags.indexOf('+') >= 0 ? optionValue(s, ne, argv, SecretVocabulary.Kind.SECRET) : -1;
                return split(s, span, flags);
            }
        }
        if (single && SecretVocabulary.PASSWORD_OPTION_LETTERS.indexOf(letter) >= 0) {
            boolean glued = d + 1 < n && !(argv && ne == d + 1) && (!valueEnd(s.charAt(d + 1)) || quoteAt(s, d + 1));
            String flags = glued || ne == d + 1 ? commandBefore(s, i, String.valueOf(letter)) : null;
            if (flags != null && glued) {
                long span = valueSpan(s, s.charAt(d + 1) == '=' ? d + 2 : d + 1, SecretVocabulary.Kind.SECRET);
                return split(s, span, flags);
            }
            if (flags != null && flags.indexOf('+') >= 0) {
                return split(s, optionValue(s, ne, argv, SecretVocabulary.Kind.SECRET), flags);
            }
        }
        if (ne - d < 2 || ne >= n || !(isBlank(s.charAt(ne)) || argv) || s.startsWith("no-", d)) {
            return -1;
        }
        SecretVocabulary.Kind kind = SecretVocabulary.classify(s.substring(d, ne));
        if (kind == SecretVocabulary.Kind.NONE) {
            return -1;
        }
        long span = optionValue(s, ne, argv, kind);
        return span < 0 || kind != SecretVocabulary.Kind.ACCESS_KEY_ID ? span : span | Long.MIN_VALUE;
    }

    /**
     * The value word after an option name that ends at {@code from} (after blanks, or in an argument list
     * after the closing quote and a comma), unless it is another option or missing.
     */
    private static long optionValue(String s, int from, boolean argv, SecretVocabulary.Kind kind) {
        int n = s.length();
        int v = from;
        if (argv) {
            v = skipEscapes(s, v) + 1;
            while (v < n && isBlank(s.charAt(v))) {
                v++;
            }
            if (v >= n || s.charAt(v) != ',') {
                return -1;
            }
            v++;
        }
        while (v < n && isBlank(s.charAt(v))) {
            v++;
        }
        if (argv ? !quoteAt(s, v) : v == from || v >= n) {
            return -1;
        }
        int w = argv ? skipEscapes(s, v) + 1 : v;
        if (w >= n || s.charAt(w) == '-' || s.charAt(w) == '\r' || s.charAt(w) == '\n') {
            return -1;
        }
        return valueSpan(s, v, kind == SecretVocabulary.Kind.HEADER ? SecretVocabulary.Kind.SECRET : kind);
    }

    /**
     * The flags ({@link SecretVocabulary#passwordOption}) when a word, or two ({@code docker login}), before {@code i} in
     * the same command name a command whose {@code option} holds a password; else null. Words are split by blanks, quotes, commas and brackets (a shell line or an argument list);
     * the command ends at {@code ; | & ` ( > =} or a line end, and 512 characters back at most.
     */
    private static String commandBefore(String s, int i, String option) {
        int stop = Math.max(0, i - 512);
        int e = i;
        String later = null;
        for (int p = i - 1; p >= stop - 1; p--) {
            char c = p >= stop ? s.charAt(p) : '\n';
            if (c == '=') {
                // -i=AK: an option's own '=' is no end of the command (cmd=mysql -pX is)
                int b = p;
                while (b > stop && !isBlank(s.charAt(b - 1))) {
                    b--;
                }
                if (s.charAt(b) == '-') {
                    e = b;
                    p = b;
                    continue;
                }
            }
            boolean split = c == ' ' || c == '\t' || c == '"' || c == '\'' || c == ',' || c == '[' || c == '\\';
            boolean end = c == '\r' || c == '\n' || c == ';' || c == '|' || c == '&' || c == '`' || c == '(' || c == '>' || c == '=';
            if (split || end) {
                if (p + 1 < e) {
                    String word = s.substring(p + 1, e);
                    String flags = SecretVocabulary.passwordOption(word, option);
                    if (flags == null && later != null) {
                        flags = SecretVocabulary.passwordOption(word + " " + later, option);
                    }
                    if (flags != null) {
                        return flags;
                    }
                    later = word;
                }
                if (end) {
                    return null;
                }
                e = p;
            }
        }
        return null;
    }

    /** A value span narrowed to what follows the option's split character ({@code user:SECRET}); -1 when it has none. */
    private static long split(String s, long span, String flags) {
        if (span < 0) {
            return -1;
        }
        int vs = (int) (span >>> 32);
        int ve = (int) span;
        for (char c : new char[] {':', '%'}) {
            if (flags.indexOf(c) >= 0) {
                int at = s.indexOf(c, vs);
                return at < 0 || at + 1 >= ve ? -1 : ((long) (at + 1) << 32) | ve;
            }
        }
        return span;
    }

    /** A quote at {@code p}, after any number of JSON escapes ({@code ' " \\" \\\\\\"}). */
    private static boolean quoteAt(String s, int p) {
        p = skipEscapes(s, p);
        return p < s.length() && (s.charAt(p) == '"' || s.charAt(p) == '\'');
    }

    private static int skipEscapes(String s, int p) {
        while (p < s.length() && s.charAt(p) == '\\') {
            p++;
        }
        return p;
    }

    /** What may stand before the dash of a command-line option: the start of a word or of a quoted argument. */
    private static boolean optionLead(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '`' || c == '(' || c == '['
                || c == '=';
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static final String PEM_BEGIN = "-----BEGIN";

    /**
     * Where the PEM block that starts at {@code from} ends: after its {@code -----END …-----} line,
     * whatever its lines are separated by (line breaks, {@code \n} escapes), else the end of the text.
     */
    private static int pemEnd(String s, int from) {
        int end = s.indexOf("-----END", from + PEM_BEGIN.length());
        if (end < 0) {
            return s.length();
        }
        int close = s.indexOf("-----", end + 8);
        return close < 0 || close - end > 80 ? s.length() : close + 5;
    }

    /**
     * The quote that closes the one opened at {@code from} (after its JSON escapes): the same quote after as
     * many escapes, or, when unescaped, after an even number of backslashes; -1 when none within 8 KiB.
     */
    private static int closingQuote(String s, int from) {
        int q = skipEscapes(s, from);
        char quote = s.charAt(q);
        int escapes = q - from;
        for (int p = q + 1; p < s.length() && p - q <= 8192; p++) {
            if (s.charAt(p) == quote) {
                int k = 0;
                while (p - k - 1 > q && s.charAt(p - k - 1) == '\\') {
                    k++;
                }
                if (k == escapes || (escapes == 0 && k % 2 == 0)) {
                    return p;
                }
            }
        }
        return -1;
    }

    /**
     * The value of attribute {@code name} (any case) in a start tag's attributes {@code [from, to)}, quoted
     * with {@code "} or {@code '} at any JSON escaping depth; packed as in {@link #valueSpan}, or -1.
     */
    private static long attribute(String s, int from, int to, String name) {
        int p = from;
        while (p < to) {
            while (p < to && !tagChar(s.charAt(p))) {
                p++;
            }
            int a = p;
            while (p < to && tagChar(s.charAt(p))) {
                p++;
            }
            int ae = p;
            while (p < to && isBlank(s.charAt(p))) {
                p++;
            }
            if (p >= to || s.charAt(p) != '=') {
                continue;
            }
            p++;
            while (p < to && isBlank(s.charAt(p))) {
                p++;
            }
            int q = skipEscapes(s, p);
            if (q >= to || (s.charAt(q) != '"' && s.charAt(q) != '\'')) {
                continue;
            }
            int escapes = q - p;
            int vs = q + 1;
            int close = s.indexOf(s.charAt(q), vs);
            while (close >= 0 && close < to && close - escapes >= vs && escapes > 0 && s.charAt(close - escapes) != '\\') {
                close = s.indexOf(s.charAt(q), close + 1);
            }
            if (close < 0 || close >= to) {
                return -1;
            }
            if (s.regionMatches(true, a, name, 0, name.length()) && ae - a == name.length()) {
                return ((long) vs << 32) | (close - escapes);
            }
            p = close + 1;
        }
        return -1;
    }

    /**
     * After {@code <name>} at {@code from}: when the element names a secret and the next element is
     * {@code <value>}, that value's text (Hadoop and Spring configuration: {@code <name>k</name><value>v</value>}); else -1.
     */
    private static long siblingValue(String s, int from) {
        int lt = s.indexOf('<', from);
        if (lt < 0 || lt - from > 128 || !SecretVocabulary.isSecret(s.substring(from, lt).strip())) {
            return -1;
        }
        int gt = s.indexOf('>', lt);
        if (gt < 0 || gt == lt + 1 || s.charAt(lt + 1) != '/') {
            return -1;
        }
        int p = gt + 1;
        while (p < s.length() && p - gt <= 64) { // blanks, also JSON-escaped (\n, \\t)
            if (s.charAt(p) <= ' ') {
                p++;
            } else if (s.charAt(p) == '\\') {
                p = skipEscapes(s, p);
                if (p >= s.length() || "nrt".indexOf(s.charAt(p)) < 0) {
                    return -1;
                }
                p++;
            } else {
                break;
            }
        }
        if (!s.regionMatches(true, p, "<value>", 0, 7)) {
            return -1;
        }
        int vs = p + 7;
        int ve = s.indexOf('<', vs);
        ve = ve < 0 ? s.length() : ve;
        return ve > vs ? ((long) vs << 32) | ve : -1;
    }

    /**
     * {@code user:password@host.example.com} without a scheme, after the {@code :} at {@code u}: the password, when a host
     * name of three labels or more follows the {@code @} (not {@code mailto:bob@example.com}) and it looks like a credential
     * ({@link #credentialShape}); packed as in {@link #valueSpan}.
     */
    private static long bareUserInfo(String s, int u) {
        int n = s.length();
        int e = u;
        while (e < n && e - u < 256) {
            char ch = s.charAt(e);
            if (ch == '@') {
                break;
            }
            if (ch <= ' ' || "/?#\"'\\<>:,;=&".indexOf(ch) >= 0) {
                return -1;
            }
            e++;
        }
        if (e >= n || e == u || s.charAt(e) != '@') {
            return -1;
        }
        int dots = 0;
        int h = e + 1;
        while (h < n && (Character.isLetterOrDigit(s.charAt(h)) && s.charAt(h) < 128 || s.charAt(h) == '-' || s.charAt(h) == '.')) {
            dots += s.charAt(h) == '.' ? 1 : 0;
            h++;
        }
        // a credential's shape: contact:alice@corp.example.com is an address
        return dots >= 2 && h > e + 5 && credentialShape(s, u, e, false) ? ((long) u << 32) | e : -1;
    }

    private static final Pattern NO_ECHO = Pattern.compile("(?i)noecho[\"'\\\\]*\\s*[:=]\\s*[\"'\\\\]*true");

    /**
     * A template parameter's {@code Default} whose parameter is a secret's ({@code DBPassword: … Default: X}, JSON or YAML)
     * or says {@code NoEcho: true} (ROS, CloudFormation): the parameter is the object around the key (JSON), or the
     * line above indented less (YAML).
     */
    private static boolean noEchoDefault(String s, String key, int at) {
        if (!key.equalsIgnoreCase("default") && !key.equalsIgnoreCase("defaultvalue")) {
            return false;
        }
        int stop = Math.max(0, at - 2048);
        int depth = 0;
        int open = -1;
        int ls = at; // the start of the key's line (raw or \n-escaped)
        for (int p = at - 1; p >= stop && open < 0; p--) {
            char c = s.charAt(p);
            if (ls == at && (c == '\n' || (c == 'n' && p > 0 && s.charAt(p - 1) == '\\'))) {
                ls = p + 1;
            }
            if (c == '}') {
                depth++;
            } else if (c == '{' && depth-- == 0) {
                open = p;
            }
        }
        int from;
        int to;
        String parent;
        int indent = 0;
        while (ls + indent < at && s.charAt(ls + indent) == ' ') {
            indent++;
        }
        if (ls + indent == at && indent > 0) {
            // YAML: the parent is the nearest line above indented less; the block runs to the next such line
            int p = ls - 1;
            int pl = -1;
            while (p > stop) {
                int e = p;
                while (p > stop && s.charAt(p - 1) != '\n' && !(s.charAt(p - 1) == 'n' && p > 1 && s.charAt(p - 2) == '\\')) {
                    p--;
                }
                int sp = 0;
                while (p + sp < e && s.charAt(p + sp) == ' ') {
                    sp++;
                }
                if (p + sp < e && sp < indent) {
                    pl = p;
                    break;
                }
                p -= 2;
            }
            if (pl < 0) {
                return false;
            }
            int colon = s.indexOf(':', pl);
            if (colon < 0 || colon > at) {
                return false;
            }
            parent = s.substring(pl, colon).strip();
            from = pl;
            to = Math.min(s.length(), at + 512);
            for (int q = at; q < to; q++) {
                int br = lineBreak(s, q);
                if (br > 0) {
                    int sp = 0;
                    while (q + br + sp < to && s.charAt(q + br + sp) == ' ') {
                        sp++;
                    }
                    if (sp < indent) {
                        to = q;
                        break;
                    }
                }
            }
        } else if (open >= 0) {
            int q = open - 1;
            while (q >= 0 && (isBlank(s.charAt(q)) || s.charAt(q) == ':')) {
                q--;
            }
            while (q >= 0 && (s.charAt(q) == '"' || s.charAt(q) == '\'' || s.charAt(q) == '\\')) {
                q--;
            }
            int ke = q + 1;
            while (q >= 0 && keyChar(s.charAt(q)) && ke - q <= 64) {
                q--;
            }
            parent = s.substring(q + 1, ke);
            from = open;
            int close = open;
            for (int d = 0; close < s.length() && close - open < 4096; close++) {
                char c = s.charAt(close);
                d += c == '{' ? 1 : c == '}' ? -1 : 0;
                if (d == 0) {
                    break;
                }
            }
            to = Math.min(close, s.length());
        } else {
            return false;
        }
        return SecretVocabulary.isSecret(parent) || NO_ECHO.matcher(s).region(from, to).find();
    }

    /** {@code scheme://user:password@host}: the password (or a long user-only credential). */
    private static long userInfo(String s, int u) {
        int n = s.length();
        int e = u;
        while (e < n && e - u < 512) {
            char ch = s.charAt(e);
            if (ch == '@') {
                break;
            }
            if (ch == '/' || ch == '?' || ch == '#' || ch <= ' ' || ch == '"' || ch == '\'' || ch == '\\' || ch == '<' || ch == '>') {
                return -1;
            }
            e++;
        }
        if (e >= n || s.charAt(e) != '@' || e == u) {
            return -1;
        }
        int colon = s.indexOf(':', u);
        if (colon >= 0 && colon < e) {
            return e > colon + 1 ? ((long) (colon + 1) << 32) | e : -1;
        }
        return e - u >= 20 ? ((long) u << 32) | e : -1;
    }

    /** A header value keeps its scheme word and an access key id prefix: {@code OSS LTAI****}, {@code Bearer ****}. */
    private static String headerKeep(String s, int vs, int ve) {
        int w = vs;
        while (w < ve && w - vs <= 32 && (Character.isLetterOrDigit(s.charAt(w)) || s.charAt(w) == '-')) {
            w++;
        }
        if (w == vs || w >= ve || s.charAt(w) != ' ') {
            return "";
        }
        String keep = s.substring(vs, w + 1);
        if (!AUTH_SCHEMES.contains(keep.strip().toLowerCase(java.util.Locale.ROOT))) {
            return "";
        }
        if (s.startsWith("LTAI", w + 1) || s.startsWith("STS.", w + 1) || s.startsWith("HSTA", w + 1) || s.startsWith("TMP.", w + 1)) {
            keep += s.substring(w + 1, w + 5);
        }
        return keep;
    }

    /** Authorization schemes a masked header keeps ({@code Authorization: OSS LTAI****}). */
    private static final java.util.Set<String> AUTH_SCHEMES = java.util.Set.of("bearer", "basic", "digest", "oss", "acs", "obs",
            "negotiate", "aws4-hmac-sha256", "sdk-hmac-sha256", "acs3-hmac-sha256", "hmac-sha256");

    private static boolean keyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'
                || (c > 127 && Character.isLetter(c)); // a name in any script: 数据库密码
    }

    private static boolean tagChar(char c) {
        return keyChar(c) || c == ':';
    }

    private static boolean valueEnd(char c) {
        return c <= ' ' || c == '"' || c == '\'' || c == '\\' || c == ',' || c == '&' || c == ';' || c == '}' || c == '<'
                || c == '>' || c == ')' || c == ']'
                || (c > 127 && (c == '\uFF0C' || c == '\u3002' || c == '\uFF1B' || c == '\uFF09' || c == '\u3001' || c == '\u3000'));
    }

    /** A key separator: {@code =}, {@code :}, and their full-width forms ({@code 密码：X}, {@code password＝X}). */
    private static boolean separator(char c) {
        return c == '=' || c == ':' || c == '\uFF1D' || c == '\uFF1A';
    }

    private static boolean headerEnd(char c) {
        return c == '\r' || c == '\n' || c == '"' || c == '\\' || c == '<';
    }

    // ---- decoding layers

    /** Full-width ASCII letters and digits (to be matched as ASCII), and zero-width characters (to be ignored). */
    private static boolean foldable(char c) {
        return (c >= '\uFF10' && c <= '\uFF19') || (c >= '\uFF21' && c <= '\uFF3A') || (c >= '\uFF41' && c <= '\uFF5A')
                || (c >= '\u200B' && c <= '\u200D') || c == '\u2060' || c == '\uFEFF';
    }

    /** {@code s} with full-width ASCII (U+FF01–FF5E) as ASCII and without zero-width characters. */
    private static String fold(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '\uFF01' && c <= '\uFF5E') {
                sb.append((char) (c - 0xFEE0));
            } else if (!((c >= '\u200B' && c <= '\u200D') || c == '\u2060' || c == '\uFEFF')) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Even runs of 20+ hex digits that decode to text holding a secret ({@code 70617373776f72643d…}) become {@link #MASK}. */
    private static String hexPayloads(String s, int depth) {
        int n = s.length();
        StringBuilder sb = null;
        int last = 0;
        int i = 0;
        while (i < n) {
            if (hex(s.charAt(i)) < 0 || (i > 0 && Character.isLetterOrDigit(s.charAt(i - 1)))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && hex(s.charAt(i)) >= 0) {
                i++;
            }
            int len = i - start;
            if (len < 20 || len % 2 != 0 || (i < n && Character.isLetterOrDigit(s.charAt(i)))) {
                continue;
            }
            byte[] b = new byte[len / 2];
            boolean text = true;
            for (int k = 0; k < b.length && text; k++) {
                int x = hex(s.charAt(start + 2 * k)) << 4 | hex(s.charAt(start + 2 * k + 1));
                b[k] = (byte) x;
                text = x >= 0x80 || (x >= 0x20 && x < 0x7f) || x == '\n' || x == '\r' || x == '\t';
            }
            if (!text) {
                continue;
            }
            String t;
            try {
                t = java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                continue;
            }
            if (redact(t, depth) == t) {
                continue;
            }
            sb = sb == null ? new StringBuilder(n) : sb;
            sb.append(s, last, start).append(MASK);
            last = i;
        }
        return sb == null ? s : sb.append(s, last, n).toString();
    }

    /** Base64 runs of 16–99 characters that decode to text holding a secret become {@link #MASK}. */
    private static String base64Payloads(String s, int depth) {
        int n = s.length();
        StringBuilder sb = null;
        int last = 0;
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            int cls = c < 128 ? CHAR_CLASS[c] : 0;
            if ((cls & (UPL | DIG | LOW | B64_OTHER)) == 0 || c == '=' || (i > 0 && s.charAt(i - 1) == '\\' && "nrtbf".indexOf(c) >= 0)) {
                i++; // nor the letter of an escape (\\nU3Vi…: the run starts at U)
                continue;
            }
            int start = i;
            boolean up = false;
            boolean low = false;
            while (i < n) {
                char d = s.charAt(i);
                int k = d < 128 ? CHAR_CLASS[d] : 0;
                if ((k & (UPL | DIG | LOW | B64_OTHER)) == 0 || d == '=') {
                    break;
                }
                up |= (k & UPL) != 0;
                low |= (k & LOW) != 0;
                i++;
            }
            int end = i;
            StringBuilder mime = null;
            // MIME base64: lines of 76 (any multiple of 4 from 40) broken by a line break, raw or escaped
            int line = start;
            while (end - line >= 40 && i == end && (end - line) % 4 == 0) {
                int br = lineBreak(s, end);
                int next = end + br;
                if (br == 0 || next >= n || !base64Char(s.charAt(next))) {
                    break;
                }
                int e2 = next;
                while (e2 < n && base64Char(s.charAt(e2))) {
                    e2++;
                }
                if ((e2 - next) % 4 != 0 && (e2 >= n || s.charAt(e2) != '=')) {
                    break; // no base64 line ("--" after the body)
                }
                mime = mime == null ? new StringBuilder(s.substring(start, end)) : mime;
                mime.append(s, next, e2);
                end = e2;
                i = e2;
                line = next;
            }
            while (i < n && i - end < 2 && s.charAt(i) == '=') {
                if (mime != null) {
                    mime.append('=');
                }
                i++;
            }
            if (end - start < 16 || !up || !low) {
                continue;
            }
            String run = mime != null ? mime.toString().replace("=", "") : s.substring(start, end);
            String text = base64Text(run);
            if (text == null) {
                continue;
            }
            String red = redact(text, depth);
            if (red == text) {
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(n);
            }
            sb.append(s, last, start).append(MASK);
            last = i;
        }
        if (sb == null) {
            return s;
        }
        sb.append(s, last, n);
        return sb.toString();
    }

    private static boolean base64Char(char c) {
        return c < 128 && (CHAR_CLASS[c] & (UPL | DIG | LOW | B64_OTHER)) != 0 && c != '=';
    }

    /** The text a base64 run decodes to, when it is mostly printable; else null. */
    private static String base64Text(String run) {
        boolean url = run.indexOf('-') >= 0 || run.indexOf('_') >= 0;
        boolean std = run.indexOf('+') >= 0 || run.indexOf('/') >= 0;
        if (url && std) {
            return null;
        }
        byte[] b;
        try {
            b = (url ? java.util.Base64.getUrlDecoder() : java.util.Base64.getDecoder()).decode(run);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (b.length < 8) {
            return null;
        }
        int printable = 0;
        for (byte x : b) {
            if ((x >= 0x20 && x < 0x7f) || x == '\n' || x == '\r' || x == '\t') {
                printable++;
            } else if (x >= 0 || x == 0x7f) {
                return null; // control characters: binary
            }
        }
        if (printable * 10 >= b.length * 9) {
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }
        try {
            // text in any script (密码=…) is valid UTF-8; random bytes almost never are
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /**
     * {@code %XX} sequences decoded (as UTF-8), and {@code +} as a space when {@code plusIsSpace}; the same
     * instance when there are none (a text without {@code %XX} is taken as form-encoded only when a {@code +}
     * stands before an option's dash).
     */
    static String percentDecode(String s, boolean plusIsSpace) {
        int n = s.length();
        int i = s.indexOf('%');
        StringBuilder sb = null;
        byte[] buf = null;
        int last = 0;
        while (i >= 0 && i + 2 < n) {
            if (hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
                i = s.indexOf('%', i + 1);
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(n);
                buf = new byte[n / 3 + 1];
            }
            appendForm(sb, s, last, i, plusIsSpace);
            int len = 0;
            while (i + 2 < n && s.charAt(i) == '%' && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                buf[len++] = (byte) (hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
                i += 3;
            }
            sb.append(new String(buf, 0, len, java.nio.charset.StandardCharsets.UTF_8));
            last = i;
            i = s.indexOf('%', i);
        }
        if (sb == null) {
            return plusIsSpace && s.indexOf("+-") >= 0 ? s.replace('+', ' ') : s;
        }
        appendForm(sb, s, last, n, plusIsSpace);
        return sb.toString();
    }

    /** {@code s[from, to)}, its {@code +} as spaces when {@code plusIsSpace} (a decoded {@code %2B} stays a {@code +}). */
    private static void appendForm(StringBuilder sb, String s, int from, int to, boolean plusIsSpace) {
        if (!plusIsSpace) {
            sb.append(s, from, to);
            return;
        }
        for (int p = from; p < to; p++) {
            char c = s.charAt(p);
            sb.append(c == '+' ? ' ' : c);
        }
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        char l = (char) (c | 0x20);
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    /**
     * {@code \\uXXXX} and {@code \\xHH} escapes (as Go and JavaScript write {@code < > & = :}) decoded, at any
     * backslash depth, except those that would end or break a JSON string (quote, backslash, control characters);
     * the same instance when there are none.
     */
    static String unescape(String s) {
        int n = s.length();
        StringBuilder sb = null;
        int last = 0;
        for (int i = s.indexOf('\\'); i >= 0 && i + 3 < n; i = s.indexOf('\\', i + 1)) {
            int p = skipEscapes(s, i);
            if (p + 2 >= n) {
                break;
            }
            char t = s.charAt(p);
            int digits = t == 'u' ? 4 : t == 'x' ? 2 : 0;
            if (digits == 0 || p + digits >= n) {
                i = p - 1;
                continue;
            }
            int cp = 0;
            for (int d = 1; d <= digits && cp >= 0; d++) {
                int h = hex(s.charAt(p + d));
                cp = h < 0 ? -1 : cp << 4 | h;
            }
            if (cp == '"') {
                // {\u0022password\u0022:…} as text: an escaped quote, so that the key rules read it and a JSON string stays one
                if (sb == null) {
                    sb = new StringBuilder(n);
                }
                sb.append(s, last, i).append("\\".repeat(2 * (p - i) - 1)).append('"');
                last = p + digits + 1;
                i = last - 1;
                continue;
            }
            if (cp < 0x20 || cp == '"' || cp == '\\' || (cp >= 0xD800 && cp <= 0xDFFF)) {
                i = p;
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(n);
            }
            sb.append(s, last, i).append((char) cp);
            last = p + digits + 1;
            i = last - 1;
        }
        if (sb == null) {
            return s;
        }
        sb.append(s, last, n);
        return sb.toString();
    }

    /**
     * Named character references that stand for ASCII (the no-break space read as a space): HTML5 names, so that a key
     * or separator spelled with them ({@code db&lowbar;password&equals;X}) reads as the name it is.
     */
    private static final Map<String, String> ENTITIES = Map.ofEntries(
            Map.entry("lt", "<"), Map.entry("LT", "<"), Map.entry("gt", ">"), Map.entry("GT", ">"), Map.entry("quot", "\""),
            Map.entry("QUOT", "\""), Map.entry("apos", "'"), Map.entry("amp", "&"), Map.entry("AMP", "&"), Map.entry("equals", "="),
            Map.entry("colon", ":"), Map.entry("lowbar", "_"), Map.entry("UnderBar", "_"), Map.entry("period", "."),
            Map.entry("comma", ","), Map.entry("semi", ";"), Map.entry("sol", "/"), Map.entry("bsol", "\\"), Map.entry("lpar", "("),
            Map.entry("rpar", ")"), Map.entry("lsqb", "["), Map.entry("lbrack", "["), Map.entry("rsqb", "]"), Map.entry("rbrack", "]"),
            Map.entry("lcub", "{"), Map.entry("lbrace", "{"), Map.entry("rcub", "}"), Map.entry("rbrace", "}"), Map.entry("excl", "!"),
            Map.entry("quest", "?"), Map.entry("num", "#"), Map.entry("dollar", "$"), Map.entry("percnt", "%"), Map.entry("ast", "*"),
            Map.entry("midast", "*"), Map.entry("plus", "+"), Map.entry("commat", "@"), Map.entry("Hat", "^"), Map.entry("grave", "`"),
            Map.entry("verbar", "|"), Map.entry("vert", "|"), Map.entry("VerticalLine", "|"), Map.entry("Tab", "\t"),
            Map.entry("NewLine", "\n"), Map.entry("nbsp", " "), Map.entry("NonBreakingSpace", " "));

    /**
     * XML/HTML character references decoded: the named ones of {@link #ENTITIES} and numeric ones, decimal and
     * hex ({@code &#112;}, {@code &#x70;}, {@code &#X0070;}, the {@code ;} optional as HTML reads them); the same
     * instance when there are none. One pass: {@code &amp;#112;} becomes {@code &#112;} (the next layer decodes it).
     */
    static String entityDecode(String s) {
        int n = s.length();
        int i = s.indexOf('&');
        StringBuilder sb = null;
        int last = 0;
        while (i >= 0 && i + 2 < n) {
            int end = -1;
            String rep = null;
            if (s.charAt(i + 1) == '#') {
                int p = i + 2;
                boolean hexRef = p < n && (s.charAt(p) == 'x' || s.charAt(p) == 'X');
                p += hexRef ? 1 : 0;
                int ds = p;
                long cp = 0;
                while (p < n && p - ds < 8 && (hexRef ? hex(s.charAt(p)) >= 0 : s.charAt(p) >= '0' && s.charAt(p) <= '9')) {
                    cp = cp * (hexRef ? 16 : 10) + (hexRef ? hex(s.charAt(p)) : s.charAt(p) - '0');
                    p++;
                }
                if (p > ds && cp > 0 && cp <= Character.MAX_CODE_POINT && (cp < 0xD800 || cp > 0xDFFF)) {
                    end = p < n && s.charAt(p) == ';' ? p + 1 : p;
                    rep = Character.toString((int) cp);
                }
            } else {
                int p = i + 1;
                while (p < n && p - i <= 17 && Character.isLetter(s.charAt(p)) && s.charAt(p) < 128) {
                    p++;
                }
                if (p < n && s.charAt(p) == ';' && p > i + 1) {
                    rep = ENTITIES.get(s.substring(i + 1, p));
                    end = p + 1;
                }
            }
            if (rep != null) {
                if (sb == null) {
                    sb = new StringBuilder(n);
                }
                sb.append(s, last, i).append(rep);
                last = end;
                i = s.indexOf('&', end);
            } else {
                i = s.indexOf('&', i + 1);
            }
        }
        if (sb == null) {
            return s;
        }
        sb.append(s, last, n);
        return sb.toString();
    }

    private static final Pattern BARE_AK = Pattern.compile("(?<![A-Za-z0-9])[A-Z0-9]{20}(?![A-Za-z0-9])");

    /** Character classes for {@link #scan}, by table: it looks at every character of every string ingest redacts. */
    private static final int UPL = 1;
    private static final int DIG = 2;
    private static final int LOW = 4;
    private static final int B64_OTHER = 8;
    private static final int C_SEP = 16;
    private static final int C_PCT = 32;
    private static final int C_AMP = 64;
    private static final int C_DASH = 128;
    /** The first letters of the words {@link #shapeWord} looks for. */
    private static final int C_SHAPE = 256;
    private static final int C_HEX = 512;
    private static final int[] CHAR_CLASS = new int[128];

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            CHAR_CLASS[c] = UPL;
        }
        for (char c = '0'; c <= '9'; c++) {
            CHAR_CLASS[c] = DIG | C_HEX;
        }
        for (char c : "abcdefABCDEF".toCharArray()) {
            CHAR_CLASS[c] |= C_HEX;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            CHAR_CLASS[c] |= LOW;
        }
        for (char c : "+/_=-".toCharArray()) {
            CHAR_CLASS[c] = B64_OTHER;
        }
        CHAR_CLASS['='] |= C_SEP;
        CHAR_CLASS[':'] |= C_SEP;
        CHAR_CLASS['<'] |= C_SEP;
        CHAR_CLASS['['] |= C_SEP; // ["Cookie","v"]: a header as a JSON pair
        CHAR_CLASS['%'] |= C_PCT;
        CHAR_CLASS['&'] |= C_AMP;
        CHAR_CLASS['-'] |= C_DASH;
        for (char c : "cniposhwtagxCNIPOSHWTA".toCharArray()) {
            CHAR_CLASS[c] |= C_SHAPE;
        }
    }

    private static final int LONG_RUN = 1;
    private static final int BARE_AK_RUN = 2;
    private static final int MID_RUN = 4;
    private static final int SEP = 8;
    private static final int PCT = 16;
    private static final int AMP = 32;
    private static final int OPT = 64;
    private static final int FORM = 128;

    /**
     * One pass: {@link #LONG_RUN} when a base64-ish run reaches 100 characters, {@link #MID_RUN} when one of
     * 16+ characters mixes upper and lower case (a base64 payload shape), {@link #BARE_AK_RUN} when a run
     * of exactly 20 upper-case letters and digits stands alone (a Huawei AK shape), {@link #SEP} /
     * {@link #PCT} / {@link #AMP} when the text has a key separator, a percent sign, an ampersand,
     * {@link #OPT} when a word starts with a dash (a command-line option), {@link #FORM} when a dash follows a
     * {@code +} (a form-encoded space before an option: {@code cmd=mysql+-pX}).
     */
    private static int scan(String s) {
        int n = s.length();
        int out = 0;
        int b64 = 0;
        int hex = 0;
        int upper = 0;
        boolean alnumRun = true;
        boolean runUp = false;
        boolean runLow = false;
        boolean letterBefore = false;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? s.charAt(i) : ' ';
            int cls;
            if (c < 128) {
                cls = CHAR_CLASS[c];
            } else {
                cls = separator(c) ? C_SEP : 0;
                out |= foldable(c) ? FOLD : c == '密' || c == '口' || c == '令' ? SH_CJK : 0;
            }
            hex = (cls & C_HEX) != 0 ? hex + 1 : 0;
            out |= hex >= 20 ? HEX_RUN : 0;
            boolean letter = (cls & (UPL | LOW)) != 0;
            if ((!letterBefore && (cls & C_SHAPE) != 0) || c == '@') {
                out |= shapeWord(s, i, c);
            }
            letterBefore = letter;
            out |= (cls & C_SEP) != 0 ? SEP : 0;
            if ((cls & (C_PCT | C_AMP | C_DASH)) != 0) {
                if ((cls & C_DASH) != 0) {
                    char p = i == 0 ? ' ' : s.charAt(i - 1);
                    out |= optionLead(p) ? OPT : p == '+' ? FORM : 0;
                } else {
                    out |= (cls & C_PCT) != 0 ? PCT : AMP;
                }
            }
            boolean up = (cls & (UPL | DIG)) != 0;
            boolean low = (cls & LOW) != 0;
            if ((cls & (UPL | DIG | LOW | B64_OTHER)) != 0) {
                b64++;
                runUp |= (cls & UPL) != 0;
                runLow |= low;
                if (b64 >= 16 && runUp && runLow) {
                    out |= MID_RUN;
                }
                if (b64 >= 100) {
                    out |= LONG_RUN;
                }
            } else {
                b64 = 0;
                runUp = false;
                runLow = false;
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

    /** Fields that name a setting in a name/value pair ({@code {"name":"DB_PASSWORD","value":"…"}}, ROS parameters). */
    private static final java.util.Set<String> PAIR_NAMES = java.util.Set.of("name", "key", "parameterkey", "parameter_key",
            "paramname", "param_name", "variable", "envname", "env_name", "attributename", "propertyname");
    private static final List<String> PAIR_NAME_LIST = List.copyOf(PAIR_NAMES);

    /** Whether the last word of {@code key} (after {@code dot}) is one of {@code words} (lower case), without allocating. */
    private static boolean endsWithWord(String key, int dot, List<String> words) {
        int len = key.length() - dot - 1;
        if (len < 3) {
            return false;
        }
        char first = (char) (key.charAt(dot + 1) | 0x20);
        for (String w : words) {
            if (w.length() == len && w.charAt(0) == first && key.regionMatches(true, dot + 1, w, 0, len)) {
                return true;
            }
        }
        return false;
    }

    /** Fields that hold the value of such a pair. */
    private static final java.util.Set<String> PAIR_VALUES = java.util.Set.of("value", "parametervalue", "parameter_value",
            "paramvalue", "param_value", "val", "defaultvalue", "default_value", "attributevalue", "propertyvalue", "secretvalue");
    private static final List<String> PAIR_VALUE_LIST = List.copyOf(PAIR_VALUES);

    /**
     * The fields of an object that hold the value of a name/value pair whose name is a secret's: the object itself is the
     * pair ({@code {"name":"DB_PASSWORD","value":…}}, up to 8 fields), or holds it flattened with a prefix, as RPC
     * request parameters are ({@code Container.1.EnvironmentVar.1.Key} = {@code DB_PASSWORD} and
     * {@code Container.1.EnvironmentVar.1.Value}; {@code Parameters.1.ParameterKey} and {@code Parameters.1.ParameterValue}).
     */
    public static java.util.Set<String> secretPairValues(JsonNode o) {
        if (o == null || !o.isObject()) {
            return java.util.Set.of();
        }
        java.util.Set<String> prefixes = null;
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            String k = e.getKey();
            int dot = lastDot(k);
            if (e.getValue().isTextual() && PAIR_NAMES.contains(k.substring(dot + 1).toLowerCase(java.util.Locale.ROOT))
                    && (dot >= 0 || o.size() <= 8) && isSecretKey(e.getValue().textValue())) {
                prefixes = prefixes == null ? new java.util.HashSet<>() : prefixes;
                prefixes.add(k.substring(0, dot + 1).toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (prefixes == null) {
            return java.util.Set.of();
        }
        java.util.Set<String> out = new java.util.HashSet<>();
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            String k = e.getKey();
            int dot = lastDot(k);
            if (PAIR_VALUES.contains(k.substring(dot + 1).toLowerCase(java.util.Locale.ROOT))
                    && prefixes.contains(k.substring(0, dot + 1).toLowerCase(java.util.Locale.ROOT))) {
                out.add(k);
            }
        }
        return out;
    }

    private static JsonNode redactInPlace(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            java.util.Set<String> pairValues = secretPairValues(o);
            for (String name : names) {
                JsonNode v = o.get(name);
                if (v != null && !v.isNull() && pairValues.contains(name)) {
                    o.put(name, MASK);
                } else if (v != null && v.isObject() && (isSecretKey(name) || noEcho(v)) && v.has("Type")) {
                    // a template parameter ({"AdminPassword":{"Type":"String","NoEcho":true,"Default":"x"}}): its
                    // describing fields stay, every other value is masked
                    ObjectNode param = (ObjectNode) v;
                    List<String> fields = new ArrayList<>();
                    param.fieldNames().forEachRemaining(fields::add);
                    for (String f : fields) {
                        if (!PARAMETER_FIELDS.contains(f.toLowerCase(java.util.Locale.ROOT)) && !param.get(f).isNull()) {
                            param.put(f, MASK);
                        }
                    }
                } else if (isSecretKey(name) && v != null && !v.isNull()) {
                    o.put(name, MASK);
                } else if (isAccessKeyIdKey(name) && v != null && v.isValueNode() && !v.isNull()) {
                    o.put(name, maskAccessKeyId(v.asText()));
                } else if (v != null) {
                    o.set(name, redactInPlace(v));
                }
                String safeName = text(name);
                if (safeName != name && !o.has(safeName)) {
                    // a field's name is record text too ({"password=X&user=a": "1"})
                    o.set(safeName, o.remove(name));
                }
            }
            return o;
        }
        if (node.isArray()) {
            ArrayNode a = argumentList((ArrayNode) node);
            if (a.size() == 2 && a.get(0).isTextual() && a.get(1).isValueNode() && !a.get(1).isNull() && isSecretKey(a.get(0).textValue())) {
                a.set(1, TextNode.valueOf(MASK)); // ["Cookie","SESSION=…"]: a header as a pair
                return a;
            }
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

    /** The fields of a template parameter that describe it (ROS, CloudFormation, Terraform variables). */
    private static final java.util.Set<String> PARAMETER_FIELDS = java.util.Set.of("type", "noecho", "description", "label",
            "constraintdescription", "minlength", "maxlength", "allowedpattern", "sensitive", "associationproperty");

    private static boolean noEcho(JsonNode v) {
        JsonNode e = v.get("NoEcho");
        return e != null && (e.asBoolean(false) || "true".equalsIgnoreCase(e.asText()));
    }

    /**
     * An array of words with an option among them ({@code ["mysql","-uroot","-pX"]}, {@code ["--password","X"]})
     * is a command line: its text is redacted as one ({@link #option}, which sees the words around an option)
     * and read back; any other array, or one whose redacted text is no array of as many elements, as it is.
     */
    private static ArrayNode argumentList(ArrayNode a) {
        if (a.size() < 2 || a.size() > 256) {
            return a;
        }
        boolean option = false;
        for (JsonNode e : a) {
            if (!e.isValueNode()) {
                return a;
            }
            option |= e.isTextual() && e.textValue().startsWith("-");
        }
        if (!option) {
            return a;
        }
        String t = a.toString();
        String r = text(t);
        if (r == t) {
            return a;
        }
        try {
            JsonNode back = io.grantwatch.model.json.Json.wire().readTree(r);
            return back.isArray() && back.size() == a.size() ? (ArrayNode) back : a;
        } catch (java.io.IOException e) {
            return a;
        }
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
