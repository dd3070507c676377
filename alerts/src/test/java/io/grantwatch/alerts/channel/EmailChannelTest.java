package io.grantwatch.alerts.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.grantwatch.alerts.TestFindings;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** E-mail against GreenMail, a real SMTP server on loopback, with authentication. */
class EmailChannelTest {
    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP)
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("gw", "s3cret-pass"));

    private final RemediationPlanner planner = new RemediationPlanner();

    private EmailChannel channel(String password) {
        return new EmailChannel("mail", new EmailChannel.Smtp("127.0.0.1", MAIL.getSmtp().getPort(), "gw",
                Secret.of("test:smtp", password), false, "grantwatch@example.com", List.of("ops@example.com"), Duration.ofSeconds(5)), null);
    }

    @Test
    void shouldDeliverMultipartMailWithKeyHeaderWhenSmtpAccepts() throws Exception {
        Finding f = TestFindings.passRole();
        Alert a = Alert.of(f, planner.plan(f));
        List<String> delivered = new ArrayList<>();
        new ChannelSender(channel("s3cret-pass"), RetryPolicy.defaults(), new DeliveryCounters(), Pacer.SYSTEM, 0)
                .deliver(List.of(a), delivered::addAll, (k, r) -> { });
        assertThat(delivered).containsExactly(a.idempotencyKey());
        MimeMessage[] got = MAIL.getReceivedMessages();
        assertThat(got).hasSize(1);
        assertThat(got[0].getSubject()).startsWith("GrantWatch [MEDIUM] missing grant: alice");
        assertThat(got[0].getHeader("X-GrantWatch-Idempotency-Key")[0]).isEqualTo(a.idempotencyKey());
        String raw = GreenMailUtil.getWholeMessage(got[0]);
        assertThat(raw).contains("multipart/alternative", "text/html");
        assertThat(GreenMailUtil.getBody(got[0])).contains("acs:ram::*:role/DswOssRole");
    }

    @Test
    void shouldKeepSubjectSingleLineAndBodyInertWhenFindingIsHostile() throws Exception {
        Finding f = TestFindings.hostile(Cloud.HUAWEI);
        Alert a = Alert.of(f, planner.plan(f));
        new ChannelSender(channel("s3cret-pass"), RetryPolicy.defaults(), new DeliveryCounters(), Pacer.SYSTEM, 0)
                .deliver(List.of(a), k -> { }, (k, r) -> { });
        MimeMessage m = MAIL.getReceivedMessages()[0];
        assertThat(m.getHeader("Injected-Header")).isNull();
        String raw = GreenMailUtil.getWholeMessage(m);
        assertThat(raw).doesNotContain("<script>", "<!channel>", "@all", "<at user_id");
    }

    @Test
    void shouldParkAndNotLeakPasswordWhenAuthenticationFails() throws Exception {
        Finding f = TestFindings.passRole();
        List<String> reasons = new ArrayList<>();
        new ChannelSender(channel("wrong-pass"), RetryPolicy.defaults(), new DeliveryCounters(), Pacer.SYSTEM, 0)
                .deliver(List.of(Alert.of(f, planner.plan(f))), k -> { }, (k, r) -> reasons.add(r));
        assertThat(reasons).singleElement().asString().contains("authentication").doesNotContain("wrong-pass");
    }
}
