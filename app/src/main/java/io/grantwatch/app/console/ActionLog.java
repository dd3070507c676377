package io.grantwatch.app.console;

import io.grantwatch.model.FindingAction;
import io.grantwatch.model.topic.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of the console's decisions: {@link #record} writes one to the compacted {@code finding-actions} topic
 * and returns once this process's {@link FindingsView} has read it back (so the next page shows it); a reader thread
 * reads the whole topic from the beginning (no consumer group: every instance applies every decision) into the view.
 */
public final class ActionLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ActionLog.class);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TopicSpec<String, FindingAction> topic;
    private final FindingsView view;
    private final KafkaProducer<String, FindingAction> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<Integer, Long> applied = new HashMap<>();
    private final Thread reader;
    private volatile boolean running = true;

    public ActionLog(Map<String, Object> client, TopicSpec<String, FindingAction> topic, FindingsView view) {
        this.topic = topic;
        this.view = view;
        Map<String, Object> p = new HashMap<>(client);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "grantwatch-console-actions");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, topic.keySerde().serializer(), topic.valueSerde().serializer());
        Map<String, Object> c = new HashMap<>(client);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "grantwatch-console-actions-reader");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.reader = new Thread(this::read, "grantwatch-console-actions");
        reader.setDaemon(true);
    }

    public void start() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic.name(), WAIT);
        List<TopicPartition> assigned = partitions.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        reader.start();
    }

    private void read() {
        Deserializer<FindingAction> values = topic.valueSerde().deserializer();
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    try {
                        FindingAction action = r.value() == null ? null : values.deserialize(r.topic(), r.value());
                        if (key != null && (action == null || key.equals(action.findingId()))) {
                            view.apply(key, action);
                        } else {
                            LOG.warn("{} offset {}: key and finding id differ, record skipped", r.topic(), r.offset());
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("{} offset {}: not a finding action ({}), skipped", r.topic(), r.offset(), e.getMessage());
                    }
                    synchronized (applied) {
                        applied.put(r.partition(), r.offset());
                        applied.notifyAll();
                    }
                }
            }
        } catch (WakeupException e) {
            // close() ends the loop
        } catch (RuntimeException e) {
            LOG.error("The console's action reader stopped: decisions made from now on are not shown", e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    /** Writes the decision and waits until this process's view has applied it. */
    public void record(FindingAction action) throws TimeoutException {
        RecordMetadata written;
        try {
            written = producer.send(new ProducerRecord<>(topic.name(), action.findingId(), action))
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted while writing to " + topic.name());
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot write to " + topic.name() + ": " + e.getCause().getMessage(), e.getCause());
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (applied) {
            while (applied.getOrDefault(written.partition(), -1L) < written.offset()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("the decision was written to " + topic.name() + " but not read back within " + WAIT);
                }
                try {
                    applied.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TimeoutException("interrupted while waiting for " + topic.name());
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (reader.getState() == Thread.State.NEW) {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2))); // start() failed: the reader that closes it never ran
        }
        consumer.wakeup();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
    }
}
