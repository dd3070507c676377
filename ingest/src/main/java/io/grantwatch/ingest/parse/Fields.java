package io.grantwatch.ingest.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.redact.Redactor;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A lenient view of one JSON object, because the clouds are inconsistent: keys match whatever their
 * case, underscores, dashes or stray spaces ({@code eventName}, {@code EventName}, {@code "trace_status "}),
 * numbers and booleans read as text, an empty string reads as absent, and an object may arrive as a
 * JSON-encoded string (CTS {@code request}/{@code response}/{@code user}). Built once per object level.
 */
final class Fields {
    private static final String[] NO_KEYS = new String[0];
    private static final JsonNode[] NO_VALUES = new JsonNode[0];
    static final Fields EMPTY = new Fields(null, NO_KEYS, NO_VALUES);

    private final ObjectNode node;
    // Normal-form keys and their values, in record order. Objects are small (tens of keys) and looked
    // up a few dozen times: a linear scan over two arrays beats building a hash map per object.
    private final String[] keys;
    private final JsonNode[] values;

    private Fields(ObjectNode node, String[] keys, JsonNode[] values) {
        this.node = node;
        this.keys = keys;
        this.values = values;
    }

    static Fields of(JsonNode node) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            return node != null && node.isObject() ? new Fields((ObjectNode) node, NO_KEYS, NO_VALUES) : EMPTY;
        }
        int n = node.size();
        String[] k = new String[n];
        JsonNode[] v = new JsonNode[n];
        int i = 0;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            k[i] = norm(e.getKey());
            v[i] = e.getValue();
            i++;
        }
        return new Fields((ObjectNode) node, k, v);
    }

    /** First spelling wins: a record that repeats a key in two casings keeps its first value. */
    private JsonNode lookup(String normKey) {
        String[] k = keys;
        for (int i = 0; i < k.length; i++) {
            if (normKey.equals(k[i])) {
                return values[i];
            }
        }
        return null;
    }

    // Jackson canonicalizes field names, so the same few hundred keys recur: remember their normal form.
    // Bounded, because keys are attacker-controlled.
    private static final ConcurrentHashMap<String, String> NORM_CACHE = new ConcurrentHashMap<>();
    private static final int NORM_CACHE_MAX = 4096;

    /** lower case, without {@code _ - space .}: the form every lookup key is written in. */
    static String norm(String key) {
        String cached = NORM_CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        String n = computeNorm(key);
        if (NORM_CACHE.size() < NORM_CACHE_MAX) {
            NORM_CACHE.put(key, n);
        }
        return n;
    }

    private static String computeNorm(String key) {
        return Redactor.normalizeKey(key);
    }

    boolean isEmpty() {
        return keys.length == 0;
    }

    int size() {
        return keys.length;
    }

    ObjectNode node() {
        return node;
    }

    boolean has(String normKey) {
        JsonNode n = lookup(normKey);
        return n != null && !n.isNull() && !(n.isTextual() && n.asText().isEmpty());
    }

    JsonNode raw(String normKey) {
        return lookup(normKey);
    }

    /** Text of a scalar; null when absent, null, empty, or not a scalar. */
    String text(String normKey) {
        return text(lookup(normKey));
    }

    String text(String... normKeys) {
        for (String k : normKeys) {
            String v = text(lookup(k));
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isContainerNode() || n.isMissingNode()) {
            return null;
        }
        if (n.isFloatingPointNumber()) {
            double d = n.doubleValue();
            // ids printed as 1.124245511283938E15 by some exporters: keep the integer digits
            if (d == Math.rint(d) && Math.abs(d) < 1e17) {
                return Long.toString((long) d);
            }
        }
        String s = n.isTextual() ? n.textValue() : n.asText();
        if (s == null) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }

    /** A nested object, also when sent as a JSON-encoded string (even doubly encoded). */
    Fields obj(String normKey) {
        return Fields.of(objectNode(lookup(normKey)));
    }

    static JsonNode objectNode(JsonNode n) {
        for (int depth = 0; n != null && n.isTextual() && depth < 3; depth++) {
            String s = n.textValue().strip();
            if (s.isEmpty() || (s.charAt(0) != '{' && s.charAt(0) != '"')) {
                return null;
            }
            try {
                n = Json.wire().readTree(s);
            } catch (IOException e) {
                return null;
            }
        }
        return n != null && n.isObject() ? n : null;
    }

    /** A boolean sent as true/false, "true"/"false", 1/0. */
    Boolean bool(String normKey) {
        JsonNode n = lookup(normKey);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        String t = text(n);
        if (t == null) {
            return null;
        }
        return "true".equalsIgnoreCase(t) || "1".equals(t);
    }

    Iterable<Map.Entry<String, JsonNode>> entries() {
        return node == null ? List.of() : node.properties();
    }
}
