package io.grantwatch.alerts.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.alerts.escape.Escaper;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Slack incoming webhook with Block Kit: a header, mrkdwn sections of at most 3000 characters
 * (Slack's section limit) and a context line with the idempotency key. The URL is the secret;
 * Slack has no request signing for incoming webhooks. mrkdwn escaping of {@code & < >}.
 */
public final class SlackChannel extends HttpChannel {
    static final int SECTION_MAX = 2900;

    public SlackChannel(String name, Secret url, HttpClient client, Duration timeout, RateLimits limits, int maxPayloadBytes) {
        super(name, url, client, timeout, limits, maxPayloadBytes);
    }

    @Override
    public ChannelType type() {
        return ChannelType.SLACK;
    }

    @Override
    public Outbound prepare(List<Alert> alerts, AlertFormatter.Detail detail, Instant now) {
        String title = alerts.size() == 1 ? AlertFormatter.title(alerts.get(0), Escaper.SLACK)
                : "GrantWatch digest: " + alerts.size() + " findings";
        ObjectNode body = blocks(title, AlertFormatter.render(alerts, AlertFormatter.Dialect.SLACK, detail), 48);
        List<String> keys = alerts.stream().map(Alert::idempotencyKey).toList();
        return new Outbound(baseUri(), noHeaders(), Payloads.bytes(body), null, null, keys);
    }

    /** The payload: {@code title} as the fallback text and the header, then {@code text} in sections, until {@code maxBlocks} blocks. */
    private static ObjectNode blocks(String title, String text, int maxBlocks) {
        ObjectNode body = Payloads.mapper().createObjectNode();
        body.put("text", title);
        ArrayNode blocks = body.putArray("blocks");
        ObjectNode header = blocks.addObject();
        header.put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", cut(title, 150));
        for (String chunk : chunks(text, SECTION_MAX)) {
            ObjectNode s = blocks.addObject();
            s.put("type", "section");
            s.putObject("text").put("type", "mrkdwn").put("text", chunk);
            if (blocks.size() >= maxBlocks) {
                break;
            }
        }
        return body;
    }

    @Override
    protected SendResult classifyBody(int status, String body) {
        return SendResult.accepted(status);
    }

    /** Splits at line ends so no chunk exceeds {@code max} characters. */
    static List<String> chunks(String text, int max) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String l = line.length() > max ? line.substring(0, max - 1) + "…" : line;
            if (cur.length() + l.length() + 1 > max) {
                out.add(cur.toString());
                cur.setLength(0);
            }
            cur.append(l).append('\n');
        }
        if (cur.length() > 0 && !cur.toString().isBlank()) {
            out.add(cur.toString());
        }
        return out;
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    @Override
    public Outbound prepareSummary(Summary summary, Instant now) {
        String title = Escaper.SLACK.escape(summary.title(), 140);
        ObjectNode body = blocks(title, AlertFormatter.summary(summary, AlertFormatter.Dialect.SLACK), Integer.MAX_VALUE);
        return new Outbound(baseUri(), noHeaders(), Payloads.bytes(body), null, null, List.of(summary.key()));
    }
}
