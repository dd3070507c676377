package io.grantwatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void shouldLintTheShippedCatalogAndFailOnAnUncitedClaim(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        CommandLine cli = GrantWatch.commandLine();
        cli.setErr(new PrintWriter(new StringWriter()));
        // Without seed texts the citation text check is skipped with a notice; the structural audit still runs.
        Path noSeeds = tmp.resolve("no-seeds");
        assertThat(cli.execute("catalog", "lint", "--seeds", noSeeds.toString())).isZero();
        Path dir = Files.createDirectories(tmp.resolve("catalog"));
        for (String f : new String[] {"pai.yaml", "pai-dsw-role.yaml", "modelarts.yaml", "modelarts-agency.yaml"}) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("catalog/" + f)) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (f.equals("pai.yaml")) {
                    text = text.replaceFirst("kind: VENDOR_REFERENCE", "kind: NONE");
                }
                Files.writeString(dir.resolve(f), text, StandardCharsets.UTF_8);
            }
        }
        assertThat(cli.execute("catalog", "lint", dir.toString(), "--seeds", noSeeds.toString())).isEqualTo(1);
    }
}
