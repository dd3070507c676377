package io.grantwatch.ingest.source;

import static io.grantwatch.ingest.source.WatchSourceTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch checkpoint of a folder of 3,000 delivery files: how often it is written, and how big it gets. */
class CheckpointGrowthTest {
    private static final int FILES = 3000;

    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicLong bytesWritten = new AtomicLong();

    private FileCheckpoint.Writer counting() {
        return (f, entries) -> {
            writes.incrementAndGet();
            Json.wire().writeValue(f.toFile(), entries);
            bytesWritten.addAndGet(Files.size(f));
        };
    }

    /** OSS delivery names: {@code <account>_Actiontrail_<region>_<time>_<id>.json} under the delivery path. */
    private static Path deliver(Path root, int i) throws IOException {
        Path dir = root.resolve("AliyunLogs/Actiontrail/cn-hangzhou/2026/09/" + (10 + i % 20));
        Files.createDirectories(dir);
        Path f = dir.resolve(String.format("1704123456789012_Actiontrail_cn-hangzhou_202609%02d%06d_%08x.json", 10 + i % 20, i,
                i * 2654435761L & 0xffffffffL));
        Files.writeString(f, event(i), StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void shouldWriteTheCheckpointOfAScanOfThousandsOfFilesAFewTimesNotOncePerFile(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("in");
        for (int i = 0; i < FILES; i++) {
            deliver(root, i);
        }
        Path cp = tmp.resolve("cp.json");
        MemorySink sink = new MemorySink();
        WatchSource w = new WatchSource(root, FileCheckpoint.load(cp, counting()), sink, new AuditFileReader(),
                Duration.ofMillis(10), Duration.ZERO, 500);

        long start = System.nanoTime();
        w.scanOnce();
        long ms = (System.nanoTime() - start) / 1_000_000;

        System.out.println("CheckpointGrowthTest: " + FILES + " files read in " + ms + " ms; checkpoint written " + writes.get()
                + " times, " + bytesWritten.get() + " bytes in all; size now " + Files.size(cp) + " bytes");
        assertThat(sink.events).hasSize(FILES);
        assertThat(writes.get()).isLessThanOrEqualTo(Math.max(2, (int) (ms / 1000) + 2));
    }

    @Test
    void shouldDropTheEntriesOfFilesGoneLongerThanTheRetentionAndKeepTheRest(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("in");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            files.add(deliver(root, i));
        }
        Path cp = tmp.resolve("cp.json");
        MemorySink sink = new MemorySink();
        WatchSource.Options options = WatchSource.Options.defaults().withRetention(Duration.ofDays(7));
        new WatchSource(root, FileCheckpoint.load(cp, counting()), sink, new AuditFileReader(), Duration.ofMillis(10),
                Duration.ZERO, 500, options).scanOnce();
        long full = Files.size(cp);
        long old = System.currentTimeMillis() - Duration.ofDays(8).toMillis();
        // the sync job's lifecycle rule deletes the old deliveries; a recent one is deleted too
        for (int i = 0; i < 2000; i++) {
            Files.setLastModifiedTime(files.get(i), FileTime.fromMillis(old));
        }
        FileCheckpoint reloaded = FileCheckpoint.load(cp, counting());
        new WatchSource(root, reloaded, sink, new AuditFileReader(), Duration.ofMillis(10), Duration.ZERO, 500, options)
                .scanOnce(); // the touched files are done and unchanged but for their time: checkpoint updated, nothing re-sent
        for (int i = 0; i < 2000; i++) {
            Files.delete(files.get(i));
        }
        Path recent = files.get(2500).toRealPath();
        Files.delete(files.get(2500)); // gone, but modified just now: kept for the retention

        new WatchSource(root, reloaded, sink, new AuditFileReader(), Duration.ofMillis(10), Duration.ZERO, 500, options)
                .scanOnce();

        long pruned = Files.size(cp);
        System.out.println("CheckpointGrowthTest: checkpoint of " + FILES + " files " + full + " bytes; after 2,000 of them"
                + " were deleted (8 days old) " + pruned + " bytes, " + reloaded.size() + " entries");
        assertThat(reloaded.size()).isEqualTo(FILES - 2000);
        assertThat(reloaded.get(recent)).isNotNull();
        assertThat(pruned).isLessThan(full / 2);
        assertThat(sink.events).hasSize(FILES);
    }

    @Test
    void shouldGrowTheDiskFullReserveWhenTheCheckpointOutgrowsIt(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("in");
        for (int i = 0; i < FILES; i++) {
            deliver(root, i);
        }
        Path cp = tmp.resolve("cp.json");
        Path reserve = tmp.resolve("cp.json.reserve");
        FileCheckpoint checkpoint = FileCheckpoint.load(cp);
        long atLoad = Files.size(reserve);

        new WatchSource(root, checkpoint, new MemorySink(), new AuditFileReader(), Duration.ofMillis(10), Duration.ZERO, 500)
                .scanOnce();

        System.out.println("CheckpointGrowthTest: reserve " + atLoad + " bytes at load, " + Files.size(reserve)
                + " bytes once the checkpoint is " + Files.size(cp) + " bytes");
        assertThat(Files.size(cp)).isGreaterThan(atLoad);
        // the save's temp copy (the checkpoint and what it may grow by) fits the reserve; not 4 x the checkpoint
        assertThat(Files.size(reserve)).isGreaterThanOrEqualTo(Files.size(cp) + 32 * 1024).isLessThan(2 * Files.size(cp));
    }

    @Test
    void shouldMoveTheCheckpointEveryNRecordsInsideAJsonArrayAsInJsonLines(@TempDir Path tmp) throws IOException {
        int n = 20_000;
        StringBuilder lines = new StringBuilder();
        StringBuilder array = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            lines.append(event(i));
            array.append(i == 0 ? "" : ",\n").append(event(n + i).trim());
        }
        array.append("]\n");
        long[] counted = new long[2];
        for (int k = 0; k < 2; k++) {
            Path root = Files.createDirectories(tmp.resolve("in" + k));
            Files.writeString(root.resolve(k == 0 ? "a.jsonl" : "a.json"), k == 0 ? lines : array, StandardCharsets.UTF_8);
            writes.set(0);
            MemorySink sink = new MemorySink();
            new WatchSource(root, FileCheckpoint.load(tmp.resolve("cp" + k + ".json"), counting()).writeInterval(Duration.ZERO),
                    sink, new AuditFileReader(), Duration.ofMillis(10), Duration.ZERO, 500).scanOnce();
            assertThat(sink.events).hasSize(n);
            counted[k] = writes.get();
        }
        System.out.println("CheckpointGrowthTest: checkpoint writes for " + n + " records: JSON Lines " + counted[0]
                + ", JSON array " + counted[1]);
        assertThat(counted[0]).isGreaterThanOrEqualTo(n / 500 - 1);
        assertThat(counted[1]).isGreaterThanOrEqualTo(n / 500 - 1); // inside the array too, not only at its end
    }
}
