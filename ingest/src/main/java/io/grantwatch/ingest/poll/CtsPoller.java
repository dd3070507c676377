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
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CTS {@code ListTraces} (v3) over java.net.http:
 * {@code GET <endpoint>/v3/{project_id}/traces?trace_type=system&limit=200&from=<ms>&to=<ms>&next=<marker>},
 * signed with Huawei Cloud's AK/SK scheme (SDK-HMAC-SHA256 over the canonical request, {@code X-Sdk-Date}).
 * Response {@code {traces:[…], meta_data:{count, marker}}}; an empty or missing marker ends the window.
 *
 * <p>Why not the official SDK ({@code com.huaweicloud.sdk:huaweicloud-sdk-cts}, 3.1.130 here): its core
 * pulls Jackson 2.14 (we pin 2.19), slf4j 1.7, snakeyaml and openEuler's bgmprovider with
 * bcprov-jdk18on, which duplicates the BouncyCastle classes the Alibaba SDK brings; for one signed GET.
 */
public final class CtsPoller extends ApiPoller {
    private static final DateTimeFormatter SDK_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final URI endpoint;
    private final String projectId;
    private final String ak;
    private final String sk;
    private final String traceType;

    /**
     * @param endpoint e.g. {@code https://cts.cn-north-4.myhuaweicloud.com} (tests: a local server)
     * @param traceType {@code system} (management traces) or {@code data}
     */
    public CtsPoller(URI endpoint, String projectId, String traceType, String ak, String sk, AuditSink sink,
                     Path checkpointFile, Timing timing, Clock clock) {
        super(sink, checkpointFile, timing, clock);
        this.endpoint = endpoint;
        this.projectId = projectId;
        this.traceType = traceType == null ? "system" : traceType;
        this.ak = ak;
        this.sk = sk;
    }

    @Override
    public String name() {
        return "cts-listtraces:" + projectId + ":" + traceType;
    }

    @Override
    protected Hints hints() {
        return new Hints(Cloud.HUAWEI, null, null, null);
    }

    @Override
    protected Page fetch(Instant from, Instant to, String marker) throws IOException, InterruptedException {
        Map<String, String> q = new TreeMap<>();
        q.put("trace_type", traceType);
        q.put("limit", "200");
        q.put("from", Long.toString(from.toEpochMilli()));
        q.put("to", Long.toString(to.toEpochMilli()));
        if (marker != null) {
            q.put("next", marker);
        }
        String path = "/v3/" + encode(projectId) + "/traces";
        String query = canonicalQuery(q);
        String date = SDK_DATE.format(Instant.now());
        String host = endpoint.getPort() > 0 ? endpoint.getHost() + ":" + endpoint.getPort() : endpoint.getHost();
        String canonicalRequest = "GET\n" + path + "/\n" + query + "\n"
                + "host:" + host + "\n" + "x-sdk-date:" + date + "\n\n"
                + "host;x-sdk-date\n" + hex(sha256(new byte[0]));
        String stringToSign = "SDK-HMAC-SHA256\n" + date + "\n" + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        String signature = hex(hmac(sk, stringToSign));
        URI uri = URI.create(endpoint.toString().replaceAll("/+$", "") + path + "?" + query);
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("X-Sdk-Date", date)
                .header("Authorization", "SDK-HMAC-SHA256 Access=" + ak + ", SignedHeaders=host;x-sdk-date, Signature=" + signature)
                .GET().build();
        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("ListTraces answered HTTP " + r.statusCode());
        }
        JsonNode body = Json.wire().readTree(r.body());
        JsonNode m = body.path("meta_data").path("marker");
        return new Page(r.body(), m.isNull() || m.isMissingNode() ? null : m.asText());
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    static String canonicalQuery(Map<String, String> sorted) {
        StringJoiner j = new StringJoiner("&");
        sorted.forEach((k, v) -> j.add(encode(k) + "=" + encode(v)));
        return j.toString();
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(String key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
