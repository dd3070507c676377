package io.grantwatch.alerts.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grantwatch.alerts.Receiver;
import io.grantwatch.alerts.TestFindings;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.Finding;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Webhook URLs and signing keys never reach log lines, exception messages or toString. */
class SecretsNotLoggedTest {
    private static final String TOKEN = "tok-SUPERSECRET-4711";
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void capture() {
        logs.start();
        root.addAppender(logs);
        ((Logger) LoggerFactory.getLogger("io.grantwatch")).setLevel(ch.qos.logback.classic.Level.DEBUG);
    }

    @AfterEach
    void release() {
        root.detachAppender(logs);
        ((Logger) LoggerFactory.getLogger("io.grantwatch")).setLevel(ch.qos.logback.classic.Level.INFO);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void shouldKeepUrlAndKeysOutOfLogsAndErrorsWhenDeliveryFails() throws Exception {
        Finding f = TestFindings.passRole();
        Alert a = Alert.of(f, new RemediationPlanner().plan(f));
        String base = "http://127.0.0.1:" + closedPort();
        DingTalkChannel ding = new DingTalkChannel("ding", Secret.of("env:DING_URL", base + "/robot/send?access_token=" + TOKEN),
                Secret.of("env:DING_SECRET", "SEC" + TOKEN), TestChannels.HTTP, Duration.ofMillis(500), RateLimits.none(), 0);
        ChannelSender sender = new ChannelSender(ding, new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(10), 2, Duration.ofSeconds(2)),
                new DeliveryCounters(), Pacer.SYSTEM, 0);
        assertThatThrownBy(() -> sender.deliver(List.of(a), k -> { }, (k, r) -> { }))
                .isInstanceOf(DeliveryDeferred.class).satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
        try (Receiver refusing = new Receiver(r -> Receiver.Response.ok("{\"errcode\":300001,\"errmsg\":\"token is not exist\"}"))) {
            DingTalkChannel wrong = new DingTalkChannel("ding", Secret.of("env:DING_URL", refusing.url("/robot/send?access_token=" + TOKEN)),
                    Secret.of("env:DING_SECRET", "SEC" + TOKEN), TestChannels.HTTP, Duration.ofMillis(500), RateLimits.none(), 0);
            new ChannelSender(wrong, RetryPolicy.defaults(), new DeliveryCounters(), Pacer.SYSTEM, 0).deliver(List.of(a), k -> { }, (k, r) ->
                    assertThat(r).doesNotContain(TOKEN));
            assertThat(wrong.toString()).doesNotContain(TOKEN);
            assertThat(wrong.prepare(List.of(a), AlertFormatter.Detail.FULL, Instant.now()).toString()).doesNotContain(TOKEN);
        }
        assertThat(logs.list).isNotEmpty();
        for (ILoggingEvent e : logs.list) {
            assertThat(e.getFormattedMessage()).doesNotContain(TOKEN);
            if (e.getThrowableProxy() != null) {
                assertThat(e.getThrowableProxy().getMessage()).doesNotContain(TOKEN);
            }
        }
    }
}
