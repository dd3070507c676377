package io.grantwatch.testkit;

import io.grantwatch.model.topic.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.awaitility.Awaitility;

/**
 * A real Kafka cluster for tests: in-process KRaft ({@link InProcessKafkaBroker}) by default, or a
 * Testcontainers broker ({@link ContainerKafkaBroker}) with {@code -Dtestkit.broker=container}.
 * Get the shared one from {@link KafkaBrokers#shared()} or let {@link WithKafka} inject it.
 *
 * <p>The helpers build clients from the same {@link TopicSpec}s production code uses, so a test
 * exercises the production serdes.
 */
public interface KafkaBroker extends AutoCloseable {

    /** Partitions per topic when a test does not say: more than one, so keying matters in tests. */
    int DEFAULT_PARTITIONS = 3;

    /** {@code host:port[,host:port...]} of the brokers. */
    String bootstrapServers();

    /** Number of brokers in the cluster. */
    int brokerCount();

    /** Stops the cluster. Shared brokers are stopped by a shutdown hook; tests never close them. */
    @Override
    void close();

    /** {@code bootstrap.servers} only; add client settings on top. */
    default Map<String, Object> clientConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    default Admin admin() {
        return Admin.create(clientConfig());
    }

    /** Creates the topics with {@link #DEFAULT_PARTITIONS} partitions and their configs; existing ones are kept. */
    default void createTopics(TopicSpec<?, ?>... topics) {
        createTopics(DEFAULT_PARTITIONS, topics);
    }

    /**
     * Creates the topics with the given partition count, replication min(brokers, 3) and each spec's
     * configs (e.g. compaction). Topics that already exist are left as they are.
     */
    default void createTopics(int partitions, TopicSpec<?, ?>... topics) {
        short replication = (short) Math.min(brokerCount(), 3);
        List<NewTopic> newTopics = new ArrayList<>();
        for (TopicSpec<?, ?> spec : topics) {
            newTopics.add(new NewTopic(spec.name(), partitions, replication).configs(spec.configs()));
        }
        try (Admin admin = admin()) {
            for (Map.Entry<String, KafkaFuture<Void>> entry : admin.createTopics(newTopics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
            awaitLeaders(admin, newTopics.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Topics " + newTopics + " did not become ready", e);
        }
    }

    /**
     * Waits until every partition's leader serves requests. The metadata a producer sees may name a
     * leader before that broker has made the partition online; an idempotent producer whose first
     * batch is rejected then can get stuck with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery
     * timeout. ListOffsets is answered by the leader only, and Admin retries it until it is.
     */
    private static void awaitLeaders(Admin admin, List<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        // Admin retries NOT_LEADER but not UNKNOWN_TOPIC_OR_PARTITION (a broker whose metadata lags),
        // neither for describeTopics right after creation nor for ListOffsets: both sit in the retry loop.
        Awaitility.await("leaders of " + topics).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsMatching(e -> e instanceof ExecutionException && e.getCause() instanceof RetriableException)
                .until(() -> {
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                        for (TopicPartitionInfo partition : topic.partitions()) {
                            latest.put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest());
                        }
                    }
                    return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS) != null;
                });
    }

    /** An idempotent producer ({@code acks=all}) with the spec's serdes. */
    default <K, V> KafkaProducer<K, V> producer(TopicSpec<K, V> spec) {
        Map<String, Object> config = new HashMap<>(clientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // Fail a test in seconds, not after the default two minutes.
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        return new KafkaProducer<>(config, spec.keySerde().serializer(), spec.valueSerde().serializer());
    }

    /**
     * A consumer with the spec's serdes reading from the earliest offset, {@code read_committed}
     * (so transactional output is only seen once committed), in a fresh group.
     */
    default <K, V> KafkaConsumer<K, V> consumer(TopicSpec<K, V> spec) {
        Map<String, Object> config = new HashMap<>(clientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "testkit-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, spec.keySerde().deserializer(), spec.valueSerde().deserializer());
    }

    /**
     * Reads the topic from the beginning until at least {@code count} records arrived, or fails after
     * {@code timeout}. Returns every record read (possibly more than {@code count}).
     */
    default <K, V> List<ConsumerRecord<K, V>> readAtLeast(TopicSpec<K, V> spec, int count, Duration timeout) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<K, V> consumer = consumer(spec)) {
            consumer.subscribe(List.of(spec.name()));
            while (records.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Expected at least " + count + " records on " + spec.name()
                            + " within " + timeout + " but got " + records.size() + ": " + records);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /** Everything on the topic now: reads until the end offsets seen at the start. */
    default <K, V> List<ConsumerRecord<K, V>> readAll(TopicSpec<K, V> spec, Duration timeout) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<K, V> consumer = consumer(spec)) {
            List<TopicPartition> partitions = consumer.partitionsFor(spec.name(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read " + spec.name() + " to its end within " + timeout);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }
}
