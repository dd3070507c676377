package io.grantwatch.alerts.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.alerts.TestFindings;
import io.grantwatch.alerts.escape.Escaper;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** R12: no injection string survives into any channel payload; payloads stay under each target's limit. */
class InjectionTest {
    static final List<String> FORBIDDEN = List.of("<!channel>", "<!here>", "<https://evil|x>", "@all", "<at user_id=\"all\">",
            "<at user_id=\\\"all\\\">", "<script>", "</script>", "\u202E", "\u0007", "\u0000", "\r\nInjected-Header");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\n]]|[\\u200B-\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uFEFF]");
    private final RemediationPlanner planner = new RemediationPlanner();

    private List<Alert> hostileAlerts() {
        List<Alert> out = new ArrayList<>();
        for (Cloud c : Cloud.values()) {
            Finding f = TestFindings.hostile(c);
            out.add(Alert.of(f, planner.plan(f)));
        }
        return out;
    }

    static void assertClean(String what, String wire) {
        for (String bad : FORBIDDEN) {
            assertThat(wire.contains(bad)).as("%s contains %s", what, bad).isFalse();
        }
        assertThat(Pattern.compile("A{2001}").matcher(wire).find()).as("%s carries the 100 KB string", what).isFalse();
        assertThat(CONTROL.matcher(wire.replace("\r\n", "\n")).find()).as("%s has control/bidi characters", what).isFalse();
    }

    @Test
    void shouldNeverLetInjectionSurviveWhenAnyChannelRendersHostileFinding() {
        List<Alert> alerts = hostileAlerts();
        List<Channel> channels = new ArrayList<>(TestChannels.allHttp("http://127.0.0.1:9"));
        channels.add(new EmailChannel("mail", new EmailChannel.Smtp("127.0.0.1", 25, null, null, false, "gw@example.com",
                List.of("ops@example.com"), null), null));
        int checked = 0;
        for (Channel ch : channels) {
            for (AlertFormatter.Detail d : AlertFormatter.Detail.values()) {
                for (List<Alert> msg : List.of(List.of(alerts.get(0)), List.of(alerts.get(1)), alerts)) {
                    Outbound o = ch.prepare(msg, d, Instant.parse("2026-11-20T08:00:00Z"));
                    assertClean(ch.name() + "/" + d + "/" + msg.size(), o.wireText());
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(6 * 3 * 3);
        Summary hostile = new Summary("report " + String.join(" ", io.grantwatch.alerts.TestFindings.INJECTIONS),
                List.of(String.join(" ", io.grantwatch.alerts.TestFindings.INJECTIONS), "A".repeat(100_000)), "drift-1");
        for (Channel ch : channels) {
            assertClean(ch.name() + "/summary", ch.prepareSummary(hostile, Instant.now()).wireText());
        }
    }

    @Test
    void shouldFitEveryTargetLimitWhenFindingCarries100KbStrings() throws Exception {
        List<Alert> alerts = hostileAlerts();
        for (Channel ch : TestChannels.allHttp("http://127.0.0.1:9")) {
            ChannelSender sender = new ChannelSender(ch, RetryPolicy.defaults(), new DeliveryCounters(), Pacer.SYSTEM, 0);
            for (ChannelSender.Fitted f : sender.fit(alerts)) {
                Outbound o = ch.prepare(f.alerts(), f.detail(), Instant.now());
                assertThat(o.body().length).as(ch.name()).isLessThanOrEqualTo(ch.maxPayloadBytes());
            }
        }
        assertThat(ChannelType.FEISHU.maxPayloadBytes()).isEqualTo(20 * 1024);
    }

    @Test
    void shouldEscapeEachFormatWhenGivenMentionsAndMarkup() {
        String s = "<!channel> & <https://evil|x> @all <at user_id=\"all\"> `x` [a](http://e) \u202Eabc\u0000";
        assertThat(Escaper.SLACK.escape(s)).isEqualTo("&lt;!channel&gt; &amp; &lt;https://evil|x&gt; \uFF20all &lt;at user_id=\"all\"&gt; \u02CBx\u02CB [a](http://e) abc");
        assertThat(Escaper.MARKDOWN.escape(s)).doesNotContain("<", ">", "[a]", "`").contains("&lt;at user\\_id".replace("\\_", "_"));
        assertThat(Escaper.HTML.escape(s)).doesNotContain("<", ">", "\"").contains("&quot;all&quot;");
        assertThat(Escaper.PLAIN.escape(s)).doesNotContain("<", ">", "@all");
        assertThat(Escaper.SLACK.escape("x".repeat(100_000), 50)).hasSize(51);
        assertThat(Escaper.HTML.escape("a\r\nb\tc")).isEqualTo("a b c");
    }
}
