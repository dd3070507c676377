package io.grantwatch.alerts.channel;

import java.util.Objects;

/**
 * A secret value (webhook URL, signing key, SMTP password) with the reference it came from.
 * {@link #toString()} shows only the reference, so a secret in a log line or exception reads
 * {@code Secret[env:SLACK_URL]}.
 */
public final class Secret {
    private final String reference;
    private final String value;

    Secret(String reference, String value) {
        this.reference = Objects.requireNonNull(reference, "reference");
        this.value = Objects.requireNonNull(value, "value");
    }

    /** For tests and programmatic use: the reference names where it came from, e.g. {@code test:slack}. */
    public static Secret of(String reference, String value) {
        return new Secret(reference, value);
    }

    public String reveal() {
        return value;
    }

    public String reference() {
        return reference;
    }

    /** Replaces every occurrence of the secret in {@code text} (exception messages, URLs) with {@code ***}. */
    public String redact(String text) {
        if (text == null || value.isEmpty()) {
            return text;
        }
        String out = text.replace(value, "***");
        // a URL secret (a webhook) also travels as its path alone: a server that echoes "POST /services/T0/B0/XYZ"
        int scheme = value.indexOf("://");
        int path = scheme < 0 ? -1 : value.indexOf('/', scheme + 3);
        if (path > 0 && value.length() - path >= 16) {
            out = out.replace(value.substring(path), "/***");
        }
        return out;
    }

    @Override
    public String toString() {
        return "Secret[" + reference + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.reference.equals(reference) && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return reference.hashCode();
    }
}
