package io.grantwatch.alerts.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.alerts.escape.Escaper;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * DingTalk custom robot, markdown message, never {@code isAtAll}. With a 加签 secret the URL gets
 * {@code &timestamp=<ms>&sign=<urlencoded base64 HMAC>} (signed per attempt: valid for one hour).
 * DingTalk answers HTTP 200 with {@code errcode}: 0 accepted, 130101 (over 20/min: DingTalk then
 * throttles the robot for 10 minutes) retried after 10 minutes, anything else permanent (bad
 * keyword, bad signature, ...). The limiter keeps us under 20/min, so 130101 means another sender
 * shares the robot.
 */
public final class DingTalkChannel extends HttpChannel {
    private final Secret signingSecret;

    public DingTalkChannel(String name, Secret url, Secret signingSecret, HttpClient client, Duration timeout, RateLimits limits,
            int maxPayloadBytes) {
        super(name, url, client, timeout, limits, maxPayloadBytes);
        this.signingSecret = signingSecret;
    }

    @Override
    public ChannelType type() {
        return ChannelType.DINGTALK;
    }

    @Override
    public Outbound prepare(List<Alert> alerts, AlertFormatter.Detail detail, Instant now) {
        String title = alerts.size() == 1 ? AlertFormatter.title(alerts.get(0), Escaper.MARKDOWN)
                : "GrantWatch digest: " + alerts.size() + " findings";
        ObjectNode body = Payloads.mapper().createObjectNode();
        body.put("msgtype", "markdown");
        body.putObject("markdown").put("title", SlackChannel.cut(title, 100))
                .put("text", AlertFormatter.render(alerts, AlertFormatter.Dialect.MARKDOWN, detail));
        body.putObject("at").put("isAtAll", false);
        URI uri = baseUri();
        if (signingSecret != null) {
            long ts = now.toEpochMilli();
            String sep = uri.toString().contains("?") ? "&" : "?";
            uri = URI.create(uri + sep + "timestamp=" + ts + "&sign=" + Signatures.dingTalk(signingSecret.reveal(), ts));
        }
        return new Outbound(uri, noHeaders(), Payloads.bytes(body), null, null, alerts.stream().map(Alert::idempotencyKey).toList());
    }

    @Override
    protected SendResult classifyBody(int status, String body) {
        int code = json(body).map(n -> n.path("errcode").asInt(0)).orElse(0);
        if (code == 0) {
            return SendResult.accepted(status);
        }
        if (code == 130101) {
            return SendResult.retry(status, Duration.ofMinutes(10), "errcode 130101 (send too fast, robot throttled for 10 min)");
        }
        return SendResult.permanent(status, "errcode " + code + " " + snippet(body));
    }

    @Override
    public Outbound prepareSummary(Summary summary, Instant now) {
        ObjectNode body = Payloads.mapper().createObjectNode();
        body.put("msgtype", "markdown");
        body.putObject("markdown").put("title", Escaper.MARKDOWN.escape(summary.title(), 100))
                .put("text", AlertFormatter.summary(summary, AlertFormatter.Dialect.MARKDOWN));
        body.putObject("at").put("isAtAll", false);
        return new Outbound(signed(now), noHeaders(), Payloads.bytes(body), null, null, List.of(summary.key()));
    }

    private URI signed(Instant now) {
        URI uri = baseUri();
        if (signingSecret == null) {
            return uri;
        }
        long ts = now.toEpochMilli();
        String sep = uri.toString().contains("?") ? "&" : "?";
        return URI.create(uri + sep + "timestamp=" + ts + "&sign=" + Signatures.dingTalk(signingSecret.reveal(), ts));
    }
}
