package io.grantwatch.model.redact;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one vocabulary of secret key names. Every rule that decides "the value under this name is a
 * secret" reads this table: JSON keys, {@code k=v} / {@code k: v} / {@code k="v"} text, HTTP headers,
 * XML elements, URL query strings, command-line options (all in {@link Redactor}) and configuration keys
 * ({@code io.grantwatch.app.config.ConfigKeys}). Add a name here and every form picks it up; the
 * generated matrix test ({@code RedactorMatrixTest}) plants each name in each form. The one-letter
 * password options of a few commands ({@code mysql -pX}) are here too ({@link #isPasswordOption}).
 *
 * <p>Names are compared in {@link #normalize normal form}: lower case, without {@code _ - . space}
 * ({@code Access_Key-Secret} = {@code accesskeysecret}).
 */
public final class SecretVocabulary {

    /** What a name's value is. */
    public enum Kind {
        /** Not a secret: written as is (still text-redacted). */
        NONE,
        /** A secret: the whole value becomes {@link Redactor#MASK}. */
        SECRET,
        /** A secret HTTP header whose value runs to the end of the line ({@code Authorization: OSS ak:sig}). */
        HEADER,
        /** An access key id: keeps its prefix for correlation ({@code LTAI****}). */
        ACCESS_KEY_ID
    }

    private enum Match { CONTAINS, EQUALS, ENDS_WITH }

    private record Rule(String fragment, Match match, Kind kind) {
        boolean test(String k) {
            return switch (match) {
                case CONTAINS -> k.contains(fragment);
                case EQUALS -> k.equals(fragment);
                case ENDS_WITH -> k.endsWith(fragment);
            };
        }
    }

    /** The table. Order matters only in that the first matching rule gives the kind. */
    private static final List<Rule> RULES = List.of(
            // headers whose value is a credential up to the end of the line
            // (exact names: "authorizationType: RAM" or "cookieName=x" are no credentials)
            new Rule("authorization", Match.EQUALS, Kind.HEADER),
            new Rule("proxyauthorization", Match.EQUALS, Kind.HEADER),
            new Rule("cookie", Match.EQUALS, Kind.HEADER),
            new Rule("setcookie", Match.EQUALS, Kind.HEADER),
            // access key ids: masked prefix
            new Rule("accesskeyid", Match.ENDS_WITH, Kind.ACCESS_KEY_ID), // accesskeyid, eventaccesskeyid
            new Rule("accesskey", Match.EQUALS, Kind.ACCESS_KEY_ID),
            new Rule("akid", Match.EQUALS, Kind.ACCESS_KEY_ID),
            new Rule("ak", Match.EQUALS, Kind.ACCESS_KEY_ID),
            // secrets by fragment
            new Rule("secret", Match.CONTAINS, Kind.SECRET),
            new Rule("password", Match.CONTAINS, Kind.SECRET),
            new Rule("passwd", Match.CONTAINS, Kind.SECRET),
            new Rule("passphrase", Match.CONTAINS, Kind.SECRET),
            new Rule("passcode", Match.CONTAINS, Kind.SECRET),
            new Rule("token", Match.CONTAINS, Kind.SECRET),
            new Rule("signature", Match.CONTAINS, Kind.SECRET),
            new Rule("privatekey", Match.CONTAINS, Kind.SECRET),
            new Rule("apikey", Match.CONTAINS, Kind.SECRET),
            new Rule("credential", Match.ENDS_WITH, Kind.SECRET), // credential, dbCredential (not CredentialConfig)
            new Rule("credentials", Match.ENDS_WITH, Kind.SECRET),
            new Rule("credentialvalue", Match.CONTAINS, Kind.SECRET),
            new Rule("mfacode", Match.CONTAINS, Kind.SECRET),
            new Rule("jaas", Match.CONTAINS, Kind.SECRET), // Kafka sasl.jaas.config holds the password
            new Rule("keystorekey", Match.CONTAINS, Kind.SECRET), // Kafka ssl.keystore.key: a PEM private key
            new Rule("pwd", Match.ENDS_WITH, Kind.SECRET), // pwd, dbpwd
            new Rule("pass", Match.ENDS_WITH, Kind.SECRET), // pass, db_pass, adminPass
            new Rule("sk", Match.EQUALS, Kind.SECRET), // Huawei ak/sk
            new Rule("otp", Match.EQUALS, Kind.SECRET),
            new Rule("totp", Match.EQUALS, Kind.SECRET),
            new Rule("userdata", Match.EQUALS, Kind.SECRET));

    /** Names that hold a fragment above but no secret (page tokens, policy settings, ordinary words). */
    private static final Set<String> NOT_SECRET = Set.of(
            "ststokenplayeruid", "ststokenprincipalname", "nexttoken", "tokentype", "pagetoken",
            "signatureversion", "signaturemethod", "signaturetype", "signaturenonce", "passwordpolicy",
            "passwordreuseprevention", "passwordlength", "requirepasswordchange", "passwordresetrequired",
            "passwordless", "keyname", "keypairname", "bypass", "compass", "surpass", "trespass", "mfacodetype",
            "passwordstdin"); // docker login --password-stdin: a flag, the word after it is no password

    /**
     * Commands whose one-letter option holds a password, the one place where a name alone cannot say it:
     * {@code mysql -pSECRET} (glued only: in {@code mysql -p db} the word after a bare {@code -p} names a
     * database), {@code sshpass -p SECRET}, {@code redis-cli -a SECRET}, {@code mongosh -p SECRET}.
     * Long options ({@code --password X}, {@code -storepass X}) need no entry: their names are in {@link #RULES}.
     */
    private static final Map<String, String> PASSWORD_OPTIONS = Map.ofEntries(
            Map.entry("mysql", "p"), Map.entry("mysqldump", "p"), Map.entry("mysqladmin", "p"),
            Map.entry("mysqlimport", "p"), Map.entry("mysqlshow", "p"), Map.entry("mysqlcheck", "p"),
            Map.entry("mysqlpump", "p"), Map.entry("mysqlslap", "p"), Map.entry("mysqlbinlog", "p"),
            Map.entry("mariadb", "p"), Map.entry("mariadb-dump", "p"), Map.entry("mariadb-admin", "p"),
            Map.entry("mariadb-import", "p"), Map.entry("mariadb-check", "p"), Map.entry("mariadb-show", "p"),
            // upper case: the value may also follow after a space
            Map.entry("sshpass", "P"), Map.entry("redis-cli", "A"), Map.entry("mongo", "P"),
            Map.entry("mongosh", "P"), Map.entry("mongodump", "P"), Map.entry("mongorestore", "P"),
            Map.entry("mongoexport", "P"), Map.entry("mongoimport", "P"));

    /** The letters of {@link #PASSWORD_OPTIONS} ("ap"), for a quick first test. */
    public static final String PASSWORD_OPTION_LETTERS = PASSWORD_OPTIONS.values().stream()
            .map(o -> o.toLowerCase(java.util.Locale.ROOT)).distinct().sorted().reduce("", String::concat);

    private static final ConcurrentHashMap<String, Kind> CACHE = new ConcurrentHashMap<>();
    private static final int CACHE_MAX = 4096;

    private SecretVocabulary() {
    }

    /** The kind of value under {@code name} (any spelling: JSON key, header, tag, query parameter, config key). */
    public static Kind classify(String name) {
        if (name == null || name.isEmpty()) {
            return Kind.NONE;
        }
        Kind cached = CACHE.get(name);
        if (cached != null) {
            return cached;
        }
        Kind kind = compute(name);
        if (CACHE.size() < CACHE_MAX) {
            CACHE.put(name, kind);
        }
        return kind;
    }

    /** The name fragments of one kind, in table order (for the tests that plant every one of them). */
    static List<String> fragments(Kind kind) {
        return RULES.stream().filter(r -> r.kind() == kind).map(Rule::fragment).toList();
    }

    public static boolean isSecret(String name) {
        Kind k = classify(name);
        return k == Kind.SECRET || k == Kind.HEADER;
    }

    public static boolean isAccessKeyId(String name) {
        return classify(name) == Kind.ACCESS_KEY_ID;
    }

    /**
     * True when option {@code -<letter>} of {@code command} (a word of a command line, any path) holds a
     * password: glued ({@code -pSECRET}) always, after a space only when {@code spaced} is allowed for it.
     */
    public static boolean isPasswordOption(String command, char letter, boolean spaced) {
        int slash = command.lastIndexOf('/');
        String o = PASSWORD_OPTIONS.get(slash >= 0 ? command.substring(slash + 1) : command);
        if (o == null || Character.toLowerCase(o.charAt(0)) != letter) {
            return false;
        }
        return !spaced || Character.isUpperCase(o.charAt(0));
    }

    private static Kind compute(String name) {
        String k = normalize(name);
        if (NOT_SECRET.contains(k)) {
            return Kind.NONE;
        }
        for (Rule r : RULES) {
            if (r.test(k)) {
                return r.kind();
            }
        }
        return Kind.NONE;
    }

    /** A name in one normal form: lower case, without {@code _ - . space} (AccessKeySecret = access_key_secret). */
    public static String normalize(String key) {
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
}
