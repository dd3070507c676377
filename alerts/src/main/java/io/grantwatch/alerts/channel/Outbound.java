package io.grantwatch.alerts.channel;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One message as it goes on the wire. {@link #toString()} never shows the URI (for chat robots the
 * URL is the secret) nor the body.
 *
 * @param uri     the target (HTTP channels), null for e-mail
 * @param headers request headers (signatures, idempotency key)
 * @param body    the bytes sent: JSON for HTTP channels, the text part for e-mail
 * @param subject e-mail subject, null otherwise
 * @param html    e-mail HTML part, null otherwise
 * @param keys    idempotency keys of the alerts inside (one, or many for a digest)
 */
public record Outbound(URI uri, Map<String, String> headers, byte[] body, String subject, String html, List<String> keys) {
    public Outbound {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        keys = List.copyOf(keys);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Everything a receiver sees, for injection checks. */
    public String wireText() {
        return headers + "\n" + subject + "\n" + bodyText() + "\n" + html + "\n" + (uri == null ? "" : uri.getRawQuery());
    }

    @Override
    public String toString() {
        return "Outbound[" + body.length + " bytes, " + keys.size() + " alert(s)]";
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
