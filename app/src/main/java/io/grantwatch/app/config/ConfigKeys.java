package io.grantwatch.app.config;

import io.grantwatch.app.config.ConfigKey.Type;
import io.grantwatch.model.redact.SecretVocabulary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every GrantWatch configuration key, in one place. README.md's configuration table is generated
 * from this list ({@code grantwatch config keys --markdown}); a test keeps the two in step.
 *
 * <p>Besides these keys, everything under {@code kafka.} passes through to the Kafka clients
 * (producer, consumer, admin, Streams) with the prefix removed, e.g. {@code kafka.security.protocol}.
 * Those names are checked against Kafka's own client config definitions.
 */
public final class ConfigKeys {
    public static final String KAFKA_PREFIX = "kafka.";

    public static final ConfigKey DATA_DIR = key("data.dir", Type.PATH, "~/.grantwatch",
            "Where GrantWatch keeps state: embedded Kafka (kafka/), Streams state (streams/), ingest checkpoints, reports.");
    public static final ConfigKey BOOTSTRAP_SERVERS = key("kafka.bootstrap.servers", Type.STRING, "",
            "Kafka cluster to join (host:port,...). Empty: start the embedded single-node Kafka. "
                    + "Env alias GRANTWATCH_BOOTSTRAP_SERVERS; flag --bootstrap-servers.");
    public static final ConfigKey EMBEDDED_PORT = key("embedded.port", Type.PORT, "19092",
            "Client port of the embedded Kafka on 127.0.0.1 (not 9092, which a local Kafka often has). Flag --kafka-port.");
    public static final ConfigKey EMBEDDED_CONTROLLER_PORT = key("embedded.controller.port", Type.PORT, "19093",
            "KRaft controller port of the embedded Kafka on 127.0.0.1. Flag --kafka-controller-port.");
    public static final ConfigKey TOPICS_PREFIX = key("topics.prefix", Type.STRING, "",
            "Prefix of every GrantWatch topic, for several deployments on one cluster.");
    public static final ConfigKey TOPICS_PARTITIONS = key("topics.partitions", Type.INT, "3",
            "Partitions of topics GrantWatch creates; the upper bound of detector parallelism.");
    public static final ConfigKey TOPICS_REPLICATION = key("topics.replication", Type.INT, "-1",
            "Replication factor of topics GrantWatch creates; -1 = the broker default (1 on the embedded Kafka).");
    public static final ConfigKey HTTP_HOST = key("http.host", Type.STRING, "127.0.0.1",
            "Address of the HTTP server (/healthz, /readyz, /metrics, API, dashboard).");
    public static final ConfigKey HTTP_PORT = key("http.port", Type.PORT, "18080",
            "Port of the HTTP server; 0 = any free port, -1 = no HTTP server. Flag --http-port.");
    public static final ConfigKey HTTP_AUTH_TOKEN = key("http.auth.token", Type.STRING, "",
            "Secret reference (env:NAME or file:/path) of the token the findings API and dashboard require "
                    + "(Authorization: Bearer, or the password of HTTP Basic auth); /healthz, /readyz, /metrics stay open. "
                    + "Required when http.host is not a loopback address.");
    public static final ConfigKey DETECTOR_APPLICATION_ID = key("detector.application.id", Type.STRING,
            "grantwatch-detector", "Kafka Streams application id of the detector (its consumer group).");
    public static final ConfigKey DETECTOR_THREADS = key("detector.threads", Type.INT, "1",
            "Kafka Streams threads of the detector in this process.");
    public static final ConfigKey DETECTOR_EXACTLY_ONCE = key("detector.exactly.once", Type.BOOL, "true",
            "Exactly-once processing (exactly_once_v2); false = at-least-once.");
    public static final ConfigKey INGEST_WATCH = key("ingest.watch", Type.LIST, "",
            "Folders to watch for ActionTrail / CTS files (JSON, JSON Lines, gzip), comma-separated or a YAML list.");
    public static final ConfigKey INGEST_TAIL_SETTLE = key("ingest.tail.settle", Type.DURATION, "30s",
            "How long a watched file's incomplete last line (no newline yet) waits for the writer before it is read as it "
                    + "is; a file that does not end with a newline waits as long. Flag --tail-settle.");
    public static final ConfigKey INGEST_FOLLOW_LINKS_OUTSIDE = key("ingest.follow.links.outside", Type.BOOL, "false",
            "Follow symlinks in a watched folder that lead outside it (off: each is skipped and reported once). "
                    + "Flag --follow-links-outside.");
    public static final ConfigKey INGEST_RECORD_MAX_BYTES = key(io.grantwatch.ingest.IngestLimits.RECORD_MAX_BYTES_KEY, Type.INT,
            Integer.toString(io.grantwatch.ingest.IngestLimits.DEFAULT_RECORD_MAX_BYTES),
            "Largest single record ingest reads (a JSON Lines line, an array element, a pushed record), in bytes; a larger "
                    + "one is dead-lettered with its position and this limit, and the rest of its file is read.");
    public static final ConfigKey INGEST_CHECKPOINT_RETENTION = key("ingest.checkpoint.retention", Type.DURATION, "7d",
            "How long a watch checkpoint keeps the entry of a file that is gone from the watched folder, counted from the "
                    + "file's last modification (a file that comes back within it is not read again).");
    public static final ConfigKey INGEST_CHECKPOINT_INTERVAL = key("ingest.checkpoint.interval", Type.DURATION, "1s",
            "A watch checkpoint is written at most this often, and after each scan of the folder, when ingest stops and "
                    + "when Kafka fails; a crash re-sends at most what Kafka acknowledged since (same event ids).");
    public static final ConfigKey INGEST_HTTP_PORT = key("ingest.http.port", Type.PORT, "-1",
            "Port of run's HTTP receiver for pushed ActionTrail / CTS events (POST /events); -1 = off. Needs "
                    + "GRANTWATCH_HTTP_SECRET or GRANTWATCH_HTTP_HMAC_SECRET in the environment.");
    public static final ConfigKey INGEST_HTTP_HOST = key("ingest.http.host", Type.STRING, "127.0.0.1",
            "Address of run's HTTP receiver.");
    public static final ConfigKey INGEST_HTTP_MAX_BODY_BYTES = key("ingest.http.max.body.bytes", Type.INT, "5242880",
            "Largest body the push receiver reads; a larger one gets 413. Flag --http-max-body (ingest).");
    public static final ConfigKey INGEST_HTTP_MAX_RECORDS = key("ingest.http.max.records", Type.INT, "10000",
            "Records (events and rejects) one push may hold; more: 413, refused whole with one dead letter saying so.");
    public static final ConfigKey INGEST_HTTP_MAX_DEAD_LETTERS = key("ingest.http.max.dead.letters", Type.INT, "100",
            "Dead letters one push may produce; its further rejects are summarised in one more.");
    public static final ConfigKey INGEST_HTTP_MAX_REQUESTS_PER_CLIENT = key("ingest.http.max.requests.per.client", Type.INT, "4",
            "Requests one client address may have under way at the push receiver at once; more: 429.");
    public static final ConfigKey INGEST_HTTP_MAX_CONNECTIONS = key("ingest.http.max.connections", Type.INT, "1024",
            "Connections the push receiver holds open at once; beyond that it accepts none until one closes.");
    public static final ConfigKey INGEST_HTTP_MAX_CONNECTIONS_PER_CLIENT = key("ingest.http.max.connections.per.client",
            Type.INT, "32", "Connections one client address may hold open at the push receiver; more are closed at once "
                    + "(clients behind one NAT address share them).");
    public static final ConfigKey INGEST_HTTP_IDLE_TIMEOUT = key("ingest.http.idle.timeout", Type.DURATION, "30s",
            "A push receiver connection on which nothing arrives for this long is closed.");
    public static final ConfigKey INGEST_HTTP_HEADER_TIMEOUT = key("ingest.http.header.timeout", Type.DURATION, "10s",
            "A request line and headers must reach the push receiver within this long of their first byte, however "
                    + "slowly they trickle; else the connection is closed.");
    public static final ConfigKey INGEST_HTTP_BODY_TIMEOUT = key("ingest.http.body.timeout", Type.DURATION, "10s",
            "A push's whole body must arrive within this long of its headers; else 408 and the connection is closed.");
    public static final ConfigKey INGEST_HTTP_FIRST_BYTE_TIMEOUT = key("ingest.http.first.byte.timeout", Type.DURATION, "5s",
            "A push receiver connection that sends nothing at all within this long of opening is closed (silent sockets "
                    + "cannot hold the connections for the whole idle timeout). Near ingest.http.max.connections the "
                    + "connections idle the longest are closed too, so a new client gets in.");
    public static final ConfigKey INGEST_HTTP_MAX_DECOMPRESSED_BYTES = key("ingest.http.max.decompressed.bytes", Type.INT,
            "67108864", "Largest size a gzip push body may decompress to; more: 413. Its records are counted decompressed "
                    + "(against ingest.http.max.records).");
    public static final ConfigKey INGEST_KAFKA_MAX_BLOCK = key("ingest.kafka.max.block", Type.DURATION, "5s",
            "How long ingest's producer may block in a send when Kafka is unreachable and no metadata is cached (its "
                    + "max.block.ms, Kafka's default 60s); then a push gets 503 with Retry-After. kafka.max.block.ms, when "
                    + "set, wins.");
    public static final ConfigKey INGEST_HTTP_ACK_TIMEOUT = key("ingest.http.ack.timeout", Type.DURATION, "30s",
            "How long the push receiver waits for Kafka to acknowledge a push before it answers 503 (the sender retries).");
    public static final ConfigKey CATALOG_DIR = key("catalog.dir", Type.PATH, "",
            "Catalog data folder to publish instead of the bundled catalog.");
    public static final ConfigKey ALERTS_CONSOLE = key("alerts.console", Type.BOOL, "true",
            "Print findings and their remediations on the console (run).");
    public static final ConfigKey ALERTS_CHANNELS = key("alerts.channels", Type.RAW, "",
            "Alert channels (Slack, DingTalk, Feishu, WeCom, webhook, e-mail) as a YAML list; see \"Alert channels\".");
    public static final ConfigKey REPORT_INTERVAL = key("report.interval", Type.DURATION, "24h",
            "How often run writes a drift report (e.g. 30m, 24h, PT6H); 0 = never.");
    public static final ConfigKey REPORT_DIR = key("report.dir", Type.PATH, "",
            "Where scheduled reports are written; empty = <data.dir>/reports.");
    public static final ConfigKey LOG_LEVEL = key("log.level", Type.STRING, "INFO",
            "Log level of GrantWatch's own loggers (TRACE, DEBUG, INFO, WARN, ERROR).");

