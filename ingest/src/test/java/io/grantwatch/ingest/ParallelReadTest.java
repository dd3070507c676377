package io.grantwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading files on several threads hands the caller exactly what the sequential read does, in the same order. */
class ParallelReadTest {
    @TempDir
    Path dir;

    private static String event(int file, int i) {
        return String.format("{\"eventId\":\"f%d-e%d\",\"eventName\":\"ListUsers\",\"eventTime\":\"2026-01-01T00:%02d:%02dZ\","
                + "\"userIdentity\":{\"type\":\"ram-user\",\"userName\":\"u%d\",\"accountId\":\"1\"}}", file, i, file % 60, i % 60, i % 7);
    }

    private static void gzip(Path file, String content) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(content.getBytes(StandardCharsets.UTF_8));
        }
        Files.write(file, b.toByteArray());
    }

    /**
     * 40 files of different sizes (some span several hand-over chunks), gzip and plain, JSON Lines and
     * arrays, with an unparseable line, an unknown shape, an empty file and a truncated gzip.
     */
    private void corpus() throws IOException {
        Path trail = Files.createDirectories(dir.resolve("AliyunLogs/Actiontrail/cn-hangzhou/2026/01/01"));
        for (int f = 0; f < 40; f++) {
            int n = (f * 37) % (3 * OrderedFileReads.CHUNK + 50);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                if (f == 10 && i == 300) {
                    sb.append("{\"eventId\": \"broken\", \"eventTime\": \n");
                } else if (f == 11 && i == 5) {
                    sb.append("{\"hello\":\"world\"}\n");
                } else {
                    sb.append(event(f, i)).append('\n');
                }
            }
            String name = String.format("Actiontrail_cn-hangzhou_%03d", f);
            if (f % 3 == 0) {
                Files.writeString(trail.resolve(name + ".json"), sb.toString());
            } else {
                gzip(trail.resolve(name + ".gz"), sb.toString());
            }
        }
        Files.writeString(trail.resolve("Actiontrail_cn-hangzhou_500.json"), "[" + event(500, 1) + "," + event(500, 2) + "]");
        Files.writeString(trail.resolve("Actiontrail_cn-hangzhou_501.json"), "");
        byte[] whole = Files.readAllBytes(trail.resolve("Actiontrail_cn-hangzhou_002.gz"));
        Files.write(trail.resolve("Actiontrail_cn-hangzhou_502.gz"), Arrays.copyOf(whole, whole.length / 2));
    }

    /** Everything the caller is told, in order: events, rejections and progress. */
    private List<String> read(int threads) throws IOException {
        List<String> told = new ArrayList<>();
        new AuditFileReader(IngestLimits.DEFAULTS, threads).read(List.of(dir),
                e -> told.add("event " + e.eventId() + " " + e.source().location() + "#" + e.source().position()),
                r -> told.add("rejected " + r.location() + ": " + r.reason()),
                (file, done, total, bytesDone, bytesTotal) -> told.add("file " + dir.relativize(file) + " " + done + "/" + total
                        + " " + bytesDone + "/" + bytesTotal));
        return told;
    }

    @Test
    void shouldHandTheCallerExactlyWhatTheSequentialReadDoes() throws IOException {
        corpus();
        List<String> sequential = read(1);
        assertThat(sequential).hasSizeGreaterThan(10_000);
        assertThat(sequential).anySatisfy(s -> assertThat(s).matches(
                "rejected .*Actiontrail_cn-hangzhou_010\\.gz#300 \\(line 301\\): unparseable JSON.*"));
        assertThat(sequential).anySatisfy(s -> assertThat(s).contains("Actiontrail_cn-hangzhou_011.gz#5 (line 6): not an ActionTrail event"));
        assertThat(sequential).noneSatisfy(s -> assertThat(s).contains("empty input")); // white space only: empty, not rejected
        assertThat(sequential).anySatisfy(s -> assertThat(s).contains("Actiontrail_cn-hangzhou_502.gz#").contains("gzip stream truncated at byte"));

        for (int threads : new int[] {2, 3, 8}) {
            assertThat(read(threads)).as("%d threads", threads).containsExactlyElementsOf(sequential);
        }
    }

    @Test
    void shouldStopTheReadersAndRethrowWhenTheCallerFails() throws Exception {
        corpus();
        int[] seen = new int[1];
        AuditFileReader reader = new AuditFileReader(IngestLimits.DEFAULTS, 2);
        assertThatThrownBy(() -> reader.read(List.of(dir), e -> {
            if (++seen[0] == 1000) {
                throw new IllegalStateException("consumer failed");
            }
        }, r -> { })).isInstanceOf(IllegalStateException.class).hasMessage("consumer failed");
        assertThat(seen[0]).isEqualTo(1000);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("grantwatch-file-reader")) {
                t.join(5_000); // its task has ended; the thread may still be exiting
                assertThat(t.isAlive()).as(t.getName()).isFalse();
            }
        }
    }

    /**
     * Streams named on the command line ({@code <(…)}, FIFOs) cannot be opened twice to find their first event: they are read
     * first, in the order given, whatever their last-modified times (the moment a writer last wrote) say; files follow by
     * their first event. Ordering streams by modified time made two pipes' order, and with it late events, depend on timing.
     */
    @Test
    void streamsNamedOnTheCommandLineKeepTheirOrderBeforeFiles() throws Exception {
        Path later = dir.resolve("later.fifo");
        Path earlier = dir.resolve("earlier.fifo");
        for (Path fifo : List.of(later, earlier)) {
            assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0,
                    "mkfifo is needed to make a FIFO");
        }
        // touch, not Files.setLastModifiedTime: the JDK opens the file to set its times, and opening a FIFO waits for a writer
        assumeTrue(new ProcessBuilder("touch", "-m", "-d", "2026-01-02T00:00:00Z", later.toString()).start().waitFor() == 0
                && new ProcessBuilder("touch", "-m", "-d", "2026-01-01T00:00:00Z", earlier.toString()).start().waitFor() == 0,
                "touch is needed to date a FIFO");
        assertThat(Files.getLastModifiedTime(later)).isGreaterThan(Files.getLastModifiedTime(earlier));
        Path file = dir.resolve("trail.json");
        Files.writeString(file, event(1, 1) + "\n");
        List<Path> order = new AuditFileReader(IngestLimits.DEFAULTS, 2).inTimeOrder(List.of(file, later, earlier)).stream()
                .map(AuditFileReader.TimedFile::path).toList();
        assertThat(order).containsExactly(later, earlier, file);
    }
}
