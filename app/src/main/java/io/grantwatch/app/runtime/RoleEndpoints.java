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

/**
 * What a split role ({@code ingest}, {@code detect}, {@code alert}) serves beside its work: the
 * {@code /healthz}, {@code /readyz} and {@code /metrics} of {@code run}, on {@code http.host}:{@code http.port}
 * ({@code --http-port}; -1 turns it off). Ready means Kafka answers and every check the role registers
 * passes; the role's Kafka clients report to {@code /metrics}.
 */
public final class RoleEndpoints implements AutoCloseable {
    private final Health health = new Health();
    private final Metrics metrics = new Metrics();
    private final AdminClient admin;
    private final HttpServer http;

    private RoleEndpoints(GrantWatchConfig.Http settings, String role, String bootstrapServers, Map<String, ?> client) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = (AdminClient) Admin.create(config);
        metrics.bindAdmin(admin, role);
        health.register("kafka", () -> ClusterWait.reachable(admin));
        try {
            this.http = HttpServer.startOperations(settings.host(), settings.port(), health, metrics, role);
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
        return Optional.of(new RoleEndpoints(config.http(), role, bootstrapServers, config.kafka().client()));
    }

    /** Adds a readiness check of the role's own work (the detector running, the dispatcher consuming, ...). */
    public RoleEndpoints ready(String component, BooleanSupplier check) {
        health.register(component, check);
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
