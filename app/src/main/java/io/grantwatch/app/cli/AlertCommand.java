package io.grantwatch.app.cli;

import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.SecretResolver;
import io.grantwatch.alerts.dispatch.AlertsConfig;
import io.grantwatch.alerts.dispatch.AlertsService;
import io.grantwatch.alerts.dispatch.Dispatcher;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.alerts.remediation.TrustPolicySource;
import io.grantwatch.app.config.ConfigException;
import io.grantwatch.app.config.ConfigKeys;
import io.grantwatch.app.config.ConfigLoader;
import io.grantwatch.app.config.GrantWatchConfig;
import io.grantwatch.app.console.ActionLog;
import io.grantwatch.app.console.FindingsView;
import io.grantwatch.app.runtime.RoleEndpoints;
import io.grantwatch.app.runtime.TopicSetup;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.model.catalog.CatalogIndex;
import io.grantwatch.model.text.UnsafeText;
import io.grantwatch.model.topic.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code grantwatch alert}: reads {@code findings}, writes {@code remediations}, delivers to the
 * channels of {@code --channels FILE} (alerts YAML: channels, routes, mutes, retry; secrets as
 * env:/file: references) until interrupted. Progress lives in the consumer group: stop and
 * restart at any time. Exit 0 after a clean stop, 1 when it stopped on an error, 2 for unusable arguments.
 */
@Command(name = "alert", mixinStandardHelpOptions = true,
        description = "Turn findings into remediations and deliver them to the configured channels.")
public final class AlertCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka cluster (key kafka.bootstrap.servers, also from --config / GRANTWATCH_* like every command).")
    String bootstrapServers;

    @Option(names = "--channels", paramLabel = "FILE",
            description = "Alerts YAML (channels, routes, mutes, retry). Without it only the remediations topic is written.")
    Path channels;

    @Option(names = "--topic-prefix", description = "Prefix of every GrantWatch topic (key topics.prefix; default: none).")
    String topicPrefix;

    @Option(names = "--group-id", defaultValue = "grantwatch-alerts",
            description = "Consumer group holding delivery progress (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "HTTP port for /healthz, /readyz, /metrics; 0 any, -1 off (key http.port, default 18080).")
    Integer httpPort;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE", hidden = true,
            description = "Older spelling of --set kafka.KEY=VALUE (every command takes --set).")
    Map<String, String> kafka = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        GrantWatchConfig app;
        try {
            ConfigLoader loader = configOptions.loader()
                    .flag(ConfigKeys.BOOTSTRAP_SERVERS.name(), bootstrapServers)
                    .flag(ConfigKeys.TOPICS_PREFIX.name(), topicPrefix)
                    .flag(ConfigKeys.HTTP_PORT.name(), httpPort);
            SecretFlags.checkSettings(new PrintWriter(System.err, true), "alert", "--kafka", kafka);
            kafka.forEach((k, v) -> loader.flag(ConfigKeys.KAFKA_PREFIX + k, v));
            app = loader.load();
        } catch (ConfigException e) {
            System.err.println("grantwatch alert: " + e.getMessage());
            return ScanCommand.USAGE;
        }
        if (app.kafka().bootstrapServers().isEmpty()) {
            System.err.println("grantwatch alert: no Kafka cluster (--bootstrap-servers, kafka.bootstrap.servers or "
                    + "GRANTWATCH_BOOTSTRAP_SERVERS)");
            return ScanCommand.USAGE;
        }
        AlertsConfig config;
        try {
            config = channels == null ? AlertsConfig.empty() : AlertsConfig.load(channels);
        } catch (Exception e) {
            System.err.println("grantwatch alert: cannot use " + channels + ": "
                    + UnsafeText.escaped(String.valueOf(e.getMessage())));
            return ScanCommand.USAGE;
        }
        DeliveryCounters counters = new DeliveryCounters();
        Topics topics = Topics.withPrefix(app.topics().prefix());
        String bootstrap = app.kafka().bootstrapServers().get();
        // the mutes decided in the findings console (run's), read from finding-actions, count like the configured ones
        FindingsView console = new FindingsView();
        Map<String, Object> client = new LinkedHashMap<>(app.kafka().client());
        client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        ActionLog decisions = new ActionLog(client, topics.findingActions(), console);
        Dispatcher dispatcher;
        try {
            TopicSetup.ensure(client, app); // finding-actions among them, when run has not created it yet
            decisions.start();
            dispatcher = AlertsService.start(bootstrap, topics, groupId, config, SecretResolver.system(), new LinkedHashMap<>(app.kafka().client()),
                    counters, new RemediationPlanner(TrustPolicySource.NONE, new CatalogIndex(CatalogLoader.loadBundled())),
                    () -> console.muteRules(Instant.now()));
        } catch (IllegalArgumentException | KafkaException e) {
            System.err.println("grantwatch alert: " + e.getMessage());
            decisions.close();
            return ScanCommand.USAGE;
        }
        Optional<RoleEndpoints> endpoints;
        try {
            endpoints = RoleEndpoints.start(app, "alert", app.kafka().bootstrapServers().get());
        } catch (IllegalStateException e) {
            System.err.println("grantwatch alert: " + e.getMessage());
            dispatcher.close();
            return ScanCommand.USAGE;
        }
        endpoints.ifPresent(e -> e.ready("dispatcher", dispatcher::consuming));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dispatcher.close();
            decisions.close();
            System.err.println("grantwatch alert: stopped; " + counters);
        }, "grantwatch-alert-shutdown"));
        try {
            return dispatcher.awaitStop().isPresent() ? 1 : 0;
        } finally {
            endpoints.ifPresent(RoleEndpoints::close);
        }
    }
}
