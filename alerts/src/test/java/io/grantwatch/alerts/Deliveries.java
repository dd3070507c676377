package io.grantwatch.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What receivers saw, as figures: idempotency keys accepted, duplicates, max rate per sliding window. */
public final class Deliveries {
    private static final Pattern REF = Pattern.compile("ref: ([A-Za-z0-9._-]+[@\uFF20][a-z]+-[0-9n]+)");

    private Deliveries() {
    }

    /** Idempotency keys inside one accepted request (one, or many for a digest). */
    public static List<String> keys(Receiver.Request r) {
        List<String> out = new ArrayList<>();
        try {
            JsonNode n = Json.wire().readTree(r.body());
            if (n.has("alerts")) {
                n.path("alerts").forEach(a -> out.add(a.path("idempotencyKey").asText()));
                return out;
            }
            collect(n, out);
        } catch (IOException notJson) {
            scan(r.body(), out);
        }
        return out;
    }

    private static void collect(JsonNode n, List<String> out) {
        if (n.isTextual()) {
            scan(n.asText(), out);
        }
        n.forEach(c -> collect(c, out));
    }

    private static void scan(String text, List<String> out) {
        Matcher m = REF.matcher(text);
        while (m.find()) {
            out.add(m.group(1).replace('\uFF20', '@'));
        }
    }

    /** key → times accepted. */
    public static Map<String, Integer> acceptedCounts(Receiver receiver) {
        Map<String, Integer> counts = new HashMap<>();
        for (Receiver.Request r : receiver.accepted()) {
            for (String k : keys(r)) {
                counts.merge(k, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Expected keys no delivery carried: what a FIGURES line reports as lost (measured, never written as a literal). */
    public static long lost(Map<String, Integer> counts, Collection<String> expected) {
        return expected.stream().filter(k -> !counts.containsKey(k)).count();
    }

    public static int duplicates(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(c -> c - 1).sum();
    }

    /** The most requests the receiver saw in any sliding window of {@code windowMillis}. */
    public static int maxInWindow(Receiver receiver, long windowMillis) {
        List<Long> times = receiver.requests().stream().map(Receiver.Request::atMillis).sorted().toList();
        int max = 0;
        for (int i = 0, j = 0; i < times.size(); i++) {
            while (times.get(i) - times.get(j) >= windowMillis) {
                j++;
            }
            max = Math.max(max, i - j + 1);
        }
        return max;
    }
}
