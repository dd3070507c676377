package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.app.GrantWatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ParseCommandTest {

    private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        CommandLine cli = GrantWatch.commandLine();
        ParseCommand parse = cli.getSubcommands().get("parse").getCommand();
        parse.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        parse.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        return cli.execute(args);
    }

    @Test
    void shouldPrintEventsAndRejectionsAndExitZeroWhenFilesAreMixed(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("trail.jsonl");
        Files.writeString(f, "{\"eventId\":\"e1\",\"eventName\":\"CreateInstance\",\"eventTime\":\"2026-01-01T00:00:00Z\","
                + "\"serviceName\":\"PaiDsw\",\"userIdentity\":{\"type\":\"ram-user\",\"userName\":\"bob\",\"accountId\":\"1\"},"
                + "\"errorCode\":\"NoPermission\",\"errorMessage\":\"You are not authorized to do this action. "
                + "Resource: acs:ram:*:1:role/r Action: ram:PassRole\"}\n{broken\n", StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(out, err, "parse", f.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"outcome\":\"DENIED\"").contains("\"iamAction\":\"ram:PassRole\"");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(f + "#1 (line 2): unparseable JSON");
    }

    @Test
    void shouldExitTwoWhenAPathIsMissing() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(out, err, "parse", "/no/such/path")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("/no/such/path");
    }
}
