package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {
    private static final Path DEMO = Path.of("src/main/resources/demo");

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int scan(Path... paths) {
        ScanCommand c = new ScanCommand();
        c.paths = List.of(paths);
        c.reorderBuffer = 10_000;
        c.grace = Duration.ofMinutes(30);
        c.window = Duration.ofHours(1);
        return c.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<JsonNode> findings() throws Exception {
        List<JsonNode> out2 = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                out2.add(Json.wire().readTree(line));
            }
        }
        return out2;
    }

    @Test
    void shouldPrintEveryStoryOfTheDemoCorpusAsOneJsonLineWithItsRemediation() throws Exception {
        Path corpus = tmp.resolve("demo");
        Files.createDirectories(corpus);
        Files.copy(DEMO.resolve("alibaba-actiontrail.json"), corpus.resolve("alibaba-actiontrail.json"));
        Files.copy(DEMO.resolve("huawei-cts.json"), corpus.resolve("huawei-cts.json"));

        assertThat(scan(corpus)).isZero();
        List<JsonNode> fs = findings();
        assertThat(fs).extracting(f -> f.get("kind").asText())
                .contains("MISSING_GRANT", "EXPLICIT_DENY", "REGRESSION", "PREDICTED_BREAKAGE");
        assertThat(fs).allSatisfy(f -> assertThat(f.has("remediation")).isTrue());
        assertThat(fs).anySatisfy(f -> {
            assertThat(f.get("scenarioId").asText()).isEqualTo("pai.dsw-role.custom");
            assertThat(f.get("status").asText()).isEqualTo("RESOLVED");
            assertThat(f.get("evidence").get("count").asInt()).isEqualTo(3);
        });
        assertThat(fs).anySatisfy(f -> assertThat(f.get("scenarioId").asText()).isEqualTo("modelarts.agency.training"));
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("scanned 21 events");
    }

    @Test
    void shouldReportMalformedInputWithFileAndPositionAndKeepScanning() throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"eventId\": \"x\", \"eventTime\": \u0001");
        Files.copy(DEMO.resolve("alibaba-actiontrail.json"), tmp.resolve("good.json"));

        assertThat(scan(bad, tmp.resolve("good.json"))).isZero();
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(e).contains("rejected " + bad + "#");
        assertThat(e).doesNotContain("\u0001");
        assertThat(findings()).isNotEmpty();
    }

    @Test
    void shouldExitWithTwoWhenAPathCannotBeUsed() {
        assertThat(scan(tmp.resolve("missing"))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot use");
        assertThat(out.size()).isZero();
    }
}
