package io.grantwatch.model.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A local evaluator of identity policies in the three languages of {@link PolicyLanguage}, and of RAM trust
 * policies. It proves what a generated policy allows; it is not the cloud's authoriser.
 *
 * <p>Contract of {@link #evaluate(List, Request)}: every document is validated first (a malformed one throws
 * {@link IllegalArgumentException} naming the field, never a silent allow). Then, over all statements that match
 * the request's action and resource: an unconditional Deny gives {@link Decision#EXPLICIT_DENY}; else a Deny with a
 * {@code Condition} gives {@link Decision#CONDITION_NOT_EVALUATED}; else an unconditional Allow gives
 * {@link Decision#ALLOW}; else an Allow with a {@code Condition} gives {@link Decision#CONDITION_NOT_EVALUATED};
 * else {@link Decision#IMPLICIT_DENY}. Conditions are never evaluated; an empty {@code Condition} object counts as
 * none. The first statement in document order decides which indices are reported.
 *
 * <p>Matching: actions are compared case-insensitively, resources case-sensitively, both as whole-string globs
 * ({@code *} any run including {@code :} and {@code /}, {@code ?} one character). Statement is a list or a single
 * object. RAM requires Resource or NotResource; Huawei 1.1 and v5 treat an absent Resource as all resources.
 * NotAction and NotResource are read for RAM and v5 and rejected for Huawei 1.1, which does not define them.
 * {@code Principal} is ignored by {@code evaluate}; trust policies (RAM, and Huawei IAM v5 trust agencies) are read by
 * the {@code trust…} methods. Thread-safe, stateless.
 */
public final class PolicyEvaluator {
    private static final String ASSUME_ROLE = "sts:assumerole";
    private static final String ASSUME_AGENCY = "sts:agencies:assume";

    private PolicyEvaluator() {
    }

    /** One validated statement. {@code resources == null}: no Resource element, i.e. all resources. */
    private record Stmt(int index, boolean allow, List<String> actions, boolean notAction,
                        List<String> resources, boolean notResource, boolean conditional, JsonNode node) {

        boolean matchesAction(String action) {
            String a = action.toLowerCase(Locale.ROOT);
            boolean any = false;
            for (String p : actions) {
                if (Glob.matches(p.toLowerCase(Locale.ROOT), a)) {
                    any = true;
                    break;
                }
            }
            return any != notAction;
        }

        boolean matchesResource(String resource) {
            if (resources == null) {
                return true;
            }
            if (resource == null) {
                return !notResource && resources.contains("*");
            }
            boolean any = false;
            for (String p : resources) {
                if (Glob.matches(p, resource)) {
                    any = true;
                    break;
                }
            }
            return any != notResource;
        }
    }

    /**
     * Evaluates identity policies attached to one principal (language detected per document).
     *
     * @throws IllegalArgumentException if a document is malformed; the message names the document and field
     */
    public static Evaluation evaluate(List<JsonNode> identityPolicies, Request request) {
        Objects.requireNonNull(identityPolicies, "identityPolicies");
        Objects.requireNonNull(request, "request");
        List<List<Stmt>> docs = new ArrayList<>(identityPolicies.size());
        for (int d = 0; d < identityPolicies.size(); d++) {
            docs.add(parse(identityPolicies.get(d), "document " + d, false));
        }
        int[] deny = null;
        int[] condDeny = null;
        int[] allow = null;
        int[] condAllow = null;
        for (int d = 0; d < docs.size(); d++) {
            for (Stmt s : docs.get(d)) {
                if (!s.matchesAction(request.action()) || !s.matchesResource(request.resource())) {
                    continue;
                }
                int[] at = {d, s.index()};
                if (!s.allow() && !s.conditional() && deny == null) {
                    deny = at;
                } else if (!s.allow() && s.conditional() && condDeny == null) {
                    condDeny = at;
                } else if (s.allow() && !s.conditional() && allow == null) {
                    allow = at;
                } else if (s.allow() && s.conditional() && condAllow == null) {
                    condAllow = at;
                }
            }
        }
        String call = request.action() + " on " + (request.resource() == null ? "any resource" : request.resource());
        if (deny != null) {
            return result(Decision.EXPLICIT_DENY, deny, "denies " + call);
        }
        if (condDeny != null) {
            return result(Decision.CONDITION_NOT_EVALUATED, condDeny,
                    "denies " + call + " under a Condition that is not evaluated");
        }
        if (allow != null) {
            return result(Decision.ALLOW, allow, "allows " + call);
        }
        if (condAllow != null) {
            return result(Decision.CONDITION_NOT_EVALUATED, condAllow,
                    "allows " + call + " only under a Condition that is not evaluated");
        }
        return new Evaluation(Decision.IMPLICIT_DENY, -1, -1,
                "no statement in " + docs.size() + " document(s) matches " + call);
    }

    /**
     * Where a document's unconditional Allow statements allow {@code action}: the Resource patterns of every such statement
     * whose Action (or NotAction) matches it, in document order; {@code "*"} for a statement with no Resource element, and
     * a NotResource statement's patterns prefixed {@code "not "} (all resources but those). Empty when no unconditional
     * Allow matches. Deny statements and Conditions are left to {@link #evaluate}: this says how far an Allow reaches,
     * not whether it wins.
     *
     * @throws IllegalArgumentException if the document is malformed
     */
    public static List<String> allowedResources(JsonNode policy, String action) {
        Objects.requireNonNull(action, "action");
        List<String> out = new ArrayList<>();
        for (Stmt s : parse(policy, "policy document", false)) {
            if (!s.allow() || s.conditional() || !s.matchesAction(action)) {
                continue;
            }
            if (s.resources() == null) {
                out.add("*");
            } else {
                s.resources().forEach(r -> out.add(s.notResource() ? "not " + r : r));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The resources of the Allow statements for {@code action} that carry a Condition (not evaluated): where the action may
     * still be allowed, if the Condition holds. {@code *} for a statement without Resource.
     */
    public static List<String> conditionallyAllowedResources(JsonNode policy, String action) {
        Objects.requireNonNull(action, "action");
        List<String> out = new ArrayList<>();
        for (Stmt s : parse(policy, "policy document", false)) {
            if (s.allow() && s.conditional() && s.matchesAction(action)) {
                if (s.resources() == null) {
                    out.add("*");
                } else {
                    s.resources().forEach(r -> out.add(s.notResource() ? "not " + r : r));
                }
            }
        }
        return List.copyOf(out);
    }

    /** {@link #evaluate(List, Request)} for one document. */
    public static Evaluation evaluate(JsonNode policy, Request request) {
        List<JsonNode> one = new ArrayList<>(1);
        one.add(policy);
        return evaluate(one, request);
    }

    /** True only if the decision is {@link Decision#ALLOW}; {@code resource} may be null (see {@link Request}). */
    public static boolean allows(JsonNode policy, String action, String resource) {
        return evaluate(policy, new Request(action, resource)).decision() == Decision.ALLOW;
    }

    /**
     * True if a RAM trust policy lets the service ({@code ecs.aliyuncs.com}) assume the role: an unconditional
     * Allow statement whose Action matches {@code sts:AssumeRole} and whose {@code Principal.Service} (string or
     * list) contains {@code service} exactly, and no Deny statement for {@code sts:AssumeRole} naming it or
     * {@code "*"} (conditional or not). An Allow with a Condition does not count.
     *
     * @throws IllegalArgumentException if the document is not a well-formed RAM ({@code "Version": "1"}) policy
     */
    public static boolean trustAllowsService(JsonNode trustPolicy, String service) {
        return trustAllows(requireRam(trustPolicy), "Service", service);
    }

    /**
     * {@link #trustAllowsService} for a Huawei IAM v5 trust agency's trust policy ({@code "Version": "5.0"}):
     * the assume action is {@code sts:agencies:assume} and a cloud service is named {@code service.<Name>}
     * ({@code service.ModelArts}). Service names are compared ignoring case (the documentation writes both
     * {@code service.ModelArts} and lower-case forms; reading one as the other would report a trust that is there
     * as missing).
     *
     * @throws IllegalArgumentException if the document is not a well-formed v5 policy
     */
    public static boolean agencyTrustAllowsService(JsonNode trustPolicy, String service) {
        Objects.requireNonNull(service, "Service");
        if (PolicyLanguage.detect(trustPolicy) != PolicyLanguage.HUAWEI_IAM_V5) {
            throw new IllegalArgumentException("trust policy: Version must be \"5.0\" (Huawei IAM v5 trust policy)");
        }
        return trustedServices(trustPolicy).stream().anyMatch(s -> s.equalsIgnoreCase(service));
    }

    /**
     * The service principals a trust policy lets assume the role or agency, as written, first occurrence first: a
     * RAM trust policy ({@code "1"}, action {@code sts:AssumeRole}) or a Huawei IAM v5 one ({@code "5.0"}, action
     * {@code sts:agencies:assume}). The same rule as {@link #trustAllowsService}: named by an unconditional Allow and
     * by no Deny of the assume action (a Deny naming {@code "*"} removes every service).
     *
     * @throws IllegalArgumentException if the document is malformed or in another language
     */
    public static List<String> trustedServices(JsonNode trustPolicy) {
        List<Stmt> statements = parse(trustPolicy, "trust policy", true);
        String assume = PolicyLanguage.detect(trustPolicy) == PolicyLanguage.RAM ? ASSUME_ROLE : ASSUME_AGENCY;
        Set<String> allowed = new LinkedHashSet<>();
        Set<String> denied = new HashSet<>();
        boolean denyAll = false;
        for (Stmt s : statements) {
            if (!s.matchesAction(assume)) {
                continue;
            }
            List<String> named = principals(s, "Service");
            if (!s.allow()) {
                denyAll |= named.contains("*");
                named.forEach(n -> denied.add(n.toLowerCase(Locale.ROOT)));
            } else if (!s.conditional()) {
                named.stream().filter(n -> !n.equals("*")).forEach(allowed::add);
            }
        }
        if (denyAll) {
            return List.of();
        }
        return allowed.stream().filter(n -> !denied.contains(n.toLowerCase(Locale.ROOT))).toList();
    }

    /**
     * The service principals a trust policy names only in Allow statements with a Condition (which this evaluator does
     * not evaluate) and in no Deny of the assume action: they may or may not be able to assume the role or agency.
     *
     * @throws IllegalArgumentException if the document is malformed or in another language
     */
    public static List<String> conditionallyTrustedServices(JsonNode trustPolicy) {
        List<Stmt> statements = parse(trustPolicy, "trust policy", true);
        String assume = PolicyLanguage.detect(trustPolicy) == PolicyLanguage.RAM ? ASSUME_ROLE : ASSUME_AGENCY;
        Set<String> unconditional = new HashSet<>();
        trustedServices(trustPolicy).forEach(n -> unconditional.add(n.toLowerCase(Locale.ROOT)));
        Set<String> out = new LinkedHashSet<>();
        Set<String> denied = new HashSet<>();
        for (Stmt s : statements) {
            if (!s.matchesAction(assume)) {
                continue;
            }
            List<String> named = principals(s, "Service");
            if (!s.allow()) {
                named.forEach(n -> denied.add(n.toLowerCase(Locale.ROOT)));
            } else if (s.conditional()) {
                named.stream().filter(n -> !n.equals("*") && !unconditional.contains(n.toLowerCase(Locale.ROOT))).forEach(out::add);
            }
        }
        return out.stream().filter(n -> !denied.contains(n.toLowerCase(Locale.ROOT)) && !denied.contains("*")).toList();
    }

    /**
     * {@link #trustAllowsService} for {@code Principal.RAM}, e.g. {@code acs:ram::123:root}. The ARN is compared
     * exactly: trusting {@code acs:ram::123:root} is not reported as trusting {@code acs:ram::123:role/x}.
     */
    public static boolean trustAllowsRam(JsonNode trustPolicy, String ramPrincipalArn) {
        return trustAllows(requireRam(trustPolicy), "RAM", ramPrincipalArn);
    }

    private static JsonNode requireRam(JsonNode trustPolicy) {
        PolicyLanguage language;
        try {
            language = PolicyLanguage.detect(trustPolicy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trust policy: " + e.getMessage(), e);
        }
        if (language != PolicyLanguage.RAM) {
            throw new IllegalArgumentException("trust policy: Version must be \"1\" (RAM trust policy)");
        }
        return trustPolicy;
    }

    /**
     * Every Action string of the Allow statements (conditional ones too), as written, first occurrence first,
     * without duplicates. An Allow statement with NotAction grants all but a few actions; it contributes
     * {@code "*"} so that a "nothing beyond the seed" check fails on it.
     *
     * @throws IllegalArgumentException if the document is malformed
     */
    public static List<String> actionsGranted(JsonNode policy) {
        Set<String> out = new LinkedHashSet<>();
        for (Stmt s : parse(policy, "policy document", false)) {
            if (!s.allow()) {
                continue;
            }
            if (s.notAction()) {
                out.add("*");
            } else {
                out.addAll(s.actions());
            }
        }
        return List.copyOf(out);
    }

    /**
     * Every Action string of the Deny statements (conditional ones too), as written, first occurrence first, without
     * duplicates; a Deny with NotAction denies all but a few actions and contributes {@code "*"}. What attaching the
     * document may take away from its holder.
     *
     * @throws IllegalArgumentException if the document is malformed
     */
    public static List<String> actionsDenied(JsonNode policy) {
        Set<String> out = new LinkedHashSet<>();
        for (Stmt s : parse(policy, "policy document", false)) {
            if (s.allow()) {
                continue;
            }
            if (s.notAction()) {
                out.add("*");
            } else {
                out.addAll(s.actions());
            }
        }
        return List.copyOf(out);
    }

    private static Evaluation result(Decision decision, int[] at, String what) {
        return new Evaluation(decision, at[0], at[1], "document " + at[0] + " statement " + at[1] + " " + what);
    }

    private static boolean trustAllows(JsonNode trustPolicy, String key, String who) {
        Objects.requireNonNull(who, key);
        List<Stmt> statements = parse(trustPolicy, "trust policy", true);
        boolean allowed = false;
        for (Stmt s : statements) {
            if (!s.matchesAction(ASSUME_ROLE)) {
                continue;
            }
            List<String> named = principals(s, key);
            if (!s.allow() && (named.contains(who) || named.contains("*"))) {
                return false;
            }
            if (s.allow() && !s.conditional() && named.contains(who)) {
                allowed = true;
            }
        }
        return allowed;
    }

    /** Values of Principal.{key}; {@code ["*"]} for {@code "Principal": "*"}; empty if absent. */
    private static List<String> principals(Stmt s, String key) {
        String where = "trust policy: Statement[" + s.index() + "].Principal";
        JsonNode principal = s.node().get("Principal");
        if (principal == null) {
            return List.of();
        }
        if (principal.isTextual()) {
            return List.of(principal.asText());
        }
        if (!principal.isObject()) {
            throw new IllegalArgumentException(where + " must be an object or \"*\"");
        }
        JsonNode values = principal.get(key);
        return values == null ? List.of() : strings(values, where + "." + key);
    }

    private static List<Stmt> parse(JsonNode policy, String where, boolean trust) {
        PolicyLanguage language;
        try {
            language = PolicyLanguage.detect(policy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        if (trust && language == PolicyLanguage.HUAWEI_IAM_1_1) {
            throw new IllegalArgumentException(where + ": Version must be \"1\" (RAM) or \"5.0\" (Huawei IAM v5 trust policy)");
        }
        JsonNode statement = policy.get("Statement");
        List<JsonNode> nodes = new ArrayList<>();
        if (statement == null || statement.isNull()) {
            throw new IllegalArgumentException(where + ": Statement is missing");
        } else if (statement.isObject()) {
            nodes.add(statement);
        } else if (statement.isArray()) {
            statement.forEach(nodes::add);
        } else {
            throw new IllegalArgumentException(where + ": Statement must be a list or an object");
        }
        List<Stmt> out = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            out.add(statement(nodes.get(i), i, where + ": Statement[" + i + "]", language, trust));
        }
        return out;
    }

    private static Stmt statement(JsonNode node, int index, String where, PolicyLanguage language, boolean trust) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be a JSON object");
        }
        JsonNode effect = node.get("Effect");
        if (effect == null || effect.isNull()) {
            throw new IllegalArgumentException(where + ".Effect is missing");
        }
        boolean allow;
        if ("Allow".equals(effect.asText()) && effect.isTextual()) {
            allow = true;
        } else if ("Deny".equals(effect.asText()) && effect.isTextual()) {
            allow = false;
        } else {
            throw new IllegalArgumentException(where + ".Effect must be \"Allow\" or \"Deny\", was " + effect);
        }
        boolean huawei11 = language == PolicyLanguage.HUAWEI_IAM_1_1;

        JsonNode action = node.get("Action");
        JsonNode notAction = node.get("NotAction");
        if (action != null && notAction != null) {
            throw new IllegalArgumentException(where + " has both Action and NotAction");
        }
        if (action == null && notAction == null) {
            throw new IllegalArgumentException(where + ".Action is missing (Action or NotAction is required)");
        }
        if (notAction != null && huawei11) {
            throw new IllegalArgumentException(where + ".NotAction is not part of Huawei IAM 1.1");
        }
        List<String> actions = action != null
                ? strings(action, where + ".Action")
                : strings(notAction, where + ".NotAction");

        JsonNode resource = node.get("Resource");
        JsonNode notResource = node.get("NotResource");
        if (resource != null && notResource != null) {
            throw new IllegalArgumentException(where + " has both Resource and NotResource");
        }
        if (notResource != null && huawei11) {
            throw new IllegalArgumentException(where + ".NotResource is not part of Huawei IAM 1.1");
        }
        if (resource == null && notResource == null && language == PolicyLanguage.RAM && !trust) {
            throw new IllegalArgumentException(where + ".Resource is missing (RAM requires Resource or NotResource)");
        }
        List<String> resources = null;
        if (resource != null) {
            resources = strings(resource, where + ".Resource");
        } else if (notResource != null) {
            resources = strings(notResource, where + ".NotResource");
        }

        JsonNode condition = node.get("Condition");
        if (condition != null && !condition.isObject()) {
            throw new IllegalArgumentException(where + ".Condition must be an object");
        }
        boolean conditional = condition != null && !condition.isEmpty();
        return new Stmt(index, allow, actions, notAction != null, resources, notResource != null, conditional, node);
    }

    private static List<String> strings(JsonNode node, String where) {
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (node.isArray() && !node.isEmpty()) {
            List<String> out = new ArrayList<>(node.size());
            for (JsonNode e : node) {
                if (!e.isTextual()) {
                    throw new IllegalArgumentException(where + " must hold strings only, found " + e);
                }
                out.add(e.asText());
            }
            return List.copyOf(out);
        }
        throw new IllegalArgumentException(where + " must be a string or a non-empty list of strings");
    }
}
