package io.grantwatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GrantWatchCliTest {

    @Test
    void shouldListEverySubcommandWhenAskedForHelp() {
        StringWriter out = new StringWriter();
        CommandLine cli = GrantWatch.commandLine();
        cli.setOut(new PrintWriter(out));

        int code = cli.execute("--help");

        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("run", "ingest", "detect", "alert", "scan", "parse", "report", "catalog", "config");
    }

    @Test
    void shouldExitWithTwoWhenTheOptionIsUnknown() {
        CommandLine cli = GrantWatch.commandLine();
        cli.setErr(new PrintWriter(new StringWriter()));

        assertThat(cli.execute("--no-such-option")).isEqualTo(2);
        assertThat(cli.execute("run", "--no-such-option")).isEqualTo(2);
    }

    @Test
    void shouldPrintTheVersionWhenAskedForIt() {
        StringWriter out = new StringWriter();
        CommandLine cli = GrantWatch.commandLine();
        cli.setOut(new PrintWriter(out));

        assertThat(cli.execute("--version")).isZero();
        assertThat(out.toString()).startsWith("grantwatch ").contains("Kafka 4.3.1");
    }
}
