package io.grantwatch.alerts.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.alerts.Receiver;
import io.grantwatch.alerts.channel.ChannelSender;
import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.Pacer;
import io.grantwatch.alerts.channel.RetryPolicy;
import io.grantwatch.alerts.channel.TestChannels;
import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportSchedulerTest {
    @Test
    void shouldWriteReportsCompareWithPreviousAndSendSummaryWhenRun(@TempDir Path dir) throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T00:00:00Z"));
        try (Receiver slack = Receiver.ok("ok"); Receiver hook = Receiver.ok("")) {
            DeliveryCounters counters = new DeliveryCounters();
            List<ChannelSender> senders = List.of(
                    new ChannelSender(TestChannels.slack(slack.url(""), null), RetryPolicy.defaults(), counters, Pacer.SYSTEM, 0),
                    new ChannelSender(TestChannels.webhook(hook.url(""), null), RetryPolicy.defaults(), counters, Pacer.SYSTEM, 0));
            ReportScheduler scheduler = new ReportScheduler(Duration.ofDays(7), dir,
                    Set.of(ReportRenderer.Format.MD, ReportRenderer.Format.HTML), ReportFixtures::week,
                    new ReportBuilder(new RemediationPlanner(), MuteRules.none()), senders, now::get);
            List<Path> first = scheduler.runOnce();
            assertThat(first).extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder("drift-20261122T000000Z.md", "drift-20261122T000000Z.html", "drift-20261122T000000Z.json");
            now.set(Instant.parse("2026-11-29T00:00:00Z"));
            List<Path> second = scheduler.runOnce();
            DriftReport r2 = Json.wire().readValue(second.stream().filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow()
                    .toFile(), DriftReport.class);
            assertThat(r2.baseline()).isEqualTo("previous report");
            assertThat(r2.newSinceLast()).isEmpty();
            assertThat(slack.accepted()).hasSize(2);
            assertThat(slack.accepted().get(0).body()).contains("GrantWatch drift report", "open: ");
            assertThat(hook.accepted().get(1).header("Idempotency-Key")).isEqualTo("drift-20261129T000000Z");
            assertThat(Files.readString(dir.resolve("drift-20261122T000000Z.html"))).contains("new Chart(");
            for (Receiver r : List.of(slack, hook)) {
                for (Receiver.Request q : r.accepted()) {
                    assertThat(q.body()).doesNotContain("<!channel>", "@all", "<script>", "\u202E");
                }
            }
        }
    }
}
