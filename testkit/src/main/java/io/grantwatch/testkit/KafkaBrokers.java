package io.grantwatch.testkit;

import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.model.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The brokers shared by every test in a JVM: started on first use, warmed up, stopped by a
 * shutdown hook. One cluster per broker count, so a scale-out test asking for three brokers does not
 * disturb the single-broker tests.
 *
 * <p>{@code -Dtestkit.broker=inprocess} (default) or {@code -Dtestkit.broker=container}.
 */
public final class KafkaBrokers {
    public static final String BROKER_PROPERTY = "testkit.broker";
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokers.class);
    private static final Map<Integer, KafkaBroker> SHARED = new ConcurrentHashMap<>();
    private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();

    private KafkaBrokers() {
    }

    /** The shared single-broker cluster. */
    public static KafkaBroker shared() {
        return shared(1);
    }

    /** The shared cluster with {@code brokers} brokers, started and warmed up on first use. */
    public static KafkaBroker shared(int brokers) {
        return SHARED.computeIfAbsent(brokers, KafkaBrokers::startWarm);
    }

    /** A cluster of the configured kind that the caller owns and must close (e.g. a broker-failure test). */
    public static KafkaBroker startPrivate(int brokers) {
        String kind = System.getProperty(BROKER_PROPERTY, "inprocess");
        KafkaBroker broker = switch (kind) {
            case "inprocess" -> InProcessKafkaBroker.start(brokers);
            case "container" -> {
                if (brokers != 1) {
                    throw new UnsupportedOperationException(
                            "-D" + BROKER_PROPERTY + "=container gives one broker; " + brokers + " asked");
                }
                yield ContainerKafkaBroker.start();
            }
            default -> throw new IllegalArgumentException(
                    "-D" + BROKER_PROPERTY + " must be inprocess or container, not " + kind);
        };
        warmUp(broker);
        return broker;
    }

    private static KafkaBroker startWarm(int brokers) {
        if (HOOK_INSTALLED.compareAndSet(false, true)) {
            // One hook closes the clusters one after the other: concurrent shutdowns compete for the
            // CPU and for the temp directories and log spurious I/O errors.
            Runtime.getRuntime().addShutdownHook(new Thread(KafkaBrokers::closeShared, "testkit-broker-shutdown"));
        }
        return startPrivate(brokers);
    }

    private static void closeShared() {
        SHARED.values().forEach(KafkaBroker::close);
    }

    /**
     * Creates a topic, produces and consumes one record: the first test then does not pay for
     * controller election, metadata propagation and group coordinator loading in its own timeout.
     */
    static void warmUp(KafkaBroker broker) {
        long started = System.nanoTime();
        TopicSpec<String, String> warmup = new TopicSpec<>("__testkit-warmup", Topics.STRING,
                Topics.STRING, Map.of());
        broker.createTopics(1, warmup);
        try (KafkaProducer<String, String> producer = broker.producer(warmup)) {
            producer.send(new ProducerRecord<>(warmup.name(), "warm", "up")).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while warming up " + broker, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot produce to " + broker, e);
        }
        List<ConsumerRecord<String, String>> records = broker.readAtLeast(warmup, 1, Duration.ofSeconds(60));
        LOG.info("{} warmed up in {} ms ({} record read back)", broker, (System.nanoTime() - started) / 1_000_000,
                records.size());
    }
}
