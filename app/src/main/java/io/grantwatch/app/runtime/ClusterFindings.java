package io.grantwatch.app.runtime;

import io.grantwatch.app.config.GrantWatchConfig;
import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.detector.streams.DetectorTopology;
import io.grantwatch.detector.streams.StoredFindings;
import io.grantwatch.model.Finding;
import io.grantwatch.model.json.Json;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open findings of every detector instance of one application id. Each instance's {@code principal-findings}
 * store holds the findings of the partitions it owns; Kafka Streams' metadata ({@code application.server},
 * which {@code run} sets to its HTTP address) says which other instances host a part of it, and each is
 * asked the same query with {@code scope=local}. So any instance answers for all. An instance that does not
 * answer within {@link #TIMEOUT} is named in {@link Answer#unavailable()}, and the answer holds the rest.
 */
public final class ClusterFindings {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterFindings.class);
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** The query parameter that keeps a query on the instance it is sent to (what instances send each other). */
    public static final String SCOPE = "scope";

    /** Findings in the order found (this instance's first), each id once; the instances that did not answer. */
    public record Answer(List<Finding> findings, List<String> unavailable) {
    }

    private final Supplier<StoredFindings> local;
    private final Supplier<Collection<HostInfo>> others;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    ClusterFindings(Supplier<StoredFindings> local, Supplier<Collection<HostInfo>> others, String token) {
        this.local = local;
        this.others = others;
        this.token = token;
    }

    /** This instance's store only (one instance, or a test). */
    public static ClusterFindings localOnly(Supplier<StoredFindings> local) {
        return new ClusterFindings(local, List::of, null);
    }

    /** Every instance that hosts {@code principal-findings}, {@code self} answered from the local store. */
    public static ClusterFindings of(DetectorRunner runner, HostInfo self, String token) {
        return new ClusterFindings(runner::storedFindings, () -> runner.streams()
                .streamsMetadataForStore(DetectorTopology.PRINCIPAL_FINDINGS).stream().map(StreamsMetadata::hostInfo)
                .filter(h -> h.port() > 0 && !h.equals(self)).distinct().toList(), token);
    }

    /** The local store (throws Kafka's InvalidStateStoreException while it is not queryable). */
    public StoredFindings local() {
        return local.get();
    }

    /**
     * The local findings {@code localQuery} selects, then every other instance's answer to
     * {@code /api/findings?<rawQuery>&scope=local} (the same filters, applied there).
     */
    public Answer query(Function<StoredFindings, List<Finding>> localQuery, String rawQuery, boolean localOnly) {
        Map<String, Finding> merged = new LinkedHashMap<>();
        localQuery.apply(local.get()).forEach(f -> merged.putIfAbsent(f.id(), f));
        List<String> unavailable = new ArrayList<>();
        if (!localOnly) {
            for (HostInfo other : others.get()) {
                Optional<Finding[]> answer = ask(other, "/api/findings", rawQuery, Finding[].class);
                if (answer.isEmpty()) {
                    unavailable.add(other.host() + ":" + other.port());
                    continue;
                }
                for (Finding f : answer.get()) {
                    merged.putIfAbsent(f.id(), f);
                }
            }
        }
        return new Answer(List.copyOf(merged.values()), List.copyOf(unavailable));
    }

    /** One finding by id: the local store, else the first other instance that holds it. */
    public Optional<Finding> get(String id, boolean localOnly) {
        Optional<Finding> here = local.get().get(id);
        if (here.isPresent() || localOnly) {
            return here;
        }
        for (HostInfo other : others.get()) {
            Optional<Finding> there = ask(other, "/api/findings/" + URLEncoder.encode(id, StandardCharsets.UTF_8), null, Finding.class);
            if (there.isPresent()) {
                return there;
            }
        }
        return Optional.empty();
    }

    private <T> Optional<T> ask(HostInfo instance, String path, String rawQuery, Class<T> type) {
        // a scope the caller gave is replaced (a repeated parameter is a 400)
        String filters = rawQuery == null ? "" : Arrays.stream(rawQuery.split("&"))
                .filter(p -> !p.equals(SCOPE) && !p.startsWith(SCOPE + "=")).collect(Collectors.joining("&"));
        String query = (filters.isEmpty() ? "" : filters + "&") + SCOPE + "=local";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + instance.host() + ":" + instance.port() + path
                + "?" + query)).timeout(TIMEOUT).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return Optional.of(Json.wire().readValue(response.body(), type));
            }
            if (response.statusCode() != 404) {
                LOG.warn("Findings instance {}:{} answered {} to {}", instance.host(), instance.port(), response.statusCode(), path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Findings instance {}:{} did not answer {}: {}", instance.host(), instance.port(), path, e.toString());
        }
        return Optional.empty();
    }

    /**
     * This instance's findings address as the others reach it: {@code kafka.application.server} when configured (a name
     * the peers resolve, such as a StatefulSet pod's), else the HTTP bind address (the host name when it binds every
     * interface) and the port it got.
     */
    public static HostInfo advertised(GrantWatchConfig config, int boundPort) {
        Object configured = config.kafka().client().get(StreamsConfig.APPLICATION_SERVER_CONFIG);
        return configured != null ? HostInfo.buildFromEndpoint(configured.toString()) : new HostInfo(advertisedHost(config.http().host()), boundPort);
    }

    /** The address other instances reach this one's HTTP server at: the bind address, or the host name when it binds every interface. */
    static String advertisedHost(String bindHost) {
        if (bindHost == null || bindHost.isBlank() || bindHost.equals("0.0.0.0") || bindHost.equals("::")) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
        return bindHost;
    }
}
