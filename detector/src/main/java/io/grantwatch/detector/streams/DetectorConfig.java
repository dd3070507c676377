package io.grantwatch.detector.streams;

import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.model.topic.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Typed, immutable settings of the detector. Kafka's own client settings pass through untouched in
 * {@link #kafka} (they win over the defaults below, except the error handling that keeps poison
 * records out of the way and in the dead-letter topic).
 *
 * @param applicationId    Kafka Streams application id (consumer group, internal topic prefix)
 * @param bootstrapServers Kafka bootstrap servers
 * @param stateDir         where RocksDB state lives
 * @param exactlyOnce      {@code exactly_once_v2} (default) or {@code at_least_once}
 * @param threads          stream threads
 * @param settings         the inference's windows, caps and grace
 * @param kafka            further Kafka Streams / client settings, passed through
 */
public record DetectorConfig(
        String applicationId,
        String bootstrapServers,
        Path stateDir,
        boolean exactlyOnce,
        int threads,
        DetectorSettings settings,
        Map<String, String> kafka) {

    public DetectorConfig {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(settings, "settings");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        kafka = kafka == null ? Map.of() : Map.copyOf(kafka);
    }

    public static DetectorConfig defaults(String bootstrapServers) {
        return new DetectorConfig("grantwatch-detector", bootstrapServers, null, true, 1, DetectorSettings.defaults(), Map.of());
    }

    public DetectorConfig withApplicationId(String id) {
        return new DetectorConfig(id, bootstrapServers, stateDir, exactlyOnce, threads, settings, kafka);
    }

    public DetectorConfig withStateDir(Path dir) {
        return new DetectorConfig(applicationId, bootstrapServers, dir, exactlyOnce, threads, settings, kafka);
    }

    public DetectorConfig withSettings(DetectorSettings s) {
        return new DetectorConfig(applicationId, bootstrapServers, stateDir, exactlyOnce, threads, s, kafka);
    }

    public DetectorConfig withExactlyOnce(boolean eos) {
        return new DetectorConfig(applicationId, bootstrapServers, stateDir, eos, threads, settings, kafka);
    }

    public DetectorConfig withKafka(Map<String, String> extra) {
        return new DetectorConfig(applicationId, bootstrapServers, stateDir, exactlyOnce, threads, settings, extra);
    }

    /** The Kafka Streams properties: naming enforced, EOS v2, handlers that continue and feed the dead-letter topic ({@link DeadLetters}). */
    public Properties toProperties(Topics topics) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        if (bootstrapServers != null) {
            p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        if (stateDir != null) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        }
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        // A task reads audit-events, inventory and the one repartition topic it feeds itself (by-account:
        // the few records keyed otherwise than by their account); it must not wait to align their timestamps
        // (the engine orders by event time itself, within the grace). Waiting can stall a task on a by-account
        // partition whose only "data" is a transaction marker.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        p.put(StreamsConfig.CLIENT_ID_CONFIG, clientId(applicationId, kafka));
        p.putAll(kafka);
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.OnDeserialization.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.OnProcessing.class);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.detectorDlq().name());
        return p;
    }

    private static final Map<String, AtomicInteger> CLIENT_IDS = new ConcurrentHashMap<>();

    /**
     * A client id that survives a restart, so that metrics series ({@code client_id} labels) and broker quotas do not
     * change with each start: Kafka Streams' default ends in a random process UUID. The application id and the static
     * member id ({@code group.instance.id}), else the host name (a pod's name); a second detector in one JVM gets a suffix.
     */
    static String clientId(String applicationId, Map<String, String> kafka) {
        String member = null;
        for (String key : List.of("group.instance.id", StreamsConfig.consumerPrefix("group.instance.id"),
                StreamsConfig.mainConsumerPrefix("group.instance.id"))) {
            if (kafka.get(key) != null && !kafka.get(key).isBlank()) {
                member = kafka.get(key);
            }
        }
        if (member == null) {
            member = System.getenv("HOSTNAME");
        }
        if (member == null || member.isBlank()) {
            try {
                member = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                member = "local";
            }
        }
        String base = (applicationId + "-" + member).replaceAll("[^A-Za-z0-9._-]", "_");
        int n = CLIENT_IDS.computeIfAbsent(base, k -> new AtomicInteger()).getAndIncrement();
        return n == 0 ? base : base + "-" + (n + 1);
    }
}
