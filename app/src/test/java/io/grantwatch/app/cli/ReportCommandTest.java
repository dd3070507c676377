package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code grantwatch report} on the bundled demo corpus (real ActionTrail/CTS shapes) and on findings JSON Lines. */
class ReportCommandTest {
    private static final Path DEMO = Path.of("src/main/resources/demo");

    private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        ReportCommand cmd = new ReportCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldWriteHtmlReportWhenGivenAuditFiles(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("report.html");
        int code = run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "--input", DEMO.resolve("alibaba-actiontrail.json").toString(),
                DEMO.resolve("huawei-cts.json").toString(), "--format", "html", "--out", html.toString());
        assertThat(code).isZero();
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("new Chart(", "Predicted breakages");
    }

    @Test
    void shouldReadFindingsJsonLinesAndComparePreviousReport(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        assertThat(run(json, new ByteArrayOutputStream(), "--input", DEMO.toString(), "--format", "json")).isZero();
        JsonNode report = Json.wire().readTree(json.toByteArray());
        assertThat(report.path("totals").path("open").asLong()).isPositive();
        Path previous = dir.resolve("previous.json");
        Files.write(previous, json.toByteArray());
        // findings JSON Lines built from the report's own open items are not needed: reuse the audit input against the baseline
        ByteArrayOutputStream md = new ByteArrayOutputStream();
        assertThat(run(md, new ByteArrayOutputStream(), "--input", DEMO.toString(), "--previous", previous.toString())).isZero();
        assertThat(md.toString(StandardCharsets.UTF_8)).contains("compared with the previous report", "## New since the last report\n\n_none_");
    }

    @Test
    void shouldReportFromScanOutputWhenInputIsFindingsJsonLines(@TempDir Path dir) throws Exception {
        ScanCommand scan = new ScanCommand();
        new CommandLine(scan).parseArgs(DEMO.toString());
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        assertThat(scan.run(new PrintStream(lines, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8))).isZero();
        Path jsonl = dir.resolve("findings.jsonl");
        Files.write(jsonl, lines.toByteArray());
        ByteArrayOutputStream fromScan = new ByteArrayOutputStream();
        ByteArrayOutputStream fromAudit = new ByteArrayOutputStream();
        assertThat(run(fromScan, new ByteArrayOutputStream(), "--input", jsonl.toString(), "--format", "json")).isZero();
        assertThat(run(fromAudit, new ByteArrayOutputStream(), "--input", DEMO.toString(), "--format", "json")).isZero();
        assertThat(Json.wire().readTree(fromScan.toByteArray()).path("states"))
                .isEqualTo(Json.wire().readTree(fromAudit.toByteArray()).path("states"));
    }

    @Test
    void shouldExitTwoWhenFormatOrInputIsUnusable() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(new ByteArrayOutputStream(), err, "--input", DEMO.toString(), "--format", "pdf")).isEqualTo(2);
        assertThat(run(new ByteArrayOutputStream(), err)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--format must be md, html or json", "--input");
    }

    @Test
    void shouldListHeldGrantsNoCallUsedWithTheSmallerPolicyWhenGivenAnInventory() throws Exception {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(json, err, "--input", "src/test/resources/fixtures/report-unused-trail.json", "--inventory",
                "src/test/resources/fixtures/report-unused-inventory.jsonl", "--format", "json");

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        com.fasterxml.jackson.databind.JsonNode report = io.grantwatch.model.json.Json.wire().readTree(json.toByteArray());
        com.fasterxml.jackson.databind.JsonNode unused = report.get("unusedGrants");
        assertThat(unused).hasSize(2);
        com.fasterxml.jackson.databind.JsonNode viewer = unused.get(0).get("policy").asText().startsWith("dlc-job-viewer") ? unused.get(0)
                : unused.get(1);
        com.fasterxml.jackson.databind.JsonNode reader = viewer == unused.get(0) ? unused.get(1) : unused.get(0);
        assertThat(viewer.get("principal").asText()).isEqualTo("user li.qiang");
        assertThat(viewer.get("unused")).extracting(com.fasterxml.jackson.databind.JsonNode::asText).containsExactly("paidlc:ListJobs",
                "paidlc:DeleteJob");
        assertThat(viewer.get("used")).extracting(com.fasterxml.jackson.databind.JsonNode::asText).containsExactly("paidlc:GetJob");
        com.fasterxml.jackson.databind.JsonNode smaller = io.grantwatch.model.json.Json.wire().readTree(viewer.get("smallerPolicy").asText());
        assertThat(smaller.get("Statement").get(0).get("Action")).extracting(com.fasterxml.jackson.databind.JsonNode::asText)
                .containsExactly("paidlc:GetJob");
        assertThat(smaller.get("Statement").get(0).get("Resource").asText()).as("the resource as written").isEqualTo("acs:paidlc:*:*:job/*");
        assertThat(smaller.get("Statement").get(1).get("Effect").asText()).as("a Deny is kept").isEqualTo("Deny");
        assertThat(reader.get("smallerPolicy")).as("nothing of it used: detach it").isNull();
        assertThat(report.get("unusedNote").asText()).contains("90 days").contains("the input covers less than that");

        ByteArrayOutputStream md = new ByteArrayOutputStream();
        assertThat(run(md, new ByteArrayOutputStream(), "--input", "src/test/resources/fixtures/report-unused-trail.json", "--inventory",
                "src/test/resources/fixtures/report-unused-inventory.jsonl")).isZero();
        assertThat(md.toString(StandardCharsets.UTF_8)).contains("## Unused grants (held, not used)").contains("none used: detach it")
                .contains("```json\n{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"paidlc:GetJob\"]");
    }

    @Test
    void shouldRefuseAnInventoryWithoutAuditFiles() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(new ByteArrayOutputStream(), err, "-b", "127.0.0.1:1", "--inventory", "x.jsonl")).isEqualTo(ScanCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--inventory needs audit files as --input");
    }

    @Test
    void shouldReadTheKafkaSettingsFromTheConfigurationLikeEveryCommand() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(new ByteArrayOutputStream(), err, "--set", "kafka.bootstrap.servers=127.0.0.1:1", "--set", "kafka.request.timeout.ms=2000",
                "--set", "kafka.default.api.timeout.ms=3000");
        assertThat(code).as("the configured cluster is tried, not 'give --input or -b'").isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("127.0.0.1:1").contains("kafka.bootstrap.servers");

        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        assertThat(run(new ByteArrayOutputStream(), bad, "-b", "127.0.0.1:1", "--set", "kafka.no.such.setting=1")).isEqualTo(ScanCommand.USAGE);
        assertThat(bad.toString(StandardCharsets.UTF_8)).contains("Unknown Kafka client setting 'no.such.setting'");
    }
}
