package io.grantwatch.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.alerts.TestFindings;
import io.grantwatch.alerts.channel.Channel;
import io.grantwatch.alerts.channel.ChannelType;
import io.grantwatch.alerts.channel.SecretResolver;
import io.grantwatch.alerts.channel.TestChannels;
import io.grantwatch.model.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertsConfigTest {
    static final Path FIXTURE = Path.of("src/test/resources/fixtures/config/alerts.yaml");

    static Map<String, String> env(String base) {
        Map<String, String> env = new HashMap<>();
        env.put("GW_TEST_SLACK_URL", base + "/slack");
        env.put("GW_TEST_DING_URL", base + "/ding?access_token=t");
        env.put("GW_TEST_DING_SECRET", TestChannels.DING_SECRET);
        env.put("GW_TEST_FEISHU_URL", base + "/feishu");
        env.put("GW_TEST_FEISHU_SECRET", TestChannels.FEISHU_SECRET);
        env.put("GW_TEST_HOOK_URL", base + "/hook");
        env.put("GW_TEST_HOOK_KEY", TestChannels.HOOK_SECRET);
        env.put("GW_TEST_SMTP_PASSWORD", "pw");
        return env;
    }

    @Test
    void shouldBuildEveryChannelRouteAndMuteWhenConfigIsValid() throws Exception {
        AlertsConfig c = AlertsConfig.load(FIXTURE);
        List<Channel> channels = ChannelFactory.build(c, new SecretResolver(env("http://127.0.0.1:9")::get), TestChannels.HTTP);
        assertThat(channels).extracting(Channel::type).containsExactly(ChannelType.SLACK, ChannelType.DINGTALK, ChannelType.FEISHU,
                ChannelType.WEBHOOK, ChannelType.EMAIL);
        assertThat(channels.get(2).limits().windows()).hasSize(2);
        assertThat(channels.get(3).maxPayloadBytes()).isEqualTo(65536);
        assertThat(c.retry().base()).isEqualTo(Duration.ofMillis(20));
        Router router = new Router(c.routes(), channels.stream().map(Channel::name).toList());
        assertThat(router.channelsFor(TestFindings.obsGetObject())).containsExactlyInAnyOrder("feishu", "hook");
        assertThat(router.channelsFor(TestFindings.predictedBreakage())).containsExactlyInAnyOrder("ops-slack", "ding", "mail", "hook");
        assertThat(new MuteRules(c.mutes()).muting(TestFindings.easFullAccess(), TestFindings.T0)).isPresent();
        assertThat(channels.toString()).doesNotContain("127.0.0.1", TestChannels.DING_SECRET);
    }

    @Test
    void shouldNameTheKeyWhenConfigIsWrong(@TempDir Path dir) throws Exception {
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, Files.readString(FIXTURE).replace("minSeverity", "minSeverty"));
        assertThatThrownBy(() -> AlertsConfig.load(typo)).hasMessageContaining("minSeverty");
        AlertsConfig c = AlertsConfig.load(FIXTURE);
        Map<String, String> env = env("http://x");
        env.remove("GW_TEST_DING_SECRET");
        assertThatThrownBy(() -> ChannelFactory.build(c, new SecretResolver(env::get), TestChannels.HTTP))
                .hasMessageContaining("channels.ding.secret").hasMessageContaining("GW_TEST_DING_SECRET");
        Path literal = dir.resolve("literal.yaml");
        Files.writeString(literal, "channels: [{name: s, type: slack, url: 'https://hooks.slack.com/services/T/B/secret'}]\n");
        assertThatThrownBy(() -> ChannelFactory.build(AlertsConfig.load(literal), new SecretResolver(env::get), TestChannels.HTTP))
                .hasMessageContaining("channels.s.url").hasMessageNotContaining("hooks.slack.com");
    }

    @Test
    void shouldReadChannelsFromApplicationConfigNode() throws Exception {
        var node = Json.strictYaml().readTree("- {name: hook, type: webhook, url: env:GW_TEST_HOOK_URL}\n");
        AlertsConfig c = AlertsService.fromChannelsNode(node);
        assertThat(c.channels()).singleElement().satisfies(ch -> assertThat(ch.type()).isEqualTo("webhook"));
    }

    @Test
    void shouldLoadTheComposeAlertsFileWhenPresent() throws Exception {
        Path compose = Path.of("../deploy/alerts.yaml");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(compose), "deploy/alerts.yaml not in this checkout");
        AlertsConfig c = AlertsConfig.load(compose);
        assertThat(ChannelFactory.build(c, new SecretResolver(env("http://127.0.0.1:9")::get), TestChannels.HTTP)).hasSameSizeAs(c.channels());
    }
}
