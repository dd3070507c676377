package io.grantwatch.alerts.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * WeCom (企业微信) group robot, markdown message (content at most 4096 bytes; the robot key in the
 * URL is the secret). errcode 0 accepted, 45009 (over 20/min) and -1 (busy) retried, others permanent.
 */
public final class WeComChannel extends HttpChannel {
    public WeComChannel(String name, Secret url, HttpClient client, Duration timeout, RateLimits limits, int maxPayloadBytes) {
        super(name, url, client, timeout, limits, maxPayloadBytes);
    }

    @Override
    public ChannelType type() {
        return ChannelType.WECOM;
    }

    @Override
    public Outbound prepare(List<Alert> alerts, AlertFormatter.Detail detail, Instant now) {
        ObjectNode body = Payloads.mapper().createObjectNode();
        body.put("msgtype", "markdown");
        body.putObject("markdown").put("content", AlertFormatter.render(alerts, AlertFormatter.Dialect.MARKDOWN, detail));
        return new Outbound(baseUri(), noHeaders(), Payloads.bytes(body), null, null, alerts.stream().map(Alert::idempotencyKey).toList());
    }

    @Override
    protected SendResult classifyBody(int status, String body) {
        int code = json(body).map(n -> n.path("errcode").asInt(0)).orElse(0);
        if (code == 0) {
            return SendResult.accepted(status);
        }
        if (code == 45009 || code == -1) {
            return SendResult.retry(status, Duration.ofSeconds(code == -1 ? 1 : 60), "errcode " + code);
        }
        return SendResult.permanent(status, "errcode " + code + " " + snippet(body));
    }

    @Override
    public Outbound prepareSummary(Summary summary, Instant now) {
        ObjectNode body = Payloads.mapper().createObjectNode();
        body.put("msgtype", "markdown");
        body.putObject("markdown").put("content", AlertFormatter.summary(summary, AlertFormatter.Dialect.MARKDOWN));
        return new Outbound(baseUri(), noHeaders(), Payloads.bytes(body), null, null, List.of(summary.key()));
    }
}
