package io.grantwatch.alerts.dispatch;

import io.grantwatch.alerts.channel.RateLimits;
import io.grantwatch.alerts.channel.RetryPolicy;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The alerts configuration file (YAML, strict: unknown keys fail with their path). Secrets are
 * references only ({@code env:NAME}, {@code file:/path}).
 *
 * <pre>
 * channels:
 *   - {name: ops-slack, type: slack, url: env:SLACK_WEBHOOK_URL}
 *   - {name: ding, type: dingtalk, url: env:DING_URL, secret: env:DING_SECRET}
 *   - name: mail
 *     type: email
 *     smtp: {host: smtp.example.com, port: 587, username: gw, password: env:SMTP_PASSWORD, startTls: true,
 *            from: grantwatch@example.com, to: [ops@example.com]}
 * routes:
 *   - {name: prod-high, accounts: ["1234*"], minSeverity: MEDIUM, channels: [ops-slack, ding]}
 * mutes:
 *   - {id: sandbox, accounts: ["999*"], reason: sandbox account, owner: alice, expires: 2027-01-01T00:00:00Z}
 *   - {id: one-finding, findings: [missing-grant-0a1b2c*], reason: known, owner: bob, expires: 2027-01-01T00:00:00Z}
 * retry: {base: PT1S, cap: PT5M, maxAttempts: 6, budget: PT90S}
 * </pre>
 */
public record AlertsConfig(List<ChannelConfig> channels, List<RouteRule> routes, List<MuteRule> mutes, RetryPolicy retry,
        Duration timeout, Long rateMarginMillis) {
    public AlertsConfig {
        channels = channels == null ? List.of() : List.copyOf(channels);
        routes = routes == null ? List.of() : List.copyOf(routes);
        mutes = mutes == null ? List.of() : List.copyOf(mutes);
        retry = retry == null ? RetryPolicy.defaults() : retry;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        rateMarginMillis = rateMarginMillis == null ? 50L : rateMarginMillis;
        long distinct = channels.stream().map(ChannelConfig::name).distinct().count();
        if (distinct != channels.size()) {
            throw new IllegalArgumentException("channel names must be unique");
        }
    }

    /** One channel. {@code url}, {@code secret} and {@code smtp.password} are secret references. */
    public record ChannelConfig(String name, String type, String url, String secret, List<RateLimits.Window> limits,
            Integer maxPayloadBytes, Smtp smtp) {
    }

    /** SMTP settings of an e-mail channel. */
    public record Smtp(String host, Integer port, String username, String password, Boolean startTls, String from, List<String> to) {
    }

    public static AlertsConfig load(Path file) throws IOException {
        return Json.strictYaml().readValue(file.toFile(), AlertsConfig.class);
    }

    public static AlertsConfig empty() {
        return new AlertsConfig(List.of(), List.of(), List.of(), null, null, null);
    }
}
