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

    /**
     * How a rule's fragment meets a name: in its normal form ({@code CONTAINS}, {@code EQUALS}, {@code ENDS_WITH}), or
     * as the last word of the name as written, after a separator {@code _ - . space} ({@code LAST_WORD}: {@code OBS_SK},
     * {@code HUAWEICLOUD_SDK_SK}, {@code REDIS_AUTH}, but neither {@code task} nor {@code disk} nor {@code SkipAuth}).
     */
    private enum Match { CONTAINS, EQUALS, ENDS_WITH, LAST_WORD }

    private record Rule(String fragment, Match match, Kind kind) {
        boolean test(String k, String raw) {
            return switch (match) {
                case CONTAINS -> k.contains(fragment);
                case EQUALS -> k.equals(fragment);
                case ENDS_WITH -> k.endsWith(fragment);
                case LAST_WORD -> lastWord(raw, fragment);
            };
        }
    }

    /** True when {@code raw} ends with {@code word} (any case) right after a separator, with something before it. */
    private static boolean lastWord(String raw, String word) {
        int at = raw.length() - word.length();
        if (at < 2 || !raw.regionMatches(true, at, word, 0, word.length())) {
            return false;
        }
        char c = raw.charAt(at - 1);
        return c == '_' || c == '-' || c == '.' || c == ' ';
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
            new Rule("sk", Match.LAST_WORD, Kind.SECRET), // HUAWEICLOUD_SDK_SK, OBS_SK, OSS_SK (not task, disk)
            // keys named for what they protect: the value is key material (not ObjectKey, KeyName, keyId, PolicyKey)
            new Rule("masterkey", Match.ENDS_WITH, Kind.SECRET),
            new Rule("encryptionkey", Match.ENDS_WITH, Kind.SECRET),
            new Rule("hmackey", Match.ENDS_WITH, Kind.SECRET),
            new Rule("signingkey", Match.ENDS_WITH, Kind.SECRET),
            new Rule("licensekey", Match.ENDS_WITH, Kind.SECRET),
            new Rule("openaikey", Match.ENDS_WITH, Kind.SECRET),
            new Rule("auth", Match.LAST_WORD, Kind.SECRET), // REDIS_AUTH, masterauth below (not OAuth, SkipAuth)
            new Rule("masterauth", Match.EQUALS, Kind.SECRET), // Redis replica password
            // Chinese labels: password, database password, secret key, pass phrase
            new Rule("密码", Match.CONTAINS, Kind.SECRET),
            new Rule("密钥", Match.CONTAINS, Kind.SECRET),
            new Rule("口令", Match.CONTAINS, Kind.SECRET),
            new Rule("令牌", Match.CONTAINS, Kind.SECRET), // token
            new Rule("otp", Match.EQUALS, Kind.SECRET),
            new Rule("totp", Match.EQUALS, Kind.SECRET),
            new Rule("hotp", Match.EQUALS, Kind.SECRET),
            new Rule("otpcode", Match.ENDS_WITH, Kind.SECRET), // OtpCode, TotpCode
            new Rule("verificationcode", Match.ENDS_WITH, Kind.SECRET),
            new Rule("smscode", Match.ENDS_WITH, Kind.SECRET),
            // KMS / DEW Encrypt and Decrypt: the plaintext itself
            new Rule("plaintext", Match.ENDS_WITH, Kind.SECRET),
            // kubeconfig client-key-data (not client-certificate-data): a private key in base64
            new Rule("keydata", Match.ENDS_WITH, Kind.SECRET),
            // Azure SAS ?sv=…&sig=…: the signature
            new Rule("sig", Match.EQUALS, Kind.SECRET),
            new Rule("userdata", Match.EQUALS, Kind.SECRET));

    /** Names that hold a fragment above but no secret (page tokens, policy settings, ordinary words). */
    private static final Set<String> NOT_SECRET = Set.of(
            "ststokenplayeruid", "ststokenprincipalname", "nexttoken", "tokentype", "pagetoken",
            "signatureversion", "signaturemethod", "signaturetype", "signaturenonce", "passwordpolicy",
            "passwordreuseprevention", "passwordlength", "requirepasswordchange", "passwordresetrequired",
            "passwordless", "keyname", "keypairname", "bypass", "compass", "surpass", "trespass", "mfacodetype",
            "passwordstdin", // docker login --password-stdin: a flag, the word after it is no password
            // a secret's or token's name, ARN, and the password policy's settings are no secret
            "secretname", "tokenname", "secretarn", "minimumpasswordlength", "maxpasswordage", "passwordexpires");

    /**
     * Endings of names that describe a secret rather than hold one ({@code x-oss-signature-version},
     * {@code SecretName}, {@code PasswordPolicy}, {@code TokenType}, {@code TokenExpireTime}, {@code PasswordCount}),
     * or make another word of it ({@code tokenizer}): a name that ends so is no secret, whatever it contains.
     */
    private static final List<String> DESCRIBES = List.of("version", "method", "type", "algorithm", "name", "arn", "policy",
            "length", "prevention", "nonce", "expiration", "expired", "expires", "expire", "expiry", "ttl", "format", "id", "ids", "time",
            "count", "enabled",
            // another word that starts with the fragment: --tokenizer bert-base, tokenized
            "izer", "ize", "ized", "ization");

    /**
     * Commands whose options hold a password that their name alone does not say: {@code mysql -pSECRET} (glued only: in
     * {@code mysql -p db} the word after a bare {@code -p} names a database), {@code sshpass -p SECRET},
     * {@code redis-cli -a SECRET}, {@code docker login -p SECRET} (not {@code docker run -p 8080:80}), {@code ossutil -k SECRET},
     * {@code curl -u user:SECRET}, {@code smbclient -U user%SECRET}, {@code zip -P SECRET}, {@code 7z -pSECRET}.
     * A command is one word or two ({@code docker login}); each option is written as after its first dash ({@code -user}
     * is {@code --user}), then its flags: {@code +} the value may follow after a space (else glued only:
     * {@code -pX}, {@code -k=X}), and a split character ({@code :} or {@code %}) when only what follows it is the secret.
     * Long options whose names are in {@link #RULES} ({@code --password X}, {@code -storepass X}) need no entry.
     */
    private static final Map<String, String> PASSWORD_OPTIONS = Map.ofEntries(
            Map.entry("mysql", "p"), Map.entry("mysqldump", "p"), Map.entry("mysqladmin", "p"),
            Map.entry("mysqlimport", "p"), Map.entry("mysqlshow", "p"), Map.entry("mysqlcheck", "p"),
            Map.entry("mysqlpump", "p"), Map.entry("mysqlslap", "p"), Map.entry("mysqlbinlog", "p"), Map.entry("mysqlsh", "p"),
            Map.entry("mariadb", "p"), Map.entry("mariadb-dump", "p"), Map.entry("mariadb-admin", "p"),
            Map.entry("mariadb-import", "p"), Map.entry("mariadb-check", "p"), Map.entry("mariadb-show", "p"),
            Map.entry("sshpass", "p+"), Map.entry("redis-cli", "a+"), Map.entry("mongo", "p+"),
            Map.entry("mongosh", "p+"), Map.entry("mongodump", "p+"), Map.entry("mongorestore", "p+"),
            Map.entry("mongoexport", "p+"), Map.entry("mongoimport", "p+"),
            // registries: docker login -p X (docker's own -p elsewhere is a port)
            Map.entry("docker login", "p+"), Map.entry("podman login", "p+"), Map.entry("nerdctl login", "p+"),
            Map.entry("buildah login", "p+"), Map.entry("skopeo login", "p+"), Map.entry("registry login", "p+"),
            // object storage CLIs: -k is the AccessKey secret / SK (-k X, -k=X)
            Map.entry("ossutil", "k+"), Map.entry("ossutil64", "k+"), Map.entry("ossutilmac64", "k+"), Map.entry("obsutil", "k+"),
            // user:password and user%password
            Map.entry("curl", "u+: -user+: -proxy-user+:"), Map.entry("smbclient", "U+% -user+%"),
            // archives and encryption
            Map.entry("zip", "P+"), Map.entry("unzip", "P+"), Map.entry("7z", "p"), Map.entry("7za", "p"), Map.entry("7zz", "p"),
            Map.entry("7zr", "p"), Map.entry("rar", "p"), Map.entry("unrar", "p"),
            Map.entry("openssl", "k+ passin+ passout+"),
            // database and directory clients whose -P / -w is the password
            Map.entry("sqlcmd", "P+"), Map.entry("bcp", "P+"), Map.entry("ldapsearch", "w+"), Map.entry("ldapadd", "w+"),
            Map.entry("ldapmodify", "w+"), Map.entry("ldapdelete", "w+"), Map.entry("ldapwhoami", "w+"),
            Map.entry("ldappasswd", "w+"), Map.entry("rdesktop", "p+"));

    /** The first letters of the one-letter options of {@link #PASSWORD_OPTIONS}, as written, for a quick first test. */
    public static final String PASSWORD_OPTION_LETTERS;
    /** The longer option names of {@link #PASSWORD_OPTIONS} ({@code passin}, {@code -user}). */
    private static final Set<String> PASSWORD_OPTION_NAMES;

    static {
        StringBuilder letters = new StringBuilder();
        java.util.HashSet<String> names = new java.util.HashSet<>();
        for (String specs : PASSWORD_OPTIONS.values()) {
            for (String spec : specs.split(" ")) {
                String name = optionName(spec);
                if (name.length() == 1 && letters.indexOf(name) < 0) {
                    letters.append(name);
                } else if (name.length() > 1) {
                    names.add(name);
                }
            }
        }
        PASSWORD_OPTION_LETTERS = letters.toString();
        PASSWORD_OPTION_NAMES = Set.copyOf(names);
    }

    private static String optionName(String spec) {
        int e = spec.length();
        while (e > 1 && "+:%".indexOf(spec.charAt(e - 1)) >= 0) {
            e--;
        }
        return spec.substring(0, e);
    }

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

    /** True when some command of {@link #PASSWORD_OPTIONS} has an option of this (longer) name ({@code passin}, {@code -user}). */
    public static boolean isPasswordOptionName(String option) {
        return PASSWORD_OPTION_NAMES.contains(option);
    }

    /**
     * The flags of option {@code option} (as written after its first dash: {@code p}, {@code -user}) of {@code command}
     * (one word, any path, or two: {@code docker login}) when it holds a password: {@code ""} glued only, with {@code +}
     * also after a space, with {@code :} or {@code %} when the secret follows that character; null when it does not.
     */
    public static String passwordOption(String command, String option) {
        int slash = command.lastIndexOf('/');
        String specs = PASSWORD_OPTIONS.get(slash >= 0 && command.indexOf(' ') < 0 ? command.substring(slash + 1) : command);
        if (specs == null) {
            return null;
        }
        for (String spec : specs.split(" ")) {
            String name = optionName(spec);
            if (name.equals(option)) {
                return spec.substring(name.length());
            }
        }
        return null;
    }

    private static Kind compute(String name) {
        String k = normalize(name);
        if (NOT_SECRET.contains(k)) {
            return Kind.NONE;
        }
        for (Rule r : RULES) {
            if (r.test(k, name)) {
                return r.kind() == Kind.SECRET && describes(k) ? Kind.NONE : r.kind();
            }
        }
        return Kind.NONE;
    }

    /** True when the name ends in a word that describes a secret ({@link #DESCRIBES}) and it is no exact rule's. */
    private static boolean describes(String k) {
        for (String d : DESCRIBES) {
            if (k.endsWith(d) && k.length() > d.length()) {
                return true;
            }
        }
        return false;
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
