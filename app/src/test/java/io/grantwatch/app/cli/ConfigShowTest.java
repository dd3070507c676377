package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.grantwatch.app.GrantWatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code config show}: YAML that the loader reads back, each value with its source, secrets masked. */
class ConfigShowTest {
    @TempDir
    Path dir;

    private String show(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = GrantWatch.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 2];
        all[0] = "config";
        all[1] = "show";
        System.arraycopy(args, 0, all, 2, args.length);
        assertThat(cli.execute(all)).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void shouldPrintYamlWithEachValuesSourceAndMaskSecretsAndReadBackTheSame() throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, "http:\n  port: 18181\nkafka:\n  sasl.jaas.config: \"org.apache.kafka.common.security.plain.PlainLoginModule"
                + " required username=\\\"u\\\" password=\\\"hunter2-secret\\\";\"\n");
        String yaml = show("--config", file.toString(), "--set", "detector.threads=2");

        assertThat(yaml).contains("http.port: \"18181\"  # " + file + " (line 2)")
                .contains("detector.threads: \"2\"  # flag --set detector.threads")
                .containsPattern("data\\.dir: \"[^\"]+\"  # default")
                .doesNotContain("hunter2-secret");
        JsonNode parsed = new YAMLMapper().readTree(yaml);
        assertThat(parsed.get("http.port").asText()).isEqualTo("18181");

        // what it prints is a configuration file: read back, it shows the same values (sources now that file)
        Path back = dir.resolve("back.yaml");
        Files.writeString(back, yaml.replace("\"****\"", "\"env:NOT_SET_HERE\""));
        String again = show("--config", back.toString());
        assertThat(again).contains("http.port: \"18181\"  # " + back).contains("detector.threads: \"2\"  # " + back);
    }
}
