package io.grantwatch.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real KRaft cluster inside the test JVM, on Kafka's own {@code KafkaClusterTestKit}
 * ({@code org.apache.kafka:kafka-test-common-runtime}). This is the only class that imports
 * {@code org.apache.kafka.common.test}: a Kafka upgrade touches this file only.
 *
 * <p>One combined controller+broker node, plus plain brokers up to {@code brokers}. Internal topics
 * are sized for tests (few partitions, replication min(brokers, 3)) so that transactions and
 * consumer groups start in well under a second.
 */
public final class InProcessKafkaBroker implements KafkaBroker {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessKafkaBroker.class);

    private final KafkaClusterTestKit cluster;
    private final int brokers;

    private InProcessKafkaBroker(KafkaClusterTestKit cluster, int brokers) {
        this.cluster = cluster;
        this.brokers = brokers;
    }

    /** Formats and starts a cluster of {@code brokers} brokers and waits until all of them are ready. */
    public static InProcessKafkaBroker start(int brokers) {
        if (brokers < 1) {
            throw new IllegalArgumentException("brokers must be >= 1: " + brokers);
        }
        installExitProcedures();
        long started = System.nanoTime();
        short replication = (short) Math.min(brokers, 3);
        Map<String, String> config = new HashMap<>();
        config.put("offsets.topic.num.partitions", "3");
        config.put("offsets.topic.replication.factor", Short.toString(replication));
        config.put("transaction.state.log.num.partitions", "3");
        config.put("transaction.state.log.replication.factor", Short.toString(replication));
        config.put("transaction.state.log.min.isr", "1");
        config.put("min.insync.replicas", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("share.coordinator.state.topic.replication.factor", Short.toString(replication));
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("log.cleaner.dedupe.buffer.size", Long.toString(8L * 1024 * 1024));
        try {
            // Our own base directory: the kit's default temp dir is deleted by a shutdown hook of its
            // own that races with the shutdown of a still-running cluster.
            Path baseDirectory = Files.createTempDirectory("grantwatch-testkit-");
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setBaseDirectory(baseDirectory)
                    .setCombined(true)
                    .setNumControllerNodes(1)
                    .setNumBrokerNodes(brokers)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
            config.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.build();
            // A broker fault during a test must fail that test, not the JVM or the next test's setup.
            cluster.nonFatalFaultHandler().setIgnore(true);
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            InProcessKafkaBroker broker = new InProcessKafkaBroker(cluster, brokers);
            LOG.info("In-process Kafka ({} broker(s)) ready at {} in {} ms", brokers, broker.bootstrapServers(),
                    (System.nanoTime() - started) / 1_000_000);
            return broker;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting in-process Kafka", e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start in-process Kafka", e);
        }
    }

    /**
     * Kafka calls {@code Exit.exit/halt} on fatal errors. In a test JVM that would kill the whole run
     * (and Surefire reports a crashed fork); instead the calling thread gets an exception.
     */
    private static void installExitProcedures() {
        Exit.setExitProcedure((code, message) -> {
            LOG.error("Kafka asked to exit({}): {}", code, message);
            throw new IllegalStateException("Kafka asked to exit(" + code + "): " + message);
        });
        Exit.setHaltProcedure((code, message) -> {
            LOG.error("Kafka asked to halt({}): {}", code, message);
            throw new IllegalStateException("Kafka asked to halt(" + code + "): " + message);
        });
    }

    /**
     * Shuts the brokers down while the controller and the data stay: to clients Kafka is gone, as when it is
     * killed or its disk is full. {@link #startBrokers()} brings them back on the same ports with the same data.
     * Use a cluster of its own ({@link #start(int)}), not the shared one.
     */
    public void stopBrokers() {
        cluster.brokers().values().forEach(b -> b.shutdown());
    }

    /** Starts the brokers {@link #stopBrokers()} shut down and waits until they are ready. */
    public void startBrokers() {
        cluster.brokers().values().forEach(b -> b.startup());
        try {
            cluster.waitForReadyBrokers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while restarting in-process Kafka", e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot restart in-process Kafka", e);
        }
    }

    @Override
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public int brokerCount() {
        return brokers;
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("In-process Kafka did not close cleanly", e);
        }
    }

    @Override
    public String toString() {
        return "InProcessKafkaBroker[" + brokers + " broker(s) at " + bootstrapServers() + "]";
    }
}
