package io.grantwatch.alerts.dispatch;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sent-ledger on a compacted topic ({@code alerts-ledger}): key {@code channel|idempotencyKey},
 * value the acceptance time. Written per accepted message while the channel sends its next one;
 * read whole at start-up.
 * A rate-limited channel's {@link RateHistory} lives there too, under {@code ~rate|channel}: written
 * synchronously before each attempt, and without waiting after its answer.
 */
public final class KafkaSentLedger extends SentLedger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSentLedger.class);
    private static final String RATE_PREFIX = "~rate|";
    private final String topic;
    private final KafkaProducer<String, String> producer;
    private final Map<String, List<Future<RecordMetadata>>> pending = new ConcurrentHashMap<>();

    public KafkaSentLedger(String bootstrapServers, String topic, Map<String, Object> overrides) {
        this.topic = topic;
        Map<String, Object> pc = new HashMap<>(overrides);
        pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        pc.put(ProducerConfig.ACKS_CONFIG, "all");
        pc.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        pc.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        pc.keySet().retainAll(ProducerConfig.configNames());
        this.producer = new KafkaProducer<>(pc, new StringSerializer(), new StringSerializer());
        Map<String, Object> cc = new HashMap<>(overrides);
        cc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cc.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cc.keySet().retainAll(ConsumerConfig.configNames());
        cc.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(cc, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && r.value() != null) {
                        if (r.key().startsWith(RATE_PREFIX)) {
                            loadRate(r.key().substring(RATE_PREFIX.length()), Snapshot.parse(r.value()));
                        } else {
                            load(r.key());
                        }
                    }
                }
            }
        }
        // the topic's metadata is known now, so the first acceptance's write does not wait for it
        producer.partitionsFor(topic);
        LOG.info("sent-ledger {} loaded with {} entries", topic, size());
    }

    /**
     * Sends this acceptance's entries without waiting for them, after waiting for the channel's
     * previous ones: the write overlaps the channel's next request, and a crash can still only
     * leave the message in flight and the one accepted just before it unrecorded.
     */
    @Override
    public void record(String channel, Collection<String> keys) {
        super.record(channel, keys);
        String at = Long.toString(System.currentTimeMillis());
        List<Future<RecordMetadata>> writes = keys.stream()
                .map(k -> producer.send(new ProducerRecord<>(topic, channel + "|" + k, at))).toList();
        await(pending.put(channel, writes));
    }

    /** Waits for every channel's last entries (before the offsets of their batch are committed). */
    @Override
    public void flush() {
        pending.keySet().forEach(channel -> await(pending.remove(channel)));
    }

    private static void await(List<Future<RecordMetadata>> writes) {
        if (writes == null) {
            return;
        }
        try {
            for (Future<RecordMetadata> f : writes) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            // the message was delivered; a lost ledger entry costs at most one duplicate after a crash
            LOG.warn("sent-ledger write failed: {}", e.getCause().toString());
        }
    }

    @Override
    public void attempting(String channel, Snapshot snapshot) {
        super.attempting(channel, snapshot);
        try {
            producer.send(new ProducerRecord<>(topic, RATE_PREFIX + channel, snapshot.encode())).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("rate history not written: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void answered(String channel, Snapshot snapshot) {
        super.answered(channel, snapshot);
        // same producer and key as the attempt's record: it cannot overtake it
        producer.send(new ProducerRecord<>(topic, RATE_PREFIX + channel, snapshot.encode()), (md, e) -> {
            if (e != null) {
                LOG.debug("rate history of {} not written after the answer: {}", channel, e.toString());
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
