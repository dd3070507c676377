package io.grantwatch.testkit;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A single Kafka broker in Docker ({@code apache/kafka} at the client version), for machines with a
 * Docker engine: {@code -Dtestkit.broker=container}. Tests that use it directly are marked
 * {@code @Testcontainers(disabledWithoutDocker = true)}.
 */
public final class ContainerKafkaBroker implements KafkaBroker {
    /** The broker image, pinned to the client version: a mismatch hides protocol bugs. */
    public static final DockerImageName IMAGE = DockerImageName.parse("apache/kafka:" + KafkaVersion.VERSION);

    private final KafkaContainer container;

    private ContainerKafkaBroker(KafkaContainer container) {
        this.container = container;
    }

    public static ContainerKafkaBroker start() {
        KafkaContainer container = new KafkaContainer(IMAGE)
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "3")
                .withEnv("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "3");
        container.start();
        return new ContainerKafkaBroker(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public int brokerCount() {
        return 1;
    }

    @Override
    public void close() {
        container.stop();
    }

    @Override
    public String toString() {
        return "ContainerKafkaBroker[" + IMAGE + " at " + bootstrapServers() + "]";
    }
}
