package io.grantwatch.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link GrantWatchConfig}. The precedence lives here and only here:
 *
 * <ol>
 *   <li>defaults ({@link ConfigKeys})</li>
 *   <li>the YAML file ({@code --config FILE} or {@code GRANTWATCH_CONFIG})</li>
 *   <li>environment variables {@code GRANTWATCH_<KEY>} ({@code http.port} = {@code GRANTWATCH_HTTP_PORT})</li>
 *   <li>flags ({@code --http-port}, ..., and {@code --set key=value})</li>
 * </ol>
 *
 * An unknown key, an unknown {@code GRANTWATCH_*} variable, an unknown Kafka client setting under
 * {@code kafka.} or a value of the wrong type is a {@link ConfigException} naming the key and the
 * source. Values of secret-looking keys are never echoed.
 */
public final class ConfigLoader {
    /** Variables that are not keys: the file itself. */
    public static final String CONFIG_ENV = "GRANTWATCH_CONFIG";
    private static final Map<String, String> ENV_ALIASES = Map.of("GRANTWATCH_BOOTSTRAP_SERVERS", "kafka.bootstrap.servers");
    /**
     * Variables that are secrets read directly by the command that needs them (never stored in the
     * configuration, so never printed by {@code config show}): the ingest HTTP receiver's tokens.
     */
    public static final Set<String> DIRECT_SECRET_ENV = Set.of("GRANTWATCH_HTTP_SECRET", "GRANTWATCH_HTTP_HMAC_SECRET");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** A raw value and where it came from, for error messages. */
    private record Raw(Object value, String source) {
    }

    private Path file;
    private Map<String, String> env = Map.of();
    private final Map<String, String> flags = new LinkedHashMap<>();
    /** Every problem found so far: all are reported at once. */
    private final List<ConfigException> problems = new ArrayList<>();
    private boolean checkChannels;
    /** Line of each dotted key in the YAML file, for messages. */
    private Map<String, Integer> lines = Map.of();

    private ConfigLoader() {
    }

    public static ConfigLoader builder() {
        return new ConfigLoader();
    }

    /** The YAML file; null for none. */
    public ConfigLoader file(Path file) {
        this.file = file;
        return this;
    }

    /** The process environment (only {@code GRANTWATCH_*} entries are read). */
    public ConfigLoader env(Map<String, String> env) {
        this.env = Map.copyOf(env);
        return this;
    }

    /** A flag value; null values are ignored (flag not given). */
    public ConfigLoader flag(String key, Object value) {
        if (value != null) {
            flags.put(key, String.valueOf(value));
        }
        return this;
    }

    /**
     * Also build every alert channel as {@code run} would (types, fields, secret references resolved):
     * for the commands that deliver alerts and for {@code config check}; ingest and detect do not need them.
     */
    public ConfigLoader checkChannels(boolean check) {
        this.checkChannels = check;
        return this;
    }

    /** {@code --set key=value} entries. */
    public ConfigLoader sets(Map<String, String> sets) {
        if (sets != null) {
            flags.putAll(sets);
        }
        return this;
    }

    /** The file to read: the explicit one, else {@code GRANTWATCH_CONFIG}. */
    private Optional<Path> configFile() {
        if (file != null) {
            return Optional.of(file);
        }
        String fromEnv = env.get(CONFIG_ENV);
        return fromEnv == null || fromEnv.isBlank() ? Optional.empty() : Optional.of(Path.of(fromEnv));
    }

    /**
     * One effective setting and where it came from: {@code default}, {@code <file> (line 12)}, {@code environment variable
     * GRANTWATCH_…}, {@code flag --set …}. The value is as given (a string, or a JSON tree for list and raw keys).
     */
    public record Setting(String key, Object value, String source) {
    }

    /** Every effective setting, sorted by key, after the same checks as {@link #load()} (which throws the same way). */
    public List<Setting> settings() {
        load();
        return lastValues.entrySet().stream().map(e -> new Setting(e.getKey(), e.getValue().value(), e.getValue().source())).toList();
    }

    private Map<String, Raw> lastValues = Map.of();

