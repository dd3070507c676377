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
        ObjectNode doc;
        if (current instanceof ObjectNode obj) {
            doc = obj.deepCopy();
        } else {
            doc = Json.wire().createObjectNode();
        }
        if (!doc.has("Version")) {
            doc.put("Version", "1");
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
                    && actionIncludes(stmt.get("Action"), "sts:AssumeRole") && isUnconditional(stmt)
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
        stmt.put("Action", "sts:AssumeRole");
        stmt.put("Effect", "Allow");
        stmt.putObject("Principal").putArray("Service").add(service);
        return doc;
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
