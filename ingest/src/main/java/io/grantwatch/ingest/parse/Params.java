package io.grantwatch.ingest.parse;

import io.grantwatch.model.redact.Redactor;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Request parameters for {@link io.grantwatch.model.AuditEvent#parameters()}: the top-level scalars,
 * plus the scalars one object level down as {@code parent.child} (CTS wraps requests as
 * {@code {"agency":{…}}}), redacted by key and by value. Bounded: at most {@value #MAX_ENTRIES}
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
            if (v.isObject()) {
                if (Redactor.isSecretKey(e.getKey())) {
                    continue;
                }
                java.util.Set<String> childPairValues = Redactor.secretPairValues(v);
                for (Iterator<Map.Entry<String, JsonNode>> c = v.properties().iterator(); c.hasNext() && out.size() < MAX_ENTRIES; ) {
                    Map.Entry<String, JsonNode> ce = c.next();
                    if (ce.getValue().isValueNode()) {
                        put(out, e.getKey() + "." + ce.getKey(), ce.getKey(), ce.getValue(), childPairValues.contains(ce.getKey()));
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
