package io.grantwatch.app.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Readiness of the process: one named check per component (broker, detector, ingest, ...). */
public final class Health {
    private static final Logger LOG = LoggerFactory.getLogger(Health.class);
    private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();

    public synchronized void register(String component, BooleanSupplier ready) {
        checks.put(component, ready);
    }

    public synchronized void unregister(String component) {
        checks.remove(component);
    }

    /** Component -> ready. A check that throws counts as not ready. */
    public synchronized Map<String, Boolean> check() {
        Map<String, Boolean> result = new LinkedHashMap<>();
        checks.forEach((name, check) -> {
            boolean ready;
            try {
                ready = check.getAsBoolean();
            } catch (RuntimeException e) {
                LOG.debug("Readiness check {} failed", name, e);
                ready = false;
            }
            result.put(name, ready);
        });
        return result;
    }

    public boolean ready() {
        Map<String, Boolean> result = check();
        return !result.isEmpty() && result.values().stream().allMatch(Boolean::booleanValue);
    }

    /** {@code {"ready":true,"components":{"kafka":true,...}}}; component names are ours, not user input. */
    static String toJson(boolean ready, Map<String, Boolean> checks) {
        StringBuilder out = new StringBuilder("{\"ready\":").append(ready).append(",\"components\":{");
        boolean first = true;
        for (Map.Entry<String, Boolean> entry : checks.entrySet()) {
            out.append(first ? "" : ",").append('"').append(entry.getKey().replaceAll("[^a-zA-Z0-9_.-]", "_"))
                    .append("\":").append(entry.getValue());
            first = false;
        }
        return out.append("}}\n").toString();
    }
}
