package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the {@code aliyun} and {@code hcloud} (KooCLI) command lines GrantWatch prints against the
 * operations, parameters and request shapes the two CLIs accept, so that what an administrator pastes
 * runs. Pure: no I/O beyond reading its own tables from {@code /cli/aliyun.tsv} and
 * {@code /cli/hcloud.tsv} (each row cites its source); see CLI-NOTES.md for the research.
 *
 * <p>A command line is split into shell words with POSIX quoting. Comment lines are ignored; simple
 * commands joined by {@code |}, {@code &&}, {@code ;} are checked one by one, and the command inside
 * every {@code $( ... )} is checked too, so {@code GROUP_ID=$(hcloud IAM KeystoneListGroups ...)} is
 * covered. {@code $VAR} and {@code "$VAR"} are accepted as values; an unfilled {@code ${...}} anywhere
 * is a violation.
 */
public final class CliGrammar {
    /** KooCLI reads only these top-level keys of a --cli-jsonInput file (KooCLI user guide hcli_05_12). */
    public static final Set<String> JSON_INPUT_KEYS = Set.of("header", "path", "query", "formData", "cookie", "body");

    private static final Pattern UNFILLED = Pattern.compile("\\$\\{[^}]*}");
    private static final Pattern ANGLE_PLACEHOLDER = Pattern.compile("<[A-Za-z_][A-Za-z0-9 _.-]*>");
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=.*", Pattern.DOTALL);
    private static final Pattern PATH_PARAM = Pattern.compile("[\\[{]([A-Za-z_][A-Za-z0-9_]*)[\\]}]");
    private static final Set<String> ALIYUN_VALUE_FLAGS = Set.of("region", "profile", "endpoint", "read-timeout",
            "connect-timeout", "retry-count", "header", "cli-query", "output", "pager", "version", "RegionId", "log-level");
    private static final Set<String> ALIYUN_BOOLEAN_FLAGS = Set.of("quiet", "secure", "insecure", "dryrun", "cli-dry-run",
            "skip-secure-verify");
    private static final Set<String> ALIYUN_CREDENTIAL_FLAGS = Set.of("access-key-id", "access-key-secret", "sts-token",
            "bearer-token", "private-key");
    private static final Set<String> ALIYUN_JSON_PARAMS = Set.of("PolicyDocument", "NewAssumeRolePolicyDocument",
            "AssumeRolePolicyDocument");
    private static final Set<String> HCLOUD_SYSTEM_PARAMS = Set.of("cli-region", "cli-profile", "cli-mode", "cli-project-id",
            "cli-domain-id", "cli-jsonInput", "cli-query", "cli-output", "cli-output-num", "cli-read-timeout",
            "cli-connect-timeout", "cli-retry-count", "cli-skip-secure-verify", "cli-endpoint", "cli-agency-domain-id",
            "cli-agency-domain-name", "cli-agency-name", "cli-source-profile");
    private static final Set<String> HCLOUD_BOOLEAN_FLAGS = Set.of("help", "dryrun", "debug", "skeleton");
    private static final Set<String> HCLOUD_CREDENTIAL_PARAMS = Set.of("cli-access-key", "cli-secret-key",
            "cli-security-token", "cli-password");
    private static final Set<String> HCLOUD_OUTPUTS = Set.of("json", "table", "tsv");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, Op> ALIYUN = load("/cli/aliyun.tsv", true);
    private static final Map<String, Op> HCLOUD = load("/cli/hcloud.tsv", false);

    private CliGrammar() {
    }

    /** One operation row of a table. {@code method}/{@code path} are null for RPC operations. */
    record Op(String product, String name, String method, String path, Set<String> params, Set<String> required,
              Set<String> pathParams, String body, String source) {
        Set<String> queryParams() {
            Set<String> q = new LinkedHashSet<>(params);
            q.removeAll(pathParams);
            q.remove("body");
            return q;
        }
    }

    /** The operations the aliyun table knows, as {@code product Operation}. */
    public static Set<String> aliyunOperations() {
        return Collections.unmodifiableSet(ALIYUN.keySet());
    }

    /** The operations the hcloud table knows, as {@code Service Operation}. */
    public static Set<String> hcloudOperations() {
        return Collections.unmodifiableSet(HCLOUD.keySet());
    }

