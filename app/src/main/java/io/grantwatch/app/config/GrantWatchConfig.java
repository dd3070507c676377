package io.grantwatch.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.ingest.http.HttpReceiver;
import io.grantwatch.ingest.http.ServerLimits;
import io.grantwatch.model.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GrantWatch's settings, typed and immutable, built by {@link ConfigLoader} from defaults, a YAML
 * file, {@code GRANTWATCH_*} environment variables and flags (in that order; later wins).
 *
 * @param dataDir  root of local state
 * @param kafka    cluster and client pass-through
 * @param embedded the embedded broker (used when {@code kafka.bootstrapServers} is empty)
 * @param topics   topic naming and sizing
 * @param http     the HTTP server
 * @param detector the Kafka Streams detector
 * @param ingest   sources
 * @param alerts   console and channels
 * @param report   scheduled drift reports
 * @param catalog  catalog override
 * @param logLevel level of {@code io.grantwatch} loggers
 */
public record GrantWatchConfig(
        Path dataDir,
        Kafka kafka,
        Embedded embedded,
        TopicSettings topics,
        Http http,
        Detector detector,
        Ingest ingest,
        Alerts alerts,
        Report report,
        Catalog catalog,
        String logLevel) {

    /**
     * @param bootstrapServers the cluster to join; empty means start the embedded broker
     * @param client           Kafka client settings without the {@code kafka.} prefix (may hold secrets: never log)
     */
    public record Kafka(Optional<String> bootstrapServers, Map<String, String> client) {
        public Kafka {
            client = Map.copyOf(client);
        }

        public boolean embedded() {
            return bootstrapServers.isEmpty();
        }
    }

    public record Embedded(Path dataDir, int port, int controllerPort) {
    }

    /** @param replication -1 = broker default */
    public record TopicSettings(String prefix, int partitions, short replication) {
        public Topics registry() {
            return Topics.withPrefix(prefix);
        }
    }

    /**
     * @param port      0 = any free port, -1 = disabled
     * @param authToken secret reference (env:NAME / file:/path) of the API token; empty = none
     */
    public record Http(String host, int port, String authToken) {
        public Http(String host, int port) {
            this(host, port, "");
        }

        public Http {
            authToken = authToken == null ? "" : authToken;
        }

        public boolean enabled() {
            return port >= 0;
        }
    }

    public record Detector(String applicationId, int threads, boolean exactlyOnce, Path stateDir) {
    }

    /**
     * @param httpPort           the push receiver's port, -1 = off
     * @param tailSettle         how long a watched file's incomplete last line waits for its newline
     * @param followLinksOutside follow symlinks out of a watched folder
     * @param receiver           the push receiver's caps and timeouts
     * @param recordMaxBytes     largest single record ({@code ingest.record.max.bytes})
     * @param checkpointRetention a gone file's watch checkpoint entry is kept this long after its last modification
     * @param checkpointInterval a watch checkpoint is written at most this often
     * @param kafkaMaxBlock      how long ingest's producer may block in a send (max.block.ms, unless kafka.* sets it)
     */
    public record Ingest(List<Path> watch, Path checkpointDir, String httpHost, int httpPort, Duration tailSettle,
                         boolean followLinksOutside, Receiver receiver, int recordMaxBytes, Duration checkpointRetention,
                         Duration checkpointInterval, Duration kafkaMaxBlock) {
        public Ingest {
            watch = List.copyOf(watch);
        }

        /** The parse limits with {@link #recordMaxBytes()}. */
        public io.grantwatch.ingest.IngestLimits limits() {
            return io.grantwatch.ingest.IngestLimits.DEFAULTS.withMaxRecordBytes(recordMaxBytes);
        }

        /** Settings of ingest's producer: the Kafka client settings, with {@link #kafkaMaxBlock()} unless they set max.block.ms. */
        public Map<String, Object> producerSettings(Map<String, Object> client) {
            Map<String, Object> c = new HashMap<>(client);
            c.putIfAbsent(org.apache.kafka.clients.producer.ProducerConfig.MAX_BLOCK_MS_CONFIG, kafkaMaxBlock.toMillis());
            return c;
        }
    }

    /**
     * The push receiver's caps and timeouts ({@code ingest.http.*}).
     *
     * @param maxBodyBytes            larger bodies get 413
     * @param maxRecords              records one push may hold; more: 413
     * @param maxDeadLetters          dead letters one push may produce
     * @param maxRequestsPerClient    requests under way per client address; more: 429
     * @param maxConnections          open connections in all
     * @param maxConnectionsPerClient open connections per client address
     * @param idleTimeout             a connection without traffic this long is closed
     * @param headerTimeout           request line and headers must arrive within this long of their first byte
     * @param bodyTimeout             the body must arrive within this long of the headers (else 408)
     * @param ackTimeout              how long to wait for Kafka before 503
     * @param firstByteTimeout        a connection that sends nothing within this long of opening is closed
     * @param maxDecompressedBytes    a gzip body may decompress to at most this many bytes (else 413)
     */
    public record Receiver(int maxBodyBytes, int maxRecords, int maxDeadLetters, int maxRequestsPerClient,
                           int maxConnections, int maxConnectionsPerClient, Duration idleTimeout, Duration headerTimeout,
                           Duration bodyTimeout, Duration ackTimeout, Duration firstByteTimeout, int maxDecompressedBytes) {

        /** The receiver's configuration with these caps: {@code POST path} on {@code host:port}. */
        public HttpReceiver.Config receiverConfig(String host, int port, String path, String sharedSecret, String hmacSecret) {
            ServerLimits limits = ServerLimits.DEFAULTS.withTimeouts(idleTimeout, headerTimeout, bodyTimeout)
                    .withConnections(maxConnections, maxConnectionsPerClient).withFirstByteTimeout(firstByteTimeout);
            return new HttpReceiver.Config(host, port, path, sharedSecret, hmacSecret, maxBodyBytes, ackTimeout, null,
                    HttpReceiver.Config.DEFAULT_TOLERANCE, maxRecords, maxDeadLetters, maxRequestsPerClient, limits, null,
                    maxDecompressedBytes);
        }
    }

    /** @param channels the raw channel list, validated by the alerts module (null when none) */
    public record Alerts(boolean console, JsonNode channels) {
    }

    /** @param interval {@link Duration#ZERO} = no scheduled reports */
    public record Report(Duration interval, Path dir) {
    }

    /** @param dir catalog data to publish instead of the bundled catalog */
    public record Catalog(Optional<Path> dir) {
    }

    /** The defaults alone: what {@code grantwatch run} uses with no file, variables or flags. */
    public static GrantWatchConfig defaults() {
        return ConfigLoader.builder().load();
    }
}
