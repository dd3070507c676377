package io.grantwatch.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.alerts.Deliveries;
import io.grantwatch.alerts.Receiver;
import io.grantwatch.alerts.Receiver.Response;
import io.grantwatch.alerts.Severity;
import io.grantwatch.alerts.TestFindings;
import io.grantwatch.alerts.channel.ChannelSender;
import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.DeliveryDeferred;
import io.grantwatch.alerts.channel.Pacer;
import io.grantwatch.alerts.channel.RateLimits;
import io.grantwatch.alerts.channel.RetryPolicy;
import io.grantwatch.alerts.channel.TestChannels;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.Finding;
import io.grantwatch.model.Remediation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertPipelineTest {
    private static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(20), 2, Duration.ofSeconds(2));
    private static final Instant NOW = Instant.parse("2026-11-21T00:00:00Z");
    private Receiver hook;
    private Receiver slack;

    @AfterEach
    void stop() {
        if (hook != null) {
            hook.close();
        }
        if (slack != null) {
            slack.close();
        }
    }

    private AlertPipeline pipeline(Router router, MuteRules mutes, DeliveryCounters counters) {
        return new AlertPipeline(new RemediationPlanner(), router, mutes, List.of(
                new ChannelSender(TestChannels.webhook(hook.url(""), null), FAST, counters, Pacer.SYSTEM, 0),
                new ChannelSender(TestChannels.slack(slack.url(""), RateLimits.none()), FAST, counters, Pacer.SYSTEM, 0)),
                counters, () -> NOW);
    }

    @Test
    void shouldPublishRemediationButNotNotifyWhenMuted() throws Exception {
        hook = Receiver.ok("");
        slack = Receiver.ok("ok");
        MuteRules mutes = new MuteRules(List.of(new MuteRule("eas-accepted", null, List.of("alice"), List.of("pai.eas"), null, null,
                "EAS is managed by the platform team", "bob", NOW.plusSeconds(3600))));
        DeliveryCounters counters = new DeliveryCounters();
        List<Remediation> rems = new ArrayList<>();
        try (AlertPipeline p = pipeline(new Router(List.of(), List.of("hook", "slack")), mutes, counters)) {
            p.process(List.of(TestFindings.easFullAccess(), TestFindings.passRole()), rems::add, (c, r, f, k) -> { });
        }
        assertThat(rems).hasSize(2);
        assertThat(counters.get("pipeline", "muted")).isEqualTo(1);
        assertThat(hook.accepted()).hasSize(1);
        assertThat(Deliveries.keys(hook.accepted().get(0)).get(0)).startsWith(TestFindings.passRole().id());
    }

    @Test
    void shouldHonourAMuteOfOneFindingAddedWhileThePipelineRuns() throws Exception {
        hook = Receiver.ok("");
        slack = Receiver.ok("ok");
        List<MuteRule> console = new ArrayList<>();
        DeliveryCounters counters = new DeliveryCounters();
        Finding muted = TestFindings.easFullAccess();
        try (AlertPipeline p = new AlertPipeline(new RemediationPlanner(), new Router(List.of(), List.of("hook")),
                () -> MuteRules.none().with(List.copyOf(console)), List.of(new ChannelSender(TestChannels.webhook(hook.url(""), null), FAST,
                counters, Pacer.SYSTEM, 0)), counters, () -> NOW, new SentLedger())) {
            console.add(new MuteRule("console:" + muted.id(), null, null, null, null, null, "accepted", "bob", NOW.plusSeconds(60),
                    List.of(muted.id())));
            p.process(List.of(muted, TestFindings.passRole()), r -> { }, (c, r, f, k) -> { });
        }
        assertThat(counters.get("pipeline", "muted")).isEqualTo(1);
        assertThat(hook.accepted()).hasSize(1);
        assertThat(Deliveries.keys(hook.accepted().get(0)).get(0)).startsWith(TestFindings.passRole().id());
    }

    @Test
    void shouldNotifyAgainWhenMuteExpired() throws Exception {
        hook = Receiver.ok("");
        slack = Receiver.ok("ok");
        MuteRules mutes = new MuteRules(List.of(new MuteRule("old", List.of(TestFindings.UID), null, null, null, null,
                "temporary", "bob", NOW.minusSeconds(1))));
        try (AlertPipeline p = pipeline(new Router(List.of(), List.of("hook")), mutes, new DeliveryCounters())) {
            p.process(List.of(TestFindings.easFullAccess()), r -> { }, (c, r, f, k) -> { });
        }
        assertThat(hook.accepted()).hasSize(1);
        assertThat(mutes.expiredMatching(TestFindings.easFullAccess(), NOW)).hasSize(1);
    }

    @Test
    void shouldRouteByCloudKindAndSeverityWhenRulesGiven() throws Exception {
        hook = Receiver.ok("");
        slack = Receiver.ok("ok");
        Router router = new Router(List.of(
                new RouteRule("huawei-to-hook", List.of("huawei"), null, null, null, null, List.of("hook")),
                new RouteRule("drift-to-slack", null, null, null, List.of("PREDICTED_BREAKAGE"), Severity.HIGH, List.of("slack"))),
                List.of("hook", "slack"));
        assertThat(router.channelsFor(TestFindings.obsGetObject())).containsExactly("hook");
        assertThat(router.channelsFor(TestFindings.predictedBreakage())).containsExactly("slack");
        assertThat(router.channelsFor(TestFindings.passRole())).isEmpty();
        assertThat(new RouteRule("p", null, null, List.of("*/user/alice"), null, null, List.of("x")).matches(TestFindings.passRole()))
                .isTrue();
    }

    @Test
    void shouldResendOnlyUnacceptedChannelsWhenBatchIsRetried() throws Exception {
        hook = new Receiver(r -> Response.status(503));
        slack = Receiver.ok("ok");
        DeliveryCounters counters = new DeliveryCounters();
        List<Finding> batch = List.of(TestFindings.passRole());
        try (AlertPipeline p = pipeline(new Router(List.of(), List.of("hook", "slack")), MuteRules.none(), counters)) {
            assertThatThrownBy(() -> p.process(batch, r -> { }, (c, r, f, k) -> { })).isInstanceOf(DeliveryDeferred.class);
            hook.behave(r -> Response.ok(""));
            AtomicBoolean republished = new AtomicBoolean();
            p.process(batch, r -> republished.set(true), (c, r, f, k) -> { });
            assertThat(republished).isFalse();
        }
        assertThat(slack.accepted()).hasSize(1);
        assertThat(hook.accepted()).hasSize(1);
        assertThat(counters.get("slack", "resendsAvoided")).isEqualTo(1);
    }

    @Test
    void shouldRefuseMuteRuleWithoutReasonOwnerOrExpiry() {
        assertThatThrownBy(() -> new MuteRule("x", List.of("1"), null, null, null, null, " ", "bob", NOW))
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> new MuteRule("x", List.of("1"), null, null, null, null, "r", null, NOW))
                .hasMessageContaining("owner");
        assertThatThrownBy(() -> new MuteRule("x", List.of("1"), null, null, null, null, "r", "bob", null))
                .hasMessageContaining("expiry");
        assertThatThrownBy(() -> new MuteRule("x", null, null, null, null, null, "r", "bob", NOW))
                .hasMessageContaining("matches everything");
    }

    @Test
    void shouldParkFindingThePlannerCannotHandleAndDeliverTheRest() throws Exception {
        hook = Receiver.ok("");
        slack = Receiver.ok("ok");
        Finding ok = TestFindings.passRole();
        Finding noCloud = new Finding("missing-grant-nocloud", ok.kind(), ok.status(), null, ok.principal(), ok.scenarioId(),
                ok.scenarioTitle(), ok.missing(), ok.confidence(), ok.ranking(), ok.evidence(), null, "v", null, null, ok.updatedAt());
        List<String> parked = new ArrayList<>();
        DeliveryCounters counters = new DeliveryCounters();
        try (AlertPipeline p = pipeline(new Router(List.of(), List.of("hook")), MuteRules.none(), counters)) {
            p.process(List.of(noCloud, ok), r -> { }, (c, r, f, k) -> parked.add(c + ":" + f.id() + ":" + r));
        }
        assertThat(parked).containsExactly("planner:missing-grant-nocloud:planner error: IllegalArgumentException");
        assertThat(hook.accepted()).hasSize(1);
        assertThat(counters.get("pipeline", "plannerErrors")).isEqualTo(1);
    }
}