    public GrantWatchConfig load() {
        Map<String, Raw> values = new TreeMap<>();
        lastValues = values;
        for (ConfigKey key : ConfigKeys.ALL) {
            values.put(key.name(), new Raw(key.defaultValue(), "default"));
        }
        Optional<Path> path = configFile();
        if (path.isPresent()) {
            readFile(path.get(), values);
        }
        readEnv(values);
        flags.forEach((k, v) -> put(values, k, v, "flag --set " + k));
        Typed t = new Typed(values);
        for (ConfigKey key : ConfigKeys.ALL) {
            check(() -> t.read(key));
        }
        JsonNode channels = values.get(ConfigKeys.ALERTS_CHANNELS.name()).value() instanceof JsonNode node ? node : null;
        if (checkChannels && channels != null && channels.isArray()) {
            // the same construction run does, so a channel that would fail 14 s into run fails here
            for (String problem : io.grantwatch.alerts.dispatch.AlertsService.problems(channels,
                    io.grantwatch.alerts.channel.SecretResolver.system())) {
                problems.add(new ConfigException(ConfigKeys.ALERTS_CHANNELS.name(), "alerts." + problem
                        + at(values.get(ConfigKeys.ALERTS_CHANNELS.name()).source(), ConfigKeys.ALERTS_CHANNELS.name())));
            }
        }
        if (problems.isEmpty()) {
            check(() -> build(values));
        }
        if (!problems.isEmpty()) {
            throw ConfigException.all(problems);
        }
        return build(values);
    }

    private void check(Runnable r) {
        try {
            r.run();
        } catch (ConfigException e) {
            problems.add(e);
        }
    }

    /** {@code " (line 12)"} when a value from the file has a known line. */
    private String at(String source, String key) {
        Integer line = lines.get(key);
        return line == null || source.startsWith("flag") || source.startsWith("environment") || source.equals("default")
                ? "" : " (line " + line + ")";
    }

