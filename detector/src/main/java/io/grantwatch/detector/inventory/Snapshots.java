package io.grantwatch.detector.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.inventory.InventoryRecord.Kind;
import io.grantwatch.model.inventory.InventoryRecord.PolicyRef;
import io.grantwatch.model.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Snapshots of what principals hold, read from the JSON the official CLIs print, as {@link InventoryRecord}s. Used by
 * {@code grantwatch inventory import} (which produces them to {@code inventory}) and {@code scan --inventory} (which feeds
 * them to its detector first), so both read a file the same way.
 *
 * <p>A file holds CLI outputs, each either wrapped with the command line that printed it
 * ({@code {"command": "aliyun ram ListPoliciesForUser --UserName alice", "output": {…}}}; one per line, a JSON array of
 * them, or one object) — needed where the output does not say whose it is — or bare, for the outputs that name their
 * subject ({@code GetRole}, {@code GetPolicy}, {@code GetCallerIdentity}, {@code GetPolicyV5}, {@code GetAgencyV5},
 * {@code ShowAgency}, {@code ShowCustomPolicy}). An envelope may also give {@code account} and {@code asOf}. The account
 * comes from the envelope, from an output in the same file that names it ({@code aliyun sts GetCallerIdentity}'s
 * AccountId, a role's Arn, a v5 URN, a domain_id), or from the caller ({@code --account}). Pure, no I/O.
 */
public final class Snapshots {
    private static final Pattern ARN_ACCOUNT = Pattern.compile("^acs:ram::(\\d+):");
    private static final Pattern URN_ACCOUNT = Pattern.compile("^iam::([0-9a-fA-F]{16,64}):");
    /** One JSON document, or an error (JSON Lines are then read line by line). */
    private static final com.fasterxml.jackson.databind.ObjectReader WHOLE = Json.wire().readerFor(JsonNode.class)
            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Snapshots() {
    }

    /** The records one file gives, and what in it could not be read ({@code file#n: reason}). */
    public record Result(List<InventoryRecord> records, List<String> problems) {
    }

    /** One CLI output with the command that printed it (null when bare). */
    private record Output(int n, String command, JsonNode output, String account, Instant asOf) {
    }

    /**
     * @param name    the file's name, for sources and problems
     * @param text    the file's content
     * @param asOf    when the snapshot was taken, unless an envelope says (the file's modification time)
     * @param account the account to use when nothing in the file names one, or null
     */
    public static Result read(String name, String text, Instant asOf, String account) {
        List<String> problems = new ArrayList<>();
        List<Output> outputs = outputs(name, text, asOf, problems);
        String fileAccount = account;
        for (Output o : outputs) {
            String a = o.account() != null ? o.account() : accountIn(o.output());
            if (a != null && fileAccount == null) {
                fileAccount = a;
            }
        }
        List<InventoryRecord> out = new ArrayList<>();
        for (Output o : outputs) {
            String where = name + "#" + o.n();
            Command c;
            try {
                c = o.command() == null ? null : Command.parse(o.command());
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage() + ": " + o.command());
                continue;
            }
            if (o.command() != null && c == null) {
                problems.add(where + ": not an aliyun or hcloud command: " + o.command());
                continue;
            }
            String acct = o.account() != null ? o.account() : accountIn(o.output()) != null ? accountIn(o.output()) : fileAccount;
            if (acct == null) {
                problems.add(where + ": no account: put the output of 'aliyun sts GetCallerIdentity' in the file, give \"account\" in "
                        + "the envelope, or pass --account");
                continue;
            }
            Reader r = new Reader(c, o.output(), acct, o.asOf(), where + (o.command() == null ? "" : " (" + o.command() + ")"));
            String problem = r.read();
            if (problem != null) {
                problems.add(where + ": " + problem);
            }
            out.addAll(r.out);
        }
        return new Result(List.copyOf(out), List.copyOf(problems));
    }

    private static List<Output> outputs(String name, String text, Instant asOf, List<String> problems) {
        List<Output> out = new ArrayList<>();
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            problems.add(name + ": empty");
            return out;
        }
        List<JsonNode> nodes = new ArrayList<>();
        try {
            JsonNode whole = WHOLE.readTree(trimmed);
            if (whole.isArray()) {
                whole.forEach(nodes::add);
            } else {
                nodes.add(whole);
            }
        } catch (JsonProcessingException notOneDocument) {
            String[] lines = trimmed.split("\r?\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    nodes.add(null);
                    continue;
                }
                try {
                    nodes.add(Json.wire().readTree(lines[i]));
                } catch (JsonProcessingException e) {
                    problems.add(name + "#" + (i + 1) + ": not JSON (" + e.getOriginalMessage() + ")");
                    nodes.add(null);
                }
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode n = nodes.get(i);
            if (n == null) {
                continue;
            }
            if (!n.isObject()) {
                problems.add(name + "#" + (i + 1) + ": not a JSON object");
            } else if (n.has("command") && n.has("output")) {
                Instant at = asOf;
                if (n.hasNonNull("asOf")) {
                    try {
                        at = Instant.parse(n.get("asOf").asText());
                    } catch (DateTimeParseException e) {
                        problems.add(name + "#" + (i + 1) + ": asOf is not an ISO-8601 instant; the file's time is used");
                    }
                }
                out.add(new Output(i + 1, n.get("command").asText(), n.get("output"), text(n, "account"), at));
            } else {
                out.add(new Output(i + 1, null, n, null, asOf));
            }
        }
        return out;
    }

    /** The account an output names, or null. */
    static String accountIn(JsonNode o) {
        if (o == null) {
            return null;
        }
        if (o.hasNonNull("AccountId") && o.has("IdentityType")) {
            return o.get("AccountId").asText();
        }
        Matcher m = ARN_ACCOUNT.matcher(o.path("Role").path("Arn").asText(""));
        if (m.find()) {
            return m.group(1);
        }
        for (JsonNode p : o.path("attached_policies")) {
            Matcher u = URN_ACCOUNT.matcher(p.path("urn").asText(""));
            if (u.find()) {
                return u.group(1);
            }
        }
        for (String k : new String[] {"agency", "policy", "role"}) {
            JsonNode n = o.path(k);
            Matcher u = URN_ACCOUNT.matcher(n.path("urn").asText(""));
            if (u.find()) {
                return u.group(1);
            }
            if (n.hasNonNull("domain_id") && !n.path("domain_id").asText().isBlank()) {
                return n.get("domain_id").asText();
            }
        }
        return null;
    }

    /**
     * {@code aliyun ram ListPoliciesForUser --UserName alice}, {@code hcloud IAM GetPolicyV5 --policy_id=abc}. An option's value
     * is everything up to the next {@code --option} word, as written: {@code --UserName eve x} names {@code eve x}, never
     * {@code eve} (quotes and backslashes are the shell's, nothing is expanded). A lone {@code |}, {@code >}, {@code ;} ...
     * word ends the command (what follows is the shell's plumbing). A command naming an option twice, or with an
     * unterminated quote, is not read ({@link IllegalArgumentException}, the problem).
     */
    record Command(Cloud cloud, String product, String operation, Map<String, String> params) {
        private static final Set<String> ENDS = Set.of("|", "||", ";", "&", "&&", ">", ">>", "<", "2>", "2>>",
                "2>&1", "&>", "|&");

        /** The command, or null when it is not an aliyun or hcloud command; a problem as {@link IllegalArgumentException}. */
        static Command parse(String line) {
            List<Word> t = words(line);
            if (t.size() < 3) {
                return null;
            }
            String cli = t.get(0).text().substring(t.get(0).text().lastIndexOf('/') + 1);
            Cloud cloud = cli.equals("aliyun") ? Cloud.ALIBABA : cli.equals("hcloud") ? Cloud.HUAWEI : null;
            if (cloud == null) {
                return null;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 3; i < t.size(); i++) {
                Word w = t.get(i);
                if (!w.option()) {
                    continue;
                }
                String tok = w.text();
                int eq = tok.indexOf('=');
                String name;
                String value;
                if (eq > 0) {
                    name = tok.substring(2, eq);
                    value = tok.substring(eq + 1);
                } else {
                    name = tok.substring(2);
                    StringBuilder v = new StringBuilder();
                    while (i + 1 < t.size() && !t.get(i + 1).option()) {
                        Word next = t.get(++i);
                        if (v.length() > 0) {
                            v.append(line, t.get(i - 1).end(), next.start()); // the separator as written
                        }
                        v.append(next.text());
                    }
                    if (v.length() == 0) {
                        continue; // a flag without a value
                    }
                    value = v.toString();
                }
                if (params.put(name.toLowerCase(Locale.ROOT), value) != null) {
                    throw new IllegalArgumentException("the command names --" + name + " twice, so whose output this is is unclear: "
                            + "not read");
                }
            }
            return new Command(cloud, t.get(1).text().toLowerCase(Locale.ROOT), t.get(2).text().toLowerCase(Locale.ROOT), params);
        }

        String param(String name) {
            String v = params.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isBlank() ? null : v;
        }

        /** A shell word: its text without the quoting, where it starts and ends in the line, whether it is an unquoted --option. */
        private record Word(String text, int start, int end, boolean option) {
        }

        /** Shell words: whitespace-separated, single and double quotes grouping, backslash escaping; up to a lone operator word. */
        private static List<Word> words(String line) {
            List<Word> out = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            char quote = 0;
            boolean any = false;
            boolean quoted = false;
            int start = -1;
            for (int i = 0; i <= line.length(); i++) {
                char ch = i < line.length() ? line.charAt(i) : ' ';
                if (i < line.length() && quote == '\'') {
                    if (ch == quote) {
                        quote = 0;
                    } else {
                        cur.append(ch);
                    }
                } else if (i < line.length() && quote == '"') {
                    if (ch == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                        cur.append(line.charAt(++i));
                    } else if (ch == quote) {
                        quote = 0;
                    } else {
                        cur.append(ch);
                    }
                } else if (i < line.length() && ch == '\\' && i + 1 < line.length()) {
                    start = start < 0 ? i : start;
                    cur.append(line.charAt(++i));
                    any = true;
                    quoted = true;
                } else if (i < line.length() && (ch == '\'' || ch == '"')) {
                    start = start < 0 ? i : start;
                    quote = ch;
                    any = true;
                    quoted = true;
                } else if (Character.isWhitespace(ch)) {
                    if (any || cur.length() > 0) {
                        String text = cur.toString();
                        if (!quoted && ENDS.contains(text)) {
                            return out;
                        }
                        out.add(new Word(text, start, i, !quoted && text.startsWith("--")));
                        cur.setLength(0);
                        any = false;
                        quoted = false;
                        start = -1;
                    }
                } else {
                    start = start < 0 ? i : start;
                    cur.append(ch);
                }
            }
            if (quote != 0) {
                throw new IllegalArgumentException("the command has an unterminated " + (quote == '"' ? "double" : "single")
                        + " quote: not read");
            }
            return out;
        }
    }

    /** One output's records. */
    private static final class Reader {
        final Command c;
        final JsonNode o;
        final String account;
        final Instant asOf;
        final String source;
        final List<InventoryRecord> out = new ArrayList<>();

        Reader(Command c, JsonNode o, String account, Instant asOf, String source) {
            this.c = c;
            this.o = o;
            this.account = account;
            this.asOf = asOf;
            this.source = source;
        }

        /** Reads the output; a problem, or null. */
        String read() {
            if (c == null) {
                return bare();
            }
            if (c.cloud() == Cloud.ALIBABA) {
                return alibaba();
            }
            return huawei();
        }

        private String bare() {
            if (o.has("AccountId") && o.has("IdentityType")) {
                return null; // GetCallerIdentity: the account only
            }
            if (o.path("Role").has("AssumeRolePolicyDocument")) {
                return ramRole(Cloud.ALIBABA);
            }
            if (o.path("Policy").has("PolicyName")) {
                return ramPolicy(o.path("Policy").path("PolicyType").asText(null), o.path("Policy").path("PolicyName").asText());
            }
            if (o.path("policy").has("policy_id")) {
                return v5Policy();
            }
            if (o.path("agency").has("agency_id")) {
                return v5Agency();
            }
            if (o.path("agency").has("id") && o.path("agency").has("name")) {
                return v3Agency();
            }
            if (o.path("role").has("policy") && o.path("role").has("id")) {
                return v3CustomPolicy();
            }
            return "an output GrantWatch cannot place without its command: wrap it as {\"command\": \"…\", \"output\": …}";
        }

        private String alibaba() {
            String op = c.product() + " " + c.operation();
            switch (op) {
                case "sts getcalleridentity":
                    return null;
                case "ram listpoliciesforuser":
                    return ramHolds("user", "UserName");
                case "ram listpoliciesforgroup":
                    return ramHolds("group", "GroupName");
                case "ram listpoliciesforrole":
                    return ramHolds("role", "RoleName");
                case "ram listgroupsforuser": {
                    String user = c.param("UserName");
                    if (user == null) {
                        return "the command names no --UserName";
                    }
                    List<String> groups = new ArrayList<>();
                    for (JsonNode g : list(o.path("Groups").path("Group"))) {
                        if (g.hasNonNull("GroupName")) {
                            groups.add(g.get("GroupName").asText());
                        }
                    }
                    add(Kind.GROUPS, Cloud.ALIBABA, "user", user, null, null, null, null, false, groups, null);
                    return null;
                }
                case "ram getpolicy":
                    return ramPolicy(c.param("PolicyType"), c.param("PolicyName"));
                case "ram getpolicyversion": {
                    String name = c.param("PolicyName");
                    JsonNode v = o.path("PolicyVersion");
                    if (name == null || !v.has("PolicyDocument")) {
                        return "expected --PolicyName and PolicyVersion.PolicyDocument";
                    }
                    String version = v.hasNonNull("VersionId") ? v.get("VersionId").asText() : c.param("VersionId");
                    add(Kind.POLICY_VERSION, Cloud.ALIBABA, null, null, null, new PolicyRef(c.param("PolicyType"), name, null), version,
                            v.get("PolicyDocument").asText(), bool(v.get("IsDefaultVersion")), null, null);
                    return null;
                }
                case "ram getrole":
                    return ramRole(Cloud.ALIBABA);
                case "ram listentitiesforpolicy": {
                    String name = c.param("PolicyName");
                    if (name == null) {
                        return "the command names no --PolicyName";
                    }
                    PolicyRef ref = new PolicyRef(c.param("PolicyType"), name, null);
                    for (String[] kind : new String[][] {{"Users", "User", "UserName", "user"}, {"Groups", "Group", "GroupName", "group"},
                            {"Roles", "Role", "RoleName", "role"}}) {
                        for (JsonNode e : list(o.path(kind[0]).path(kind[1]))) {
                            if (e.hasNonNull(kind[2])) {
                                add(Kind.ATTACH, Cloud.ALIBABA, kind[3], e.get(kind[2]).asText(), List.of(ref), null, null, null, false, null, null);
                            }
                        }
                    }
                    return null;
                }
                default:
                    return "not one of the commands GrantWatch reads (see README, inventory import): aliyun " + op;
            }
        }

        private String ramHolds(String type, String param) {
            String who = c.param(param);
            if (who == null) {
                return "the command names no --" + param;
            }
            List<PolicyRef> refs = new ArrayList<>();
            for (JsonNode p : list(o.path("Policies").path("Policy"))) {
                if (!p.hasNonNull("PolicyName")) {
                    continue;
                }
                PolicyRef ref = new PolicyRef(p.path("PolicyType").asText(null), p.get("PolicyName").asText(), null);
                refs.add(ref);
                if (p.hasNonNull("DefaultVersion")) {
                    add(Kind.POLICY, Cloud.ALIBABA, null, null, null, ref, p.get("DefaultVersion").asText(), null, false, null, null);
                }
            }
            add(Kind.HOLDS, Cloud.ALIBABA, type, who, refs, null, null, null, false, null, null);
            return null;
        }

        /** GetPolicy: the policy and its default version's document ({@code DefaultPolicyVersion}; older APIs: {@code Policy.PolicyDocument}). */
        private String ramPolicy(String type, String name) {
            JsonNode p = o.path("Policy");
            String n = name != null ? name : p.path("PolicyName").asText(null);
            if (n == null) {
                return "the command names no --PolicyName";
            }
            PolicyRef ref = new PolicyRef(type != null ? type : p.path("PolicyType").asText(null), n, null);
            JsonNode dv = o.path("DefaultPolicyVersion");
            String version = dv.hasNonNull("VersionId") ? dv.get("VersionId").asText() : p.path("DefaultVersion").asText(null);
            String doc = dv.hasNonNull("PolicyDocument") ? dv.get("PolicyDocument").asText() : p.path("PolicyDocument").asText(null);
            if (doc == null) {
                add(Kind.POLICY, Cloud.ALIBABA, null, null, null, ref, version, null, false, null, null);
                return null;
            }
            add(Kind.POLICY_VERSION, Cloud.ALIBABA, null, null, null, ref, version, doc, true, null, null);
            return null;
        }

        private String ramRole(Cloud cloud) {
            JsonNode r = o.path("Role");
            String role = r.hasNonNull("RoleName") ? r.get("RoleName").asText() : c == null ? null : c.param("RoleName");
            if (role == null || !r.hasNonNull("AssumeRolePolicyDocument")) {
                return "expected Role.RoleName and Role.AssumeRolePolicyDocument";
            }
            add(Kind.TRUST, cloud, "role", role, null, null, null, r.get("AssumeRolePolicyDocument").asText(), false, null, null);
            return null;
        }

        private String huawei() {
            String op = c.operation();
            switch (op) {
                case "listattacheduserpoliciesv5":
                    return v5Holds("user", "user_id");
                case "listattachedgrouppoliciesv5":
                    return v5Holds("group", "group_id");
                case "listattachedagencypoliciesv5":
                    return v5Holds("agency", "agency_id");
                case "getpolicyv5":
                    return v5Policy();
                case "getpolicyversionv5": {
                    String id = c.param("policy_id");
                    JsonNode v = o.path("policy_version");
                    if (id == null || !v.hasNonNull("document")) {
                        return "expected --policy_id and policy_version.document";
                    }
                    String version = v.hasNonNull("version_id") ? v.get("version_id").asText() : c.param("version_id");
                    add(Kind.POLICY_VERSION, Cloud.HUAWEI, null, null, null, new PolicyRef(null, null, id), version, v.get("document").asText(),
                            bool(v.get("is_default")), null, null);
                    return null;
                }
                case "getagencyv5":
                    return v5Agency();
                case "showagency":
                    return v3Agency();
                case "showcustompolicy":
                    return v3CustomPolicy();
                case "keystonelistgroupsforuser": {
                    String user = c.param("user_id");
                    if (user == null) {
                        return "the command names no --user_id";
                    }
                    List<String> groups = new ArrayList<>();
                    for (JsonNode g : list(o.path("groups"))) {
                        if (g.hasNonNull("id")) {
                            groups.add(g.get("id").asText());
                            if (g.hasNonNull("name")) {
                                add(Kind.ALIAS, Cloud.HUAWEI, "group", g.get("name").asText(), null, null, null, null, false, null,
                                        g.get("id").asText());
                            }
                        }
                    }
                    add(Kind.GROUPS, Cloud.HUAWEI, "user", user, null, null, null, null, false, groups, null);
                    return null;
                }
                case "listdomainpermissionsforagency": {
                    String agency = c.param("agency_id");
                    if (agency == null) {
                        return "the command names no --agency_id";
                    }
                    List<PolicyRef> refs = new ArrayList<>();
                    for (JsonNode r : list(o.path("roles"))) {
                        String id = r.path("id").asText(null);
                        String name = r.hasNonNull("display_name") ? r.get("display_name").asText() : r.path("name").asText(null);
                        if (id == null && name == null) {
                            continue;
                        }
                        String type = r.hasNonNull("domain_id") && !r.get("domain_id").asText().isBlank() ? "Custom" : "System";
                        PolicyRef ref = new PolicyRef(type, name, id);
                        refs.add(ref);
                        if (r.path("policy").isObject()) {
                            add(Kind.POLICY_VERSION, Cloud.HUAWEI, null, null, null, ref, "-", r.get("policy").toString(), false, null, null);
                        }
                    }
                    add(Kind.HOLDS, Cloud.HUAWEI, "agency", agency, refs, null, null, null, false, null, null);
                    return null;
                }
                default:
                    return "not one of the commands GrantWatch reads (see README, inventory import): hcloud " + c.product() + " " + c.operation();
            }
        }

        private String v5Holds(String type, String param) {
            String who = c.param(param);
            if (who == null) {
                return "the command names no --" + param;
            }
            List<PolicyRef> refs = new ArrayList<>();
            for (JsonNode p : list(o.path("attached_policies"))) {
                String urn = p.path("urn").asText("");
                String t = urn.contains(":system:policy:") ? "System" : urn.contains(":policy:") ? "Custom" : null;
                String name = p.path("policy_name").asText(null);
                String id = p.path("policy_id").asText(null);
                if (name != null || id != null) {
                    refs.add(new PolicyRef(t, name, id));
                }
            }
            add(Kind.HOLDS, Cloud.HUAWEI, type, who, refs, null, null, null, false, null, null);
            return null;
        }

        private String v5Policy() {
            JsonNode p = o.path("policy");
            String id = p.path("policy_id").asText(null);
            String name = p.path("policy_name").asText(null);
            if (id == null && name == null) {
                return "expected policy.policy_id or policy.policy_name";
            }
            add(Kind.POLICY, Cloud.HUAWEI, null, null, null, new PolicyRef(p.path("policy_type").asText(null), name, id),
                    p.path("default_version_id").asText(null), null, false, null, null);
            return null;
        }

        private String v5Agency() {
            JsonNode a = o.path("agency");
            String id = a.path("agency_id").asText(null);
            String name = a.path("agency_name").asText(null);
            if (name == null) {
                return "expected agency.agency_name";
            }
            if (id != null) {
                add(Kind.ALIAS, Cloud.HUAWEI, "agency", name, null, null, null, null, false, null, id);
            }
            if (a.hasNonNull("trust_policy")) {
                add(Kind.TRUST, Cloud.HUAWEI, "agency", name, null, null, null, a.get("trust_policy").asText(), false, null, null);
            }
            return null;
        }

        private String v3Agency() {
            JsonNode a = o.path("agency");
            if (!a.hasNonNull("id") || !a.hasNonNull("name")) {
                return "expected agency.id and agency.name";
            }
            add(Kind.ALIAS, Cloud.HUAWEI, "agency", a.get("name").asText(), null, null, null, null, false, null, a.get("id").asText());
            return null;
        }

        private String v3CustomPolicy() {
            JsonNode r = o.path("role");
            String id = r.path("id").asText(null);
            String name = r.hasNonNull("display_name") ? r.get("display_name").asText() : r.path("name").asText(null);
            if (!r.path("policy").isObject() || id == null && name == null) {
                return "expected role.id and role.policy";
            }
            add(Kind.POLICY_VERSION, Cloud.HUAWEI, null, null, null, new PolicyRef("Custom", name, id), "-", r.get("policy").toString(), false,
                    null, null);
            return null;
        }

        private void add(Kind kind, Cloud cloud, String holderType, String holder, List<PolicyRef> policies, PolicyRef policy, String version,
                         String document, boolean asDefault, List<String> groups, String id) {
            out.add(new InventoryRecord(cloud, account, asOf, source, kind, holderType, holder, policies, policy, version, document, asDefault,
                    groups, id));
        }

        private static List<JsonNode> list(JsonNode n) {
            List<JsonNode> out = new ArrayList<>();
            if (n.isArray()) {
                n.forEach(out::add);
            } else if (n.isObject()) {
                out.add(n);
            }
            return out;
        }

        private static boolean bool(JsonNode n) {
            return n != null && (n.isBoolean() ? n.booleanValue() : "true".equalsIgnoreCase(n.asText()));
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }
}
