package io.grantwatch.bench.e2e;

import io.grantwatch.app.runtime.TopicSetup;
import io.grantwatch.bench.corpus.Oracle;
import io.grantwatch.catalog.CatalogPublisher;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.streams.DetectorConfig;
import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.model.Finding;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The four end-to-end variants, all reading the same pre-loaded raw topic from offset 0 under
 * exactly-once (transactions, read_committed, commit every 100 ms) with one processing thread:
 * <ul>
 *   <li>(a) {@code passthrough}: KafkaConsumer → transactional KafkaProducer, bytes, offsets committed in
 *   the transaction every 100 ms (Kafka's TransactionalMessageCopier pattern), producer linger 100 ms like Streams';</li>
 *   <li>(b) {@code streams}: Kafka Streams {@code stream(raw).to(out)}, bytes, exactly_once_v2;</li>
 *   <li>(c) {@code parse}: Kafka Streams running ingest's parser and classifier on every raw record
 *   ({@link IngestStage}), writing audit-events;</li>
 *   <li>(d) {@code grantwatch}: (c) plus the detector topology (DetectorRunner, as {@code grantwatch detect} runs
 *   it) reading those audit-events and writing findings: the whole product path from raw JSON to findings.
 *   Done when the detector has processed the N-th event (and every IAM change routed to its principal).</li>
 * </ul>
 */
final class Variants {
    /** A variant that has not processed its N records by then is a failed (WRONG) run; quick mode: 2 min, full: 10 min. */
    static long timeoutMs = 600_000;

    /** One timed run. */
    record Measure(String variant, int round, long n, double seconds, double cpuSeconds, boolean ok, String note) {
        double eps() {
            return n / seconds;
        }

        double cpuMicrosPerEvent() {
            return cpuSeconds * 1e6 / n;
        }
    }

    /** What the last (d) run left for the state and memory report. */
    record StateFigures(long heapBytes, long stateBytes, int principals) {
    }

    private final String bootstrap;
    private final String raw;
    private final Path work;
    private final Catalog catalog;
    private StateFigures lastState;

    Variants(String bootstrap, String raw, Path work, Catalog catalog) {
        this.bootstrap = bootstrap;
        this.raw = raw;
        this.work = work;
        this.catalog = catalog;
    }

    StateFigures lastState() {
        return lastState;
    }

    // ------------------------------------------------------------------ (a)

    Measure passthrough(int round, long n) throws Exception {
        String id = "bench-a-" + round + "-" + UUID.randomUUID().toString().substring(0, 8);
        String out = id + "-out";
        try (Admin admin = BenchKafka.admin(bootstrap)) {
            BenchKafka.createTopic(admin, out, 2, Map.of());
        }
        Timer timer = new Timer();
        Map<String, Object> cc = BenchKafka.consumerConfig(bootstrap, id);
        Map<String, Object> pc = new HashMap<>();
        pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pc.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        pc.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        pc.put(ProducerConfig.LINGER_MS_CONFIG, 100);
        pc.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        Thread copier = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                 KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pc, new ByteArraySerializer(), new ByteArraySerializer())) {
                p.initTransactions();
                c.subscribe(List.of(raw));
                p.beginTransaction();
                long lastCommit = System.currentTimeMillis();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                boolean open = false;
                while (timer.count() < n && !Thread.currentThread().isInterrupted()) {
                    ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(100));
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        timer.tick();
                        p.send(new ProducerRecord<>(out, null, r.timestamp(), r.key(), r.value()));
                        offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                        open = true;
                    }
                    if (open && (System.currentTimeMillis() - lastCommit >= 100 || timer.count() >= n)) {
                        p.sendOffsetsToTransaction(offsets, c.groupMetadata());
                        p.commitTransaction();
                        p.beginTransaction();
                        offsets.clear();
                        open = false;
                        lastCommit = System.currentTimeMillis();
                    }
                }
                p.abortTransaction();
            }
        }, "bench-passthrough");
        copier.start();
        boolean done = timer.await(() -> timer.count() >= n, timeoutMs);
        copier.join(30_000);
        long copied = BenchKafka.count(bootstrap, out);
        return new Measure("a", round, n, timer.seconds(), timer.cpuSeconds(), done && copied == n, "copied=" + copied);
    }

    // ------------------------------------------------------------------ (b)

    Measure streamsPassthrough(int round, long n) throws Exception {
        String id = "bench-b-" + round + "-" + UUID.randomUUID().toString().substring(0, 8);
        String out = id + "-out";
        try (Admin admin = BenchKafka.admin(bootstrap)) {
            BenchKafka.createTopic(admin, out, 2, Map.of());
        }
        Timer timer = new Timer();
        StreamsBuilder b = new StreamsBuilder();
        b.stream(raw, Consumed.with(Topics.BYTES, Topics.BYTES).withName("read-raw"))
                .peek((k, v) -> timer.tick(), Named.as("count-raw"))
                .to(out, Produced.with(Topics.BYTES, Topics.BYTES).withName("write-out"));
        Path state = Files.createDirectories(work.resolve(id));
        try (KafkaStreams s = new KafkaStreams(b.build(), streamsProps(id, state))) {
            s.start();
            boolean done = timer.await(() -> timer.count() >= n, timeoutMs);
            s.close(Duration.ofSeconds(30));
            long copied = BenchKafka.count(bootstrap, out);
            return new Measure("b", round, n, timer.seconds(), timer.cpuSeconds(), done && copied == n, "copied=" + copied);
        } finally {
            delete(state);
        }
    }

    // ------------------------------------------------------------------ (c)

    Measure parse(int round, long n) throws Exception {
        String id = "bench-c-" + round + "-" + UUID.randomUUID().toString().substring(0, 8);
        Topics topics = Topics.withPrefix(id + "-");
        try (Admin admin = BenchKafka.admin(bootstrap)) {
            BenchKafka.createTopic(admin, topics.auditEvents().name(), 2, Map.of());
            BenchKafka.createTopic(admin, topics.auditDlq().name(), 1, Map.of());
        }
        Timer timer = new Timer();
        Path state = Files.createDirectories(work.resolve(id));
        try (KafkaStreams s = new KafkaStreams(IngestStage.build(raw, topics, timer::tick), streamsProps(id, state))) {
            s.start();
            boolean done = timer.await(() -> timer.count() >= n, timeoutMs);
            s.close(Duration.ofSeconds(30));
            long events = BenchKafka.count(bootstrap, topics.auditEvents().name());
            return new Measure("c", round, n, timer.seconds(), timer.cpuSeconds(), done && events == n, "audit-events=" + events);
        } finally {
            delete(state);
        }
    }

    // ------------------------------------------------------------------ (d)

    Measure grantwatch(int round, long n, long changes, Oracle oracle, boolean measureState) throws Exception {
        String id = "bench-d-" + round + "-" + UUID.randomUUID().toString().substring(0, 8);
        Topics topics = Topics.withPrefix(id + "-");
        try (Admin admin = BenchKafka.admin(bootstrap)) {
            TopicSetup.ensure(admin, topics, 2, (short) 1, Duration.ofSeconds(60));
        }
        new CatalogPublisher(Map.of("bootstrap.servers", bootstrap)).publish(catalog, topics.catalog());
        long heapBefore = measureState ? heapAfterGc() : 0;
        Timer timer = new Timer();
        Path ingestState = Files.createDirectories(work.resolve(id + "-ingest"));
        Path detectState = Files.createDirectories(work.resolve(id + "-detect"));
        DetectorConfig config = new DetectorConfig(id + "-detector", bootstrap, detectState, true, 1, DetectorSettings.defaults(), detectorKafka());
        try (KafkaStreams ingest = new KafkaStreams(IngestStage.build(raw, topics, timer::tick), streamsProps(id + "-ingest", ingestState));
             DetectorRunner detector = new DetectorRunner(topics, config)) {
            detector.start();
            ingest.start();
            boolean done = timer.await(() -> detector.counters().events() >= n && detector.counters().iamChanges() >= changes, timeoutMs);
            String stateNote = "";
            if (measureState) {
                long heap = heapAfterGc() - heapBefore;
                long stateBytes = size(detectState);
                lastState = new StateFigures(heap, stateBytes, oracle.detector().principals());
                stateNote = " heapDelta=" + heap + " stateBytes=" + stateBytes;
            }
            Oracle.Comparison cmp = awaitFindings(topics, oracle);
            return new Measure("d", round, n, timer.seconds(), timer.cpuSeconds(), done && cmp.matches(),
                    "detector=" + detector.counters().snapshot() + " oracle: " + cmp + stateNote);
        } finally {
            delete(ingestState);
            delete(detectState);
        }
    }

    /** Reads the findings topic until it carries as many versions as the oracle emits (or 60 s pass), then compares. */
    Oracle.Comparison awaitFindings(Topics topics, Oracle oracle) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        Oracle.Comparison cmp;
        do {
            List<Finding> seen = BenchKafka.findings(bootstrap, topics.findings());
            cmp = oracle.compare(seen);
            if (cmp.observed() >= cmp.expected()) {
                return cmp;
            }
            Thread.sleep(300);
        } while (System.currentTimeMillis() < deadline);
        return cmp;
    }

    /** Extra detector client settings for experiments: {@code -Dbench.detector.kafka=k=v,k=v} (none by default). */
    static Map<String, String> detectorKafka() {
        String spec = System.getProperty("bench.detector.kafka", "");
        Map<String, String> m = new HashMap<>();
        for (String kv : spec.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
            }
        }
        return m;
    }

    Properties streamsProps(String id, Path state) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, id);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        return p;
    }

    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long size(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: temporary bench state
        }
    }
}
