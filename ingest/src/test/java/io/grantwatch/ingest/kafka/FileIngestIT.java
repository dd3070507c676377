package io.grantwatch.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.source.FileCheckpoint;
import io.grantwatch.ingest.source.FileSource;
import io.grantwatch.ingest.source.IngestCounters;
import io.grantwatch.ingest.source.WatchSource;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.topic.DlqHeaders;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files and the watch source into the real broker: every good event arrives, every bad record is in the DLQ with its reason. */
@WithKafka
class FileIngestIT {

    private static String header(ConsumerRecord<?, ?> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldProduceEveryGoodEventOnceAndDeadLetterEveryBadRecordWhenFolderIngested(
            KafkaBroker kafka, KafkaTestScope scope, @TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("logs");
        Files.createDirectories(dir);
        Files.copy(Fixtures.path("alibaba/jsonl-with-bad-line.jsonl"), dir.resolve("a.jsonl"));
        Files.copy(Fixtures.path("huawei/listtraces-v3-response.json"), dir.resolve("b.json"));
        Files.copy(Fixtures.path("real/alibaba/openapi-meta-lookupevents-response-placeholder-event.json"), dir.resolve("c.json"));
        Files.writeString(dir.resolve("d.json"), "not json at all", StandardCharsets.UTF_8);

        IngestCounters.Snapshot counts;
        try (KafkaAuditSink sink = KafkaAuditSink.create(Map.copyOf(kafka.clientConfig()), scope.topics())) {
            counts = new FileSource(new AuditFileReader(), sink, "files").run(List.of(dir));
        }
        assertThat(counts.produced()).isEqualTo(4);
        assertThat(counts.deadLettered()).isEqualTo(3);

        List<ConsumerRecord<String, AuditEvent>> events = kafka.readAll(scope.topics().auditEvents(), Duration.ofSeconds(30));
        assertThat(events).extracting(r -> r.value().eventId())
                .containsExactlyInAnyOrder("at-jsonl-1", "at-jsonl-2", "hw-lt-1", "hw-lt-2");
        assertThat(events).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(r.value().routingKey());
            assertThat(header(r, DlqHeaders.SOURCE)).startsWith(dir.toString());
        });
        List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(scope.topics().auditDlq(), Duration.ofSeconds(30));
        assertThat(dead).hasSize(3);
        assertThat(dead).extracting(r -> header(r, DlqHeaders.REASON)).anySatisfy(r -> assertThat(r).startsWith("unparseable JSON"))
                .anySatisfy(r -> assertThat(r).contains("missing required fields"));
        assertThat(dead).extracting(r -> header(r, DlqHeaders.SOURCE)).contains(dir.resolve("a.jsonl") + "#1 (line 2)");
    }

    @Test
    void shouldLoseNothingWhenWatcherIsKilledMidFolderAndRestarted(KafkaBroker kafka, KafkaTestScope scope, @TempDir Path tmp)
            throws Exception {
        Path dir = tmp.resolve("AliyunLogs/Actiontrail/cn-hangzhou/2026/09/25");
        int perFile = 200;
        for (int f = 0; f < 5; f++) {
            StringBuilder sb = new StringBuilder();
            for (int i = f * perFile; i < (f + 1) * perFile; i++) {
                sb.append("{\"eventId\":\"k-").append(i).append("\",\"eventName\":\"ListUsers\",\"eventTime\":\"2026-09-25T00:00:00Z\","
                        + "\"userIdentity\":{\"type\":\"ram-user\",\"userName\":\"u").append(i % 7).append("\",\"accountId\":\"1\"}}\n");
            }
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("Actiontrail_cn-hangzhou_" + f + ".json"), sb.toString(), StandardCharsets.UTF_8);
        }
        Path cp = tmp.resolve("state/checkpoint.json");
        try (KafkaAuditSink sink = KafkaAuditSink.create(Map.copyOf(kafka.clientConfig()), scope.topics())) {
            WatchSource first = new WatchSource(tmp.resolve("AliyunLogs"), FileCheckpoint.load(cp), sink, new AuditFileReader(),
                    Duration.ofMillis(20), Duration.ZERO, 50);
            Thread t = new Thread(first, "watch-1");
            t.start();
            // kill it once part of the folder is in Kafka
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sink.counters().get(first.name()).produced() >= 300);
            first.stop();
            t.join(10_000);
        }
        long beforeRestart = kafka.readAll(scope.topics().auditEvents(), Duration.ofSeconds(30)).size();
        assertThat(beforeRestart).isLessThan(5 * perFile);
        try (KafkaAuditSink sink = KafkaAuditSink.create(Map.copyOf(kafka.clientConfig()), scope.topics())) {
            new WatchSource(tmp.resolve("AliyunLogs"), FileCheckpoint.load(cp), sink, new AuditFileReader(),
                    Duration.ofMillis(20), Duration.ZERO, 50).scanOnce();
        }
        List<ConsumerRecord<String, AuditEvent>> all = kafka.readAll(scope.topics().auditEvents(), Duration.ofSeconds(30));
        Set<String> ids = all.stream().map(r -> r.value().eventId()).collect(Collectors.toSet());
        assertThat(ids).hasSize(5 * perFile);
        // duplicates only from the window after the last checkpoint (checkpoint every 50 records)
        assertThat(all.size() - ids.size()).isLessThanOrEqualTo(50);
        assertThat(all).allSatisfy(r -> assertThat(r.value().region()).isEqualTo("cn-hangzhou"));
    }
}
