package io.grantwatch.alerts.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.alerts.channel.DeliveryDeferred;
import io.grantwatch.alerts.channel.RetryPolicy;
import io.grantwatch.model.Finding;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.model.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code findings} (read_committed, manual commit), writes every remediation to
 * {@code remediations} and parked alerts to {@code alerts-parked} (JSON), and delivers to the
 * channels through an {@link AlertPipeline}. Offsets are committed only after the whole batch was
 * accepted or parked by every routed channel and the producer flushed; a deferral seeks back and
 * pauses with backoff, so an outage of any length ends in delivery. A crash between a channel's
 * 2xx and the commit re-delivers that batch: the only duplicates, with the same idempotency key.
 */
public final class Dispatcher implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /**
     * @param bootstrapServers Kafka
     * @param groupId          consumer group: progress lives here
     * @param topics           topic registry (findings in, remediations out)
     * @param parkedTopic      where permanently refused alerts go
     * @param retry            backoff between deferred batches
     * @param ledgerTopic      compacted sent-ledger topic
     * @param kafkaOverrides   extra client settings (both consumer and producer), passed through
     */
    public record Settings(String bootstrapServers, String groupId, Topics topics, String parkedTopic, String ledgerTopic,
            RetryPolicy retry, Map<String, Object> kafkaOverrides) {
        public Settings {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            groupId = groupId == null ? "grantwatch-alerts" : groupId;
            topics = topics == null ? Topics.defaults() : topics;
            parkedTopic = parkedTopic == null
                    ? topics.findings().name().substring(0, topics.findings().name().length() - "findings".length()) + "alerts-parked"
                    : parkedTopic;
            ledgerTopic = ledgerTopic == null ? parkedTopic.substring(0, parkedTopic.length() - "parked".length()) + "ledger"
                    : ledgerTopic;
            retry = retry == null ? RetryPolicy.defaults() : retry;
            kafkaOverrides = kafkaOverrides == null ? Map.of() : Map.copyOf(kafkaOverrides);
        }
    }

    private final Settings settings;
    private final Function<SentLedger, AlertPipeline> pipelineFactory;
    private AlertPipeline pipeline;
    private volatile boolean running = true;
    private volatile boolean crashed;
    private volatile Thread thread;
    private volatile KafkaConsumer<String, Finding> consumer;
    private volatile long committedRecords;
    private volatile RuntimeException failure;

    /** @param pipelineFactory builds the pipeline around the durable sent-ledger loaded at start */
    public Dispatcher(Settings settings, Function<SentLedger, AlertPipeline> pipelineFactory) {
        this.settings = settings;
        this.pipelineFactory = pipelineFactory;
    }

    /** Runs on a new thread named {@code grantwatch-alerts-dispatcher}. */
    public Dispatcher start() {
        Thread t = new Thread(this, "grantwatch-alerts-dispatcher");
        thread = t;
        t.start();
        return this;
    }

    public long committedRecords() {
        return committedRecords;
    }

    /** Ready: the consumer is open and reading findings, and nothing stopped it (a split role's /readyz). */
    public boolean consuming() {
        return consumer != null && failure == null && running;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        TopicSpec<String, Finding> findings = settings.topics().findings();
        TopicSpec<String, Remediation> remediations = settings.topics().remediations();
        Map<String, Object> cc = new HashMap<>();
        cc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        cc.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cc.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cc.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        cc.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 600_000);
        Map<String, Object> pc = new HashMap<>();
        pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        pc.put(ProducerConfig.ACKS_CONFIG, "all");
        pc.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.kafkaOverrides().forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                cc.put(k, v);
            }
            if (ProducerConfig.configNames().contains(k)) {
                pc.put(k, v);
            }
        });
        ensureTopics();
        try (KafkaSentLedger ledger = new KafkaSentLedger(settings.bootstrapServers(), settings.ledgerTopic(), settings.kafkaOverrides());
             AlertPipeline p = pipelineFactory.apply(ledger);
             KafkaConsumer<String, Finding> c = new KafkaConsumer<>(cc, findings.keySerde().deserializer(), findings.valueSerde().deserializer());
             KafkaProducer<String, Remediation> remProducer = new KafkaProducer<>(pc, remediations.keySerde().serializer(),
                     remediations.valueSerde().serializer());
             KafkaProducer<String, String> parkProducer = new KafkaProducer<>(pc, new StringSerializer(), new StringSerializer())) {
            consumer = c;
            pipeline = p;
            // metadata now, not in the first alert's path (a first send blocks on it)
            prefetchMetadata(remProducer, remediations.name());
            prefetchMetadata(parkProducer, settings.parkedTopic());
            c.subscribe(List.of(findings.name()));
            LOG.info("alerts dispatcher reading {} as group {}", findings.name(), settings.groupId());
            loop(c, remProducer, parkProducer);
        } catch (WakeupException | InterruptException e) {
            LOG.info("alerts dispatcher {}", crashed ? "halted (no commit)" : "stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("alerts dispatcher interrupted (no commit)");
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("alerts dispatcher stopped on an error (offsets of the batch in flight are not committed)", e);
        } finally {
            consumer = null;
        }
    }

    /** Blocks until the dispatcher stops; the error that stopped it, if any. */
    public Optional<RuntimeException> awaitStop() throws InterruptedException {
        Thread t = thread;
        if (t != null) {
            t.join();
        }
        return Optional.ofNullable(failure);
    }

    private void loop(KafkaConsumer<String, Finding> c, KafkaProducer<String, Remediation> remProducer,
            KafkaProducer<String, String> parkProducer) throws InterruptedException {
        long pausedUntil = 0;
        int deferrals = 0;
        while (running && !crashed) {
            if (pausedUntil > 0) {
                if (System.currentTimeMillis() < pausedUntil) {
                    c.poll(Duration.ofMillis(Math.min(100, Math.max(1, pausedUntil - System.currentTimeMillis()))));
                    continue;
                }
                c.resume(c.paused());
                pausedUntil = 0;
            }
            ConsumerRecords<String, Finding> records;
            try {
                records = c.poll(Duration.ofMillis(200));
            } catch (RecordDeserializationException e) {
                // not a finding: skipping is the only way forward; counted and logged with its position
                LOG.error("undecodable record at {} offset {} skipped: {}", e.topicPartition(), e.offset(), e.getMessage());
                pipeline.counters().add("pipeline", "undecodable", 1);
                c.seek(e.topicPartition(), e.offset() + 1);
                continue;
            }
            if (records.isEmpty()) {
                continue;
            }
            List<Finding> batch = new ArrayList<>();
            Map<TopicPartition, Long> first = new LinkedHashMap<>();
            Map<TopicPartition, OffsetAndMetadata> commit = new LinkedHashMap<>();
            for (ConsumerRecord<String, Finding> r : records) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                first.putIfAbsent(tp, r.offset());
                commit.put(tp, new OffsetAndMetadata(r.offset() + 1));
                if (r.value() != null) {
                    batch.add(r.value());
                }
            }
            try {
                pipeline.process(batch,
                        rem -> remProducer.send(new ProducerRecord<>(settings.topics().remediations().name(), rem.findingId(), rem)),
                        (channel, reason, finding, key) -> parkProducer.send(new ProducerRecord<>(settings.parkedTopic(),
                                finding == null ? key : finding.id(), parked(channel, reason, finding, key))));
                remProducer.flush();
                parkProducer.flush();
                if (crashed) {
                    return;
                }
                c.commitSync(commit);
                committedRecords += records.count();
                deferrals = 0;
            } catch (DeliveryDeferred d) {
                long pause = Math.max(d.notBefore().toMillis(), settings.retry().backoffMillis(deferrals++));
                pause = Math.min(pause, settings.retry().cap().toMillis());
                LOG.warn("delivery deferred ({}); retrying {} record(s) in {} ms", d.getMessage(), records.count(), pause);
                pipeline.counters().add("pipeline", "deferrals", 1);
                first.forEach(c::seek);
                c.pause(c.assignment());
                pausedUntil = System.currentTimeMillis() + pause;
            }
        }
    }

    private static void prefetchMetadata(KafkaProducer<?, ?> producer, String topic) {
        try {
            producer.partitionsFor(topic);
        } catch (InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.debug("no metadata for {} yet: {}", topic, e.toString());
        }
    }

    /** The dispatcher's own topics (parked: plain; ledger: compacted); existing ones are kept. */
    private void ensureTopics() {
        Map<String, Object> ac = new HashMap<>(settings.kafkaOverrides());
        ac.keySet().retainAll(AdminClientConfig.configNames());
        ac.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        try (Admin admin = Admin.create(ac)) {
            List<NewTopic> topics = List.of(new NewTopic(settings.parkedTopic(), Optional.empty(), Optional.empty()),
                    new NewTopic(settings.ledgerTopic(), Optional.empty(), Optional.empty())
                            .configs(Map.of("cleanup.policy", "compact,delete", "retention.ms", Long.toString(Duration.ofDays(14).toMillis()))));
            for (var e : admin.createTopics(topics).values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + e.getKey(), ex.getCause());
                    }
                } catch (TimeoutException ex) {
                    throw new IllegalStateException("topic " + e.getKey() + " not created within 30 s", ex);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new InterruptException(ex);
                }
            }
        }
    }

    private static String parked(String channel, String reason, Finding finding, String key) {
        ObjectNode n = Json.wire().createObjectNode();
        n.put("channel", channel);
        n.put("reason", reason);
        n.put("idempotencyKey", key);
        n.set("finding", Json.wire().valueToTree(finding));
        try {
            return Json.wire().writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Graceful stop: the batch in flight finishes (or defers), then the loop ends. */
    @Override
    public void close() {
        running = false;
        join();
    }

    /** Simulates a crash: interrupt whatever is in flight and exit without committing. */
    public void halt() {
        crashed = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        KafkaConsumer<String, Finding> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        join();
    }

    private void join() {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
