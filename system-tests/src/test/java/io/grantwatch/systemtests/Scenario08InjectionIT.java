package io.grantwatch.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.alerts.channel.Channel;
import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.DingTalkChannel;
import io.grantwatch.alerts.channel.FeishuChannel;
import io.grantwatch.alerts.channel.RateLimits;
import io.grantwatch.alerts.channel.Secret;
import io.grantwatch.alerts.channel.SlackChannel;
import io.grantwatch.alerts.channel.WebhookChannel;
import io.grantwatch.alerts.dispatch.Dispatcher;
import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.alerts.report.DriftReport;
import io.grantwatch.alerts.report.ReportBuilder;
import io.grantwatch.alerts.report.ReportRenderer;
import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.corpus.Oracle;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reliability scenario 8: injection: hostile strings (Slack/Feishu/DingTalk mentions and links, bidi, ANSI, CR/LF, 100 KB) in
 * event text must not render as control sequences in any outbound payload or report.
 */
class Scenario08InjectionIT extends SystemTest {
    @Override
    Result run() throws Exception {
        Topics t = env.topics("s8-");
        int n = Math.min(corpus.records().size(), quick ? 1500 : 6000);
        String[] hostile = {"<!channel>", "<!here|here>", "<https://evil.example/login|Open console>", "<@U024BE7LH>",
            "<at user_id=\"all\">所有人</at>", "@all", "\u202Egnp.exe", "\u001b[31mRED\u001b[0m", "line1\r\nline2\u0007",
            "[Open console](https://evil.example)", "<script>alert(1)</script>", "&lt;!channel&gt;"};
        List<RawRecord> planted = new ArrayList<>();
        int k = 0;
        String big = "A".repeat(100_000);
        for (RawRecord r : corpus.records().subList(0, n)) {
            ObjectNode node = (ObjectNode) Json.wire().readTree(r.json());
            String h = hostile[k % hostile.length];
            boolean ali = node.has("eventId");
            boolean failed = ali ? !node.path("errorCode").asText().isEmpty() : !node.path("code").asText().startsWith("2");
            if (failed) {
                k++;
                if (ali) {
                    node.put("errorMessage", node.path("errorMessage").asText() + " " + h);
                    ((ObjectNode) node.path("requestParameters")).put("InstanceName", h + (k % 7 == 0 ? big : ""));
                    ObjectNode id = (ObjectNode) node.path("userIdentity");
                    if (k % 3 == 0) {
                        id.put("userName", id.path("userName").asText() + h);
                    }
                    if (k % 5 == 0 && node.path("errorCode").asText().startsWith("Forbidden")) {
                        node.put("eventName", h);
                    }
                } else {
                    node.put("resource_name", h);
                    node.put("response", node.path("response").asText().replace("is not authorized", h + " is not authorized"));
                    if (k % 3 == 0) {
                        ObjectNode u = (ObjectNode) node.path("user");
                        u.put("name", u.path("name").asText() + h);
                        u.put("user_name", u.path("name").asText());
                    }
                }
            }
            planted.add(new RawRecord(r.seq(), r.cloud(), r.key(), r.eventId(), r.timeMillis(), Json.wire().writeValueAsBytes(node)));
        }
        Path state = env.dir("s8-state");
        List<String> examples = new ArrayList<>();
        long injected = 0;
        long payloads = 0;
        try (WebhookReceiver hook = new WebhookReceiver(i -> WebhookReceiver.Reply.ok());
             WebhookReceiver slack = new WebhookReceiver(i -> WebhookReceiver.Reply.ok());
             WebhookReceiver ding = new WebhookReceiver(i -> WebhookReceiver.Reply.ok());
             WebhookReceiver feishu = new WebhookReceiver(i -> WebhookReceiver.Reply.ok());
             DetectorRunner runner = env.detector(t, "s8-detector", state)) {
            runner.start();
            AuditParser parser = new AuditParser();
            List<AuditEvent> events = new ArrayList<>();
            for (RawRecord r : planted) {
                events.addAll(parser.parse(r.json(), "s8#" + r.seq(), Hints.NONE).events());
            }
            env.produce(t, events);
            Oracle o = oracleOf(planted);
            Oracle.Comparison cmp = env.settle(t, o, 180_000);
            DeliveryCounters counters = new DeliveryCounters();
            List<Channel> channels = List.of(
                    new WebhookChannel("hook", Secret.of("bench:hook", hook.url()), null, HTTP, Duration.ofSeconds(5), RateLimits.none(), 0),
                    new SlackChannel("slack", Secret.of("bench:slack", slack.url()), HTTP, Duration.ofSeconds(5), RateLimits.none(), 0),
                    new DingTalkChannel("ding", Secret.of("bench:ding", ding.url() + "?access_token=t"), Secret.of("bench:ding-secret", "SECdemo"),
                            HTTP, Duration.ofSeconds(5), RateLimits.none(), 0),
                    new FeishuChannel("feishu", Secret.of("bench:feishu", feishu.url()), Secret.of("bench:feishu-secret", "demo"), HTTP,
                            Duration.ofSeconds(5), RateLimits.none(), 0));
            Dispatcher d = dispatcher(t, "s8-alerts", channels, counters, FAST);
            // every finding dispatched, or two minutes: the payloads that did go out are checked either way
            pollUntil(Duration.ofMinutes(2), Duration.ofMillis(200), () -> d.committedRecords() >= cmp.observed());
            d.close();
            Map<String, List<String>> bodies = new LinkedHashMap<>();
            bodies.put("webhook", hook.requests().stream().map(WebhookReceiver.Request::body).toList());
            bodies.put("slack", slack.requests().stream().map(WebhookReceiver.Request::body).toList());
            bodies.put("dingtalk", ding.requests().stream().map(WebhookReceiver.Request::body).toList());
            bodies.put("feishu", feishu.requests().stream().map(WebhookReceiver.Request::body).toList());
            List<Finding> findings = Clients.findings(env.bootstrap, t.findings());
            DriftReport report = new ReportBuilder(new RemediationPlanner(), MuteRules.none()).build(findings, null, null, Map.of(), Instant.now());
            bodies.put("report.md", List.of(ReportRenderer.render(report, ReportRenderer.Format.MD)));
            bodies.put("report.html", List.of(ReportRenderer.render(report, ReportRenderer.Format.HTML)));
            bodies.put("report.json", List.of(ReportRenderer.render(report, ReportRenderer.Format.JSON)));
            long oversize = 0;
            for (Map.Entry<String, List<String>> e : bodies.entrySet()) {
                for (String body : e.getValue()) {
                    payloads++;
                    if (e.getKey().equals("feishu") && body.getBytes(StandardCharsets.UTF_8).length > 20_000) {
                        oversize++;
                    }
                    List<String> hits = Injection.scan(e.getKey(), body);
                    injected += hits.size();
                    for (String hit : hits) {
                        if (examples.size() < 10) {
                            examples.add(e.getKey() + ": " + hit);
                        }
                    }
                }
            }
            out.printf("  s8 findings=%d (oracle %s); payloads: webhook=%d slack=%d dingtalk=%d feishu=%d, feishu > 20 KB: %d%n", findings.size(),
                    cmp, bodies.get("webhook").size(), bodies.get("slack").size(), bodies.get("dingtalk").size(), bodies.get("feishu").size(),
                    oversize);
            injected += oversize;
        }
        return new Result("8 injection", injected == 0 && payloads > 7 ? "PASS" : "FAIL", 0, 0, 0, injected, String.format(
                "%d hostile strings (Slack <!channel>/<!here>/links/mentions, Feishu <at user_id=\"all\">, @all, Markdown link, <script>, bidi"
                        + " U+202E, ANSI ESC, CR/LF/BEL, 100 KB) planted in userName, errorMessage, request parameters, resource names, API"
                        + " names; %d outbound payloads and rendered reports (MD, HTML, JSON) checked: rendered control sequences=%d%s",
                hostile.length + 1, payloads, injected, examples.isEmpty() ? "" : " e.g. " + examples));
    }


