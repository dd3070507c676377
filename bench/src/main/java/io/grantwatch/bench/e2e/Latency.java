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
import io.grantwatch.app.runtime.TopicSetup;
import io.grantwatch.catalog.CatalogPublisher;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.streams.DetectorConfig;
import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.model.Finding;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.Clients;
import io.grantwatch.systemtests.WebhookReceiver;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Open-loop latency: raw records are produced at a fixed rate, each stamped with its <em>intended</em>
 * send time (no coordinated omission: a stalled sender does not delay the stamps), through the whole
 * product path (ingest parse stage → audit-events → detector → findings → alerts dispatcher → webhook
 * channel → loopback receiver), all exactly-once with default commit intervals. A finding version's
 * latency is measured from the intended send time of the event that triggered it (the newest event
 * id in its evidence) to (1) its arrival at a read_committed consumer of {@code findings} and (2)
 * its delivery at the receiver. One second of the corpus at the same rate goes first, and the pipeline
 * drains, before the measured records (the ones after it, so event time still rises): its findings
 * are not counted, as the throughput rounds exclude startup.
 */
final class Latency {

    record Result(int rate, double seconds, long sent, long findingSamples, long webhookSamples, double topicP50, double topicP99,
                  double topicMax, double hookP50, double hookP99, double hookMax, long warmup) {
        @Override
        public String toString() {
            return String.format("rate=%d/s for %.0fs sent=%d (after %d warm-up events, not counted) | ingest→findings topic: samples=%d"
                            + " p50=%.1fms p99=%.1fms max=%.1fms | ingest→webhook delivery: samples=%d p50=%.1fms p99=%.1fms max=%.1fms",
                    rate, seconds, sent, warmup, findingSamples, topicP50, topicP99, topicMax, webhookSamples, hookP50, hookP99, hookMax);
        }
    }

    private Latency() {
    }

