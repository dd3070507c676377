package io.grantwatch.alerts.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * R14: signature golden vectors. Standard Webhooks: the specification's published vector. DingTalk
 * and Feishu publish their algorithms (official Java/Python/Go snippets) but no fixed vector, so the
 * expected values were computed independently with Python's hmac/base64/urllib from those snippets:
 * <pre>
 * dingtalk: base64(hmac(secret, f"{ts}\n{secret}", sha256)) then quote_plus
 * feishu:   base64(hmac(f"{ts}\n{secret}".encode(), b"", sha256))
 * </pre>
 */
class SignaturesTest {
    @Test
    void shouldMatchStandardWebhooksPublishedVectorWhenSigning() {
        String sig = Signatures.standardWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));
        assertThat(sig).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void shouldMatchDingTalkVectorWithMillisecondTimestampAndUrlEncoding() {
        String sign = Signatures.dingTalk("SEC6816d5f8c552a52f6deb9d5d0e2faac0c9030bb6d3515efeeee4845c35a4c07b", 1700000000123L);
        assertThat(sign).isEqualTo("3rpMv4jNBsvVdO8UhL%2FJXMO0hMaeO%2B4CrJyYmiTxkN8%3D");
    }

    @Test
    void shouldMatchFeishuVectorWithKeyedEmptyMessage() {
        assertThat(Signatures.feishu("demo-feishu-secret-7f3c", 1700000000L)).isEqualTo("FO01PWNodSxj2UW3ekXkpo4LQYs/4VRrawcc4LdlLBM=");
    }

    @Test
    void shouldDifferWhenSchemesAreConfused() {
        // the two chat schemes are easy to confuse: same inputs, different constructions
        String secret = "s3cr3t";
        long ts = 1700000000L;
        String feishu = Signatures.feishu(secret, ts);
        String dingAsIfSeconds = URLDecoder.decode(Signatures.dingTalk(secret, ts), StandardCharsets.UTF_8);
        assertThat(feishu).isNotEqualTo(dingAsIfSeconds);
    }
}
