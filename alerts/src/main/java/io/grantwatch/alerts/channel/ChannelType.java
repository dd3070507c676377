package io.grantwatch.alerts.channel;

import java.time.Duration;
import java.util.Locale;

/**
 * The channel kinds with the vendors' documented limits (perf-reliability.md B.4): Slack 1/s,
 * DingTalk 20/min, Feishu 5/s and 100/min with bodies of at most 20 KB, WeCom 20/min with
 * markdown content of at most 4096 bytes.
 */
public enum ChannelType {
    WEBHOOK(RateLimits.none(), 256 * 1024),
    SLACK(RateLimits.of(1, Duration.ofSeconds(1)), 32 * 1024),
    DINGTALK(RateLimits.of(20, Duration.ofMinutes(1)), 20_000),
    FEISHU(RateLimits.of(5, Duration.ofSeconds(1)).and(100, Duration.ofMinutes(1)), 20 * 1024),
    WECOM(RateLimits.of(20, Duration.ofMinutes(1)), 4096),
    EMAIL(RateLimits.none(), 1024 * 1024);

    private final RateLimits defaultLimits;
    private final int maxPayloadBytes;

    ChannelType(RateLimits defaultLimits, int maxPayloadBytes) {
        this.defaultLimits = defaultLimits;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public RateLimits defaultLimits() {
        return defaultLimits;
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    public static ChannelType parse(String s) {
        String v = s.trim().toUpperCase(Locale.ROOT);
        return v.equals("LARK") ? FEISHU : valueOf(v);
    }
}