    /** The source (URL) a table row cites, or null when the operation is unknown. */
    public static String source(String cli, String product, String operation) {
        Op op = ("aliyun".equals(cli) ? ALIYUN : HCLOUD).get(product + " " + operation);
        return op == null ? null : op.source();
    }

    /**
     * Violations of one command line; empty means it follows the grammar. Lines that are neither
     * {@code aliyun}/{@code hcloud} commands nor contain one in {@code $( ... )} are only checked for
     * unfilled placeholders and shell quoting.
     */
    public static List<String> check(String commandLine) {
        List<String> out = new ArrayList<>();
        if (commandLine == null || commandLine.isBlank() || commandLine.stripLeading().startsWith("#")) {
            return out;
        }
        Matcher m = UNFILLED.matcher(commandLine);
        while (m.find()) {
            out.add("unfilled placeholder " + m.group() + ": print a value or a shell variable assigned on an earlier line");
        }
        checkShell(commandLine, out, new HashSet<>(), null, 0);
        return dedupe(out);
    }

    /**
     * Checks a whole script line by line (see {@link #check(String)}) and also that every {@code $VAR}
     * an aliyun/hcloud command uses was assigned on an earlier line. Violations are prefixed with the
     * 1-based line number.
     */
    public static List<String> checkScript(List<String> lines) {
        List<String> out = new ArrayList<>();
        Set<String> assigned = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line == null || line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            List<String> v = check(line);
            List<String> undefined = new ArrayList<>();
            checkShell(line, new ArrayList<>(), assigned, undefined, 0);
            v.addAll(undefined);
            for (String s : dedupe(v)) {
                out.add("line " + (i + 1) + ": " + s);
            }
        }
        return out;
    }

    /**
     * Violations of a KooCLI {@code --cli-jsonInput} file for an IAM operation: top-level keys only
     * {@code header/path/query/formData/cookie/body}, path and query keys the operation's, and the body
     * shape the operation takes (for the custom-policy operations {@code {"body":{"role":{display_name,
     * type AX|XA, description, policy{Version, Statement[]}}}}}).
     */
    public static List<String> checkHcloudJsonInput(String operation, JsonNode content) {
        List<String> out = new ArrayList<>();
        Op op = HCLOUD.get("IAM " + operation);
        if (op == null) {
            out.add("unknown operation 'hcloud IAM " + operation + "'");
            return out;
        }
        if (content == null || !content.isObject()) {
            out.add("--cli-jsonInput content must be a JSON object with keys from " + sorted(JSON_INPUT_KEYS));
            return out;
        }
        noUnfilled(content, "$", out);
        boolean anyKnown = false;
        for (Iterator<String> it = content.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (JSON_INPUT_KEYS.contains(k)) {
                anyKnown = true;
                if (!content.get(k).isObject()) {
                    out.add("top-level key '" + k + "' must hold an object");
                }
            } else {
                out.add("top-level key '" + k + "' is ignored by KooCLI: only " + sorted(JSON_INPUT_KEYS)
                        + " are read (request body fields go under \"body\")");
            }
        }
        if (!anyKnown) {
            out.add("no top-level key KooCLI reads: KooCLI fails with [USE_ERROR] cli-jsonInput content invalid");
        }
        JsonNode path = content.get("path");
        if (path != null && path.isObject()) {
            keysWithin(path, op.pathParams(), "path", op, out);
            for (String p : op.pathParams()) {
                if (!path.has(p)) {
                    out.add("\"path\" lacks '" + p + "': all path parameters go in the file or all on the command line");
                }
            }
        }
        JsonNode query = content.get("query");
        if (query != null && query.isObject()) {
            keysWithin(query, op.queryParams(), "query", op, out);
        }
        JsonNode body = content.get("body");
        if ("-".equals(op.body())) {
            if (body != null) {
                out.add(op.name() + " takes no request body");
            }
        } else if (body == null || !body.isObject()) {
            out.add(op.name() + " needs \"body\": " + bodyHint(op.body()));
        } else {
            checkBody(op.body(), body, out);
        }
        return dedupe(out);
    }

    // ---------------------------------------------------------------- shell

    /** A shell word (quotes removed, {@code $} kept) or a control/redirection operator. */
    record Token(String text, boolean op, List<String> substitutions, List<String> vars) {
    }

    private static void checkShell(String line, List<String> out, Set<String> assigned, List<String> undefined, int depth) {
        List<Token> tokens;
        try {
            tokens = tokenize(line);
        } catch (IllegalArgumentException e) {
            out.add(e.getMessage());
            return;
        }
        List<List<Token>> commands = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        for (Token t : tokens) {
            if (t.op() && !isRedirect(t.text())) {
                commands.add(current);
                current = new ArrayList<>();
            } else {
                current.add(t);
            }
        }
        commands.add(current);
        for (List<Token> cmd : commands) {
            for (Token t : cmd) {
                for (String inner : t.substitutions()) {
                    if (depth < 8) {
                        checkShell(inner, out, assigned, undefined, depth + 1);
                    }
                }
            }
            int i = 0;
            List<String> newlyAssigned = new ArrayList<>();
            if (i < cmd.size() && !cmd.get(i).op() && "export".equals(cmd.get(i).text())) {
                i++;
            }
            while (i < cmd.size() && !cmd.get(i).op() && ASSIGNMENT.matcher(cmd.get(i).text()).matches()) {
                Matcher am = ASSIGNMENT.matcher(cmd.get(i).text());
                if (am.matches()) {
                    newlyAssigned.add(am.group(1));
                }
                i++;
            }
            List<Token> rest = cmd.subList(i, cmd.size());
            if (!rest.isEmpty() && "read".equals(rest.get(0).text())) {
                // read [-r] [-p PROMPT] NAME [< /dev/tty]: the administrator types the value in
                List<Token> words = withoutRedirects(rest, new ArrayList<>());
                if (!words.isEmpty() && !words.get(words.size() - 1).op()) {
                    newlyAssigned.add(words.get(words.size() - 1).text());
                }
            }
            if (!rest.isEmpty() && !rest.get(0).op()) {
                String prog = rest.get(0).text();
                if ("aliyun".equals(prog) || "hcloud".equals(prog)) {
                    if (undefined != null) {
                        for (Token t : rest) {
                            for (String v : t.vars()) {
                                if (!assigned.contains(v)) {
                                    undefined.add("$" + v + " is used before any line assigns it");
                                }
                            }
                        }
                    }
                    List<Token> args = withoutRedirects(rest, out);
                    if ("aliyun".equals(prog)) {
                        checkAliyun(args, out);
                    } else {
                        checkHcloud(args, out);
                    }
                }
            }
            assigned.addAll(newlyAssigned);
        }
    }

    private static boolean isRedirect(String op) {
        return op.startsWith(">") || op.startsWith("<");
    }

    private static List<Token> withoutRedirects(List<Token> cmd, List<String> out) {
        List<Token> args = new ArrayList<>();
        for (int i = 0; i < cmd.size(); i++) {
            Token t = cmd.get(i);
            if (t.op()) {
                if (t.text().startsWith("<")) {
                    out.add("input redirection '" + t.text() + "' in a cloud command (an unfilled <placeholder>?)");
                }
                i++; // skip the redirection target
            } else {
                args.add(t);
            }
        }
        return args;
    }

    /** Splits a line into words and operators with POSIX quoting; throws on unbalanced quotes. */
    static List<Token> tokenize(String s) {
        List<Token> tokens = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        List<String> subs = new ArrayList<>();
        List<String> vars = new ArrayList<>();
        boolean inWord = false;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 < n && s.charAt(i + 1) == '\n') {
                    i += 2;
                    continue;
                }
                if (i + 1 < n) {
                    word.append(s.charAt(i + 1));
                }
                inWord = true;
                i += 2;
            } else if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated single quote");
                }
                word.append(s, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = s.charAt(i);
                    if (d == '"') {
                        closed = true;
                        i++;
                        break;
                    } else if (d == '\\' && i + 1 < n && "$`\"\\\n".indexOf(s.charAt(i + 1)) >= 0) {
                        word.append(s.charAt(i + 1));
                        i += 2;
                    } else if (d == '$') {
                        i = dollar(s, i, word, subs, vars);
                    } else {
                        word.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated double quote");
                }
                inWord = true;
            } else if (c == '$') {
                i = dollar(s, i, word, subs, vars);
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    tokens.add(new Token(word.toString(), false, List.copyOf(subs), List.copyOf(vars)));
                    word.setLength(0);
                    subs.clear();
                    vars.clear();
                    inWord = false;
                }
                i++;
            } else if (c == '#' && !inWord) {
                break;
            } else if ("|&;<>()".indexOf(c) >= 0) {
                if (inWord) {
                    tokens.add(new Token(word.toString(), false, List.copyOf(subs), List.copyOf(vars)));
                    word.setLength(0);
                    subs.clear();
                    vars.clear();
                    inWord = false;
                }
                int j = i + 1;
                while (j < n && "|&;<>".indexOf(s.charAt(j)) >= 0 && "()".indexOf(c) < 0) {
                    j++;
                }
                tokens.add(new Token(s.substring(i, j), true, List.of(), List.of()));
                i = j;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            tokens.add(new Token(word.toString(), false, List.copyOf(subs), List.copyOf(vars)));
        }
        return tokens;
    }

    /** Handles a {@code $} at {@code i}: {@code $(...)}, {@code ${...}}, {@code $NAME}; returns the next index. */
    private static int dollar(String s, int i, StringBuilder word, List<String> subs, List<String> vars) {
        int n = s.length();
        if (i + 1 < n && s.charAt(i + 1) == '(') {
            int end = matchParen(s, i + 2);
            subs.add(s.substring(i + 2, end));
            word.append(s, i, end + 1);
            return end + 1;
        }
        if (i + 1 < n && s.charAt(i + 1) == '{') {
            int end = s.indexOf('}', i + 2);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated ${");
            }
            word.append(s, i, end + 1);
            return end + 1;
        }
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            j++;
        }
        if (j > i + 1) {
            vars.add(s.substring(i + 1, j));
        }
        word.append(s, i, j);
        return j;
    }

    /** Index of the {@code )} closing a {@code $(} whose content starts at {@code start}. */
    private static int matchParen(String s, int start) {
        int depth = 1;
        int i = start;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated single quote in $( )");
                }
                i = end + 1;
                continue;
            }
            if (c == '"') {
                i++;
                while (i < s.length() && s.charAt(i) != '"') {
                    i += s.charAt(i) == '\\' ? 2 : 1;
                }
                if (i >= s.length()) {
                    throw new IllegalArgumentException("unterminated double quote in $( )");
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
            i++;
        }
        throw new IllegalArgumentException("unterminated $(");
    }

    // ---------------------------------------------------------------- aliyun

    private static void checkAliyun(List<Token> args, List<String> out) {
        List<String> positional = new ArrayList<>();
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 1; i < args.size(); i++) {
            String w = args.get(i).text();
            if (!w.startsWith("--")) {
                positional.add(w);
                continue;
            }
            String name = w.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (!ALIYUN_BOOLEAN_FLAGS.contains(name) && !"force".equals(name)
                    && i + 1 < args.size() && !args.get(i + 1).text().startsWith("--")) {
                value = args.get(++i).text();
                if ("output".equals(name)) {
                    while (i + 1 < args.size() && args.get(i + 1).text().matches("(cols|rows|num)=.*")) {
                        i++;
                    }
                }
            }
            if (flags.containsKey(name)) {
                out.add("aliyun: --" + name + " given twice");
            }
            flags.put(name, value);
        }
        if (positional.isEmpty()) {
            out.add("aliyun: no product given");
            return;
        }
        String product = positional.get(0);
        if (ALIYUN.keySet().stream().noneMatch(k -> k.startsWith(product + " "))) {
            out.add("aliyun: unknown product '" + product + "' (known: " + products(ALIYUN) + ")");
            return;
        }
        if (positional.size() < 2) {
            out.add("aliyun " + product + ": no operation given");
            return;
        }
        Op op;
        Map<String, String> fromPath = new LinkedHashMap<>();
        String second = positional.get(1);
        if (second.matches("GET|PUT|POST|DELETE|PATCH")) {
            if (positional.size() < 3) {
                out.add("aliyun " + product + " " + second + ": no path given");
                return;
            }
            op = matchRoa(product, second, positional.get(2), fromPath);
            if (op == null) {
                out.add("aliyun " + product + ": no operation matches " + second + " " + positional.get(2));
                return;
            }
            for (Map.Entry<String, String> e : fromPath.entrySet()) {
                if (e.getValue().matches("\\[.*]|\\{.*}") || ANGLE_PLACEHOLDER.matcher(e.getValue()).matches()) {
                    out.add("aliyun " + product + " " + op.name() + ": path parameter " + e.getKey() + " is unfilled ("
                            + e.getValue() + ")");
                }
            }
            extraPositional(positional, 3, "aliyun " + product + " " + op.name(), out);
        } else {
            op = ALIYUN.get(product + " " + second);
            if (op == null) {
                out.add("aliyun " + product + ": unknown operation '" + second + "'");
                return;
            }
            extraPositional(positional, 2, "aliyun " + product + " " + op.name(), out);
        }
        String where = "aliyun " + product + " " + op.name();
        boolean roa = op.method() != null;
        for (Map.Entry<String, String> f : flags.entrySet()) {
            String name = f.getKey();
            String value = f.getValue();
            if (ALIYUN_CREDENTIAL_FLAGS.contains(name)) {
                out.add(where + ": --" + name + " puts a credential on the command line; use a profile");
                continue;
            }
            if ("force".equals(name)) {
                out.add(where + ": --force skips the CLI's parameter validation; do not print it");
                continue;
            }
            boolean isBody = roa && ("body".equals(name) || "body-file".equals(name));
            boolean global = ALIYUN_VALUE_FLAGS.contains(name) || ALIYUN_BOOLEAN_FLAGS.contains(name);
            boolean apiParam = op.params().contains(name) && !"body".equals(name);
            if (!isBody && !global && !apiParam) {
                out.add(where + ": unknown parameter --" + name + suggestion(name, op.params()));
                continue;
            }
            if (!ALIYUN_BOOLEAN_FLAGS.contains(name)) {
                checkValue(where, "--" + name, value, out);
            }
            if (apiParam && ALIYUN_JSON_PARAMS.contains(name) && value != null && !value.contains("$")) {
                requireJsonObject(where, "--" + name, value, out);
            }
            if ("UserName".equals(name) && "root".equalsIgnoreCase(value)) {
                out.add(where + ": --UserName root: the Alibaba Cloud account (root) is not a RAM user and has no attachable"
                        + " policies; identify the caller with aliyun sts GetCallerIdentity instead");
            }
            if (isBody && "body".equals(name) && value != null && !value.contains("$")) {
                requireJsonObject(where, "--body", value, out);
            }
        }
        for (String r : op.required()) {
            boolean present = "body".equals(r) ? flags.containsKey("body") || flags.containsKey("body-file")
                    : flags.containsKey(r) || fromPath.containsKey(r);
            if (!present) {
                out.add(where + ": missing required parameter " + ("body".equals(r) ? "--body" : "--" + r));
            }
        }
    }

    private static Op matchRoa(String product, String method, String path, Map<String, String> fromPath) {
        String[] given = path.split("/", -1);
        for (Op op : ALIYUN.values()) {
            if (!op.product().equals(product) || op.method() == null || !op.method().equals(method)) {
                continue;
            }
            String[] pattern = op.path().split("/", -1);
            if (pattern.length != given.length) {
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            boolean ok = true;
            for (int i = 0; i < pattern.length && ok; i++) {
                Matcher m = PATH_PARAM.matcher(pattern[i]);
                if (m.matches()) {
                    ok = !given[i].isEmpty();
                    values.put(m.group(1), given[i]);
                } else {
                    ok = pattern[i].equals(given[i]);
                }
            }
            if (ok) {
                fromPath.putAll(values);
                return op;
            }
        }
        return null;
    }

    private static void extraPositional(List<String> positional, int from, String where, List<String> out) {
        for (int i = from; i < positional.size(); i++) {
            out.add(where + ": unexpected argument '" + positional.get(i) + "' (parameters are written --Name value)");
        }
    }

    // ---------------------------------------------------------------- hcloud

    private static void checkHcloud(List<Token> args, List<String> out) {
        if (args.size() < 2 || args.get(1).text().startsWith("--")) {
            out.add("hcloud: no service given (hcloud <service> <operation> --param=value ...)");
            return;
        }
        String service = args.get(1).text();
        if (HCLOUD.keySet().stream().noneMatch(k -> k.startsWith(service + " "))) {
            out.add("hcloud: unknown service '" + service + "' (known: " + products(HCLOUD) + ")");
            return;
        }
        if (args.size() < 3 || args.get(2).text().startsWith("--")) {
            out.add("hcloud " + service + ": no operation given");
            return;
        }
        String operation = args.get(2).text();
        Op op = HCLOUD.get(service + " " + operation);
        String where = "hcloud " + service + " " + operation;
        if (op == null) {
            String hint = operation.contains("Role") && operation.startsWith("Create")
                    ? " (custom policies are created with CreateCloudServiceCustomPolicy or CreateAgencyCustomPolicy)" : "";
            out.add(where + ": unknown operation" + hint);
            return;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 3; i < args.size(); i++) {
            String w = args.get(i).text();
            if (!w.startsWith("--")) {
                out.add(where + ": unexpected argument '" + w + "' (KooCLI parameters are written --name=value)");
                continue;
            }
            int eq = w.indexOf('=');
            String name = eq < 0 ? w.substring(2) : w.substring(2, eq);
            String value = eq < 0 ? null : w.substring(eq + 1);
            if (eq < 0 && !HCLOUD_BOOLEAN_FLAGS.contains(name)) {
                out.add(where + ": --" + name + " has no value (KooCLI parameters are written --name=value)");
            }
            if (params.containsKey(name)) {
                out.add(where + ": --" + name + " given twice");
            }
            params.put(name, value);
            if (HCLOUD_CREDENTIAL_PARAMS.contains(name)) {
                out.add(where + ": --" + name + " puts a credential on the command line; use a profile");
            } else if (name.startsWith("cli-") && !HCLOUD_SYSTEM_PARAMS.contains(name)) {
                out.add(where + ": unknown KooCLI system parameter --" + name);
            } else if (!name.startsWith("cli-") && !HCLOUD_BOOLEAN_FLAGS.contains(name) && !op.params().contains(name)) {
                out.add(where + ": unknown parameter --" + name + suggestion(name, op.params()));
            } else if (value != null) {
                checkValue(where, "--" + name, value, out);
            }
        }
        String output = params.get("cli-output");
        if (output != null && !output.contains("$") && !HCLOUD_OUTPUTS.contains(output)) {
            out.add(where + ": --cli-output must be one of json, table, tsv");
        }
        String jsonInput = params.get("cli-jsonInput");
        if (jsonInput != null && !jsonInput.contains("$") && !jsonInput.endsWith(".json")) {
            out.add(where + ": the --cli-jsonInput file name must end in .json");
        }
        if (!"-".equals(op.body()) && jsonInput == null && !params.containsKey("skeleton") && !params.containsKey("help")) {
            out.add(where + ": needs --cli-jsonInput=<file>.json carrying \"body\": " + bodyHint(op.body()));
        }
        if (jsonInput == null && !params.containsKey("help") && !params.containsKey("skeleton")) {
            for (String r : op.required()) {
                if (!params.containsKey(r)) {
                    out.add(where + ": missing required parameter --" + r);
                }
            }
        }
    }

    // ---------------------------------------------------------------- shared helpers

    private static void checkValue(String where, String flag, String value, List<String> out) {
        if (value == null || value.isEmpty()) {
            out.add(where + ": " + flag + " has an empty value");
        } else if (ANGLE_PLACEHOLDER.matcher(value).matches()) {
            out.add(where + ": " + flag + " is an unfilled placeholder " + value);
        }
    }

    private static void requireJsonObject(String where, String flag, String value, List<String> out) {
        try {
            JsonNode n = JSON.readTree(value);
            if (n == null || !n.isObject()) {
                out.add(where + ": " + flag + " must be a JSON object");
            }
        } catch (IOException e) {
            out.add(where + ": " + flag + " is not valid JSON");
        }
    }

    private static String suggestion(String name, Set<String> params) {
        for (String p : params) {
            if (p.equalsIgnoreCase(name) || p.replace("_", "").equalsIgnoreCase(name.replace("_", "").replace("-", ""))) {
                return " (did you mean --" + p + "?)";
            }
        }
        return params.isEmpty() ? " (the operation takes no parameters)" : " (allowed: " + String.join(", ", params) + ")";
    }

    private static String products(Map<String, Op> table) {
        Set<String> p = new LinkedHashSet<>();
        table.values().forEach(o -> p.add(o.product()));
        return String.join(", ", p);
    }

    private static void keysWithin(JsonNode section, Set<String> allowed, String label, Op op, List<String> out) {
        for (Iterator<String> it = section.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!allowed.contains(k)) {
                out.add("\"" + label + "\" key '" + k + "' is not a " + label + " parameter of " + op.name()
                        + (allowed.isEmpty() ? "" : " (allowed: " + String.join(", ", allowed) + ")"));
            }
        }
    }

    private static void noUnfilled(JsonNode n, String at, List<String> out) {
        if (n.isTextual() && UNFILLED.matcher(n.asText()).find()) {
            out.add(at + ": unfilled placeholder in \"" + n.asText() + "\"");
        } else if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                noUnfilled(e.getValue(), at + "." + e.getKey(), out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                noUnfilled(n.get(i), at + "[" + i + "]", out);
            }
        }
    }

    private static String bodyHint(String kind) {
        return switch (kind) {
            case "role" -> "{\"role\":{\"display_name\",\"type\":\"AX\"|\"XA\",\"description\",\"policy\":{\"Version\":\"1.1\","
                    + "\"Statement\":[...]}}}";
            case "mapping" -> "{\"mapping\":{\"rules\":[{\"local\":[...],\"remote\":[...]}]}}";
            case "group" -> "{\"group\":{\"name\",\"description\"}}";
            case "policy_v5" -> "{\"policy_name\",\"policy_document\":\"<JSON string>\"}";
            case "policy_version_v5" -> "{\"policy_document\":\"<JSON string>\"}";
            default -> "{\"" + kind + "\":\"...\"}";
        };
    }

    private static void checkBody(String kind, JsonNode body, List<String> out) {
        switch (kind) {
            case "role" -> checkRoleBody(body, out);
            case "mapping" -> checkMappingBody(body, out);
            case "group" -> {
                onlyKeys(body, "body", Set.of("group"), out);
                JsonNode group = body.path("group");
                if (!group.path("name").isTextual() || group.path("name").asText().isBlank()) {
                    out.add("body.group.name must be a non-empty string");
                }
                onlyKeys(group, "body.group", Set.of("name", "description", "domain_id"), out);
            }
            case "policy_v5" -> {
                onlyKeys(body, "body", Set.of("policy_name", "policy_document", "path", "description"), out);
                nonEmptyText(body, "policy_name", "body", out);
                policyDocumentString(body, out);
            }
            case "policy_version_v5" -> {
                onlyKeys(body, "body", Set.of("policy_document", "set_as_default"), out);
                policyDocumentString(body, out);
            }
            default -> {
                onlyKeys(body, "body", Set.of(kind), out);
                nonEmptyText(body, kind, "body", out);
            }
        }
    }

    private static void checkRoleBody(JsonNode body, List<String> out) {
        onlyKeys(body, "body", Set.of("role"), out);
        JsonNode role = body.get("role");
        if (role == null || !role.isObject()) {
            out.add("body.role must be an object");
            return;
        }
        onlyKeys(role, "body.role", Set.of("display_name", "type", "description", "description_cn", "policy"), out);
        nonEmptyText(role, "display_name", "body.role", out);
        JsonNode type = role.get("type");
        if (type == null || !type.isTextual() || !Set.of("AX", "XA").contains(type.asText())) {
            out.add("body.role.type must be \"AX\" (global services) or \"XA\" (project-level services)");
        }
        JsonNode description = role.get("description");
        if (description == null || !description.isTextual()) {
            out.add("body.role.description is required (a string)");
        }
        JsonNode policy = role.get("policy");
        if (policy == null) {
            out.add("body.role.policy is required");
            return;
        }
        if (policy.isTextual()) {
            out.add("body.role.policy must be a JSON object, not a string");
            return;
        }
        if (!policy.isObject()) {
            out.add("body.role.policy must be a JSON object");
            return;
        }
        onlyKeys(policy, "body.role.policy", Set.of("Version", "Statement"), out);
        JsonNode version = policy.get("Version");
        if (version == null || !version.isTextual()) {
            out.add("body.role.policy.Version is required (\"1.1\")");
        }
        JsonNode statements = policy.get("Statement");
        if (statements == null || !statements.isArray() || statements.isEmpty()) {
            out.add("body.role.policy.Statement must be a non-empty array");
            return;
        }
        for (int i = 0; i < statements.size(); i++) {
            JsonNode st = statements.get(i);
            String at = "body.role.policy.Statement[" + i + "]";
            if (!st.isObject()) {
                out.add(at + " must be an object");
                continue;
            }
            onlyKeys(st, at, Set.of("Effect", "Action", "Resource", "Condition"), out);
            JsonNode effect = st.get("Effect");
            if (effect == null || !Set.of("Allow", "Deny").contains(effect.asText())) {
                out.add(at + ".Effect must be \"Allow\" or \"Deny\"");
            }
            JsonNode action = st.get("Action");
            if (action == null || !action.isArray() || action.isEmpty() || !allText(action)) {
                out.add(at + ".Action must be a non-empty array of strings");
            }
            JsonNode resource = st.get("Resource");
            if (resource != null && !(resource.isArray() && allText(resource)) && !resource.isObject()) {
                out.add(at + ".Resource must be an array of strings (or {\"uri\":[...]} for agency policies)");
            }
        }
    }

    private static void checkMappingBody(JsonNode body, List<String> out) {
        onlyKeys(body, "body", Set.of("mapping"), out);
        JsonNode rules = body.path("mapping").get("rules");
        if (rules == null || !rules.isArray() || rules.isEmpty()) {
            out.add("body.mapping.rules must be a non-empty array");
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            String at = "body.mapping.rules[" + i + "]";
            onlyKeys(rule, at, Set.of("local", "remote"), out);
            JsonNode local = rule.get("local");
            if (local == null || !local.isArray() || local.isEmpty()) {
                out.add(at + ".local must be a non-empty array of {\"user\":{\"name\"}} / {\"group\":{\"name\"}}");
            } else {
                for (JsonNode l : local) {
                    boolean named = l.path("user").path("name").isTextual() || l.path("group").path("name").isTextual();
                    if (!named) {
                        out.add(at + ".local entries need user.name or group.name");
                    }
                }
            }
            JsonNode remote = rule.get("remote");
            if (remote == null || !remote.isArray() || remote.isEmpty()) {
                out.add(at + ".remote must be a non-empty array");
            } else {
                for (JsonNode r : remote) {
                    if (!r.path("type").isTextual()) {
                        out.add(at + ".remote entries need \"type\"");
                    }
                }
            }
        }
    }

    private static void policyDocumentString(JsonNode body, List<String> out) {
        JsonNode doc = body.get("policy_document");
        if (doc == null) {
            out.add("body.policy_document is required");
        } else if (!doc.isTextual()) {
            out.add("body.policy_document must be the policy as a JSON string");
        } else {
            requireJsonObject("body", "policy_document", doc.asText(), out);
        }
    }

    private static void onlyKeys(JsonNode node, String at, Set<String> allowed, List<String> out) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!allowed.contains(k)) {
                out.add(at + ": unknown key '" + k + "' (allowed: " + sorted(allowed) + ")");
            }
        }
    }

    private static void nonEmptyText(JsonNode node, String key, String at, List<String> out) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            out.add(at + "." + key + " is required (a non-empty string)");
        }
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static String sorted(Set<String> s) {
        return String.join(", ", s.stream().sorted().toList());
    }

    private static List<String> dedupe(List<String> in) {
        return new ArrayList<>(new LinkedHashSet<>(in));
    }

    // ---------------------------------------------------------------- tables

    private static Map<String, Op> load(String resource, boolean aliyun) {
        Map<String, Op> ops = new LinkedHashMap<>();
        try (InputStream in = CliGrammar.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            boolean header = true;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (header) {
                    header = false;
                    continue;
                }
                String[] f = line.split("\t", -1);
                Op op = aliyun ? aliyunRow(f) : hcloudRow(f);
                ops.put(op.product() + " " + op.name(), op);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Collections.unmodifiableMap(ops);
    }

    /** product, operation, request, params, required, source. */
    private static Op aliyunRow(String[] f) {
        String method = null;
        String path = null;
        if (!"RPC".equals(f[2])) {
            String[] mp = f[2].split(" ", 2);
            method = mp[0];
            path = mp[1];
        }
        return new Op(f[0], f[1], method, path, list(f[3]), list(f[4]), pathParams(path), "-", f[5]);
    }

    /** service, operation, request, params, required, body, source. */
    private static Op hcloudRow(String[] f) {
        String[] mp = f[2].split(" ", 2);
        return new Op(f[0], f[1], mp[0], mp[1], list(f[3]), list(f[4]), pathParams(mp[1]), f[5], f[6]);
    }

    private static Set<String> list(String s) {
        if (s.isEmpty() || "-".equals(s)) {
            return Set.of();
        }
        return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(s.split(","))));
    }

    private static Set<String> pathParams(String path) {
        if (path == null) {
            return Set.of();
        }
        Set<String> p = new LinkedHashSet<>();
        Matcher m = PATH_PARAM.matcher(path);
        while (m.find()) {
            p.add(m.group(1));
        }
        return Collections.unmodifiableSet(p);
    }
}
