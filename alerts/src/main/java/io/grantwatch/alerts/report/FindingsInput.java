package io.grantwatch.alerts.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.Finding;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.TopicSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Where report findings come from: JSON Lines of findings ({@code scan} output, remediation
 * embedded or not) or the compacted {@code findings} topic read to its end (newest value per id).
 */
public final class FindingsInput {
    private FindingsInput() {
    }

    /** True when the file's first non-blank line is a finding object (has id, kind and status). */
    public static boolean looksLikeFindings(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode n = Json.wire().readTree(line);
                    return n.isObject() && n.has("id") && n.has("kind") && n.has("status");
                } catch (IOException notJsonLine) {
                    return false;
                }
            }
        } catch (MalformedInputException binary) {
            return false;
        }
        return false;
    }

    /** Reads findings JSON Lines; a bad line is reported through {@code onBad} (line number and reason) and skipped. */
    public static List<Finding> readJsonLines(Path file, BiConsumer<Long, String> onBad) throws IOException {
        List<Finding> out = new ArrayList<>();
        long n = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(Json.wire().readValue(line, Finding.class));
                } catch (IOException | RuntimeException e) {
                    onBad.accept(n, e.getClass().getSimpleName());
                }
            }
        }
        return out;
    }

    /** How long a broker may take to answer the first metadata request before it counts as unreachable. */
    static final Duration REACH_TIMEOUT = Duration.ofSeconds(10);

    /** No broker at the address answered. */
    public static final class Unreachable extends RuntimeException {
        Unreachable(String bootstrapServers, Duration within) {
            super("cannot reach Kafka at " + bootstrapServers + " within " + within.toSeconds() + " s", null, false, false);
        }
    }

    /** The newest value of every finding on the topic (tombstones delete), read to the end offsets seen at start. */
    public static List<Finding> readTopic(String bootstrapServers, TopicSpec<String, Finding> spec, Map<String, Object> overrides,
            Duration timeout) {
        Map<String, Object> cc = new HashMap<>(overrides);
        cc.keySet().retainAll(ConsumerConfig.configNames());
        cc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cc.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cc.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<String, Finding> latest = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, Finding> c = new KafkaConsumer<>(cc, spec.keySerde().deserializer(), spec.valueSerde().deserializer())) {
            List<TopicPartition> parts;
            try {
                // a broker that answers at all answers this within seconds: say so early instead of after the whole timeout
                parts = Optional.ofNullable(c.partitionsFor(spec.name(), REACH_TIMEOUT)).orElse(List.of()).stream()
                        .map(p -> new TopicPartition(spec.name(), p.partition())).toList();
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new Unreachable(bootstrapServers, REACH_TIMEOUT);
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            while (parts.stream().anyMatch(tp -> c.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + spec.name() + " to its end within " + timeout);
                }
                try {
                    for (ConsumerRecord<String, Finding> r : c.poll(Duration.ofMillis(200))) {
                        if (r.value() == null) {
                            latest.remove(r.key());
                        } else {
                            latest.put(r.value().id(), r.value());
                        }
                    }
                } catch (org.apache.kafka.common.errors.RecordDeserializationException e) {
                    c.seek(e.topicPartition(), e.offset() + 1);
                } catch (SerializationException e) {
                    throw new IllegalStateException("undecodable findings topic", e);
                }
            }
        }
        return new ArrayList<>(latest.values());
    }
}
