package io.grantwatch.app.cli;

import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.alerts.remediation.TrustPolicySource;
import io.grantwatch.app.config.ConfigException;
import io.grantwatch.app.config.ConfigKeys;
import io.grantwatch.app.config.GrantWatchConfig;
import io.grantwatch.app.console.FindingsService;
import io.grantwatch.app.runtime.ClusterFindings;
import io.grantwatch.app.runtime.GrantWatchRuntime;
import io.grantwatch.app.runtime.RoleEndpoints;
import io.grantwatch.app.runtime.TopicSetup;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.streams.DetectorConfig;
import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.model.catalog.CatalogIndex;
import io.grantwatch.model.topic.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code grantwatch detect}: runs the detector topology ({@link DetectorRunner}) against a Kafka
 * cluster until interrupted. Several instances with the same {@code detector.application.id} share
 * the partitions. Reads {@code audit-events} and {@code catalog}; writes {@code findings},
 * {@code unmapped-denials} and {@code detector-dlq}. Settings come from the configuration
 * ({@code --config}, {@code GRANTWATCH_*}, {@code --set}) with the flags below on top. Exit 0 after
 * a clean stop, 1 when the detector stopped on an error, 2 for unusable settings.
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Run the detector (Kafka Streams): denials joined with the catalog become findings.")
public final class DetectCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka cluster (key kafka.bootstrap.servers); required: `run` is the command with an embedded broker.")
    String bootstrapServers;

    @Option(names = "--application-id", description = "Kafka Streams application id (key detector.application.id).")
    String applicationId;

    @Option(names = "--threads", description = "Stream threads (key detector.threads).")
    Integer threads;

    @Option(names = "--at-least-once", description = "at_least_once instead of exactly_once_v2 (key detector.exactly.once=false).")
    boolean atLeastOnce;

    @Option(names = "--grace", defaultValue = "PT30M", paramLabel = "DURATION",
            description = "Events older than a principal's newest minus this are counted, not used (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "HTTP port for /healthz, /readyz, /metrics; 0 any, -1 off (key http.port, default 18080).")
    Integer httpPort;

    @Option(names = "--create-topics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Create missing GrantWatch topics first (default: ${DEFAULT-VALUE}).")
    boolean createTopics;

    @Override
    public Integer call() throws InterruptedException {
        GrantWatchConfig config;
        try {
            config = configOptions.loader()
                    .flag(ConfigKeys.BOOTSTRAP_SERVERS.name(), bootstrapServers)
                    .flag(ConfigKeys.DETECTOR_APPLICATION_ID.name(), applicationId)
                    .flag(ConfigKeys.DETECTOR_THREADS.name(), threads)
                    .flag(ConfigKeys.DETECTOR_EXACTLY_ONCE.name(), atLeastOnce ? Boolean.FALSE : null)
                    .flag(ConfigKeys.HTTP_PORT.name(), httpPort)
                    .load();
        } catch (ConfigException e) {
            System.err.println("grantwatch detect: " + e.getMessage());
            return 2;
        }
        if (config.kafka().bootstrapServers().isEmpty()) {
            System.err.println("grantwatch detect: no Kafka cluster (--bootstrap-servers or kafka.bootstrap.servers); "
                    + "`grantwatch run` starts an embedded one");
            return 2;
        }
        if (grace.isNegative()) {
            System.err.println("grantwatch detect: --grace must not be negative");
            return 2;
        }
        String bootstrap = config.kafka().bootstrapServers().get();
        Topics topics = config.topics().registry();
        if (createTopics) {
            Map<String, Object> admin = new LinkedHashMap<>(config.kafka().client());
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            TopicSetup.ensure(admin, config);
        }
        // HTTP first: the findings API's address is the detector's application.server, which the other instances ask
        Optional<RoleEndpoints> endpoints;
        try {
            endpoints = RoleEndpoints.startServingFindings(config, "detect", bootstrap);
        } catch (IllegalStateException e) {
            System.err.println("grantwatch detect: " + e.getMessage());
            return 2;
        }
        GrantWatchConfig.Detector d = config.detector();
        Map<String, String> streams = new LinkedHashMap<>(config.kafka().client());
        Optional<HostInfo> self = endpoints.filter(RoleEndpoints::servesFindings).map(e -> ClusterFindings.advertised(config, e.port()));
        self.ifPresent(h -> streams.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, h.host() + ":" + h.port()));
        DetectorConfig detector = new DetectorConfig(d.applicationId(), bootstrap, d.stateDir(), d.exactlyOnce(), d.threads(),
                DetectorSettings.defaults().withGrace(grace), streams);
        DetectorRunner runner = new DetectorRunner(topics, detector);
        Runtime.getRuntime().addShutdownHook(new Thread(runner::close, "grantwatch-detect-shutdown"));
        runner.start();
        FindingsService findings = null;
        if (self.isPresent()) {
            // the console and /api/findings, as run serves them; its decisions go to finding-actions for the alert role
            Map<String, Object> client = new LinkedHashMap<>(config.kafka().client());
            client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            findings = new FindingsService(client, topics).start();
            findings.serve(endpoints.get().http(), runner, self.get(), GrantWatchRuntime.apiToken(config.http()),
                    new RemediationPlanner(TrustPolicySource.NONE, new CatalogIndex(CatalogLoader.loadBundled())), MuteRules.none());
        }
        endpoints.ifPresent(e -> {
            e.ready("detector", runner::running);
            e.metrics().bindStreams(runner.streams(), "detector");
        });
        try {
            while (!runner.awaitStop(Duration.ofSeconds(60))) {
                System.err.println("grantwatch detect: " + runner.state() + " " + runner.counters().snapshot());
            }
        } finally {
            if (findings != null) {
                findings.close();
            }
            endpoints.ifPresent(RoleEndpoints::close);
        }
        return runner.state() == KafkaStreams.State.ERROR ? 1 : 0;
    }
}
