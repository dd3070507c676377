package io.grantwatch.alerts.dispatch;

import io.grantwatch.alerts.channel.Channel;
import io.grantwatch.alerts.channel.ChannelType;
import io.grantwatch.alerts.channel.DingTalkChannel;
import io.grantwatch.alerts.channel.EmailChannel;
import io.grantwatch.alerts.channel.FeishuChannel;
import io.grantwatch.alerts.channel.RateLimits;
import io.grantwatch.alerts.channel.Secret;
import io.grantwatch.alerts.channel.SecretResolver;
import io.grantwatch.alerts.channel.SlackChannel;
import io.grantwatch.alerts.channel.WeComChannel;
import io.grantwatch.alerts.channel.WebhookChannel;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Builds channels from configuration, resolving secret references; errors name the channel and key. */
public final class ChannelFactory {
    private ChannelFactory() {
    }

    public static List<Channel> build(AlertsConfig config, SecretResolver secrets, HttpClient http) {
        return config.channels().stream().map(c -> build(c, secrets, http, config.timeout())).toList();
    }

    public static Channel build(AlertsConfig.ChannelConfig c, SecretResolver secrets, HttpClient http, Duration timeout) {
        if (c.name() == null || c.name().isBlank() || c.type() == null) {
            throw new IllegalArgumentException("every channel needs a name and a type");
        }
        ChannelType type;
        try {
            type = ChannelType.parse(c.type());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("channels." + c.name() + ".type: unknown type " + c.type() + " (one of "
                    + Arrays.stream(ChannelType.values()).map(t -> t.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", ")) + ")", e);
        }
        RateLimits limits = c.limits() == null || c.limits().isEmpty() ? null : new RateLimits(c.limits());
        int max = c.maxPayloadBytes() == null ? 0 : c.maxPayloadBytes();
        if (type == ChannelType.EMAIL) {
            AlertsConfig.Smtp s = c.smtp();
            if (s == null || s.host() == null || s.from() == null || s.to() == null) {
                throw new IllegalArgumentException("channels." + c.name() + ".smtp: host, from and to are required");
            }
            Secret password = s.password() == null ? null : secret(secrets, c.name(), "smtp.password", s.password());
            return new EmailChannel(c.name(), new EmailChannel.Smtp(s.host(), s.port() == null ? 587 : s.port(), s.username(), password,
                    s.startTls() == null || s.startTls(), s.from(), s.to(), timeout), limits);
        }
        Secret url = secret(secrets, c.name(), "url", c.url());
        Secret key = c.secret() == null ? null : secret(secrets, c.name(), "secret", c.secret());
        return switch (type) {
            case WEBHOOK -> new WebhookChannel(c.name(), url, key, http, timeout, limits, max);
            case SLACK -> new SlackChannel(c.name(), url, http, timeout, limits, max);
            case DINGTALK -> new DingTalkChannel(c.name(), url, key, http, timeout, limits, max);
            case FEISHU -> new FeishuChannel(c.name(), url, key, http, timeout, limits, max);
            case WECOM -> new WeComChannel(c.name(), url, http, timeout, limits, max);
            case EMAIL -> throw new IllegalStateException("handled above");
        };
    }

    private static Secret secret(SecretResolver secrets, String channel, String key, String ref) {
        try {
            return secrets.resolve(ref);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("channels." + channel + "." + key + ": " + e.getMessage(), e);
        }
    }
}
