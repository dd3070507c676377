package io.grantwatch.ingest.source;

import static io.grantwatch.ingest.source.WatchSourceTest.event;
import static io.grantwatch.ingest.source.WatchSourceTest.writeFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.ingest.IngestRunner;
import io.grantwatch.model.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Ordinary file-system events on a watched folder, on real files and folders: nothing is lost or leaked. */
class WatchFileEventsTest {
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger grantwatch = (Logger) LoggerFactory.getLogger("io.grantwatch");

    @BeforeEach
    void capture() {
        logs.start();
        grantwatch.addAppender(logs);
    }

    @AfterEach
    void release() {
        grantwatch.detachAppender(logs);
    }

    private static WatchSource watcher(Path dir, Path cp, AuditSink sink) throws IOException {
        return new WatchSource(dir, FileCheckpoint.load(cp), sink, new AuditFileReader(), Duration.ofMillis(10), Duration.ZERO, 5);
    }

    private static void touchLater(Path f, long ms) throws IOException {
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + ms));
    }

    private static List<String> ids(MemorySink sink) {
        return sink.events.stream().map(AuditEvent::eventId).toList();
    }

    private List<String> messages(ch.qos.logback.classic.Level level) {
        return logs.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void shouldReadTheNewFileFromTheStartWhenAFileIsReplacedByABiggerOneWithTheSameName(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 5);
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        // log rotation: a new, bigger file takes the name (a new inode)
        writeFile(tmp.resolve("next.jsonl"), 100, 110);
        Files.move(tmp.resolve("next.jsonl"), dir.resolve("a.jsonl"), StandardCopyOption.REPLACE_EXISTING);
        touchLater(dir.resolve("a.jsonl"), 5000);

        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).hasSize(15).contains("w-100", "w-104", "w-109");
        assertThat(sink.dead).isEmpty();
    }

    private static void append(Path f, int from, int to) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(event(i));
        }
        Files.writeString(f, sb.toString(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    @Test
    void shouldSendEachRecordOnceWhenLogrotateRenamesTheFileAndTheWriterStartsANewOneWithTheSameName(@TempDir Path tmp)
            throws IOException {
        Path dir = tmp.resolve("in");
        Path log = dir.resolve("trail.jsonl");
        writeFile(log, 0, 10);
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        // the writer appended two more before rotation; logrotate renames, the writer reopens the name
        append(log, 10, 12);
        Files.move(log, dir.resolve("trail.jsonl.1"));
        writeFile(log, 100, 105);
        touchLater(log, 5000);

        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).doesNotHaveDuplicates().hasSize(17).contains("w-10", "w-11", "w-100", "w-104");
        assertThat(sink.dead).isEmpty();
    }

    @Test
    void shouldSendEachRecordOnceWhenAFileIsOnlyRenamed(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 10);
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        Files.createDirectories(dir.resolve("archive"));
        Files.move(dir.resolve("a.jsonl"), dir.resolve("archive/a-2026-12-05.jsonl"), StandardCopyOption.ATOMIC_MOVE);

        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).doesNotHaveDuplicates().hasSize(10);
    }

    @Test
    void shouldSendEachRecordOnceWhenLogrotateCopiesAndTruncatesTheFile(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        Path log = dir.resolve("trail.jsonl");
        writeFile(log, 0, 10);
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        append(log, 10, 13); // written after the last read, before the copy
        // copytruncate: the copy keeps the content (a new inode), the original is emptied and written on
        Files.copy(log, dir.resolve("trail.jsonl.1"));
        Files.writeString(log, "", StandardOpenOption.TRUNCATE_EXISTING);
        append(log, 200, 204);
        touchLater(log, 5000);

        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).doesNotHaveDuplicates().hasSize(17).contains("w-10", "w-12", "w-200", "w-203");
        assertThat(sink.dead).isEmpty();
    }

    @Test
    void shouldSendEachRecordOnceThroughAChainOfRotationsOntoNamesOlderFilesHad(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        Path log = dir.resolve("trail.jsonl");
        writeFile(log, 0, 10);
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        // rotation 1 (create): trail.jsonl -> .1, a new trail.jsonl
        Files.move(log, dir.resolve("trail.jsonl.1"));
        writeFile(log, 100, 110);
        touchLater(log, 1000);
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        // rotation 2 (copytruncate): .1 -> .2, trail.jsonl copied onto .1 (a name whose entry is the older file's), truncated
        append(log, 110, 115);
        Files.move(dir.resolve("trail.jsonl.1"), dir.resolve("trail.jsonl.2"));
        Files.copy(log, dir.resolve("trail.jsonl.1"));
        Files.writeString(log, "", StandardOpenOption.TRUNCATE_EXISTING);
        append(log, 200, 203);
        touchLater(log, 2000);

        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).doesNotHaveDuplicates().hasSize(28).contains("w-9", "w-114", "w-202");
    }

    @Test
    void shouldReadAFileWithAnotherStartFromItsStartEvenWhenItTakesTheInodeOfAFileReadBefore(@TempDir Path tmp)
            throws IOException {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 10);
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        // the same inode under a new name, rewritten with other records: not a rename of what was read
        Path b = dir.resolve("b.jsonl");
        Files.move(dir.resolve("a.jsonl"), b);
        Files.writeString(b, event(300) + event(301), StandardOpenOption.TRUNCATE_EXISTING);

        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).doesNotHaveDuplicates().hasSize(12).contains("w-300", "w-301");
    }

    @Test
    void shouldReadTheNewContentFromTheStartWhenAFileIsRewrittenInPlaceWithBiggerContent(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 5);
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        writeFile(dir.resolve("a.jsonl"), 100, 110); // same inode, other content
        touchLater(dir.resolve("a.jsonl"), 5000);

        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).hasSize(15).contains("w-100", "w-109");
    }

    /** What a writer that rewrites a file whole does: the new content into a temp file, renamed over the old (a new inode). */
    private static void replaceByRename(Path f, String content) throws IOException {
        Path tmp = f.resolveSibling("." + f.getFileName() + ".new");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        touchLater(f, 5000);
    }

    private static String records(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(event(i));
        }
        return sb.toString();
    }

    @Test
    void shouldSendOnlyTheNewRecordsWhenASmallFileIsReplacedByASupersetOfItselfThroughARename(@TempDir Path tmp)
            throws IOException {
        Path dir = tmp.resolve("in");
        Path f = dir.resolve("a.jsonl");
        writeFile(f, 0, 3); // shorter than 1 KiB
        assertThat(Files.size(f)).isLessThan(1024);
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        Object inode = Files.readAttributes(f, BasicFileAttributes.class).fileKey();

        replaceByRename(f, records(0, 3) + records(3, 5));
        assertThat(Files.readAttributes(f, BasicFileAttributes.class).fileKey()).isNotEqualTo(inode);
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).containsExactly("w-0", "w-1", "w-2", "w-3", "w-4");
    }

    @Test
    void shouldSendOnlyTheNewRecordsWhenALargeFileIsReplacedByASupersetOfItselfThroughARename(@TempDir Path tmp)
            throws IOException {
        Path dir = tmp.resolve("in");
        Path f = dir.resolve("a.jsonl");
        writeFile(f, 0, 40);
        assertThat(Files.size(f)).isGreaterThan(4 * 1024);
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        replaceByRename(f, records(0, 40) + records(40, 45));
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        replaceByRename(f, records(0, 45) + records(45, 50));
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).doesNotHaveDuplicates().hasSize(50).contains("w-0", "w-39", "w-40", "w-49");
    }

    private static String array(int from, int to) {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = from; i < to; i++) {
            sb.append("  ").append(event(i).trim()).append(i + 1 < to ? ",\n" : "\n");
        }
        return sb.append("]\n").toString();
    }

    @Test
    void shouldSendOnlyTheNewElementsWhenAJsonArrayIsReplacedByALongerOneThroughARename(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        Path f = dir.resolve("a.json");
        Files.createDirectories(dir);
        Files.writeString(f, array(0, 40));
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        // the writer rewrites the whole array with more elements: its old closing "]" is not in the new file
        replaceByRename(f, array(0, 45));
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        replaceByRename(f, array(0, 50));
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).doesNotHaveDuplicates().hasSize(50).contains("w-0", "w-39", "w-40", "w-49");
        assertThat(sink.dead).isEmpty();
    }

    @Test
    void shouldReadFromTheStartAJsonArrayReplacedByALongerOneWithAnElementChanged(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        Path f = dir.resolve("a.json");
        Files.createDirectories(dir);
        Files.writeString(f, array(0, 40));
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        replaceByRename(f, array(0, 40).replace("w-20", "w-99").replace("]\n", "").replaceFirst("\n$", ",\n")
                + array(40, 42).substring(2));
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).hasSize(40 + 42).contains("w-99", "w-41");
    }

    @Test
    void shouldReadFromTheStartAFileReplacedByOneWithTheSameFirstKilobyteButOtherRecordsAfter(@TempDir Path tmp)
            throws IOException {
        Path dir = tmp.resolve("in");
        Path f = dir.resolve("a.jsonl");
        writeFile(f, 0, 40);
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        // same first 20 records (well over 1 KiB), then other ones: not what was read, whatever the start says
        replaceByRename(f, records(0, 20) + records(100, 130));
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).hasSize(40 + 50).contains("w-100", "w-129");
    }

    /** Records whose first 1.5 KiB are the same in every record (sorted keys, a long common field first). */
    private static String longRecords(String prefix, int from, int to) {
        String pad = "x".repeat(1500);
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append("{\"a\":\"").append(pad).append("\",\"eventId\":\"").append(prefix).append(i)
                    .append("\",\"eventName\":\"ListUsers\",\"eventTime\":\"2026-01-01T00:00:00Z\",")
                    .append("\"userIdentity\":{\"type\":\"ram-user\",\"userName\":\"u\",\"accountId\":\"1\"}}\n");
        }
        return sb.toString();
    }

    @Test
    void shouldReadANewFileWhoseFirstKilobyteEqualsAnEarlierFilesThatStillExists(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("a.jsonl"), longRecords("a-", 0, 10));
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        Files.writeString(dir.resolve("b.jsonl"), longRecords("b-", 0, 12)); // same first KiB, other records
        touchLater(dir.resolve("b.jsonl"), 5000);

        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).doesNotHaveDuplicates().hasSize(22).contains("a-9", "b-0", "b-11");
    }

    @Test
    void shouldReadANewFileThatStartsWithTheSameNulPaddingAsAnEarlierFileEvenWhenThatOneIsGone(@TempDir Path tmp)
            throws IOException {
        Path dir = tmp.resolve("in");
        Files.createDirectories(dir);
        // copytruncate with a writer not in append mode: the file starts with thousands of NUL bytes
        byte[] nul = new byte[4096];
        Files.write(dir.resolve("a.jsonl"), nul);
        Files.writeString(dir.resolve("a.jsonl"), records(0, 10), StandardOpenOption.APPEND);
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        int first = sink.events.size();
        Files.delete(dir.resolve("a.jsonl"));
        Files.write(dir.resolve("b.jsonl"), nul);
        Files.writeString(dir.resolve("b.jsonl"), records(100, 112), StandardOpenOption.APPEND);
        touchLater(dir.resolve("b.jsonl"), 5000);

        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(first).isEqualTo(10);
        assertThat(ids(sink)).doesNotHaveDuplicates().hasSize(22).contains("w-100", "w-111");
    }

    @Test
    void shouldReadFromTheStartAFileRewrittenThroughARenameWithOneRecordInTheMiddleChangedToTheSameLength(@TempDir Path tmp)
            throws IOException {
        Path dir = tmp.resolve("in");
        Path f = dir.resolve("a.jsonl");
        writeFile(f, 0, 40);
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        // record 20 becomes another one of the same length (w-20 -> w-99): first and last KiB are unchanged
        String changed = records(0, 20) + event(99) + records(21, 40) + records(40, 42);
        assertThat(changed.length()).isEqualTo(records(0, 42).length());
        replaceByRename(f, changed);
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).hasSize(40 + 42).contains("w-99", "w-41");
    }

    @Test
    void shouldReadTheCompletedLineAndDeadLetterNothingWhenTheWriterPausesMidLine(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        Path f = dir.resolve("a.jsonl");
        writeFile(f, 0, 3);
        String fourth = event(3);
        Files.writeString(f, fourth.substring(0, 40), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        MemorySink sink = new MemorySink();
        WatchSource w = watcher(dir, tmp.resolve("cp.json"), sink);
        w.scanOnce();
        assertThat(ids(sink)).containsExactly("w-0", "w-1", "w-2");

        Files.writeString(f, fourth.substring(40), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        touchLater(f, 5000);
        w.scanOnce();

        assertThat(sink.dead).isEmpty();
        assertThat(ids(sink)).containsExactly("w-0", "w-1", "w-2", "w-3");
    }

    @Test
    void shouldNotResendAnythingWhenTheSameFolderIsSpelledRelatively(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 5);
        writeFile(dir.resolve("sub/b.jsonl"), 5, 10);
        Path cpDir = tmp.resolve("data");
        Files.createDirectories(cpDir);
        MemorySink sink = new MemorySink();
        watcher(dir, IngestRunner.checkpointFile(cpDir, dir), sink).scanOnce();
        assertThat(sink.events).hasSize(10);

        Path relative = Path.of("").toAbsolutePath().relativize(dir);
        assertThat(relative.isAbsolute()).isFalse();
        watcher(relative, IngestRunner.checkpointFile(cpDir, relative), sink).scanOnce();

        assertThat(sink.events).hasSize(10);
    }

    @Test
    void shouldNotResendAnythingWhenTheSameFolderIsReachedThroughASymlink(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 5);
        Path link = Files.createSymbolicLink(tmp.resolve("logs"), dir);
        Path cpDir = tmp.resolve("data");
        Files.createDirectories(cpDir);
        MemorySink sink = new MemorySink();
        watcher(dir, IngestRunner.checkpointFile(cpDir, dir), sink).scanOnce();

        watcher(link, IngestRunner.checkpointFile(cpDir, link), sink).scanOnce();

        assertThat(sink.events).hasSize(5);
    }

    @Test
    void shouldNotFollowSymlinksOutOfTheWatchedFolderAndReportThemOnceWhenLinksOutsideAreNotAllowed(@TempDir Path tmp)
            throws IOException {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 5);
        Path secret = tmp.resolve("etc");
        Files.createDirectories(secret);
        Files.writeString(secret.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n", StandardCharsets.UTF_8);
        Files.createSymbolicLink(dir.resolve("passwd"), secret.resolve("passwd"));
        Files.createSymbolicLink(dir.resolve("etc"), secret);
        Files.createSymbolicLink(dir.resolve("inside.jsonl"), dir.resolve("a.jsonl")); // a link inside: fine
        MemorySink sink = new MemorySink();
        WatchSource w = watcher(dir, tmp.resolve("cp.json"), sink);

        w.scanOnce();
        w.scanOnce();

        assertThat(sink.dead).isEmpty();
        assertThat(ids(sink)).containsExactlyInAnyOrder("w-0", "w-1", "w-2", "w-3", "w-4");
        assertThat(messages(ch.qos.logback.classic.Level.WARN)).filteredOn(m -> m.contains("passwd")).hasSize(1);
    }

    @Test
    void shouldGoOnWithTheRestAndReportOnceWhenASubfolderCannotBeRead(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
                "root reads a chmod 000 folder; see the too-long-path variant");
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 5);
        writeFile(dir.resolve("locked/b.jsonl"), 5, 10);
        writeFile(dir.resolve("z.jsonl"), 10, 15);
        Files.setPosixFilePermissions(dir.resolve("locked"), PosixFilePermissions.fromString("---------"));
        try {
            MemorySink sink = new MemorySink();
            WatchSource w = watcher(dir, tmp.resolve("cp.json"), sink);
            w.scanOnce();
            w.scanOnce();
            assertThat(sink.events).hasSize(10);
            assertThat(messages(ch.qos.logback.classic.Level.WARN)).filteredOn(m -> m.contains("locked")).hasSize(1);
        } finally {
            Files.setPosixFilePermissions(dir.resolve("locked"), PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void shouldGoOnWithTheRestAndReportOnceWhenASubfolderCannotBeListedBecauseItsPathIsTooLong(@TempDir Path tmp)
            throws Exception {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 5);
        writeFile(dir.resolve("z.jsonl"), 10, 15);
        // A real folder the JVM cannot list even as root: deeper than PATH_MAX (created step by step by the shell).
        String part = "d".repeat(200);
        Process p = new ProcessBuilder("bash", "-c", "cd \"$1\" && mkdir deep && cd deep && for i in $(seq 1 25); do mkdir " + part
                + " && cd " + part + "; done && echo x > b.jsonl", "mk", dir.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
        try {
            MemorySink sink = new MemorySink();
            WatchSource w = watcher(dir, tmp.resolve("cp.json"), sink);
            w.scanOnce();
            w.scanOnce();
            assertThat(ids(sink)).hasSize(10).contains("w-0", "w-14");
            assertThat(messages(ch.qos.logback.classic.Level.WARN)).filteredOn(m -> m.contains("Cannot read")).hasSize(1);
        } finally {
            assertThat(new ProcessBuilder("rm", "-rf", dir.resolve("deep").toString()).start().waitFor()).isZero();
        }
    }

    @Test
    void shouldStopAndNameTheCheckpointWhenItCannotBeWrittenSimulatedByAFileWhereItsFolderShouldBe(@TempDir Path tmp)
            throws Exception {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 12);
        Files.writeString(tmp.resolve("data"), "not a folder", StandardCharsets.UTF_8); // every write under data/ fails
        Path cp = tmp.resolve("data").resolve("cp.json");
        MemorySink sink = new MemorySink();
        WatchSource w = watcher(dir, cp, sink);
        Thread t = new Thread(w, "watch-test");
        t.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !t.isAlive());
        } finally {
            w.stop();
        }
        assertThat(messages(ch.qos.logback.classic.Level.ERROR)).anySatisfy(m -> assertThat(m).contains(cp.toString()));

        // the restart after the disk was fixed reads everything (again: at least once)
        Files.delete(tmp.resolve("data"));
        MemorySink second = new MemorySink();
        watcher(dir, cp, second).scanOnce();
        assertThat(ids(second)).contains("w-0", "w-11");
        assertThat(Files.exists(cp)).isTrue();
    }

    @Test
    void shouldLogRejectionsWithFileAndPositionEscapedAndRateLimitedWhenWatching(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        StringBuilder sb = new StringBuilder(event(0));
        for (int i = 0; i < 50; i++) {
            sb.append("{ nope\n");
        }
        Path bad = dir.resolve("bad\u001b[31m.jsonl");
        Files.createDirectories(dir);
        Files.writeString(bad, sb.toString(), StandardCharsets.UTF_8);
        MemorySink sink = new MemorySink();

        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(sink.dead).hasSize(50);
        List<String> rejected = messages(ch.qos.logback.classic.Level.WARN).stream().filter(m -> m.contains("ejected")).toList();
        assertThat(rejected).isNotEmpty().hasSizeLessThanOrEqualTo(21);
        assertThat(rejected.get(0)).contains("bad\\u001b[31m.jsonl#1").doesNotContain("\u001b");
        assertThat(rejected).allSatisfy(m -> assertThat(m).doesNotContain("\u001b"));
    }

    @Test
    void shouldReadTheIncompleteLastLineAsItIsWhenTheFileStaysUnchangedForTheTailSettleTime(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        Path f = dir.resolve("a.jsonl");
        writeFile(f, 0, 2);
        Files.writeString(f, event(2).substring(0, 30), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        MemorySink sink = new MemorySink();
        WatchSource w = new WatchSource(dir, FileCheckpoint.load(tmp.resolve("cp.json")), sink, new AuditFileReader(),
                Duration.ofMillis(10), Duration.ZERO, 5, WatchSource.Options.defaults().withTailSettle(Duration.ofSeconds(5)));
        w.scanOnce();
        w.scanOnce();
        assertThat(ids(sink)).containsExactly("w-0", "w-1");
        assertThat(sink.dead).isEmpty();

        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() - 6000)); // the writer is gone
        w.scanOnce();
        w.scanOnce();

        assertThat(ids(sink)).containsExactly("w-0", "w-1");
        // not a loss yet (the writer may come back): logged with file and position, not dead-lettered
        assertThat(sink.dead).isEmpty();
        assertThat(w.incompleteTails()).isEqualTo(1);
        assertThat(messages(ch.qos.logback.classic.Level.WARN)).anySatisfy(m -> assertThat(m)
                .contains("Not yet complete: " + f.toRealPath() + "#2").contains("incomplete last line"));

        // the writer was only slow: it completes the line and goes on; the completed record is read, once
        Files.writeString(f, event(2).substring(30) + event(3), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        touchLater(f, 1000);
        w.scanOnce();
        w.scanOnce();

        assertThat(ids(sink)).containsExactly("w-0", "w-1", "w-2", "w-3");
        assertThat(sink.dead).isEmpty();
    }

    @Test
    void shouldDeadLetterAnIncompleteLastLineOnlyOnceItsFileIsDeletedBeforeTheWriterCompletedIt(@TempDir Path tmp)
            throws IOException {
        Path dir = tmp.resolve("in");
        Path f = dir.resolve("a.jsonl");
        writeFile(f, 0, 2);
        Files.writeString(f, event(2).substring(0, 30), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() - 6000));
        MemorySink sink = new MemorySink();
        WatchSource w = new WatchSource(dir, FileCheckpoint.load(tmp.resolve("cp.json")), sink, new AuditFileReader(),
                Duration.ofMillis(10), Duration.ZERO, 5, WatchSource.Options.defaults().withTailSettle(Duration.ofSeconds(5)));
        w.scanOnce();
        w.scanOnce();
        assertThat(sink.dead).isEmpty();

        Files.delete(f);
        w.scanOnce();

        assertThat(ids(sink)).containsExactly("w-0", "w-1");
        assertThat(sink.dead).singleElement().satisfies(r -> {
            assertThat(r.position()).isEqualTo(2);
            assertThat(r.reason()).startsWith("incomplete last line (no newline for 5 s)").endsWith("deleted or renamed away before "
                    + "the record was completed: lost");
        });
    }

    @Test
    void shouldWaitForAJsonArrayFileWithoutAFinalNewlineUntilItSettlesWhenItMayStillBeWritten(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        Path f = dir.resolve("a.json");
        Files.createDirectories(dir);
        Files.writeString(f, "[\n" + event(0).trim() + ",\n" + event(1).trim().substring(0, 20), StandardCharsets.UTF_8);
        MemorySink sink = new MemorySink();
        WatchSource w = new WatchSource(dir, FileCheckpoint.load(tmp.resolve("cp.json")), sink, new AuditFileReader(),
                Duration.ofMillis(10), Duration.ZERO, 5, WatchSource.Options.defaults().withTailSettle(Duration.ofSeconds(5)));
        w.scanOnce();
        assertThat(sink.events).isEmpty();
        assertThat(sink.dead).isEmpty();

        Files.writeString(f, "[\n" + event(0).trim() + ",\n" + event(1).trim() + "]", StandardCharsets.UTF_8);
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() - 6000));
        w.scanOnce();

        assertThat(ids(sink)).containsExactly("w-0", "w-1");
        assertThat(sink.dead).isEmpty();
    }

    @Test
    void shouldFollowSymlinksOutOfTheWatchedFolderWhenConfiguredTo(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 2);
        writeFile(tmp.resolve("elsewhere/b.jsonl"), 2, 4);
        Files.createSymbolicLink(dir.resolve("more"), tmp.resolve("elsewhere"));
        MemorySink sink = new MemorySink();
        WatchSource w = new WatchSource(dir, FileCheckpoint.load(tmp.resolve("cp.json")), sink, new AuditFileReader(),
                Duration.ofMillis(10), Duration.ZERO, 5, WatchSource.Options.defaults().withFollowLinksOutside(true));

        w.scanOnce();
        w.scanOnce();

        assertThat(ids(sink)).containsExactlyInAnyOrder("w-0", "w-1", "w-2", "w-3");
    }

    @Test
    void shouldReadFilesAddedLaterWhenTheFolderIsWatchedThroughASymlink(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 2);
        Path link = Files.createSymbolicLink(tmp.resolve("logs"), dir);
        MemorySink sink = new MemorySink();
        WatchSource w = watcher(link, tmp.resolve("cp.json"), sink);
        w.scanOnce();
        writeFile(dir.resolve("b.jsonl"), 2, 4);
        w.scanOnce();
        assertThat(ids(sink)).containsExactly("w-0", "w-1", "w-2", "w-3");
    }

    @Test
    void shouldStopIngestWithAFailureNamingTheCheckpointWhenItCannotBeWrittenSimulatedByAFolderInPlaceOfItsTempFile(
            @TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 3);
        Path cpDir = tmp.resolve("checkpoints");
        Path cp = IngestRunner.checkpointFile(cpDir, dir);
        Path blocker = cp.resolveSibling(cp.getFileName() + ".tmp");
        Files.createDirectories(blocker); // the checkpoint's temp file cannot be written: as a full disk would
        MemorySink sink = new MemorySink();
        IngestRunner.Settings settings = new IngestRunner.Settings(List.of(), List.of(dir), cpDir, Duration.ofMillis(20),
                Duration.ZERO, null, List.of(), Duration.ZERO, false);
        try (IngestRunner runner = new IngestRunner(settings, sink)) {
            // checked before anything is sent: a restart on a disk still full sends nothing it could not record
            org.assertj.core.api.Assertions.assertThatThrownBy(runner::start)
                    .isInstanceOf(FileCheckpoint.WriteFailed.class)
                    .hasMessageContaining(cp.toString())
                    .hasMessageContaining("nothing was read or sent")
                    .hasMessageContaining("KiB free in " + cpDir.toAbsolutePath());
        }
        assertThat(sink.events).isEmpty();

        Files.delete(blocker);
        MemorySink second = new MemorySink();
        try (IngestRunner runner = new IngestRunner(settings, second)) {
            runner.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(cp) && second.events.size() == 3);
            assertThat(runner.failure()).isNull();
        }
    }

    @Test
    void shouldKeepTheProgressOfAnEarlierVersionsCheckpointWhenTheFolderIsWatchedAgain(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 3);
        Path cpDir = tmp.resolve("checkpoints");
        Files.createDirectories(cpDir);
        // what an earlier version wrote: the folder's absolute path in the file name, entries keyed as spelled
        Path legacy = IngestRunner.legacyCheckpointFile(cpDir, dir);
        Files.writeString(legacy, "{\"" + dir.resolve("a.jsonl") + "\":{\"nextPosition\":3,\"done\":true,\"size\":"
                + Files.size(dir.resolve("a.jsonl")) + ",\"modified\":" + Files.getLastModifiedTime(dir.resolve("a.jsonl")).toMillis()
                + "}}", StandardCharsets.UTF_8);
        MemorySink sink = new MemorySink();
        IngestRunner.Settings settings = new IngestRunner.Settings(List.of(), List.of(dir), cpDir, Duration.ofMillis(20),
                Duration.ZERO, null, List.of(), Duration.ZERO, false);
        try (IngestRunner runner = new IngestRunner(settings, sink)) {
            runner.start();
            writeFile(dir.resolve("b.jsonl"), 3, 5);
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.events.size() >= 2);
        }
        assertThat(ids(sink)).containsExactly("w-3", "w-4");
    }

    @Test
    void shouldLogEachRejectionWithFileAndPositionWhenFilesAreReadOnce(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("mixed.jsonl");
        Files.writeString(f, event(0) + "{ nope\n" + event(2) + "[1,\n", StandardCharsets.UTF_8);
        MemorySink sink = new MemorySink();

        new FileSource(new AuditFileReader(), sink, "demo").run(List.of(f));

        assertThat(sink.dead).hasSize(2);
        assertThat(messages(ch.qos.logback.classic.Level.WARN)).filteredOn(m -> m.startsWith("Rejected record"))
                .hasSize(2).anySatisfy(m -> assertThat(m).contains(f + "#1", "from demo"));
    }

    @Test
    void shouldLogHowManyRejectionsWereNotLoggedOneByOneWhenTheSourceEndsNotOnlyWithTheNextRejection(@TempDir Path tmp)
            throws IOException {
        Path f = tmp.resolve("many-bad.jsonl");
        StringBuilder sb = new StringBuilder(event(0));
        for (int i = 0; i < RejectionLog.PER_MINUTE + 13; i++) {
            sb.append("{ nope\n");
        }
        Files.writeString(f, sb.toString(), StandardCharsets.UTF_8);
        MemorySink sink = new MemorySink();

        new FileSource(new AuditFileReader(), sink, "demo").run(List.of(f));

        assertThat(sink.dead).hasSize(RejectionLog.PER_MINUTE + 13);
        List<String> warn = messages(ch.qos.logback.classic.Level.WARN);
        assertThat(warn).filteredOn(m -> m.startsWith("Rejected record")).hasSize(RejectionLog.PER_MINUTE);
        assertThat(warn).contains("Rejected 13 more records from demo (counted and dead-lettered, not logged one by one)");
    }

    @Test
    void shouldReportAFifoInTheWatchedFolderOnceAndReadTheRest(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 3);
        Path fifo = dir.resolve("pipe.jsonl");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo is not available here");
        MemorySink sink = new MemorySink();
        WatchSource w = watcher(dir, tmp.resolve("cp.json"), sink);

        w.scanOnce();
        w.scanOnce();

        assertThat(ids(sink)).containsExactly("w-0", "w-1", "w-2");
        assertThat(messages(ch.qos.logback.classic.Level.WARN)).filteredOn(m -> m.contains("pipe.jsonl"))
                .singleElement().satisfies(m -> assertThat(m).contains("not a regular file"));
    }

    @Test
    void shouldReportADanglingSymlinkInTheWatchedFolderOnceAndReadTheRest(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("in");
        writeFile(dir.resolve("a.jsonl"), 0, 3);
        Files.createSymbolicLink(dir.resolve("gone.jsonl"), tmp.resolve("deleted-by-the-sync-job.jsonl"));
        MemorySink sink = new MemorySink();
        WatchSource w = watcher(dir, tmp.resolve("cp.json"), sink);

        w.scanOnce();
        w.scanOnce();

        assertThat(ids(sink)).containsExactly("w-0", "w-1", "w-2");
        assertThat(messages(ch.qos.logback.classic.Level.WARN)).filteredOn(m -> m.contains("gone.jsonl"))
                .singleElement().satisfies(m -> assertThat(m).contains("dangling symbolic link")
                        .contains("deleted-by-the-sync-job.jsonl"));
    }

    @Test
    void shouldDeliverTheFirstRecordOfAFileThatWasEmptyWhenFirstSeen(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        Files.createDirectories(dir);
        Path f = dir.resolve("a.jsonl");
        Files.writeString(f, ""); // logrotate's create: the new file is empty until the writer writes
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        append(f, 0, 3);
        touchLater(f, 1000);

        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(ids(sink)).containsExactly("w-0", "w-1", "w-2");
        assertThat(sink.dead).isEmpty();
    }

    @Test
    void shouldDeliverTheRecordAtTheCutOnceAGzipFileStillBeingWrittenIsComplete(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("in");
        Files.createDirectories(dir);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            sb.append(event(i));
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] all = gz.toByteArray();
        Path f = dir.resolve("slow.json.gz");
        Files.write(f, Arrays.copyOf(all, all.length / 2)); // the uploader paused half-way
        MemorySink sink = new MemorySink();
        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();
        int before = sink.events.size();
        Files.write(f, Arrays.copyOfRange(all, all.length / 2, all.length), StandardOpenOption.APPEND);
        touchLater(f, 1000);

        watcher(dir, tmp.resolve("cp.json"), sink).scanOnce();

        assertThat(before).isBetween(1, 199);
        assertThat(ids(sink)).doesNotHaveDuplicates().hasSize(200);
        assertThat(sink.dead).isEmpty(); // the cut while it was written was no loss: never dead-lettered
    }
}
