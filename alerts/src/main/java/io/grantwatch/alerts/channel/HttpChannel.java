package io.grantwatch.alerts.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The common HTTP half of the webhook-like channels: one POST per attempt on the JDK client with a
 * request timeout; status classification (2xx accepted; 408/425/429/5xx retry with Retry-After;
 * other 4xx permanent); subclasses read the vendors' in-body error codes.
 */
public abstract class HttpChannel implements Channel {
    private static final Set<Integer> RETRY_STATUS = Set.of(408, 425, 429, 500, 502, 503, 504);

    protected final String name;
    protected final Secret url;
    private final HttpClient client;
    private final Duration timeout;
    private final RateLimits limits;
    private final int maxPayloadBytes;

    protected HttpChannel(String name, Secret url, HttpClient client, Duration timeout, RateLimits limits, int maxPayloadBytes) {
        this.name = Objects.requireNonNull(name, "name");
        this.url = Objects.requireNonNull(url, "url");
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.limits = limits == null ? type().defaultLimits() : limits;
        this.maxPayloadBytes = maxPayloadBytes > 0 ? maxPayloadBytes : type().maxPayloadBytes();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public RateLimits limits() {
        return limits;
    }

    @Override
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    protected URI baseUri() {
        return URI.create(url.reveal());
    }

    @Override
    public SendResult send(Outbound message) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(message.uri()).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(message.body()));
        message.headers().forEach(b::header);
        try {
            HttpResponse<String> resp = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return classify(resp.statusCode(), resp.headers(), resp.body());
        } catch (HttpTimeoutException e) {
            return SendResult.retry(0, null, "timeout after " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return SendResult.retry(0, null, e.getClass().getSimpleName() + ": " + url.redact(String.valueOf(e.getMessage())));
        }
    }

    protected SendResult classify(int status, HttpHeaders headers, String body) {
        if (status >= 200 && status < 300) {
            return classifyBody(status, body);
        }
        Duration after = retryAfter(headers.firstValue("Retry-After"));
        if (RETRY_STATUS.contains(status)) {
            return SendResult.retry(status, after, "HTTP " + status);
        }
        return SendResult.permanent(status, "HTTP " + status + " " + snippet(body));
    }

    /** For 2xx: vendors that answer 200 with an error code in the body override this. */
    protected SendResult classifyBody(int status, String body) {
        return SendResult.accepted(status);
    }

    protected static Optional<JsonNode> json(String body) {
        try {
            return Optional.ofNullable(Json.wire().readTree(body));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The start of an error answer, for logs and the parked record: a server may echo the request, secret URL included. */
    protected String snippet(String body) {
        if (body == null) {
            return "";
        }
        String s = io.grantwatch.model.text.UnsafeText.oneLine(io.grantwatch.model.redact.Redactor.text(url.redact(body)));
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
    static Duration retryAfter(Optional<String> header) {
        if (header.isEmpty()) {
            return null;
        }
        String v = header.get().trim();
        try {
            long s = Long.parseLong(v);
            return s < 0 ? null : Duration.ofSeconds(s);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    protected static Map<String, String> noHeaders() {
        return Map.of();
    }

    @Override
    public String toString() {
        return type() + "[" + name + "]";
    }
}
