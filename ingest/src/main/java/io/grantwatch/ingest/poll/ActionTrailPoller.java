package io.grantwatch.ingest.poll;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.ingest.source.AuditSink;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * ActionTrail {@code LookupEvents} (API 2020-07-06, RPC style) over java.net.http:
 * {@code GET <endpoint>/?Action=LookupEvents&Version=2020-07-06&StartTime&EndTime&MaxResults=50&NextToken…},
 * signed with Alibaba Cloud's RPC signature (HMAC-SHA1, SignatureVersion 1.0). Response
 * {@code {RequestId, Events:[…], NextToken}}; an empty or missing NextToken ends the window.
 *
 * <p>Why not the official SDK ({@code com.aliyun:actiontrail20200706}): the version Maven Central
 * serves here (2.0.0) pulls okhttp 3.12 (end of life), a JaCoCo runtime agent, bcprov-jdk15on 1.65
 * (clashing with the bcprov-jdk18on of Huawei's SDK in one shaded jar), JAXB 2.3 and gson into the
 * production classpath, for one signed GET. The REST shape and the signature are documented and small.
 */
public final class ActionTrailPoller extends ApiPoller {
    private final URI endpoint;
    private final String accessKeyId;
    private final String accessKeySecret;
    private final String region;

    /**
     * @param endpoint e.g. {@code https://actiontrail.cn-hangzhou.aliyuncs.com} (tests: a local server)
     */
    public ActionTrailPoller(URI endpoint, String region, String accessKeyId, String accessKeySecret, AuditSink sink,
                             Path checkpointFile, Timing timing, Clock clock) {
        super(sink, checkpointFile, timing, clock);
        this.endpoint = endpoint;
        this.region = region;
        this.accessKeyId = accessKeyId;
        this.accessKeySecret = accessKeySecret;
    }

    @Override
    public String name() {
        return "actiontrail-lookupevents:" + region;
    }

    @Override
    protected Hints hints() {
        return new Hints(Cloud.ALIBABA, region, null, null);
    }

    @Override
    protected Page fetch(Instant from, Instant to, String token) throws IOException, InterruptedException {
        Map<String, String> q = new TreeMap<>();
        q.put("Action", "LookupEvents");
        q.put("Version", "2020-07-06");
        q.put("Format", "JSON");
        q.put("StartTime", from.truncatedTo(ChronoUnit.SECONDS).toString());
        q.put("EndTime", to.truncatedTo(ChronoUnit.SECONDS).toString());
        q.put("MaxResults", "50");
        if (token != null) {
            q.put("NextToken", token);
        }
        q.put("AccessKeyId", accessKeyId);
        q.put("SignatureMethod", "HMAC-SHA1");
        q.put("SignatureVersion", "1.0");
        q.put("SignatureNonce", UUID.randomUUID().toString());
        q.put("Timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        q.put("RegionId", region);
        String canonical = canonicalQuery(q);
        String signature = sign("GET&" + percent("/") + "&" + percent(canonical), accessKeySecret + "&");
        URI uri = URI.create(endpoint.toString().replaceAll("/+$", "") + "/?" + canonical + "&Signature=" + percent(signature));
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("LookupEvents answered HTTP " + r.statusCode());
        }
        JsonNode body = Json.wire().readTree(r.body());
        String next = body.path("NextToken").asText(null);
        return new Page(r.body(), next);
    }

    /** Alibaba's percent-encoding: RFC 3986 unreserved kept, space as %20, {@code *} as %2A, {@code ~} kept. */
    static String percent(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    static String canonicalQuery(Map<String, String> sorted) {
        StringJoiner j = new StringJoiner("&");
        sorted.forEach((k, v) -> j.add(percent(k) + "=" + percent(v)));
        return j.toString();
    }

    static String sign(String stringToSign, String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
