package io.grantwatch.bench.e2e;

import io.grantwatch.alerts.channel.Alert;
import io.grantwatch.alerts.channel.Channel;
import io.grantwatch.alerts.channel.ChannelSender;
import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.Pacer;
import io.grantwatch.alerts.channel.RateLimits;
import io.grantwatch.alerts.channel.RetryPolicy;
import io.grantwatch.alerts.channel.Secret;
import io.grantwatch.alerts.channel.WebhookChannel;
import io.grantwatch.alerts.dispatch.AlertPipeline;
import io.grantwatch.alerts.dispatch.Dispatcher;
import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.dispatch.Router;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.app.runtime.EmbeddedKafka;
import io.grantwatch.app.runtime.TopicSetup;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.catalog.CatalogPublisher;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.streams.DetectorConfig;
import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.ingest.kafka.KafkaAuditSink;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.Clients;
import io.grantwatch.systemtests.WebhookReceiver;
import io.grantwatch.systemtests.corpus.CorpusGenerator;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Open-loop latency through the product path as it runs in production: each raw record is taken by ingest at its
 * <em>intended</em> time (a fixed rate; no coordinated omission: a stalled sender does not delay the stamps),
 * parsed by ingest's {@link AuditParser} and produced by ingest's own {@link KafkaAuditSink} (idempotent producer,
 * its production settings) to {@code audit-events}; then the detector ({@link DetectorRunner}, exactly-once v2,
 * default commit interval) → {@code findings} → the alerts dispatcher → webhook channel → loopback receiver.
 * Measured, from the intended time of the event that triggered it (by its event time, {@link #triggerTime}):
 * (1) every event's arrival on {@code audit-events} (read_committed), (2) every finding version's arrival at a
 * read_committed consumer of {@code findings}, (3) its delivery at the receiver. Sixty seconds at 2,000 events/s of the
 * throughput corpus's mix time about 2,500 finding versions ({@link #corpus}). {@link #WARMUP_SECONDS} at the same rate go
 * first, and the detector and the alerts path drain, before the measured records: their findings are not counted, as the
 * throughput rounds exclude warm-up.
 */
final class Latency {

    /** A latency distribution in milliseconds. */
    record Dist(long samples, double p50, double p99, double p999, double max) {
        static Dist of(List<Double> values) {
            List<Double> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            return new Dist(sorted.size(), pct(sorted, 50), pct(sorted, 99), pct(sorted, 99.9), pct(sorted, 100));
        }

        @Override
        public String toString() {
            return String.format("samples=%d p50=%.1fms p99=%.1fms p99.9=%.1fms max=%.1fms", samples, p50, p99, p999, max);
        }
    }

    record Result(int rate, double seconds, long sent, long warmup, Dist ingest, Dist topic, Dist hook, String slowest) {
        double hookP99() {
            return hook.p99();
        }

        @Override
        public String toString() {
            return String.format("rate=%d/s for %.0fs sent=%d (after %d warm-up events, not counted)%n  ingest→audit-events (every event): %s"
                    + "%n  ingest→findings topic (every finding version): %s%n  ingest→webhook delivery: %s%n  the slowest to the topic"
                    + " (s into the run: ms): %s", rate, seconds, sent, warmup, ingest, topic, hook, slowest);
        }
    }

    /** The latency corpus's share of denials: the throughput corpus's 3%. */
    static final double DENIAL_SHARE = 0.03;

    /** Seconds of traffic at the measured rate before the measured records, not counted. */
    static final int WARMUP_SECONDS = 10;

    private Latency() {
    }

    /**
     * The latency corpus: the throughput corpus's mix by default ({@link #DENIAL_SHARE}); a larger share of denials gives more
     * timed finding versions per second but more work per event: at 25% the detector could not keep 2,000 events/s on 2 cores
     * beside the broker and the alerts path, and every version queued for seconds.
     */
    static CorpusGenerator.Corpus corpus(long seed, int events, Catalog catalog) {
        return corpus(seed, events, DENIAL_SHARE, catalog);
    }

    static CorpusGenerator.Corpus corpus(long seed, int events, double denials, Catalog catalog) {
        CorpusGenerator.Options o = CorpusGenerator.Options.of(seed, events);
        return CorpusGenerator.generate(new CorpusGenerator.Options(seed, events, o.principals(), denials, o.changeRate(),
                o.spacingMillis(), o.delegated()), catalog);
    }

    static Result run(String bootstrap, Catalog catalog, List<RawRecord> corpus, int rate, int seconds, Path work) throws Exception {
        return run(bootstrap, catalog, corpus, rate, seconds, work, Map.of());
    }

    /** As above, with Kafka Streams settings for the detector ({@code grantwatch detect}'s {@code kafka.*} pass-through). */
    static Result run(String bootstrap, Catalog catalog, List<RawRecord> corpus, int rate, int seconds, Path work,
                      Map<String, String> detectorKafka) throws Exception {
        String id = "lat-" + Long.toHexString(System.nanoTime());
        Topics topics = Topics.withPrefix(id + "-");
        try (Admin admin = Clients.admin(bootstrap)) {
            TopicSetup.ensure(admin, topics, 2, (short) 1, Duration.ofSeconds(60));
        }
        new CatalogPublisher(Map.of("bootstrap.servers", bootstrap)).publish(catalog, topics.catalog());
        Map<Long, Long> intended = new ConcurrentHashMap<>();
        Map<Long, Long> eventArrival = new ConcurrentHashMap<>();
        Map<String, Long> topicArrival = new ConcurrentHashMap<>();
        Map<String, Finding> trigger = new ConcurrentHashMap<>();
        Path detectState = Files.createDirectories(work.resolve(id + "-detect"));
        DetectorConfig config = new DetectorConfig(id + "-detector", bootstrap, detectState, true, 1, DetectorSettings.defaults(), detectorKafka);
        RetryPolicy retry = RetryPolicy.defaults();
        DeliveryCounters counters = new DeliveryCounters();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (WebhookReceiver hook = new WebhookReceiver(n -> WebhookReceiver.Reply.ok());
             KafkaAuditSink ingest = KafkaAuditSink.create(Map.of("bootstrap.servers", bootstrap), topics);
             DetectorRunner detector = new DetectorRunner(topics, config)) {
            Channel channel = new WebhookChannel("hook", Secret.of("bench:hook-url", hook.url()), null, http, Duration.ofSeconds(5),
                    RateLimits.none(), 0);
            Dispatcher dispatcher = new Dispatcher(new Dispatcher.Settings(bootstrap, id + "-alerts", topics, null, null, retry, Map.of()),
                    ledger -> new AlertPipeline(new RemediationPlanner(), new Router(List.of(), List.of("hook")), MuteRules.none(),
                            List.of(new ChannelSender(channel, retry, counters, Pacer.SYSTEM, 50)), counters, Instant::now, ledger));
            detector.start();
            dispatcher.start();
            long wait = System.currentTimeMillis() + 60_000;
            while (!detector.running() && System.currentTimeMillis() < wait) {
                Thread.sleep(50);
            }
            Thread.sleep(2000);
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread events = new Thread(() -> readArrivals(reading, bootstrap, topics.auditEvents().name(),
                    topics.auditEvents().valueSerde().deserializer(),
                    (e, now) -> eventArrival.putIfAbsent(e.eventTime().toEpochMilli(), now)), "bench-latency-events");
            Thread findings = new Thread(() -> readArrivals(reading, bootstrap, topics.findings().name(),
                    topics.findings().valueSerde().deserializer(),
                    (f, now) -> {
                        String key = Alert.keyOf(f);
                        topicArrival.putIfAbsent(key, now);
                        trigger.putIfAbsent(key, f);
                    }), "bench-latency-findings");
            for (Thread t : List.of(events, findings)) {
                t.setDaemon(true);
                t.start();
            }
            Thread.sleep(1000);
            long total = Math.min((long) rate * seconds, corpus.size());
            // WARMUP_SECONDS at the same rate first, then drained: the JIT compiles the detector's and the alerts path's code
            // and the first connections are made (the rounds exclude warm-up the same way); its findings are not counted.
            // With one second of warm-up the cold detector fell behind and never caught up within the run (p50 8 s).
            int warmup = (int) Math.min((long) rate * WARMUP_SECONDS, corpus.size() - total);
            AuditParser parser = new AuditParser();
            openLoop(parser, ingest, corpus.subList(0, warmup), rate, null);
            // drained: the detector has processed every warm-up event (a settle on the findings alone ended while a cold
            // detector still worked through its backlog, which then delayed every measured event by seconds), and the
            // findings reached the webhook
            long until = System.currentTimeMillis() + 120_000;
            while (detector.counters().events() < warmup && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
            settle(topicArrival, hook, 60_000);
            long[] measuredStart = {System.nanoTime()};
            long sent = openLoop(parser, ingest, corpus.subList(warmup, (int) (warmup + total)), rate, intended);
            // settle: findings and deliveries of the last events
            settle(topicArrival, hook, 20_000);
            reading.set(false);
            events.join(10_000);
            findings.join(10_000);
            dispatcher.close();
            List<Double> ingestLat = new ArrayList<>();
            for (Map.Entry<Long, Long> e : eventArrival.entrySet()) {
                Long due = intended.get(e.getKey());
                if (due != null) {
                    ingestLat.add((e.getValue() - due) / 1e6);
                }
            }
            List<Double> topicLat = new ArrayList<>();
            // when in the run the slowest versions were sent: a tail in clusters is a stall (GC, a commit), spread out it is not
            TreeMap<Double, Double> slow = new TreeMap<>();
            for (Map.Entry<String, Long> e : topicArrival.entrySet()) {
                Long due = intended.get(triggerTime(trigger.get(e.getKey())));
                if (due != null) {
                    double ms = (e.getValue() - due) / 1e6;
                    topicLat.add(ms);
                    slow.put(ms, (due - measuredStart[0]) / 1e9);
                    if (slow.size() > 12) {
                        slow.pollFirstEntry();
                    }
                }
            }
            StringBuilder slowest = new StringBuilder();
            slow.descendingMap().forEach((ms, at) -> slowest.append(String.format("%.1f:%.0f ", at, ms)));
            List<Double> hookLat = new ArrayList<>();
            for (Map.Entry<String, List<Long>> e : hook.accepted().entrySet()) {
                Finding f = trigger.get(e.getKey());
                Long due = f == null ? null : intended.get(triggerTime(f));
                if (due != null && !e.getValue().isEmpty()) {
                    hookLat.add((e.getValue().get(0) - due) / 1e6);
                }
            }
            return new Result(rate, seconds, sent, warmup, Dist.of(ingestLat), Dist.of(topicLat), Dist.of(hookLat), slowest.toString().trim());
        } finally {
            Variants.delete(detectState);
        }
    }

    /**
     * Takes records at a fixed rate as ingest does (parse, then its sink); each record's intended time goes to
     * {@code intended} (null: not measured).
     */
    private static long openLoop(AuditParser parser, KafkaAuditSink ingest, List<RawRecord> records, int rate, Map<Long, Long> intended) {
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        for (int i = 0; i < records.size(); i++) {
            long due = start + i * interval;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(Math.min(due - now, 200_000));
            }
            RawRecord r = records.get(i);
            if (intended != null) {
                intended.put(r.timeMillis(), due);
            }
            for (AuditEvent e : parser.parse(r.json(), "latency#" + r.seq(), Hints.NONE).events()) {
                ingest.send("latency", e);
            }
        }
        ingest.flush();
        return records.size();
    }

    /** Waits until every finding on the topic reached the webhook and nothing moved for 3 s (at most {@code maxMillis}). */
    private static void settle(Map<String, Long> topicArrival, WebhookReceiver hook, long maxMillis) throws InterruptedException {
        long until = System.currentTimeMillis() + maxMillis;
        int stable = 0;
        int lastSize = -1;
        while (System.currentTimeMillis() < until && stable < 10) {
            Thread.sleep(300);
            int size = topicArrival.size() + hook.accepted().size();
            stable = size == lastSize && hook.accepted().size() >= topicArrival.size() ? stable + 1 : 0;
            lastSize = size;
        }
    }

    /**
     * The event time of what triggered a finding version: its {@code updatedAt} (the time of the event that opened,
     * counted, reopened or resolved it; a resolution's success is not in the evidence's event ids). The corpus's event
     * times are unique (200 ms apart), so the time names the record and its intended send time.
     */
    private static long triggerTime(Finding f) {
        return f.updatedAt() != null ? f.updatedAt().toEpochMilli() : f.evidence().lastSeen().toEpochMilli();
    }

    /** Reads a topic from the beginning (read_committed) while {@code reading}, handing every value to {@code onArrival} with its arrival time. */
    private static <V> void readArrivals(AtomicBoolean reading, String bootstrap, String topic, Deserializer<V> values,
                                         BiConsumer<V, Long> onArrival) {
        try (KafkaConsumer<String, V> c = new KafkaConsumer<>(Clients.consumerConfig(bootstrap, null), Topics.STRING.deserializer(), values)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            while (reading.get()) {
                for (ConsumerRecord<String, V> r : c.poll(Duration.ofMillis(20))) {
                    long now = System.nanoTime();
                    if (r.value() != null) {
                        onArrival.accept(r.value(), now);
                    }
                }
            }
        }
    }

    /**
     * The latency phase alone, on its own in-process broker:
     * {@code java -cp bench/target/grantwatch-bench.jar io.grantwatch.bench.e2e.Latency [--rate 2000] [--seconds 60] [--seed 42] [--denials 0.03]
     * [--detector-config key=value,...]} (the last: Kafka Streams settings for the detector, to compare, e.g.
     * {@code commit.interval.ms=50,producer.linger.ms=5}).
     */
    public static void main(String[] args) throws Exception {
        int rate = 2000;
        int seconds = 60;
        long seed = 42;
        Map<String, String> detectorKafka = new TreeMap<>();
        double denials = DENIAL_SHARE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--detector-config" -> {
                    for (String kv : args[++i].split(",")) {
                        String[] p = kv.split("=", 2);
                        detectorKafka.put(p[0], p[1]);
                    }
                }
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--denials" -> denials = Double.parseDouble(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Catalog catalog = CatalogLoader.loadBundled();
        CorpusGenerator.Corpus corpus = corpus(seed, rate * (seconds + WARMUP_SECONDS), denials, catalog);
        Path work = Files.createTempDirectory("grantwatch-latency-");
        try (EmbeddedKafka kafka = BenchKafka.startBroker(work.resolve("broker"))) {
            System.out.println("latency (open loop, EOS, detector settings " + (detectorKafka.isEmpty() ? "default" : detectorKafka) + "; "
                    + corpus.stats() + "): " + run(kafka.bootstrapServers(), catalog, corpus.records(), rate, seconds, work, detectorKafka));
        } finally {
            Variants.delete(work);
        }
        System.exit(0);
    }

    static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
