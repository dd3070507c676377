package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.model.json.Json;

/** RAM trust-policy edits. Pure: the input document is never modified. */
public final class TrustPolicies {
    private TrustPolicies() {
    }

    /**
     * The trust policy with {@code service} in the Principal.Service of its first unconditional Allow
     * sts:AssumeRole statement (a string becomes a list; an existing entry is kept once), or in a new
     * statement of its own when every such statement carries a Condition. With no current document,
     * a complete minimal one. Every other statement, principal and condition is preserved. Same rule
     * as {@link RamRenderer#TRUST_MERGE_JQ}.
     */
    public static ObjectNode mergeService(JsonNode current, String service) {
        return mergeService(current, service, RAM_ASSUME, false, "1");
    }

    /** RAM's action for assuming a role; Huawei IAM v5's for assuming a trust agency (its grammar takes a list of actions). */
    static final String RAM_ASSUME = "sts:AssumeRole";
    static final String V5_ASSUME = "sts:agencies:assume";

    /**
     * {@link #mergeService(JsonNode, String)} for a trust policy whose assume action is {@code assumeAction}, written as a list
     * when {@code actionList} (IAM v5), in a document of {@code version} when there is none.
     */
    public static ObjectNode mergeService(JsonNode current, String service, String assumeAction, boolean actionList, String version) {
        ObjectNode doc;
        if (current instanceof ObjectNode obj) {
            doc = obj.deepCopy();
        } else {
            doc = Json.wire().createObjectNode();
        }
        if (!doc.has("Version")) {
            doc.put("Version", version);
        }
        JsonNode st = doc.get("Statement");
        ArrayNode statements;
        if (st instanceof ArrayNode arr) {
            statements = arr;
        } else {
            statements = Json.wire().createArrayNode();
            if (st instanceof ObjectNode single) {
                statements.add(single);
            }
            doc.set("Statement", statements);
        }
        for (JsonNode s : statements) {
            // a statement with a Condition (ExternalId, MFA, SAML) is one PAI cannot meet: leave it as it is
            if (s instanceof ObjectNode stmt && "Allow".equals(stmt.path("Effect").asText())
                    && actionIncludes(stmt.get("Action"), assumeAction) && isUnconditional(stmt) && !stmt.has("NotPrincipal")
                    && (stmt.get("Principal") == null || (stmt.get("Principal").isObject() && !stmt.get("Principal").has("Federated")))) {
                ObjectNode principal = stmt.get("Principal") instanceof ObjectNode p ? p : stmt.putObject("Principal");
                JsonNode svc = principal.get("Service");
                ArrayNode list = Json.wire().createArrayNode();
                if (svc != null && svc.isArray()) {
                    svc.forEach(list::add);
                } else if (svc != null && svc.isTextual()) {
                    list.add(svc.asText());
                }
                boolean present = false;
                for (JsonNode n : list) {
                    present |= service.equals(n.asText());
                }
                if (!present) {
                    list.add(service);
                }
                principal.set("Service", list);
                return doc;
            }
        }
        ObjectNode stmt = statements.addObject();
        if (actionList) {
            stmt.putArray("Action").add(assumeAction);
        } else {
            stmt.put("Action", assumeAction);
        }
        stmt.put("Effect", "Allow");
        stmt.putObject("Principal").putArray("Service").add(service);
        return doc;
    }

    /**
     * The jq program that merges {@code $svc} into the trust policy on its input by the rule of {@link #mergeService}: the
     * printed commands apply it to the live document, so a change made since the trail's copy is kept.
     */
    static String mergeJq(String assumeAction, boolean actionList) {
        String action = "\"" + assumeAction + "\"";
        return "def arr: if . == null then [] elif type == \"array\" then . else [.] end; "
                + "def plain: .Effect == \"Allow\" and ((.Action | arr) | any(. == " + action + ")) and ((.Condition // {}) == {}) "
                + "and ((.Principal // {}) | type == \"object\") and ((.Principal.Federated // null) == null) and (.NotPrincipal == null); "
                // no document (a v3 agency has none; an error printed instead of JSON): fail, so nothing is written
                + "(if type == \"object\" then . else error(\"no trust policy document to merge into\") end) "
                + "| .Statement |= arr | ([.Statement | to_entries[] | select(.value | plain) | .key] | first) as $i "
                + "| if $i == null then .Statement += [{\"Action\": " + (actionList ? "[" + action + "]" : action)
                + ", \"Effect\": \"Allow\", \"Principal\": {\"Service\": [$svc]}}] "
                + "else .Statement[$i].Principal.Service = ((.Statement[$i].Principal.Service | arr) "
                + "| if any(. == $svc) then . else . + [$svc] end) end";
    }

    private static boolean isUnconditional(JsonNode stmt) {
        JsonNode c = stmt.get("Condition");
        return c == null || c.isNull() || (c.isObject() && c.isEmpty());
    }

    private static boolean actionIncludes(JsonNode action, String wanted) {
        if (action == null) {
            return false;
        }
        if (action.isTextual()) {
            return action.asText().equalsIgnoreCase(wanted);
        }
        for (JsonNode a : action) {
            if (a.asText().equalsIgnoreCase(wanted)) {
                return true;
            }
        }
        return false;
    }
}