    static Result run(String bootstrap, Catalog catalog, List<RawRecord> corpus, int rate, int seconds, Path work) throws Exception {
        String id = "lat-" + Long.toHexString(System.nanoTime());
        Topics topics = Topics.withPrefix(id + "-");
        String raw = id + "-raw";
        try (Admin admin = Clients.admin(bootstrap)) {
            TopicSetup.ensure(admin, topics, 2, (short) 1, Duration.ofSeconds(60));
            BenchKafka.createTopic(admin, raw, 2, Map.of());
        }
        new CatalogPublisher(Map.of("bootstrap.servers", bootstrap)).publish(catalog, topics.catalog());
        Map<String, Long> intended = new ConcurrentHashMap<>();
        Map<String, Long> topicArrival = new ConcurrentHashMap<>();
        Map<String, String> trigger = new ConcurrentHashMap<>();
        Path ingestState = Files.createDirectories(work.resolve(id + "-ingest"));
        Path detectState = Files.createDirectories(work.resolve(id + "-detect"));
        Timer ignored = new Timer();
        Variants v = new Variants(bootstrap, raw, work, catalog);
        DetectorConfig config = new DetectorConfig(id + "-detector", bootstrap, detectState, true, 1, DetectorSettings.defaults(), Map.of());
        RetryPolicy retry = RetryPolicy.defaults();
        DeliveryCounters counters = new DeliveryCounters();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (WebhookReceiver hook = new WebhookReceiver(n -> WebhookReceiver.Reply.ok());
             KafkaStreams ingest = new KafkaStreams(IngestStage.build(raw, topics, ignored::tick), v.streamsProps(id + "-ingest", ingestState));
             DetectorRunner detector = new DetectorRunner(topics, config)) {
            Channel channel = new WebhookChannel("hook", Secret.of("bench:hook-url", hook.url()), null, http, Duration.ofSeconds(5),
                    RateLimits.none(), 0);
            Dispatcher dispatcher = new Dispatcher(new Dispatcher.Settings(bootstrap, id + "-alerts", topics, null, null, retry, Map.of()),
                    ledger -> new AlertPipeline(new RemediationPlanner(), new Router(List.of(), List.of("hook")), MuteRules.none(),
                            List.of(new ChannelSender(channel, retry, counters, Pacer.SYSTEM, 50)), counters, Instant::now, ledger));
            detector.start();
            ingest.start();
            dispatcher.start();
            long wait = System.currentTimeMillis() + 60_000;
            while ((!detector.running() || ingest.state() != KafkaStreams.State.RUNNING) && System.currentTimeMillis() < wait) {
                Thread.sleep(50);
            }
            Thread.sleep(2000);
            Thread reader = new Thread(() -> readFindings(bootstrap, topics, topicArrival, trigger), "bench-latency-findings");
            reader.setDaemon(true);
            reader.start();
            Thread.sleep(1000);
            long total = Math.min((long) rate * seconds, corpus.size());
            // one second at the same rate first, so that the first alerts do not pay the alerts path's class loading and
            // first connections (the rounds exclude startup the same way); its findings are not counted
            int warmup = (int) Math.min(rate, corpus.size() - total);
            long sent;
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Clients.producerConfig(bootstrap), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                openLoop(p, raw, corpus.subList(0, warmup), rate, null);
                settle(topicArrival, hook, 20_000);
                sent = openLoop(p, raw, corpus.subList(warmup, (int) (warmup + total)), rate, intended);
            }
            // settle: findings and deliveries of the last events
            settle(topicArrival, hook, 20_000);
            reader.interrupt();
            dispatcher.close();
            List<Double> topicLat = new ArrayList<>();
            List<Double> hookLat = new ArrayList<>();
            for (Map.Entry<String, Long> e : topicArrival.entrySet()) {
                Long due = intended.get(trigger.get(e.getKey()));
                if (due != null) {
                    topicLat.add((e.getValue() - due) / 1e6);
                }
            }
            for (Map.Entry<String, List<Long>> e : hook.accepted().entrySet()) {
                Long due = intended.get(trigger.get(e.getKey()));
                if (due != null && !e.getValue().isEmpty()) {
                    hookLat.add((e.getValue().get(0) - due) / 1e6);
                }
            }
            Collections.sort(topicLat);
            Collections.sort(hookLat);
            return new Result(rate, seconds, sent, topicLat.size(), hookLat.size(), pct(topicLat, 50), pct(topicLat, 99), pct(topicLat, 100),
                    pct(hookLat, 50), pct(hookLat, 99), pct(hookLat, 100), warmup);
        } finally {
            Variants.delete(ingestState);
            Variants.delete(detectState);
        }
    }

    /** Produces at a fixed rate; each record's intended send time goes to {@code intended} (null: not measured). */
    private static long openLoop(KafkaProducer<byte[], byte[]> p, String raw, List<RawRecord> records, int rate, Map<String, Long> intended) {
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
                intended.put(r.eventId(), due);
            }
            p.send(new ProducerRecord<>(raw, null, r.timeMillis(), r.key().getBytes(StandardCharsets.UTF_8), r.json()));
        }
        p.flush();
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

    private static void readFindings(String bootstrap, Topics topics, Map<String, Long> arrival, Map<String, String> trigger) {
        try (KafkaConsumer<String, Finding> c = new KafkaConsumer<>(Clients.consumerConfig(bootstrap, null), Topics.STRING.deserializer(),
                topics.findings().valueSerde().deserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topics.findings().name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topics.findings().name(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, Finding> r : c.poll(Duration.ofMillis(20))) {
                    long now = System.nanoTime();
                    Finding f = r.value();
                    if (f == null || f.evidence() == null || f.evidence().eventIds().isEmpty()) {
                        continue;
                    }
                    String key = Alert.keyOf(f);
                    arrival.putIfAbsent(key, now);
                    List<String> ids = f.evidence().eventIds();
                    trigger.putIfAbsent(key, ids.get(ids.size() - 1));
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt();
        }
    }

    static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
