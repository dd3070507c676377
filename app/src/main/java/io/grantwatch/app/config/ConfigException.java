package io.grantwatch.app.config;

import java.util.List;

/** A configuration problem; the message names the key (or variable) and where the value came from. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** Several problems as one: the message lists each on its own line. */
    public static ConfigException all(List<ConfigException> problems) {
        if (problems.size() == 1) {
            return problems.get(0);
        }
        StringBuilder sb = new StringBuilder(problems.size() + " problems:");
        problems.forEach(p -> sb.append("\n  - ").append(p.getMessage()));
        return new ConfigException(problems.get(0).key(), sb.toString());
    }

    /** The offending key, e.g. {@code http.port}. */
    public String key() {
        return key;
    }
}
