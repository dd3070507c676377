package io.grantwatch.alerts.channel;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/** Channels of every type pointed at one base URL, for payload and receiver tests. */
public final class TestChannels {
    public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    public static final Duration TIMEOUT = Duration.ofMillis(800);
    public static final String DING_SECRET = "SEC6816d5f8c552a52f6deb9d5d0e2faac0c9030bb6d3515efeeee4845c35a4c07b";
    public static final String FEISHU_SECRET = "demo-feishu-secret-7f3c";
    public static final String HOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private TestChannels() {
    }

    public static WebhookChannel webhook(String base, RateLimits limits) {
        return new WebhookChannel("hook", Secret.of("test:hook-url", base + "/hook"), Secret.of("test:hook-key", HOOK_SECRET), HTTP,
                TIMEOUT, limits, 0);
    }

    public static SlackChannel slack(String base, RateLimits limits) {
        return new SlackChannel("slack", Secret.of("test:slack-url", base + "/services/T000/B000/XXXX"), HTTP, TIMEOUT, limits, 0);
    }

    public static DingTalkChannel dingtalk(String base, RateLimits limits) {
        return new DingTalkChannel("ding", Secret.of("test:ding-url", base + "/robot/send?access_token=tok123"),
                Secret.of("test:ding-secret", DING_SECRET), HTTP, TIMEOUT, limits, 0);
    }

    public static FeishuChannel feishu(String base, RateLimits limits) {
        return new FeishuChannel("feishu", Secret.of("test:feishu-url", base + "/open-apis/bot/v2/hook/abc"),
                Secret.of("test:feishu-secret", FEISHU_SECRET), HTTP, TIMEOUT, limits, 0);
    }

    public static WeComChannel wecom(String base, RateLimits limits) {
        return new WeComChannel("wecom", Secret.of("test:wecom-url", base + "/cgi-bin/webhook/send?key=k1"), HTTP, TIMEOUT, limits, 0);
    }

    public static List<Channel> allHttp(String base) {
        return List.of(webhook(base, null), slack(base, null), dingtalk(base, null), feishu(base, null), wecom(base, null));
    }
}
