package io.grantwatch.bench.e2e;

import io.grantwatch.app.runtime.EmbeddedKafka;
import io.grantwatch.systemtests.Clients;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The benchmark's broker (the product's own {@link EmbeddedKafka}, which is what it measures) and the topic set-up and
 * loading it needs; generic client helpers are the system tests' {@link Clients}.
 */
public final class BenchKafka {
    private BenchKafka() {
    }

    /** One KRaft broker in this JVM through the product's own {@link EmbeddedKafka}, on free loopback ports. */
    public static EmbeddedKafka startBroker(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        int[] ports = Clients.freePorts(2);
        int port = ports[0];
        int controller = ports[1];
        // no time retention: the corpus's records carry their event times, weeks old, and a round long enough to meet the broker's
        // first retention check (log.initial.task.delay.ms, 30 s) lost its input under the default 7 days
        return EmbeddedKafka.start(new EmbeddedKafka.Settings(dataDir, port, controller, Map.of("group.initial.rebalance.delay.ms", "0",
                "log.retention.ms", "-1")));
    }

    public static void createTopic(Admin admin, String name, int partitions, Map<String, String> configs) throws InterruptedException {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + name, e.getCause());
            }
        }
    }

    /** Loads raw records (key = principal, value = raw JSON, timestamp = event time), acknowledged by the broker. */
    public static void load(String bootstrap, String topic, List<RawRecord> records) {
        load(bootstrap, topic, records, 1);
    }

    /**
     * Loads the records {@code repeats} times over, one copy after the other (the same bytes: a copier or parser does the
     * same work on a repeat, so a round can be made as long as it must be to hold still).
     */
    public static void load(String bootstrap, String topic, List<RawRecord> records, int repeats) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Clients.producerConfig(bootstrap), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < repeats; i++) {
                for (RawRecord r : records) {
                    p.send(new ProducerRecord<>(topic, null, r.timeMillis(), r.key().getBytes(StandardCharsets.UTF_8), r.json()));
                }
            }
            p.flush();
        }
    }

    public static void deleteTopics(Admin admin, Collection<String> names) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<String> del = names.stream().filter(existing::contains).toList();
            if (!del.isEmpty()) {
                admin.deleteTopics(del).all().get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // best effort: a leftover topic only costs disk in a temporary broker
        }
    }
}