    public static final List<ConfigKey> ALL = List.of(DATA_DIR, BOOTSTRAP_SERVERS, EMBEDDED_PORT,
            EMBEDDED_CONTROLLER_PORT, TOPICS_PREFIX, TOPICS_PARTITIONS, TOPICS_REPLICATION, HTTP_HOST, HTTP_PORT,
            HTTP_AUTH_TOKEN,
            DETECTOR_APPLICATION_ID, DETECTOR_THREADS, DETECTOR_EXACTLY_ONCE, INGEST_WATCH, INGEST_TAIL_SETTLE,
            INGEST_FOLLOW_LINKS_OUTSIDE, INGEST_RECORD_MAX_BYTES, INGEST_CHECKPOINT_RETENTION, INGEST_CHECKPOINT_INTERVAL,
            INGEST_HTTP_PORT,
            INGEST_HTTP_HOST, INGEST_HTTP_MAX_BODY_BYTES, INGEST_HTTP_MAX_RECORDS, INGEST_HTTP_MAX_DEAD_LETTERS,
            INGEST_HTTP_MAX_REQUESTS_PER_CLIENT, INGEST_HTTP_MAX_CONNECTIONS, INGEST_HTTP_MAX_CONNECTIONS_PER_CLIENT,
            INGEST_HTTP_IDLE_TIMEOUT, INGEST_HTTP_HEADER_TIMEOUT, INGEST_HTTP_BODY_TIMEOUT, INGEST_HTTP_FIRST_BYTE_TIMEOUT,
            INGEST_HTTP_MAX_DECOMPRESSED_BYTES, INGEST_HTTP_ACK_TIMEOUT, INGEST_KAFKA_MAX_BLOCK,
            CATALOG_DIR,
            ALERTS_CONSOLE, ALERTS_CHANNELS, REPORT_INTERVAL, REPORT_DIR, LOG_LEVEL);

