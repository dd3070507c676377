package io.grantwatch.alerts.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.alerts.Severity;
import io.grantwatch.alerts.escape.Escaper;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Feishu/Lark custom bot, interactive card (plain_text header, lark_md body). With a secret the
 * body carries {@code timestamp} (seconds) and {@code sign}. Feishu answers {@code code}: 0 accepted,
 * 11232 / 9499 (frequency) and 19021 (timestamp) retried, others permanent. Bodies over 20 KB are
 * rejected by Feishu, so the sender keeps them under {@link #maxPayloadBytes()}.
 */
public final class FeishuChannel extends HttpChannel {
    private final Secret signingSecret;

    public FeishuChannel(String name, Secret url, Secret signingSecret, HttpClient client, Duration timeout, RateLimits limits,
            int maxPayloadBytes) {
        super(name, url, client, timeout, limits, maxPayloadBytes);
        this.signingSecret = signingSecret;
    }

    @Override
    public ChannelType type() {
        return ChannelType.FEISHU;
    }

    @Override
    public Outbound prepare(List<Alert> alerts, AlertFormatter.Detail detail, Instant now) {
        String title = alerts.size() == 1 ? AlertFormatter.title(alerts.get(0), Escaper.MARKDOWN)
                : "GrantWatch digest: " + alerts.size() + " findings";
        ObjectNode body = signedCardBody(now);
        ObjectNode card = (ObjectNode) body.get("card");
        boolean high = alerts.stream().anyMatch(a -> a.severity().atLeast(Severity.HIGH));
        ObjectNode header = card.putObject("header");
        header.put("template", high ? "red" : "orange");
        header.putObject("title").put("tag", "plain_text").put("content", SlackChannel.cut(title, 200));
        ArrayNode elements = card.putArray("elements");
        ObjectNode div = elements.addObject();
        div.put("tag", "div");
        div.putObject("text").put("tag", "lark_md").put("content", AlertFormatter.render(alerts, AlertFormatter.Dialect.MARKDOWN, detail));
        return new Outbound(baseUri(), noHeaders(), Payloads.bytes(body), null, null, alerts.stream().map(Alert::idempotencyKey).toList());
    }

    @Override
    protected SendResult classifyBody(int status, String body) {
        int code = json(body).map(n -> n.has("code") ? n.path("code").asInt(0) : n.path("StatusCode").asInt(0)).orElse(0);
        if (code == 0) {
            return SendResult.accepted(status);
        }
        if (code == 11232 || code == 9499 || code == 19021) {
            return SendResult.retry(status, code == 19021 ? Duration.ZERO : Duration.ofSeconds(1), "code " + code);
        }
        return SendResult.permanent(status, "code " + code + " " + snippet(body));
    }

    @Override
    public Outbound prepareSummary(Summary summary, Instant now) {
        ObjectNode body = signedCardBody(now);
        ObjectNode card = (ObjectNode) body.get("card");
        ObjectNode header = card.putObject("header");
        header.put("template", "blue");
        header.putObject("title").put("tag", "plain_text").put("content", Escaper.MARKDOWN.escape(summary.title(), 200));
        ObjectNode div = card.putArray("elements").addObject();
        div.put("tag", "div");
        div.putObject("text").put("tag", "lark_md").put("content", AlertFormatter.summary(summary, AlertFormatter.Dialect.MARKDOWN));
        return new Outbound(baseUri(), noHeaders(), Payloads.bytes(body), null, null, List.of(summary.key()));
    }

    /** An interactive-card body, signed in the body when a secret is set (Feishu's scheme: timestamp + sign). */
    private ObjectNode signedCardBody(Instant now) {
        ObjectNode body = Payloads.mapper().createObjectNode();
        if (signingSecret != null) {
            long ts = now.getEpochSecond();
            body.put("timestamp", Long.toString(ts));
            body.put("sign", Signatures.feishu(signingSecret.reveal(), ts));
        }
        body.put("msg_type", "interactive");
        body.putObject("card").putObject("config").put("wide_screen_mode", true);
        return body;
    }
}
