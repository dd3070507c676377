package io.grantwatch.systemtests;

import io.grantwatch.app.runtime.TopicSetup;
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
import io.grantwatch.systemtests.corpus.Oracle;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What every scenario shares: the broker, the catalog, the work folder, and small helpers around the product's parts. */
final class Env {
    /**
     * Detector client settings used by every detector in the suite (printed in the header): the
     * product's defaults unless {@code -Dbench.detector.kafka=k=v,...} says otherwise (experiments only).
     */
    static final Map<String, String> DETECTOR_KAFKA = detectorKafka();

    private static Map<String, String> detectorKafka() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : System.getProperty("bench.detector.kafka", "").split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
            }
        }
        return Map.copyOf(m);
    }

    final String bootstrap;
    final Catalog catalog;
    final Path work;

    Env(String bootstrap, Catalog catalog, Path work) {
        this.bootstrap = bootstrap;
        this.catalog = catalog;
        this.work = work;
    }

    /** The same catalog and work folder on another broker (a scenario's own). */
    Env on(String otherBootstrap) {
        return new Env(otherBootstrap, catalog, work);
    }

    Topics topics(String prefix) throws InterruptedException {
        Topics t = Topics.withPrefix(prefix);
        try (Admin admin = Clients.admin(bootstrap)) {
            TopicSetup.ensure(admin, t, 2, (short) 1, Duration.ofSeconds(60));
        }
        new CatalogPublisher(Map.of("bootstrap.servers", bootstrap)).publish(catalog, t.catalog());
        return t;
    }

    DetectorConfig detectorConfig(String appId, Path state) {
        return new DetectorConfig(appId, bootstrap, state, true, 1, DetectorSettings.defaults(), DETECTOR_KAFKA);
    }

    DetectorRunner detector(Topics topics, String appId, Path state) {
        return new DetectorRunner(topics, detectorConfig(appId, state));
    }

    /** {@code grantwatch detect} in its own JVM; its state lives under {@code <state>/streams} (data.dir). */
    Proc detectProcess(String name, String prefix, String appId, Path state) throws IOException {
        List<String> args = new ArrayList<>(List.of("detect", "-b", bootstrap, "--application-id", appId, "--set", "topics.prefix=" + prefix,
                "--set", "topics.partitions=2", "--set", "data.dir=" + state));
        DETECTOR_KAFKA.forEach((k, v) -> {
            args.add("--set");
            args.add("kafka." + k + "=" + v);
        });
        return Proc.java(name, work.resolve("logs").resolve(name + ".log"), List.of("-Xmx512m"), "io.grantwatch.app.GrantWatch", args);
    }

    static List<AuditEvent> parse(List<RawRecord> records) {
        AuditParser p = new AuditParser();
        List<AuditEvent> out = new ArrayList<>(records.size());
        for (RawRecord r : records) {
            out.addAll(p.parse(r.json(), "corpus#" + r.seq(), Hints.NONE).events());
        }
        return out;
    }

    /** Produces events through ingest's own producer (idempotent, acks=all); returns how many were not acknowledged. */
    long produce(Topics topics, List<AuditEvent> events) {
        long failed = 0;
        try (KafkaAuditSink sink = KafkaAuditSink.create(Map.of("bootstrap.servers", bootstrap), topics)) {
            List<CompletableFuture<Void>> fs = new ArrayList<>(events.size());
            for (AuditEvent e : events) {
                fs.add(sink.send("reliability", e));
            }
            sink.flush();
            for (CompletableFuture<Void> f : fs) {
                try {
                    f.join();
                } catch (RuntimeException e) {
                    failed++;
                }
            }
        }
        return failed;
    }

    /** Sum over the audit-events partitions of (end offset − the group's committed offset); -1 when unknown. */
    long lag(String group, String topic) {
        try (Admin admin = Clients.admin(bootstrap)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            List<TopicPartition> parts = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            parts.forEach(p -> req.put(p, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(req).all().get();
            long lag = 0;
            for (TopicPartition p : parts) {
                OffsetAndMetadata c = committed.get(p);
                lag += end.get(p).offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException e) {
            return -1;
        }
    }

    /** Committed offsets of the group on the topic (sum), 0 when none. */
    long committed(String group, String topic) {
        try (Admin admin = Clients.admin(bootstrap)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            long sum = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
                if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                    sum += e.getValue().offset();
                }
            }
            return sum;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (ExecutionException e) {
            return 0;
        }
    }

    /**
     * Waits until the findings topic carries at least the oracle's versions and stays unchanged for 3 s (so late
     * duplicates show), or the timeout; returns the comparison.
     */
    Oracle.Comparison settle(Topics topics, Oracle oracle, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long lastObserved = -1;
        long stableSince = System.currentTimeMillis();
        Oracle.Comparison cmp;
        while (true) {
            List<Finding> seen = Clients.findings(bootstrap, topics.findings());
            cmp = oracle.compare(seen);
            if (cmp.observed() != lastObserved) {
                lastObserved = cmp.observed();
                stableSince = System.currentTimeMillis();
            }
            boolean enough = cmp.observed() >= cmp.expected();
            if (enough && System.currentTimeMillis() - stableSince >= 3000) {
                return cmp;
            }
            if (System.currentTimeMillis() - stableSince >= 60_000) {
                // nothing new for 60 s (longer than the 45 s session timeout a departed Streams member holds its
                // partitions for): what is missing will not come
                return cmp;
            }
            if (System.currentTimeMillis() > deadline) {
                return cmp;
            }
            Thread.sleep(500);
        }
    }

    /**
     * Partitions of the prefix's topics whose last stable offset lags the high watermark (an open or
     * hanging transaction hides everything after it from read_committed readers).
     */
    String openTransactions(String prefix) {
        StringBuilder sb = new StringBuilder();
        try (Admin admin = Clients.admin(bootstrap)) {
            List<String> names = admin.listTopics().names().get().stream().filter(n -> n.startsWith(prefix)).sorted().toList();
            Map<String, org.apache.kafka.clients.admin.TopicDescription> d = admin.describeTopics(names).allTopicNames().get();
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            d.values().forEach(td -> td.partitions().forEach(p -> req.put(new TopicPartition(td.name(), p.partition()), OffsetSpec.latest())));
            var hw = admin.listOffsets(req,
                    new org.apache.kafka.clients.admin.ListOffsetsOptions(org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED))
                    .all().get();
            var lso = admin.listOffsets(req,
                    new org.apache.kafka.clients.admin.ListOffsetsOptions(org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
                    .all().get();
            for (TopicPartition tp : req.keySet()) {
                if (lso.get(tp).offset() < hw.get(tp).offset()) {
                    sb.append(tp).append(" lso=").append(lso.get(tp).offset()).append(" hw=").append(hw.get(tp).offset()).append("; ");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            sb.append("unknown: ").append(e.getCause());
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    Path dir(String name) throws IOException {
        return Files.createDirectories(work.resolve(name));
    }
}
