package io.grantwatch.app.config;

/** A configuration problem; the message names the key (or variable) and where the value came from. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The offending key, e.g. {@code http.port}. */
    public String key() {
        return key;
    }
}
