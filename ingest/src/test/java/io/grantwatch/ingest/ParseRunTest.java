package io.grantwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
