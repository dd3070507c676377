package io.grantwatch.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.model.AuditEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchSourceTest {
    static String event(int i) {
        return "{\"eventId\":\"w-" + i + "\",\"eventName\":\"ListUsers\",\"eventTime\":\"2026-01-01T00:00:00Z\","
                + "\"userIdentity\":{\"type\":\"ram-user\",\"userName\":\"u" + (i % 3) + "\",\"accountId\":\"1\"}}\n";
    }

    static void writeFile(Path f, int from, int to) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(event(i));
        }
        Files.createDirectories(f.getParent());
        Files.writeString(f, sb.toString(), StandardCharsets.UTF_8);
    }

    private WatchSource watcher(Path dir, Path cp, AuditSink sink) throws IOException {
        return new WatchSource(dir, FileCheckpoint.load(cp), sink, new AuditFileReader(), Duration.ofMillis(10), Duration.ZERO, 5,
                WatchSource.Options.defaults().withTailSettle(Duration.ZERO));
    }

    @Test
    void shouldReadEachFileOnceAndOnlyNewRecordsWhenAFileGrows(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 10);
        writeFile(dir.resolve("sub/b.jsonl"), 10, 20);
        // a complete broken line (one without its newline may still be completed: held, not dead-lettered)
        Files.writeString(dir.resolve("bad.json"), "{ nope\n", StandardCharsets.UTF_8);
        MemorySink sink = new MemorySink();
        WatchSource w = watcher(dir, tmp.resolve("cp.json"), sink);
        w.scanOnce();
        w.scanOnce();
        assertThat(sink.events).hasSize(20);
        assertThat(sink.dead).singleElement().satisfies(r -> assertThat(r.reason()).contains("unparseable"));
        Files.writeString(dir.resolve("a.jsonl"), event(100), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Files.setLastModifiedTime(dir.resolve("a.jsonl"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        assertThat(sink.events).extracting(AuditEvent::eventId).filteredOn("w-100"::equals).hasSize(1);
        assertThat(sink.events).hasSize(21);
    }

    @Test
    void shouldSkipCtsDigestFilesWithoutDeadLetteringAndCountThemOnceWhenWatching(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        Path delivery = io.grantwatch.ingest.Fixtures.path("huawei/obs-delivery-with-digest");
        for (Path f : AuditFileReader.files(delivery)) {
            Path target = dir.resolve(delivery.relativize(f).toString());
            Files.createDirectories(target.getParent());
            Files.copy(f, target);
        }
        Files.copy(io.grantwatch.ingest.Fixtures.path("huawei/cts-digest.json"), dir.resolve("pushed-digest.json"));
        MemorySink sink = new MemorySink();
        WatchSource w = watcher(dir, tmp.resolve("cp.json"), sink);

        w.scanOnce();
        w.scanOnce();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(sink.events).hasSize(3);
        assertThat(sink.dead).isEmpty();
        IngestCounters.Snapshot c = sink.counters().get(w.name());
        assertThat(c.skipped()).isEqualTo(3);
        assertThat(c.deadLettered()).isZero();
        assertThat(c.produced()).isEqualTo(3);
    }

    @Test
    void shouldLoseNothingWhenStoppedMidFileAndRestarted(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 50);
        writeFile(dir.resolve("b.jsonl"), 50, 100);
        MemorySink first = new MemorySink();
        WatchSource w = watcher(dir, tmp.resolve("cp.json"), new AuditSink() {
            @Override
            public CompletableFuture<Void> send(String source, AuditEvent event) {
                if (first.events.size() == 63) {
                    w1Stop.run();
                }
                return first.send(source, event);
            }

            @Override
            public CompletableFuture<Void> deadLetter(String source, io.grantwatch.ingest.RejectedRecord r) {
                return first.deadLetter(source, r);
            }

            @Override
            public void flush() {
            }

            @Override
            public IngestCounters counters() {
                return first.counters();
            }
        });
        w1Stop = w::stop;
        assertThatThrownBy(w::scanOnce).isInstanceOf(RuntimeException.class);
        assertThat(first.events.size()).isLessThan(100);
        MemorySink second = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), second).scanOnce();
        Set<String> all = new HashSet<>();
        first.events.forEach(e -> all.add(e.eventId()));
        second.events.forEach(e -> all.add(e.eventId()));
        assertThat(all).hasSize(100);
        // the stop wrote the checkpoint at what was acknowledged: the restart re-sends nothing
        Set<String> resent = second.events.stream().map(AuditEvent::eventId).collect(Collectors.toSet());
        resent.retainAll(first.events.stream().map(AuditEvent::eventId).collect(Collectors.toSet()));
        assertThat(resent).isEmpty();
    }

    private Runnable w1Stop;

    @Test
    void shouldNotCheckpointPastRecordsKafkaRejected(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 20);
        MemorySink sink = new MemorySink();
        sink.failing = true;
        WatchSource w = watcher(dir, tmp.resolve("cp.json"), sink);
        assertThatThrownBy(w::scanOnce).isInstanceOf(IOException.class).hasMessageContaining("Kafka did not acknowledge");
        sink.failing = false;
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        assertThat(sink.events).extracting(AuditEvent::eventId).contains("w-0", "w-19").hasSize(20);
    }

    /** Kafka as the producer sees it: acknowledgements out of order (per partition), and then every send failing. */
    private static final class FlakyKafka implements AuditSink {
        final MemorySink stored = new MemorySink();
        final List<Runnable> inFlight = new ArrayList<>();
        final int failFrom;
        int sent;

        FlakyKafka(int failFrom) {
            this.failFrom = failFrom;
        }

        @Override
        public synchronized CompletableFuture<Void> send(String source, AuditEvent event) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            int n = sent++;
            inFlight.add(() -> {
                if (n >= failFrom) {
                    f.completeExceptionally(new IllegalStateException("disk full"));
                } else {
                    stored.send(source, event);
                    f.complete(null);
                }
            });
            if (inFlight.size() == 7) { // a batch answered, in another order than sent
                Collections.reverse(inFlight);
                answer();
            }
            return f;
        }

        synchronized void answer() {
            List<Runnable> now = new ArrayList<>(inFlight);
            inFlight.clear();
            now.forEach(Runnable::run);
        }

        @Override
        public CompletableFuture<Void> deadLetter(String source, io.grantwatch.ingest.RejectedRecord r) {
            return stored.deadLetter(source, r);
        }

        @Override
        public void flush() {
            answer();
        }

        @Override
        public IngestCounters counters() {
            return stored.counters();
        }
    }

    @Test
    void shouldSendEachRecordOnceWhenKafkaAcknowledgesOutOfOrderAndThenFailsAndIngestRestarts(@TempDir Path tmp)
            throws IOException {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 300);
        FlakyKafka kafka = new FlakyKafka(123);
        WatchSource w = watcher(dir, tmp.resolve("cp.json"), kafka);
        assertThatThrownBy(w::scanOnce).hasMessageContaining("Kafka did not acknowledge");
        int before = kafka.stored.events.size();

        MemorySink second = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), second).scanOnce();

        List<String> all = new ArrayList<>();
        kafka.stored.events.forEach(e -> all.add(e.eventId()));
        second.events.forEach(e -> all.add(e.eventId()));
        assertThat(before).isEqualTo(123);
        assertThat(all).doesNotHaveDuplicates().hasSize(300);
    }
}
