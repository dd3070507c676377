package io.grantwatch.ingest.parse;

import io.grantwatch.model.redact.Redactor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Request parameters for {@link io.grantwatch.model.AuditEvent#parameters()}: the top-level scalars,
 * plus the scalars one object level down as {@code parent.child} (CTS wraps requests as
 * {@code {"agency":{…}}}), and arrays and objects below that flattened with 1-based indices as RPC parameters are
 * ({@code Tags.1.Key}, ROS {@code Parameters.1.ParameterValue}, {@code Envs.1.value}, a PAI {@code CredentialConfig}
 * given as an object: {@code CredentialConfig.Configs.1.Roles.1.RoleArn}) down to {@value #MAX_DEPTH} levels, redacted by
 * key, by value and by name/value pair. Bounded: at most {@value #MAX_ENTRIES}
 * entries of at most {@value #MAX_VALUE} characters; a policy document (a key naming one, such as
 * {@code PolicyDocument}, {@code NewAssumeRolePolicyDocument}, {@code policy_document}, {@code trust_policy}) keeps up to
 * {@value #MAX_DOCUMENT} characters, so the detector's inventory gets it whole (RAM allows 6,144), and an object one level
 * down that is a policy ({@code Version} and {@code Statement}, the IAM v3 {@code role.policy}) is kept as its JSON text.
 */
final class Params {
    static final int MAX_ENTRIES = 64;
    static final int MAX_VALUE = 2048;
    static final int MAX_DOCUMENT = 16_384;
    /** How deep below a top-level field nested arrays and objects are read (a DSW CredentialConfig's RoleArn is 5 down). */
    static final int MAX_DEPTH = 6;

    private Params() {
    }

    static Map<String, String> of(JsonNode request) {
        if (request == null || !request.isObject() || request.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        // RPC parameters flattened with indices: Container.1.EnvironmentVar.1.Key=DB_PASSWORD, ….Value=X (the value is masked)
        java.util.Set<String> pairValues = Redactor.secretPairValues(request);
        for (Iterator<Map.Entry<String, JsonNode>> it = request.properties().iterator(); it.hasNext() && out.size() < MAX_ENTRIES; ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isValueNode()) {
                put(out, e.getKey(), e.getKey(), v, pairValues.contains(e.getKey()));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = request.properties().iterator(); it.hasNext() && out.size() < MAX_ENTRIES; ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isArray() && !Redactor.isSecretKey(e.getKey())) {
                putNested(out, e.getKey(), e.getKey(), v);
            } else if (v.isObject()) {
                if (Redactor.isSecretKey(e.getKey())) {
                    continue;
                }
                java.util.Set<String> childPairValues = Redactor.secretPairValues(v);
                for (Iterator<Map.Entry<String, JsonNode>> c = v.properties().iterator(); c.hasNext() && out.size() < MAX_ENTRIES; ) {
                    Map.Entry<String, JsonNode> ce = c.next();
                    if (ce.getValue().isValueNode()) {
                        put(out, e.getKey() + "." + ce.getKey(), ce.getKey(), ce.getValue(), childPairValues.contains(ce.getKey()));
                    } else if (Redactor.isSecretKey(ce.getKey())) {
                        continue;
                    } else if (isPolicy(ce.getValue())) {
                        String text = ce.getValue().toString();
                        if (text.length() <= MAX_DOCUMENT) {
                            out.putIfAbsent(e.getKey() + "." + ce.getKey(), Redactor.value(ce.getKey(), text));
                        }
                    } else {
                        putNested(out, e.getKey() + "." + ce.getKey(), ce.getKey(), ce.getValue());
                    }
                }
            }
        }
        return out;
    }

    /**
     * An array or object flattened as RPC parameters are ({@code Tags.1.Key}, {@code Tags.1.Value}, {@code Envs.2},
     * {@code CredentialConfig.Configs.1.Roles.1.RoleArn}): its scalars at any depth up to {@value #MAX_DEPTH}, without the
     * subtrees of secret keys; the value of a name/value element whose name is a secret's ({@code Tags.1.Key=DB_PASSWORD},
     * ROS {@code Parameters.1.ParameterKey=AdminPassword}) is masked ({@link Redactor#secretPairValues}).
     */
    private static void putNested(Map<String, String> out, String name, String leafKey, JsonNode node) {
        ObjectNode flat = JsonNodeFactory.instance.objectNode();
        Map<String, String> leaves = new HashMap<>();
        collect(flat, leaves, name, leafKey, node, 0);
        Set<String> pairValues = Redactor.secretPairValues(flat);
        for (Iterator<Map.Entry<String, JsonNode>> it = flat.properties().iterator(); it.hasNext() && out.size() < MAX_ENTRIES; ) {
            Map.Entry<String, JsonNode> e = it.next();
            put(out, e.getKey(), leaves.get(e.getKey()), e.getValue(), pairValues.contains(e.getKey()));
        }
    }

    private static void collect(ObjectNode flat, Map<String, String> leaves, String name, String leafKey, JsonNode node, int depth) {
        if (flat.size() >= MAX_ENTRIES) {
            return;
        }
        if (node.isValueNode()) {
            flat.set(name, node);
            leaves.put(name, leafKey);
            return;
        }
        if (depth >= MAX_DEPTH) {
            return;
        }
        if (node.isArray()) {
            int i = 0;
            for (JsonNode el : node) {
                collect(flat, leaves, name + "." + ++i, leafKey, el, depth + 1);
            }
            return;
        }
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            // a secret's scalar is masked by put; a secret's array or object is not read at all
            if (f.getValue().isValueNode() || !Redactor.isSecretKey(f.getKey())) {
                collect(flat, leaves, name + "." + f.getKey(), f.getKey(), f.getValue(), depth + 1);
            }
        }
    }

    private static boolean isPolicy(JsonNode v) {
        return v.isObject() && v.has("Version") && v.has("Statement");
    }

    /** {@code PolicyDocument}, {@code AssumeRolePolicyDocument}, {@code policy_document}, {@code trust_policy}, {@code policy}. */
    static boolean documentKey(String key) {
        String k = key.replace("_", "").toLowerCase(java.util.Locale.ROOT);
        return k.endsWith("policydocument") || k.equals("trustpolicy") || k.equals("policy");
    }

    private static void put(Map<String, String> out, String name, String leafKey, JsonNode v, boolean pairedSecret) {
        String text = Fields.text(v);
        if (text == null) {
            return;
        }
        if (pairedSecret) {
            out.putIfAbsent(Redactor.text(name), Redactor.MASK);
            return;
        }
        int max = documentKey(leafKey) ? MAX_DOCUMENT : MAX_VALUE;
        if (text.length() > max) {
            text = text.substring(0, max) + "…";
        }
        // a field's name is record text too ({"password=X&user=a": "1"}): redacted like its value
        out.putIfAbsent(Redactor.text(name), Redactor.value(leafKey, text));
    }
}