    private void readFile(Path path, Map<String, Raw> values) {
        JsonNode root;
        try {
            String text = Files.readString(path);
            root = Json.strictYaml().readTree(text);
            lines = keyLines(text);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config", "Configuration file " + path + " does not exist");
        } catch (JsonProcessingException e) {
            throw new ConfigException("config", "Configuration file " + path + " is not valid YAML: "
                    + e.getOriginalMessage() + locationOf(e));
        } catch (IOException e) {
            throw new ConfigException("config", "Cannot read configuration file " + path + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException("config", "Configuration file " + path + " must be a mapping of keys to values");
        }
        flatten("", root, path.toString(), values);
    }

    /** The line of every dotted key of a YAML mapping (nested mappings joined with dots). */
    private static Map<String, Integer> keyLines(String yaml) {
        Map<String, Integer> out = new HashMap<>();
        try (com.fasterxml.jackson.core.JsonParser p = Json.strictYaml().getFactory().createParser(yaml)) {
            Deque<String> path = new ArrayDeque<>();
            com.fasterxml.jackson.core.JsonToken t;
            String pending = null;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case FIELD_NAME -> {
                        pending = p.currentName();
                        List<String> parts = new ArrayList<>(reversed(path));
                        parts.removeIf(String::isEmpty);
                        parts.add(pending);
                        out.putIfAbsent(String.join(".", parts), p.currentLocation().getLineNr());
                    }
                    case START_OBJECT -> {
                        path.push(pending == null ? "" : pending); // "" for the document's own mapping
                        pending = null;
                    }
                    case END_OBJECT -> {
                        if (!path.isEmpty()) {
                            path.pop();
                        }
                    }
                    case START_ARRAY -> {
                        p.skipChildren();
                        pending = null;
                    }
                    default -> pending = null;
                }
            }
        } catch (IOException e) {
            return out; // the tree parse reports the error
        }
        return out;
    }

    private static List<String> reversed(Deque<String> path) {
        List<String> l = new ArrayList<>(path);
        Collections.reverse(l);
        return l;
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    /** Nested mappings become dotted keys: {@code http: {port: 1}} is {@code http.port}. */
    private void flatten(String prefix, JsonNode node, String source, Map<String, Raw> values) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            Optional<ConfigKey> known = ConfigKeys.find(key);
            boolean raw = known.map(k -> k.type() == ConfigKey.Type.RAW || k.type() == ConfigKey.Type.LIST).orElse(false);
            if (value.isObject() && !raw) {
                flatten(key + ".", value, source, values);
            } else if (raw) {
                put(values, key, value, source);
            } else if (value.isArray() || value.isObject()) {
                problems.add(new ConfigException(key, "Configuration key '" + key + "' in " + source + at(source, key)
                        + " takes a single value, not a list"));
            } else {
                put(values, key, value.isNull() ? "" : value.asText(), source);
            }
        }
    }

    private void readEnv(Map<String, Raw> values) {
        for (Map.Entry<String, String> entry : new TreeMap<>(env).entrySet()) {
            String variable = entry.getKey();
            if (!variable.startsWith("GRANTWATCH_") || variable.equals(CONFIG_ENV) || DIRECT_SECRET_ENV.contains(variable)) {
                continue;
            }
            String key = ENV_ALIASES.getOrDefault(variable, ConfigKey.keyOfEnv(variable));
            put(values, key, entry.getValue(), "environment variable " + variable);
        }
    }

    private void put(Map<String, Raw> values, String key, Object value, String source) {
        String where = source + at(source, key);
        if (ConfigKeys.find(key).isEmpty()) {
            if (!ConfigKeys.isKafkaPassThrough(key)) {
                String near = didYouMean(key, ConfigKeys.ALL.stream().map(ConfigKey::name).toList(), "");
                problems.add(new ConfigException(key, "Unknown configuration key '" + key + "' (" + where + ")" + (near.isEmpty()
                        ? ". Known keys: grantwatch config keys; Kafka client settings go under 'kafka.'" : near)));
                return;
            }
            String setting = key.substring(ConfigKeys.KAFKA_PREFIX.length());
            if (!ConfigKeys.isKnownKafkaClientSetting(setting)) {
                problems.add(new ConfigException(key, "Unknown Kafka client setting '" + setting + "' in key '" + key
                        + "' (" + where + ")" + didYouMean(setting, ConfigKeys.kafkaClientSettings(), ConfigKeys.KAFKA_PREFIX)));
                return;
            }
            if (!(value instanceof String)) {
                problems.add(new ConfigException(key, "Kafka client setting '" + key + "' (" + where + ") takes a single value"));
                return;
            }
        }
        values.put(key, new Raw(value, where));
    }

    /** {@code "; did you mean 'http.port'?"} for the nearest known name within a few edits, else empty. */
    static String didYouMean(String name, Collection<String> known, String prefix) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(name.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 4) ? "; did you mean '" + prefix + best + "'?" : "";
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] tmp = prev;
            prev = cur;
            cur = tmp;
        }
        return prev[b.length()];
    }

    private static GrantWatchConfig build(Map<String, Raw> values) {
        Typed t = new Typed(values);
        Path dataDir = t.path(ConfigKeys.DATA_DIR).orElseThrow(() -> t.error(ConfigKeys.DATA_DIR, "must not be empty"));
        Map<String, String> client = new TreeMap<>();
        values.forEach((key, raw) -> {
            if (ConfigKeys.isKafkaPassThrough(key)) {
                client.put(key.substring(ConfigKeys.KAFKA_PREFIX.length()), (String) raw.value());
            }
        });
        String bootstrap = t.string(ConfigKeys.BOOTSTRAP_SERVERS).trim();
        int partitions = t.integer(ConfigKeys.TOPICS_PARTITIONS);
        if (partitions < 1) {
            throw t.error(ConfigKeys.TOPICS_PARTITIONS, "must be at least 1");
        }
        int replication = t.integer(ConfigKeys.TOPICS_REPLICATION);
        if (replication == 0 || replication < -1 || replication > Short.MAX_VALUE) {
            throw t.error(ConfigKeys.TOPICS_REPLICATION, "must be -1 (broker default) or at least 1");
        }
        int threads = t.integer(ConfigKeys.DETECTOR_THREADS);
        if (threads < 1) {
            throw t.error(ConfigKeys.DETECTOR_THREADS, "must be at least 1");
        }
        String prefix = t.string(ConfigKeys.TOPICS_PREFIX);
        if (!prefix.matches("[a-zA-Z0-9._-]*")) {
            throw t.error(ConfigKeys.TOPICS_PREFIX, "may only contain letters, digits, '.', '_' and '-'");
        }
        String level = t.string(ConfigKeys.LOG_LEVEL).toUpperCase(Locale.ROOT);
        if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(level)) {
            throw t.error(ConfigKeys.LOG_LEVEL, "must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF");
        }
        int port = t.port(ConfigKeys.EMBEDDED_PORT);
        int controllerPort = t.port(ConfigKeys.EMBEDDED_CONTROLLER_PORT);
        if (port <= 0 || controllerPort <= 0 || port == controllerPort) {
            throw t.error(ConfigKeys.EMBEDDED_CONTROLLER_PORT,
                    "the embedded Kafka needs two different fixed ports (embedded.port and embedded.controller.port)");
        }
        JsonNode channels = values.get(ConfigKeys.ALERTS_CHANNELS.name()).value() instanceof JsonNode node ? node : null;
        if (channels != null && !channels.isArray()) {
            throw t.error(ConfigKeys.ALERTS_CHANNELS, "must be a list of channels");
        }
        return new GrantWatchConfig(
                dataDir,
                new GrantWatchConfig.Kafka(bootstrap.isEmpty() ? Optional.empty() : Optional.of(bootstrap), client),
                new GrantWatchConfig.Embedded(dataDir.resolve("kafka"), port, controllerPort),
                new GrantWatchConfig.TopicSettings(prefix, partitions, (short) replication),
                new GrantWatchConfig.Http(t.string(ConfigKeys.HTTP_HOST), t.port(ConfigKeys.HTTP_PORT),
                        t.string(ConfigKeys.HTTP_AUTH_TOKEN)),
                new GrantWatchConfig.Detector(t.string(ConfigKeys.DETECTOR_APPLICATION_ID), threads,
                        t.bool(ConfigKeys.DETECTOR_EXACTLY_ONCE), dataDir.resolve("streams")),
                new GrantWatchConfig.Ingest(t.list(ConfigKeys.INGEST_WATCH).stream().map(s -> t.toPath(ConfigKeys.INGEST_WATCH, s)).toList(),
                        dataDir.resolve("checkpoints"), t.string(ConfigKeys.INGEST_HTTP_HOST), t.port(ConfigKeys.INGEST_HTTP_PORT),
                        t.duration(ConfigKeys.INGEST_TAIL_SETTLE), t.bool(ConfigKeys.INGEST_FOLLOW_LINKS_OUTSIDE),
                        new GrantWatchConfig.Receiver(t.atLeast(ConfigKeys.INGEST_HTTP_MAX_BODY_BYTES, 1),
                                t.atLeast(ConfigKeys.INGEST_HTTP_MAX_RECORDS, 1), t.atLeast(ConfigKeys.INGEST_HTTP_MAX_DEAD_LETTERS, 1),
                                t.atLeast(ConfigKeys.INGEST_HTTP_MAX_REQUESTS_PER_CLIENT, 1),
                                t.atLeast(ConfigKeys.INGEST_HTTP_MAX_CONNECTIONS, 1),
                                t.atLeast(ConfigKeys.INGEST_HTTP_MAX_CONNECTIONS_PER_CLIENT, 1),
                                t.positive(ConfigKeys.INGEST_HTTP_IDLE_TIMEOUT), t.positive(ConfigKeys.INGEST_HTTP_HEADER_TIMEOUT),
                                t.positive(ConfigKeys.INGEST_HTTP_BODY_TIMEOUT), t.positive(ConfigKeys.INGEST_HTTP_ACK_TIMEOUT),
                                t.positive(ConfigKeys.INGEST_HTTP_FIRST_BYTE_TIMEOUT),
                                t.atLeast(ConfigKeys.INGEST_HTTP_MAX_DECOMPRESSED_BYTES, 1)),
                        t.atLeast(ConfigKeys.INGEST_RECORD_MAX_BYTES, 1), t.duration(ConfigKeys.INGEST_CHECKPOINT_RETENTION),
                        t.duration(ConfigKeys.INGEST_CHECKPOINT_INTERVAL), t.positive(ConfigKeys.INGEST_KAFKA_MAX_BLOCK)),
                new GrantWatchConfig.Alerts(t.bool(ConfigKeys.ALERTS_CONSOLE), channels),
                new GrantWatchConfig.Report(t.duration(ConfigKeys.REPORT_INTERVAL),
                        t.path(ConfigKeys.REPORT_DIR).orElse(dataDir.resolve("reports"))),
                new GrantWatchConfig.Catalog(t.path(ConfigKeys.CATALOG_DIR)),
                level);
    }

    /** Typed reads with errors that name key and source, and never echo a secret. */
    private record Typed(Map<String, Raw> values) {
        Raw raw(ConfigKey key) {
            return values.get(key.name());
        }

        /** Reads the key as its type (for the up-front check of every key). */
        void read(ConfigKey key) {
            switch (key.type()) {
                case STRING -> string(key);
                case INT -> integer(key);
                case PORT -> port(key);
                case BOOL -> bool(key);
                case PATH -> path(key);
                case LIST -> list(key);
                case DURATION -> duration(key);
                case RAW -> { }
            }
        }

        ConfigException error(ConfigKey key, String problem) {
            Raw raw = raw(key);
            String shown = ConfigKeys.isSecret(key.name()) ? "" : " '" + text(raw) + "'";
            return new ConfigException(key.name(), "Configuration key '" + key.name() + "'" + shown
                    + " (" + raw.source() + ") " + problem);
        }

        static String text(Raw raw) {
            return raw.value() instanceof JsonNode node ? node.toString() : String.valueOf(raw.value());
        }

        String string(ConfigKey key) {
            Raw raw = raw(key);
            if (raw.value() instanceof JsonNode) {
                throw error(key, "takes a single value");
            }
            return String.valueOf(raw.value());
        }

        int integer(ConfigKey key) {
            try {
                return Integer.parseInt(string(key).trim());
            } catch (NumberFormatException e) {
                throw error(key, "is not a whole number");
            }
        }

        int atLeast(ConfigKey key, int min) {
            int value = integer(key);
            if (value < min) {
                throw error(key, "must be at least " + min);
            }
            return value;
        }

        Duration positive(ConfigKey key) {
            Duration value = duration(key);
            if (value.isZero() || value.isNegative()) {
                throw error(key, "must be longer than 0");
            }
            return value;
        }

        int port(ConfigKey key) {
            int port = integer(key);
            if (port < -1 || port > 65535) {
                throw error(key, "is not a port (0-65535, or -1 for off)");
            }
            return port;
        }

        boolean bool(ConfigKey key) {
            String value = string(key).trim().toLowerCase(Locale.ROOT);
            return switch (value) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw error(key, "is not true or false");
            };
        }

        Optional<Path> path(ConfigKey key) {
            String value = string(key).trim();
            return value.isEmpty() ? Optional.empty() : Optional.of(toPath(key, value));
        }

        Path toPath(ConfigKey key, String value) {
            String expanded = value.equals("~") || value.startsWith("~/")
                    ? System.getProperty("user.home") + value.substring(1) : value;
            try {
                return Path.of(expanded);
            } catch (InvalidPathException e) {
                throw error(key, "is not a path: " + e.getReason());
            }
        }

        List<String> list(ConfigKey key) {
            Raw raw = raw(key);
            List<String> items = new ArrayList<>();
            if (raw.value() instanceof JsonNode node) {
                if (!node.isArray() && !node.isValueNode()) {
                    throw error(key, "must be a list");
                }
                for (JsonNode item : node.isArray() ? node : List.of(node)) {
                    if (!item.isValueNode()) {
                        throw error(key, "must be a list of plain values");
                    }
                    items.add(item.asText());
                }
            } else {
                for (String item : String.valueOf(raw.value()).split(",")) {
                    if (!item.isBlank()) {
                        items.add(item.trim());
                    }
                }
            }
            return items;
        }

        Duration duration(ConfigKey key) {
            String value = string(key).trim();
            if (value.equals("0")) {
                return Duration.ZERO;
            }
            Matcher m = SHORT_DURATION.matcher(value.toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            try {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw error(key, "is not a duration (e.g. 30s, 15m, 24h, PT6H)");
            }
        }
    }
}
