package io.grantwatch.model.redact;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one vocabulary of secret key names. Every rule that decides "the value under this name is a
 * secret" reads this table: JSON keys, {@code k=v} / {@code k: v} / {@code k="v"} text, HTTP headers,
 * XML elements, URL query strings (all in {@link Redactor}) and configuration keys
 * ({@code io.grantwatch.app.config.ConfigKeys}). Add a name here and every form picks it up; the
 * generated matrix test ({@code RedactorMatrixTest}) plants each name in each form.
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
            "passwordless", "keyname", "keypairname", "bypass", "compass", "surpass", "trespass", "mfacodetype");

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

    public static boolean isSecret(String name) {
        Kind k = classify(name);
        return k == Kind.SECRET || k == Kind.HEADER;
    }

    public static boolean isAccessKeyId(String name) {
        return classify(name) == Kind.ACCESS_KEY_ID;
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