    /** Checks one outbound payload or report for control sequences that hostile event text could have rendered. */
    static final class Injection {
        private Injection() {
        }

        static List<String> scan(String channel, String body) {
            List<String> hits = new ArrayList<>();
            List<String> strings = new ArrayList<>();
            boolean json = channel.equals("webhook") || channel.equals("slack") || channel.equals("dingtalk") || channel.equals("feishu")
                    || channel.equals("report.json");
            if (json) {
                try {
                    collect(Json.wire().readTree(body), strings, hits);
                } catch (IOException e) {
                    hits.add("unparsable JSON payload");
                }
            } else {
                strings.add(body);
            }
            for (String s : strings) {
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    boolean control = (c < 0x20 && c != '\n' && c != '\t' && !(c == '\r' && channel.startsWith("report")))
                            || c == 0x7f || (c >= 0x80 && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
                    if (control) {
                        hits.add(String.format("control U+%04X", (int) c));
                        break;
                    }
                }
                switch (channel) {
                    case "slack" -> {
                        for (String m : List.of("<!channel>", "<!here", "<@U024BE7LH>", "<https://evil")) {
                            if (s.contains(m)) {
                                hits.add("slack control " + m);
                            }
                        }
                    }
                    case "feishu" -> {
                        if (s.contains("<at ")) {
                            hits.add("feishu <at>");
                        }
                    }
                    case "dingtalk" -> {
                        if (s.contains("](https://evil")) {
                            hits.add("dingtalk markdown link");
                        }
                    }
                    case "report.html" -> {
                        if (s.contains("<script>alert") || s.contains("<!channel>") || s.contains("<at user_id")) {
                            hits.add("html markup from event text");
                        }
                    }
                    case "report.md" -> {
                        if (s.contains("](https://evil") || s.contains("<script>alert")) {
                            hits.add("markdown link/markup from event text");
                        }
                    }
                    default -> {
                        // webhook and JSON report: JSON-escaped; control characters checked above
                    }
                }
            }
            return hits;
        }

        private static void collect(JsonNode n, List<String> strings, List<String> hits) {
            if (n.isTextual()) {
                strings.add(n.asText());
            } else if (n.isObject()) {
                n.properties().forEach(e -> {
                    if (e.getKey().equals("isAtAll") && e.getValue().asBoolean()) {
                        hits.add("dingtalk isAtAll=true");
                    }
                    strings.add(e.getKey());
                    collect(e.getValue(), strings, hits);
                });
            } else if (n.isArray()) {
                n.forEach(x -> collect(x, strings, hits));
            }
        }
    }
}
