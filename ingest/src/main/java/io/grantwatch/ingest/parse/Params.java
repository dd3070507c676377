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
 * {@code {"agency":{…}}}), and arrays at either level flattened with 1-based indices as RPC parameters are
 * ({@code Tags.1.Key}, ROS {@code Parameters.1.ParameterValue}, {@code Envs.1.value}), redacted by key, by value and by
 * name/value pair. Bounded: at most {@value #MAX_ENTRIES}
 * entries of at most {@value #MAX_VALUE} characters; a policy document (a key naming one, such as
 * {@code PolicyDocument}, {@code NewAssumeRolePolicyDocument}, {@code policy_document}, {@code trust_policy}) keeps up to
 * {@value #MAX_DOCUMENT} characters, so the detector's inventory gets it whole (RAM allows 6,144), and an object one level
 * down that is a policy ({@code Version} and {@code Statement}, the IAM v3 {@code role.policy}) is kept as its JSON text.
 */
final class Params {
    static final int MAX_ENTRIES = 64;
    static final int MAX_VALUE = 2048;
    static final int MAX_DOCUMENT = 16_384;

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
                putArray(out, e.getKey(), e.getKey(), v);
            } else if (v.isObject()) {
                if (Redactor.isSecretKey(e.getKey())) {
                    continue;
                }
                java.util.Set<String> childPairValues = Redactor.secretPairValues(v);
                for (Iterator<Map.Entry<String, JsonNode>> c = v.properties().iterator(); c.hasNext() && out.size() < MAX_ENTRIES; ) {
                    Map.Entry<String, JsonNode> ce = c.next();
                    if (ce.getValue().isValueNode()) {
                        put(out, e.getKey() + "." + ce.getKey(), ce.getKey(), ce.getValue(), childPairValues.contains(ce.getKey()));
                    } else if (ce.getValue().isArray() && !Redactor.isSecretKey(ce.getKey())) {
                        putArray(out, e.getKey() + "." + ce.getKey(), ce.getKey(), ce.getValue());
                    } else if (isPolicy(ce.getValue()) && !Redactor.isSecretKey(ce.getKey())) {
                        String text = ce.getValue().toString();
                        if (text.length() <= MAX_DOCUMENT) {
                            out.putIfAbsent(e.getKey() + "." + ce.getKey(), Redactor.value(ce.getKey(), text));
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * An array flattened as RPC parameters are ({@code Tags.1.Key}, {@code Tags.1.Value}, {@code Envs.2}): its scalars, and the
     * scalars of its objects; the value of a name/value element whose name is a secret's ({@code Tags.1.Key=DB_PASSWORD},
     * ROS {@code Parameters.1.ParameterKey=AdminPassword}) is masked ({@link Redactor#secretPairValues}).
     */
    private static void putArray(Map<String, String> out, String name, String leafKey, JsonNode array) {
        ObjectNode flat = JsonNodeFactory.instance.objectNode();
        Map<String, String> leaves = new HashMap<>();
        int i = 0;
        for (JsonNode el : array) {
            i++;
            if (flat.size() >= MAX_ENTRIES) {
                break;
            }
            if (el.isValueNode()) {
                flat.set(name + "." + i, el);
                leaves.put(name + "." + i, leafKey);
            } else if (el.isObject()) {
                for (Map.Entry<String, JsonNode> f : el.properties()) {
                    if (f.getValue().isValueNode() && flat.size() < MAX_ENTRIES) {
                        flat.set(name + "." + i + "." + f.getKey(), f.getValue());
                        leaves.put(name + "." + i + "." + f.getKey(), f.getKey());
                    }
                }
            }
        }
        Set<String> pairValues = Redactor.secretPairValues(flat);
        for (Iterator<Map.Entry<String, JsonNode>> it = flat.properties().iterator(); it.hasNext() && out.size() < MAX_ENTRIES; ) {
            Map.Entry<String, JsonNode> e = it.next();
            put(out, e.getKey(), leaves.get(e.getKey()), e.getValue(), pairValues.contains(e.getKey()));
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
