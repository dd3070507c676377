package io.grantwatch.alerts.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.grantwatch.alerts.escape.Escaper;
import io.grantwatch.alerts.escape.Sanitizer;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generic JSON webhook following Standard Webhooks: headers {@code webhook-id} (= the idempotency
 * key, also sent as {@code Idempotency-Key}), {@code webhook-timestamp} and, with a signing key,
 * {@code webhook-signature: v1,<base64 HMAC-SHA256(id.timestamp.body)>}. The body carries the
 * finding (every string sanitized and capped) and its remediation; a digest carries several.
 */
public final class WebhookChannel extends HttpChannel {
    private final Secret signingKey;

    public WebhookChannel(String name, Secret url, Secret signingKey, HttpClient client, Duration timeout, RateLimits limits,
            int maxPayloadBytes) {
        super(name, url, client, timeout, limits, maxPayloadBytes);
        this.signingKey = signingKey;
    }

    @Override
    public ChannelType type() {
        return ChannelType.WEBHOOK;
    }

    @Override
    public Outbound prepare(List<Alert> alerts, AlertFormatter.Detail detail, Instant now) {
        List<String> keys = alerts.stream().map(Alert::idempotencyKey).toList();
        String id = keys.size() == 1 ? keys.get(0) : "digest-" + sha256(String.join("\n", keys)).substring(0, 32);
        ObjectNode body = Payloads.mapper().createObjectNode();
        body.put("type", alerts.size() == 1 ? "grantwatch.finding" : "grantwatch.digest");
        body.put("id", id);
        ArrayNode items = body.putArray("alerts");
        for (Alert a : alerts) {
            ObjectNode item = items.addObject();
            item.put("idempotencyKey", a.idempotencyKey());
            item.put("severity", a.severity().name());
            item.put("title", AlertFormatter.title(a, Escaper.JSON));
            if (detail != AlertFormatter.Detail.MINIMAL) {
                item.set("finding", sanitize(Payloads.tree(a.finding()), detail == AlertFormatter.Detail.FULL ? 2000 : 300));
                JsonNode rem = Payloads.tree(a.remediation());
                if (detail == AlertFormatter.Detail.COMPACT && rem instanceof ObjectNode o) {
                    o.remove(List.of("policies", "cliCommands", "terraform"));
                }
                item.set("remediation", sanitize(rem, 8000));
            }
        }
        byte[] bytes = Payloads.bytes(body);
        long ts = now.getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("webhook-id", id);
        headers.put("Idempotency-Key", id);
        headers.put("webhook-timestamp", Long.toString(ts));
        if (signingKey != null) {
            headers.put("webhook-signature", Signatures.standardWebhook(signingKey.reveal(), id, ts, bytes));
        }
        return new Outbound(baseUri(), headers, bytes, null, null, keys);
    }

    /** Every string in the tree through the sanitizer (control, bidi, mentions, length). */
    public static JsonNode sanitize(JsonNode node, int max) {
        if (node instanceof ObjectNode o) {
            // keys too: report maps are keyed by event-derived names (principals, scenarios)
            ObjectNode out = o.objectNode();
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                out.set(Sanitizer.clean(e.getKey(), max), sanitize(e.getValue(), max));
            }
            return out;
        }
        if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, sanitize(a.get(i), max));
            }
            return a;
        }
        if (node != null && node.isTextual()) {
            return TextNode.valueOf(Sanitizer.clean(node.asText(), max));
        }
        return node;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Outbound prepareSummary(Summary summary, Instant now) {
        ObjectNode body = Payloads.mapper().createObjectNode();
        body.put("type", "grantwatch.report");
        body.put("id", summary.key());
        body.put("title", Sanitizer.clean(summary.title(), 300));
        ArrayNode lines = body.putArray("lines");
        summary.lines().forEach(l -> lines.add(Sanitizer.clean(l, 1000)));
        byte[] bytes = Payloads.bytes(body);
        long ts = now.getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("webhook-id", summary.key());
        headers.put("Idempotency-Key", summary.key());
        headers.put("webhook-timestamp", Long.toString(ts));
        if (signingKey != null) {
            headers.put("webhook-signature", Signatures.standardWebhook(signingKey.reveal(), summary.key(), ts, bytes));
        }
        return new Outbound(baseUri(), headers, bytes, null, null, List.of(summary.key()));
    }
}