    private static final Map<String, ConfigKey> BY_NAME = new LinkedHashMap<>();

    static {
        for (ConfigKey key : ALL) {
            BY_NAME.put(key.name(), key);
        }
    }

    /** Kafka Streams' prefixes for settings of one of its clients or its internal topics. */
    private static final List<String> KAFKA_CLIENT_PREFIXES = List.of("producer.", "consumer.", "main.consumer.",
            "restore.consumer.", "global.consumer.", "admin.", "topic.");

    private static final Set<String> KAFKA_CLIENT_NAMES = kafkaClientNames();

    private ConfigKeys() {
    }

    public static Optional<ConfigKey> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** True for {@code kafka.*} keys that are GrantWatch's own rather than client pass-through. */
    public static boolean isKafkaPassThrough(String name) {
        return name.startsWith(KAFKA_PREFIX) && !BY_NAME.containsKey(name);
    }

    /** Whether {@code name} (without {@code kafka.}) is a setting some Kafka client understands. */
    public static boolean isKnownKafkaClientSetting(String name) {
        if (KAFKA_CLIENT_NAMES.contains(name)) {
            return true;
        }
        for (String prefix : KAFKA_CLIENT_PREFIXES) {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                return true;
            }
        }
        return false;
    }

    /** Key names whose values are secrets, never printed nor echoed in errors: the redactor's one vocabulary. */
    public static boolean isSecret(String name) {
        return SecretVocabulary.isSecret(name);
    }

    /** Every setting a Kafka client or Kafka Streams understands (without {@code kafka.}), for did-you-mean. */
    public static Set<String> kafkaClientSettings() {
        return KAFKA_CLIENT_NAMES;
    }

    private static Set<String> kafkaClientNames() {
        Set<String> names = new TreeSet<>();
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        names.addAll(StreamsConfig.configDef().names());
        return names;
    }

    private static ConfigKey key(String name, Type type, String defaultValue, String doc) {
        return new ConfigKey(name, type, defaultValue, doc);
    }

    /** The README table: key, environment variable, default, meaning. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder();
        out.append("| Key | Environment | Default | Meaning |\n|---|---|---|---|\n");
        for (ConfigKey key : ALL) {
            out.append("| `").append(key.name()).append("` | `").append(key.envName()).append("` | ")
                    .append(key.defaultValue().isEmpty() ? "" : "`" + key.defaultValue() + "`").append(" | ")
                    .append(key.doc().replace("|", "\\|")).append(" |\n");
        }
        out.append("| `kafka.*` | `GRANTWATCH_KAFKA_*` | | Any Kafka client setting, passed through with the prefix removed "
                + "(e.g. `kafka.security.protocol`, `kafka.sasl.mechanism`, `kafka.ssl.truststore.location`). |\n");
        return out.toString();
    }
}
