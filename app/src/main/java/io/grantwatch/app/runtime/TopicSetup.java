package io.grantwatch.app.runtime;

import io.grantwatch.app.config.GrantWatchConfig;
import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.model.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates GrantWatch's topics from the registry, with each topic's configs (compaction for
 * {@code catalog} and {@code findings}), and waits until every partition has a serving leader.
 * Existing topics are left alone: partition counts and configs of a real cluster are the operator's.
 */
public final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    /** How long a command waits for its topics and their leaders. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TopicSetup() {
    }

    /**
     * The configured topics (prefix, partitions, replication) through an Admin opened on {@code client}
     * for this call alone: what a role command (detect, alert) does before it starts.
     */
    public static List<String> ensure(Map<String, Object> client, GrantWatchConfig config) {
        try (Admin admin = Admin.create(client)) {
            return ensure(admin, config, config.topics().replication());
        }
    }

    /**
     * The configured topics and partitions with {@code replication} (an embedded broker has one node,
     * whatever the configuration says).
     */
    public static List<String> ensure(Admin admin, GrantWatchConfig config, short replication) {
        return ensure(admin, config.topics().registry(), config.topics().partitions(), replication, TIMEOUT);
    }

    /**
     * @param partitions  partitions of each new topic but {@code catalog}, which has one (the detector's parallelism limit)
     * @param replication replication factor of new topics; -1 means the broker's default
     * @return the names of the topics this call created
     */
    public static List<String> ensure(Admin admin, Topics topics, int partitions, short replication, Duration timeout) {
        List<NewTopic> wanted = new ArrayList<>();
        for (TopicSpec<?, ?> spec : topics.all()) {
            // The catalog is one ordered stream: its manifest must be the last record every reader sees.
            int count = spec.name().equals(topics.catalog().name()) ? 1 : partitions;
            NewTopic topic = replication > 0
                    ? new NewTopic(spec.name(), count, replication)
                    : new NewTopic(spec.name(), Optional.of(count), Optional.empty());
            wanted.add(topic.configs(spec.configs()));
        }
        List<String> created = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Map.Entry<String, KafkaFuture<Void>> entry : admin.createTopics(wanted).values().entrySet()) {
                try {
                    entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + entry.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            awaitLeaders(admin, wanted.stream().map(NewTopic::name).toList(), deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Topics were not ready within " + timeout, e);
        }
        if (!created.isEmpty()) {
            LOG.info("Created topics {}", created);
        }
        return created;
    }

    /**
     * Metadata can name a leader before that broker serves the partition; an idempotent producer
     * whose first batch is rejected then may stall on OUT_OF_ORDER_SEQUENCE_NUMBER. ListOffsets is
     * served by the leader only, so its success means producers can start.
     */
    private static void awaitLeaders(Admin admin, List<String> names, long deadline)
            throws InterruptedException, TimeoutException {
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (TopicDescription topic : admin.describeTopics(names).allTopicNames().get(5, TimeUnit.SECONDS).values()) {
                    for (TopicPartitionInfo partition : topic.partitions()) {
                        latest.put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest());
                    }
                }
                admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topics " + names + " have no serving leader: "
                            + e.getCause().getMessage(), e.getCause());
                }
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }
}
