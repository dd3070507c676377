package io.grantwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Outcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParseRunTest {

    /** One run's events and rejections as the reader handed them over. */
    private record Run(ParseRun.Result result, List<AuditEvent> events, List<RejectedRecord> rejected) {
    }

    private static Run run(List<Path> paths, byte[] stdin) throws IOException {
        List<AuditEvent> events = new ArrayList<>();
        List<RejectedRecord> rejected = new ArrayList<>();
        ParseRun.Result r = ParseRun.run(new AuditFileReader(), paths, new ByteArrayInputStream(stdin), events::add, rejected::add);
        assertThat(r.events()).isEqualTo(events.size());
        assertThat(r.rejected()).isEqualTo(rejected.size());
        return new Run(r, events, rejected);
    }

    @Test
    void shouldThrowBeforeReadingAnythingWhenAPathDoesNotExist() {
        List<AuditEvent> events = new ArrayList<>();
        assertThatThrownBy(() -> ParseRun.run(new AuditFileReader(),
                List.of(Fixtures.path("alibaba/classification.json"), Path.of("/no/such/file")),
                new ByteArrayInputStream(new byte[0]), events::add, r -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("/no/such/file");
        assertThat(events).isEmpty();
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

        Run run = run(List.of(fifo), new byte[0]);

        assertThat(run.result()).isEqualTo(new ParseRun.Result(2, 0, 0));
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

        Run run = run(List.of(root), new byte[0]);

        assertThat(run.events()).hasSize(2); // a.json only: the link is reported, not followed
        assertThat(run.rejected()).singleElement().satisfies(r -> {
            assertThat(r.location()).isEqualTo(link.toString());
            assertThat(r.reason()).contains("not following a symbolic link to a folder outside").contains(outside.toRealPath().toString());
        });
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
        byte[] body = Files.readAllBytes(Fixtures.path("huawei/listtraces-v3-response.json"));
        Run run = run(List.of(Path.of("-")), body);
        assertThat(run.events()).hasSize(2).allSatisfy(e -> assertThat(e.source().location()).isEqualTo("stdin"));
    }

    @Test
    void shouldHandOverEventsAndRejectionsWithFileAndPosition() throws IOException {
        Run run = run(List.of(Fixtures.path("alibaba/jsonl-with-bad-line.jsonl")), new byte[0]);
        assertThat(run.result()).isEqualTo(new ParseRun.Result(2, 1, 0));
        assertThat(run.events()).allSatisfy(e -> assertThat(e.cloud()).isEqualTo(Cloud.ALIBABA));
        assertThat(run.events().get(1).outcome()).isEqualTo(Outcome.DENIED);
        assertThat(run.events().get(1).iamAction()).isEqualTo("ram:ListUsers");
        assertThat(run.rejected()).singleElement().satisfies(r -> {
            assertThat(r.location()).endsWith("jsonl-with-bad-line.jsonl#1 (line 2)");
            assertThat(r.reason()).contains("unparseable JSON");
        });
    }
}
