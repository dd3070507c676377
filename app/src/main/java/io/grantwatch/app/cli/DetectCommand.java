package io.grantwatch.app.cli;

import io.grantwatch.app.runtime.TopicSetup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.streams.DetectorConfig;
import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.model.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grantwatch detect}: runs the detector topology ({@link DetectorRunner}) against a Kafka
 * cluster until interrupted. Several instances with the same {@code --application-id} share the
 * partitions. Reads {@code audit-events} and {@code catalog}; writes {@code findings},
 * {@code unmapped-denials} and {@code detector-dlq}. Exit 0 after a clean stop, 1 when the
 * detector stopped on an error, 2 for unusable arguments.
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Run the detector (Kafka Streams): denials joined with the catalog become findings.")
public final class DetectCommand implements Callable<Integer> {
    @Option(names = {"-b", "--bootstrap-servers"}, required = true, paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--application-id", defaultValue = "grantwatch-detector", description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every GrantWatch topic (default: none).")
    String topicPrefix;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the detector keeps its state stores.")
    Path stateDir;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--at-least-once", description = "Use at_least_once instead of exactly_once_v2.")
    boolean atLeastOnce;

    @Option(names = "--grace", defaultValue = "PT30M", paramLabel = "DURATION",
            description = "Events older than a principal's newest minus this are counted, not used (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--create-topics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Create missing GrantWatch topics first (default: ${DEFAULT-VALUE}).")
    boolean createTopics;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of topics this command creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE", description = "Further Kafka Streams or client settings, passed through.")
    Map<String, String> kafka = new LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        if (threads < 1 || partitions < 1 || grace.isNegative()) {
            System.err.println("grantwatch detect: --threads and --partitions must be at least 1, --grace not negative");
            return 2;
        }
        Topics topics = Topics.withPrefix(topicPrefix);
        if (createTopics) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                TopicSetup.ensure(admin, topics, partitions, (short) -1, Duration.ofSeconds(60));
            }
        }
        DetectorConfig config = new DetectorConfig(applicationId, bootstrapServers, stateDir, !atLeastOnce, threads,
                DetectorSettings.defaults().withGrace(grace), kafka);
        DetectorRunner runner = new DetectorRunner(topics, config);
        Thread hook = new Thread(runner::close, "grantwatch-detect-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        runner.start();
        while (!runner.awaitStop(Duration.ofSeconds(60))) {
            System.err.println("grantwatch detect: " + runner.state() + " " + runner.counters().snapshot());
        }
        return runner.state() == org.apache.kafka.streams.KafkaStreams.State.ERROR ? 1 : 0;
    }
}
