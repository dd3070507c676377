package io.grantwatch.alerts.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.alerts.Receiver;
import io.grantwatch.alerts.Receiver.Response;
import io.grantwatch.alerts.TestFindings;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.Finding;
import io.grantwatch.model.json.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every HTTP channel against a real loopback HTTP server: wire format, signatures, faults. */
class ChannelReceiverTest {
    private static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(100), 6, Duration.ofSeconds(10));
    private final RemediationPlanner planner = new RemediationPlanner();
    private final DeliveryCounters counters = new DeliveryCounters();
    private Receiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private Alert alert(Finding f) {
        return Alert.of(f, planner.plan(f));
    }

    private List<String> deliver(Channel ch, List<Alert> alerts) throws Exception {
        List<String> delivered = new ArrayList<>();
        new ChannelSender(ch, FAST, counters, Pacer.SYSTEM, 30).deliver(alerts, delivered::addAll, (k, r) -> { });
        return delivered;
    }

    private static JsonNode json(String body) throws Exception {
        return Json.wire().readTree(body);
    }

    @Test
    void shouldSignStandardWebhookAndCarryIdempotencyKeyWhenPosting() throws Exception {
        receiver = Receiver.ok("");
        Alert a = alert(TestFindings.passRole());
        deliver(TestChannels.webhook(receiver.url(""), null), List.of(a));
        Receiver.Request r = receiver.accepted().get(0);
        assertThat(r.pathAndQuery()).isEqualTo("/hook");
        assertThat(r.header("Idempotency-Key")).isEqualTo(a.idempotencyKey()).isEqualTo(r.header("webhook-id"));
        long ts = Long.parseLong(r.header("webhook-timestamp"));
        // the receiver's own verification: recompute over the exact bytes received
        assertThat(r.header("webhook-signature")).isEqualTo(Signatures.standardWebhook(TestChannels.HOOK_SECRET, r.header("webhook-id"),
                ts, r.body().getBytes(StandardCharsets.UTF_8)));
        JsonNode body = json(r.body());
        assertThat(body.path("alerts").get(0).path("remediation").path("policies").get(0).path("document").path("Version").asText())
                .isEqualTo("1");
        assertThat(body.path("alerts").get(0).path("finding").path("id").asText()).isEqualTo(a.finding().id());
    }

    @Test
    void shouldPostBlockKitWhenSlack() throws Exception {
        receiver = Receiver.ok("ok");
        deliver(TestChannels.slack(receiver.url(""), null), List.of(alert(TestFindings.ossGetObject())));
        JsonNode body = json(receiver.accepted().get(0).body());
        assertThat(body.path("blocks").get(0).path("type").asText()).isEqualTo("header");
        assertThat(body.path("blocks").get(1).path("text").path("type").asText()).isEqualTo("mrkdwn");
        assertThat(body.path("blocks").get(1).path("text").path("text").asText()).contains("acs:oss:*:*:training-data");
        for (JsonNode b : body.path("blocks")) {
            assertThat(b.path("text").path("text").asText().length()).isLessThanOrEqualTo(3000);
        }
    }

    @Test
    void shouldSignDingTalkUrlWithTimestampAndSignWhenSecretSet() throws Exception {
        receiver = Receiver.ok("{\"errcode\":0,\"errmsg\":\"ok\"}");
        deliver(TestChannels.dingtalk(receiver.url(""), null), List.of(alert(TestFindings.agencyObs())));
        Receiver.Request r = receiver.accepted().get(0);
        String q = r.pathAndQuery().substring(r.pathAndQuery().indexOf('?') + 1);
        String ts = null;
        String sign = null;
        for (String kv : q.split("&")) {
            if (kv.startsWith("timestamp=")) {
                ts = kv.substring(10);
            } else if (kv.startsWith("sign=")) {
                sign = kv.substring(5);
            }
        }
        assertThat(q).startsWith("access_token=tok123&");
        assertThat(Math.abs(Long.parseLong(ts) - System.currentTimeMillis())).isLessThan(Duration.ofHours(1).toMillis());
        assertThat(sign).isEqualTo(Signatures.dingTalk(TestChannels.DING_SECRET, Long.parseLong(ts)));
        assertThat(URLDecoder.decode(sign, StandardCharsets.UTF_8)).endsWith("=");
        JsonNode body = json(r.body());
        assertThat(body.path("msgtype").asText()).isEqualTo("markdown");
        assertThat(body.path("at").path("isAtAll").asBoolean(true)).isFalse();
    }

    @Test
    void shouldPutFeishuSignatureInBodyWhenSecretSet() throws Exception {
        receiver = Receiver.ok("{\"code\":0,\"msg\":\"success\"}");
        deliver(TestChannels.feishu(receiver.url(""), null), List.of(alert(TestFindings.trainJobCreate())));
        JsonNode body = json(receiver.accepted().get(0).body());
        long ts = Long.parseLong(body.path("timestamp").asText());
        assertThat(Math.abs(ts - System.currentTimeMillis() / 1000)).isLessThan(3600);
        assertThat(body.path("sign").asText()).isEqualTo(Signatures.feishu(TestChannels.FEISHU_SECRET, ts));
        assertThat(body.path("msg_type").asText()).isEqualTo("interactive");
        assertThat(body.path("card").path("elements").get(0).path("text").path("tag").asText()).isEqualTo("lark_md");
    }

    @Test
    void shouldRetryFeishuFrequencyErrorAndDeliverWhenItClears() throws Exception {
        AtomicInteger n = new AtomicInteger();
        receiver = new Receiver(r -> n.incrementAndGet() == 1 ? Response.ok("{\"code\":11232,\"msg\":\"frequency limited\"}")
                : Response.ok("{\"code\":0}"));
        List<String> delivered = deliver(TestChannels.feishu(receiver.url(""), null), List.of(alert(TestFindings.obsGetObject())));
        assertThat(delivered).hasSize(1);
        assertThat(receiver.requests()).hasSize(2);
    }

    @Test
    void shouldSendWeComMarkdownWhenConfigured() throws Exception {
        receiver = Receiver.ok("{\"errcode\":0,\"errmsg\":\"ok\"}");
        deliver(TestChannels.wecom(receiver.url(""), null), List.of(alert(TestFindings.huaweiExplicitDeny())));
        Receiver.Request r = receiver.accepted().get(0);
        assertThat(r.pathAndQuery()).isEqualTo("/cgi-bin/webhook/send?key=k1");
        assertThat(json(r.body()).path("markdown").path("content").asText()).contains("do not add an Allow");
        assertThat(r.body().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    }

    @Test
    void shouldWaitRetryAfterWhen429() throws Exception {
        AtomicInteger n = new AtomicInteger();
        receiver = new Receiver(r -> n.incrementAndGet() == 1 ? Response.tooMany(1) : Response.ok("ok"));
        deliver(TestChannels.slack(receiver.url(""), RateLimits.none()), List.of(alert(TestFindings.passRole())));
        List<Receiver.Request> all = receiver.requests();
        assertThat(all).hasSize(2);
        assertThat(all.get(1).atMillis() - all.get(0).atMillis()).isGreaterThanOrEqualTo(1000);
        assertThat(counters.get("slack", "retried")).isEqualTo(1);
    }

    @Test
    void shouldRetry5xxAndTimeoutsThenDeliverOnce() throws Exception {
        AtomicInteger n = new AtomicInteger();
        receiver = new Receiver(r -> switch (n.incrementAndGet()) {
            case 1 -> Response.status(503);
            case 2 -> Response.stall(1500);
            case 3 -> Response.status(502);
            default -> Response.ok("");
        });
        List<String> delivered = deliver(TestChannels.webhook(receiver.url(""), null), List.of(alert(TestFindings.passRole())));
        assertThat(delivered).hasSize(1);
        assertThat(counters.get("hook", "retried")).isEqualTo(3);
        // the stalled request was processed by the receiver after our timeout: the one unavoidable duplicate, same key
        assertThat(receiver.accepted()).extracting(r -> r.header("Idempotency-Key")).containsOnly(delivered.get(0));
    }

    @Test
    void shouldDeferNotDropWhenReceiverStaysDown() throws Exception {
        receiver = new Receiver(r -> Response.status(503));
        Channel ch = TestChannels.webhook(receiver.url(""), null);
        ChannelSender sender = new ChannelSender(ch, new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(20), 3, Duration.ofSeconds(5)),
                counters, Pacer.SYSTEM, 0);
        List<String> delivered = new ArrayList<>();
        assertThatThrownBy(() -> sender.deliver(List.of(alert(TestFindings.passRole())), delivered::addAll, (k, r) -> { }))
                .isInstanceOf(DeliveryDeferred.class);
        assertThat(delivered).isEmpty();
        assertThat(receiver.requests()).hasSize(3);
    }

    @Test
    void shouldParkWhenReceiverRefusesPermanently() throws Exception {
        receiver = new Receiver(r -> Response.ok("{\"errcode\":310000,\"errmsg\":\"sign not match\"}"));
        List<String> parked = new ArrayList<>();
        new ChannelSender(TestChannels.dingtalk(receiver.url(""), null), FAST, counters, Pacer.SYSTEM, 0)
                .deliver(List.of(alert(TestFindings.passRole())), k -> { }, (k, reason) -> parked.add(reason));
        assertThat(parked).singleElement().asString().contains("310000");
        assertThat(counters.get("ding", "failed")).isEqualTo(1);
    }

    @Test
    void shouldDigestInsteadOfDroppingWhenBatchExceedsSlackRate() throws Exception {
        receiver = Receiver.ok("ok");
        List<Alert> alerts = TestFindings.all().stream().map(this::alert).toList();
        List<String> delivered = deliver(TestChannels.slack(receiver.url(""), null), alerts);
        assertThat(delivered).hasSize(alerts.size());
        assertThat(receiver.accepted()).hasSize(1);
        assertThat(receiver.accepted().get(0).body()).contains("GrantWatch digest: " + alerts.size() + " findings");
        assertThat(counters.get("slack", "digests")).isEqualTo(1);
    }

    @Test
    void shouldSplitIntoMessagesUnder20KbWhenFeishuDigestIsLarge() throws Exception {
        receiver = Receiver.ok("{\"code\":0}");
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            alerts.add(alert(TestFindings.hostile(i % 2 == 0 ? io.grantwatch.model.Cloud.ALIBABA : io.grantwatch.model.Cloud.HUAWEI)));
        }
        long t0 = System.currentTimeMillis();
        List<String> delivered = deliver(TestChannels.feishu(receiver.url(""), null), alerts);
        assertThat(delivered).hasSize(60);
        assertThat(counters.get("feishu", "digests")).isEqualTo(1);
        assertThat(receiver.accepted().size()).isGreaterThan(5);
        assertThat(System.currentTimeMillis() - t0).isLessThan(5_000);
        assertThat(receiver.accepted()).allSatisfy(r -> assertThat(r.body().getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(20 * 1024));
    }

    @Test
    void shouldReadRetryAfterAsSecondsOrHttpDate() {
        assertThat(HttpChannel.retryAfter(Optional.of("7"))).isEqualTo(Duration.ofSeconds(7));
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME
                .format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
        assertThat(HttpChannel.retryAfter(Optional.of(inTenSeconds))).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        assertThat(HttpChannel.retryAfter(Optional.of("soon"))).isNull();
        assertThat(HttpChannel.retryAfter(Optional.empty())).isNull();
    }
}
