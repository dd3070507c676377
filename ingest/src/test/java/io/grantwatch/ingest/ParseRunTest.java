package io.grantwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParseRunTest {

    @Test
    void shouldExitTwoWhenAPathDoesNotExist() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ParseRun.run(List.of(Fixtures.path("alibaba/classification.json"), Path.of("/no/such/file")),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(out.size()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("/no/such/file");
    }

    /** A FIFO named on the command line ({@code <(cat f)} is /dev/fd/N, a pipe) with a writer feeding it {@code body}. */
    private static Path fifoFed(Path dir, byte[] body) throws Exception {
        Path fifo = dir.resolve("pipe");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0,
                "mkfifo is needed to make a FIFO");
        Thread writer = new Thread(() -> {
            try (OutputStream o = Files.newOutputStream(fifo)) {
                o.write(body);
            } catch (IOException ignored) {
                // the test fails on the count
            }
        });
        writer.setDaemon(true);
        writer.start();
        return fifo;
    }

    @Test
    void shouldReadAFifoNamedOnTheCommandLineOnceAsAStream(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        byte[] body = Files.readAllBytes(Fixtures.path("huawei/listtraces-v3-response.json"));
        Path fifo = fifoFed(tmp, body);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = ParseRun.run(new AuditFileReader(), List.of(fifo), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("parsed 2 events, rejected 0 records");
        assertThat(out.toString(StandardCharsets.UTF_8).split("\n")).hasSize(2);
    }

    @Test
    void shouldReadAFifoNamedToTheReaderAsIngestPathDoes(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        byte[] body = Files.readAllBytes(Fixtures.path("huawei/listtraces-v3-response.json"));
        Path fifo = fifoFed(tmp, body);
        List<Object> events = new ArrayList<>();
        List<RejectedRecord> rejected = new ArrayList<>();

        new AuditFileReader(IngestLimits.DEFAULTS, 2).read(List.of(fifo), events::add, rejected::add);

        assertThat(rejected).isEmpty();
        assertThat(events).hasSize(2);
    }

    @Test
    void shouldReportASymlinkedSubfolderLeadingOutsideTheFolderInsteadOfIgnoringItSilently(
            @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("trails"));
        Files.copy(Fixtures.path("huawei/listtraces-v3-response.json"), root.resolve("a.json"));
        Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.copy(Fixtures.path("huawei/listtraces-v3-response.json"), outside.resolve("b.json"));
        Path link = Files.createSymbolicLink(root.resolve("more"), outside);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = ParseRun.run(List.of(root), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("rejected " + link
                + ": not following a symbolic link to a folder outside").contains(outside.toRealPath().toString());
    }

    @Test
    void shouldReadEveryElementOfAJsonArrayFollowedByNulPaddingAndRejectNothing(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 5; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"eventId\":\"p").append(i).append("\",\"eventName\":\"ListUsers\","
                    + "\"eventTime\":\"2026-01-01T00:00:00Z\",\"userIdentity\":{\"type\":\"ram-user\",\"userName\":\"u\","
                    + "\"accountId\":\"1\"}}");
        }
        sb.append("]");
        Path f = tmp.resolve("padded.json");
        Files.writeString(f, sb.toString());
        Files.write(f, new byte[2000], StandardOpenOption.APPEND);
        Path ws = Files.writeString(tmp.resolve("blank.jsonl"), "  \n\n \t\n");
        List<Object> events = new ArrayList<>();
        List<RejectedRecord> rejected = new ArrayList<>();

        new AuditFileReader(IngestLimits.DEFAULTS, 1).read(List.of(f, ws), events::add, rejected::add);

        assertThat(events).hasSize(5);
        assertThat(rejected).isEmpty(); // the padding is no record; white space only is an empty file, as 0 bytes is
    }

    @Test
    void shouldReadStdinWhenThePathIsADash() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        byte[] body = Files.readAllBytes(Fixtures.path("huawei/listtraces-v3-response.json"));
        int code = ParseRun.run(new AuditFileReader(), List.of(Path.of("-")), new ByteArrayInputStream(body),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).split("\n")).hasSize(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"location\":\"stdin\"");
    }

    @Test
    void shouldPrintJsonLinesAndRejectionsWithFileAndPosition() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ParseRun.run(List.of(Fixtures.path("alibaba/jsonl-with-bad-line.jsonl")),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("{\"cloud\":\"alibaba\""));
        assertThat(lines[1]).contains("\"outcome\":\"DENIED\"").contains("\"iamAction\":\"ram:ListUsers\"");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("jsonl-with-bad-line.jsonl#1 (line 2): unparseable JSON")
                .contains("parsed 2 events, rejected 1 records");
    }
}
