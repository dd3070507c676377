package io.grantwatch.app.runtime;

import io.grantwatch.app.config.GrantWatchConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a split role ({@code ingest}, {@code detect}, {@code alert}) serves beside its work: the
 * {@code /healthz}, {@code /readyz} and {@code /metrics} of {@code run}, on {@code http.host}:{@code http.port}
 * ({@code --http-port}; -1 turns it off). Ready means Kafka answers and every check the role registers
 * passes; the role's Kafka clients report to {@code /metrics}.
 */
public final class RoleEndpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoleEndpoints.class);
    private final Health health = new Health();
    private final Metrics metrics = new Metrics();
    private final AdminClient admin;
    private final HttpServer http;

    private final boolean servesFindings;
    private volatile boolean starting = true;

    private RoleEndpoints(GrantWatchConfig.Http settings, String role, String bootstrapServers, Map<String, ?> client, String findingsToken,
                          boolean findings) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = (AdminClient) Admin.create(config);
        metrics.bindAdmin(admin, role);
        health.register("kafka", () -> ClusterWait.reachable(admin));
        // not ready until the role has registered the check of its own work (ready(...)): /readyz must not say 200 before
        health.register("startup", () -> !starting);
        this.servesFindings = findings;
        try {
            this.http = findings ? HttpServer.start(settings.host(), settings.port(), health, metrics, findingsToken)
                    : HttpServer.startOperations(settings.host(), settings.port(), health, metrics, role);
        } catch (RuntimeException e) {
            admin.close(Duration.ofSeconds(2));
            metrics.close();
            throw e;
        }
    }

    /** Starts the endpoints, or nothing when {@code http.port} is -1. */
    public static Optional<RoleEndpoints> start(GrantWatchConfig config, String role, String bootstrapServers) {
        if (!config.http().enabled()) {
            return Optional.empty();
        }
        return Optional.of(new RoleEndpoints(config.http(), role, bootstrapServers, config.kafka().client(), null, false));
    }

    /**
     * As {@link #start}, on a server that may also serve findings ({@code detect}): it does when {@code http.auth.token}
     * is set or the address is loopback (the rule of {@code run}'s server); beyond loopback without a token it serves
     * the operations endpoints only, and says so.
     */
    public static Optional<RoleEndpoints> startServingFindings(GrantWatchConfig config, String role, String bootstrapServers) {
        if (!config.http().enabled()) {
            return Optional.empty();
        }
        String token = GrantWatchRuntime.apiToken(config.http());
        boolean findings = token != null || HttpServer.isLoopback(config.http().host());
        if (!findings) {
            LOG.info("{}: http.host {} is beyond loopback and http.auth.token is not set: /healthz, /readyz and /metrics only, "
                    + "no findings console or API", role, config.http().host());
        }
        return Optional.of(new RoleEndpoints(config.http(), role, bootstrapServers, config.kafka().client(), token, findings));
    }

    /** Whether the server may carry the findings API and console (see {@link #startServingFindings}). */
    public boolean servesFindings() {
        return servesFindings;
    }

    public HttpServer http() {
        return http;
    }

    /** Adds the readiness check of the role's own work (the detector running, the dispatcher consuming, ...), the last step of its start. */
    public RoleEndpoints ready(String component, BooleanSupplier check) {
        health.register(component, check);
        starting = false;
        return this;
    }

    public Metrics metrics() {
        return metrics;
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        http.close();
        admin.close(Duration.ofSeconds(2));
        metrics.close();
    }
}
