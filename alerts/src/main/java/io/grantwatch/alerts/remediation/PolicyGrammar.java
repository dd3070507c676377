package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.PolicyDocument;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Structural checks of policy documents against each cloud's grammar (formats.md §4): RAM custom
 * and trust policies ({@code "Version": "1"}) and Huawei IAM fine-grained policies
 * ({@code "Version": "1.1"}). Returns the violations; empty means valid.
 */
public final class PolicyGrammar {
    private static final Pattern RAM_ACTION = Pattern.compile("[a-z0-9-]+:[A-Za-z0-9*]+");
    /** Object names may hold spaces: the resource part is any text without control or bidi characters. */
    private static final String RESOURCE_PATH = "[^\\s\\p{Cntrl}\\u202a-\\u202e\\u2066-\\u2069][^\\p{Cntrl}\\u202a-\\u202e\\u2066-\\u2069]*";
    private static final Pattern RAM_RESOURCE = Pattern.compile("\\*|acs:[a-z0-9-]+:[a-z0-9-]*\\*?:[0-9]*\\*?:" + RESOURCE_PATH);
    private static final Pattern HW_ACTION = Pattern.compile("[a-z0-9-]+:[A-Za-z0-9*]+:[A-Za-z0-9*]+");
    private static final Pattern HW_RESOURCE = Pattern.compile("[a-z0-9-]+:[a-z0-9-]*\\*?:[A-Za-z0-9]*\\*?:[a-z]+:" + RESOURCE_PATH);
    private static final Set<String> RAM_STATEMENT_KEYS = Set.of("Effect", "Action", "NotAction", "Resource", "NotResource", "Condition");
    private static final Set<String> RAM_TRUST_KEYS = Set.of("Effect", "Action", "Principal", "Condition");
    private static final Set<String> HW_STATEMENT_KEYS = Set.of("Effect", "Action", "Resource", "Condition");

    private PolicyGrammar() {
    }

    /** Validates by the document's kind. */
    public static List<String> check(PolicyDocument doc) {
        return switch (doc.kind()) {
            case RAM_CUSTOM_POLICY -> ram(doc.document(), false);
            case RAM_TRUST_POLICY -> ram(doc.document(), true);
            case HUAWEI_IAM_POLICY, HUAWEI_AGENCY_POLICY -> huawei(doc.document());
        };
    }

    public static List<String> ram(JsonNode doc, boolean trust) {
        List<String> errors = new ArrayList<>();
        topLevel(doc, "1", errors);
        for (JsonNode s : doc.path("Statement")) {
            keys(s, trust ? RAM_TRUST_KEYS : RAM_STATEMENT_KEYS, errors);
            effect(s, errors);
            if (trust) {
                if (!"sts:AssumeRole".equals(s.path("Action").asText())) {
                    errors.add("trust statement Action must be sts:AssumeRole");
                }
                JsonNode p = s.path("Principal");
                if (!p.isObject() || p.isEmpty()) {
                    errors.add("trust statement needs a Principal");
                }
                p.fieldNames().forEachRemaining(k -> {
                    if (!Set.of("RAM", "Service", "Federated").contains(k)) {
                        errors.add("unknown Principal key " + k);
                    }
                });
                strings(p.path("Service"), Pattern.compile("[a-z0-9.-]+\\.aliyuncs\\.com"), "Principal.Service", errors);
            } else {
                strings(s.has("Action") ? s.get("Action") : s.path("NotAction"), RAM_ACTION, "Action", errors);
                strings(s.has("Resource") ? s.get("Resource") : s.path("NotResource"), RAM_RESOURCE, "Resource", errors);
            }
        }
        return errors;
    }

    public static List<String> huawei(JsonNode doc) {
        List<String> errors = new ArrayList<>();
        topLevel(doc, "1.1", errors);
        for (JsonNode s : doc.path("Statement")) {
            keys(s, HW_STATEMENT_KEYS, errors);
            effect(s, errors);
            if (!s.path("Action").isArray()) {
                errors.add("Huawei Action must be a list");
            }
            strings(s.path("Action"), HW_ACTION, "Action", errors);
            if (s.has("Resource")) {
                if (!s.get("Resource").isArray()) {
                    errors.add("Huawei Resource must be a list");
                }
                strings(s.get("Resource"), HW_RESOURCE, "Resource", errors);
            }
        }
        return errors;
    }

    private static void topLevel(JsonNode doc, String version, List<String> errors) {
        if (doc == null || !doc.isObject()) {
            errors.add("document is not a JSON object");
            return;
        }
        if (!version.equals(doc.path("Version").asText(null)) || !doc.path("Version").isTextual()) {
            errors.add("Version must be the string \"" + version + "\"");
        }
        doc.fieldNames().forEachRemaining(k -> {
            if (!k.equals("Version") && !k.equals("Statement")) {
                errors.add("unknown top-level key " + k);
            }
        });
        if (!doc.path("Statement").isArray() || doc.path("Statement").isEmpty()) {
            errors.add("Statement must be a non-empty list");
        }
    }

    private static void keys(JsonNode s, Set<String> allowed, List<String> errors) {
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                errors.add("unknown statement key " + k);
            }
        }
    }

    private static void effect(JsonNode s, List<String> errors) {
        String e = s.path("Effect").asText("");
        if (!e.equals("Allow") && !e.equals("Deny")) {
            errors.add("Effect must be Allow or Deny, was " + e);
        }
    }

    private static void strings(JsonNode node, Pattern p, String what, List<String> errors) {
        if (node == null || node.isMissingNode()) {
            errors.add(what + " missing");
            return;
        }
        if (node.isTextual()) {
            if (!p.matcher(node.asText()).matches()) {
                errors.add(what + " not in grammar: " + node.asText());
            }
            return;
        }
        if (!node.isArray() || node.isEmpty()) {
            errors.add(what + " must be a string or non-empty list");
            return;
        }
        for (JsonNode n : node) {
            if (!n.isTextual() || !p.matcher(n.asText()).matches()) {
                errors.add(what + " not in grammar: " + n);
            }
        }
    }
}
