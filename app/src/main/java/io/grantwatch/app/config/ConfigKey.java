package io.grantwatch.app.config;

import java.util.Locale;

/**
 * One documented configuration key.
 *
 * @param name         dotted key as written in the YAML file, e.g. {@code http.port}
 * @param type         how the value is parsed and checked
 * @param defaultValue the default as text; empty for none
 * @param doc          one line for README.md and {@code grantwatch config keys}
 */
public record ConfigKey(String name, Type type, String defaultValue, String doc) {

    /** Value types. Each parse names the key and the source in its error. */
    public enum Type { STRING, INT, PORT, BOOL, PATH, LIST, DURATION, RAW }

    /** {@code http.port} -> {@code GRANTWATCH_HTTP_PORT}. */
    public String envName() {
        return envName(name);
    }

    public static String envName(String key) {
        return "GRANTWATCH_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** {@code GRANTWATCH_HTTP_PORT} -> {@code http.port}. */
    public static String keyOfEnv(String variable) {
        return variable.substring("GRANTWATCH_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }
}
