package io.grantwatch.alerts.channel;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The vendors' request signatures, as documented (perf-reliability.md B.4, R14). The two chat
 * schemes are easy to confuse: DingTalk signs {@code timestamp\nsecret} with the secret as key and
 * a millisecond timestamp; Feishu uses {@code timestamp\nsecret} as the key over an empty message
 * and a second timestamp. Neither covers the body.
 */
public final class Signatures {
    private Signatures() {
    }

    /** DingTalk custom robot 加签: URL-encoded Base64(HmacSHA256(key=secret, msg=ts + "\n" + secret)). */
    public static String dingTalk(String secret, long timestampMillis) {
        byte[] mac = hmac(secret.getBytes(StandardCharsets.UTF_8),
                (timestampMillis + "\n" + secret).getBytes(StandardCharsets.UTF_8));
        return URLEncoder.encode(Base64.getEncoder().encodeToString(mac), StandardCharsets.UTF_8);
    }

    /** Feishu/Lark custom bot: Base64(HmacSHA256(key=ts + "\n" + secret, msg=empty)), ts in seconds. */
    public static String feishu(String secret, long timestampSeconds) {
        byte[] mac = hmac((timestampSeconds + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]);
        return Base64.getEncoder().encodeToString(mac);
    }

    /**
     * Standard Webhooks: {@code v1,} + Base64(HmacSHA256(key, id + "." + ts + "." + body)); a secret
     * of the form {@code whsec_<base64>} is the base64 key, anything else its UTF-8 bytes.
     */
    public static String standardWebhook(String secret, String msgId, long timestampSeconds, byte[] body) {
        byte[] key = secret.startsWith("whsec_") ? Base64.getDecoder().decode(secret.substring(6))
                : secret.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = (msgId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] msg = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, msg, 0, prefix.length);
        System.arraycopy(body, 0, msg, prefix.length, body.length);
        return "v1," + Base64.getEncoder().encodeToString(hmac(key, msg));
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JVM", e);
        }
    }
}
