package io.grantwatch.catalog;

import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.topic.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a catalog version to the compacted catalog topic ({@code scenario/<id>}, {@code rules/<area>},
 * then {@code manifest} last) so a running detector's global table picks it up without restart.
 *
 * <p>Reads the topic's current state first: keys that the new version no longer has get tombstones,
 * and republishing the same version with the same keys writes nothing. The producer is idempotent
 * with {@code acks=all}; the topic is created (one partition, {@code cleanup.policy=compact}) when
 * missing, so the manifest really is the last record a reader sees. Kafka client settings pass
 * through unchanged from the given properties.
 */
public final class CatalogPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogPublisher.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, Object> clientConfig;

    /** @param clientConfig Kafka client settings; {@code bootstrap.servers} at least */
    public CatalogPublisher(Map<String, Object> clientConfig) {
        this.clientConfig = Map.copyOf(clientConfig);
    }

    /**
     * What a publish did.
     *
     * @param version         the version now on the topic
     * @param previousVersion the manifest's version before, if any
     * @param written         records written (entries and manifest)
     * @param tombstoned      keys removed
     */
    public record Result(String version, Optional<String> previousVersion, int written, List<String> tombstoned) {
        public boolean upToDate() {
            return written == 0 && tombstoned.isEmpty();
        }
    }

    public Result publish(Catalog catalog, TopicSpec<String, CatalogEntry> topic) {
        ensureTopic(topic);
        Map<String, CatalogEntry> current = readCurrent(topic);
        Map<String, CatalogEntry> next = catalog.toEntries();
        Optional<String> previous = Optional.ofNullable(current.get(CatalogEntry.MANIFEST_KEY)).map(CatalogEntry::version);
        if (previous.filter(catalog.version()::equals).isPresent() && current.keySet().equals(next.keySet())) {
            LOG.info("Catalog {} is already on {}; nothing to publish", catalog.version(), topic.name());
            return new Result(catalog.version(), previous, 0, List.of());
        }
        List<String> removed = new ArrayList<>();
        for (String key : current.keySet()) {
            if (!next.containsKey(key)) {
                removed.add(key);
            }
        }
        Map<String, Object> cfg = new HashMap<>(clientConfig);
        cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        cfg.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "grantwatch-catalog-publisher");
        int written = 0;
        try (KafkaProducer<String, CatalogEntry> producer = new KafkaProducer<>(cfg, topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Map.Entry<String, CatalogEntry> e : next.entrySet()) {
                if (!e.getKey().equals(CatalogEntry.MANIFEST_KEY)) {
                    sent.add(producer.send(new ProducerRecord<>(topic.name(), e.getKey(), e.getValue())));
                    written++;
                }
            }
            for (String key : removed) {
                sent.add(producer.send(new ProducerRecord<>(topic.name(), key, null)));
            }
            // The manifest goes last, after everything it lists is acknowledged.
            await(sent);
            await(List.of(producer.send(new ProducerRecord<>(topic.name(), CatalogEntry.MANIFEST_KEY,
                    next.get(CatalogEntry.MANIFEST_KEY)))));
            written++;
        }
        LOG.info("Published catalog {} to {}: {} records, {} tombstones (previous {})", catalog.version(), topic.name(),
                written, removed.size(), previous.orElse("none"));
        return new Result(catalog.version(), previous, written, List.copyOf(removed));
    }

    /** The topic's live records, tombstones applied: what a global table would hold. */
    public Map<String, CatalogEntry> readCurrent(TopicSpec<String, CatalogEntry> topic) {
        Map<String, Object> cfg = new HashMap<>(clientConfig);
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cfg.remove(ConsumerConfig.GROUP_ID_CONFIG);
        cfg.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "grantwatch-catalog-reader");
        Map<String, CatalogEntry> state = new LinkedHashMap<>();
        try (KafkaConsumer<String, CatalogEntry> consumer = new KafkaConsumer<>(cfg, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic.name(), TIMEOUT)) {
                parts.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out reading " + topic.name() + " to its end");
                }
                for (ConsumerRecord<String, CatalogEntry> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        state.remove(r.key());
                    } else {
                        state.put(r.key(), r.value());
                    }
                }
            }
        }
        return state;
    }

    private static boolean caughtUp(KafkaConsumer<String, CatalogEntry> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), TIMEOUT) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void ensureTopic(TopicSpec<String, CatalogEntry> topic) {
        Map<String, Object> cfg = new HashMap<>();
        for (Map.Entry<String, Object> e : clientConfig.entrySet()) {
            if (AdminClientConfig.configNames().contains(e.getKey())) {
                cfg.put(e.getKey(), e.getValue());
            }
        }
        try (Admin admin = Admin.create(cfg)) {
            Set<String> names = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (names.contains(topic.name())) {
                return;
            }
            NewTopic t = new NewTopic(topic.name(), Optional.of(1), Optional.empty()).configs(topic.configs());
            try {
                admin.createTopics(List.of(t)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Created catalog topic {} with {}", topic.name(), topic.configs());
                awaitLeader(admin, new TopicPartition(topic.name(), 0));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while preparing " + topic.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot reach Kafka to prepare " + topic.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the new partition's leader answers: an idempotent producer whose first batch hits a
     * leader that is not serving yet can stall with out-of-order sequence errors. ListOffsets is
     * served by the leader only.
     */
    private static void awaitLeader(Admin admin, TopicPartition tp) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Partition " + tp + " has no serving leader: " + e.getCause().getMessage(), e);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    private static void await(List<Future<RecordMetadata>> sent) {
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing the catalog", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Publishing the catalog failed: " + e.getMessage(), e);
        }
    }
}
