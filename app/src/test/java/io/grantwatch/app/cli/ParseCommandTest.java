package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.app.GrantWatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ParseCommandTest {
    /** The ingest module's parser fixtures. */
    private static final Path FIXTURES = Path.of("../ingest/src/test/resources/fixtures");

    private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return run(new byte[0], out, err, args);
    }

    private static int run(byte[] stdin, ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        CommandLine cli = GrantWatch.commandLine();
        ParseCommand parse = cli.getSubcommands().get("parse").getCommand();
        parse.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        parse.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        parse.in = new ByteArrayInputStream(stdin);
        return cli.execute(args);
    }

    private static String fixture(String name) {
        return FIXTURES.resolve(name).toString();
    }

    @Test
    void shouldPrintJsonLinesAndRejectionsWithFileAndPositionAndASummary() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(out, err, "parse", fixture("alibaba/jsonl-with-bad-line.jsonl"))).isZero();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("{\"cloud\":\"alibaba\""));
        assertThat(lines[1]).contains("\"outcome\":\"DENIED\"").contains("\"iamAction\":\"ram:ListUsers\"");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("rejected " + fixture("alibaba/jsonl-with-bad-line.jsonl")
                + "#1 (line 2): unparseable JSON").contains("parsed 2 events, rejected 1 records");
    }

    @Test
    void shouldNeverPrintAPlantedSecret() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(out, err, "parse", fixture("alibaba/secrets-planted.json"), fixture("huawei/secrets-planted.json"),
                fixture("alibaba/secrets-in-bad-records.jsonl"))).isZero();
        String all = out.toString(StandardCharsets.UTF_8) + "\n" + err.toString(StandardCharsets.UTF_8);
        assertThat(all).doesNotContain("SEKRET").doesNotContain("CAIS").doesNotContain("MII");
        assertThat(all).contains("LTAI****").contains("HSTA****").contains("ram:PassRole").contains("ecs:cloudServers:create")
                .contains("rejected 2 records");
    }

    @Test
    void shouldReadStdinWhenThePathIsADashAndSummarizeASkippedDigest() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(Files.readAllBytes(FIXTURES.resolve("huawei/listtraces-v3-response.json")), out, err, "parse", "-")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).split("\n")).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("\"location\":\"stdin\""));

        out.reset();
        err.reset();
        assertThat(run(Files.readAllBytes(FIXTURES.resolve("huawei/cts-digest.json")), out, err, "parse", "-")).isZero();
        assertThat(out.size()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("parsed 0 events, rejected 0 records, skipped 1 CTS digest file");
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
    void shouldPrintEveryTraceAndSummarizeSkippedDigestsWhenACtsFolderHoldsDigestFiles(@TempDir Path tmp) throws IOException {
        Path demo = Path.of("src/main/resources/demo/huawei-cts.json");
        Path corpus = ctsDeliveryWithDigests(tmp, demo);
        int traces = io.grantwatch.model.json.Json.wire().readTree(demo.toFile()).size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        assertThat(run(out, err, "parse", corpus.toString())).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8).split("\n")).hasSize(traces);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("parsed " + traces + " events, rejected 0 records, skipped 2 CTS digest files");
    }

    private static final String EVENT = "{\"eventId\":\"e%s\",\"eventName\":\"ListUsers\",\"eventTime\":\"2026-01-01T00:00:00Z\","
            + "\"userIdentity\":{\"type\":\"ram-user\",\"userName\":\"bob\",\"accountId\":\"1\"}}\n";

    /** A folder with a readable trail beside {@code unreadable}; a trail inside it when it is a folder. */
    static Path folderWithReadableTrail(Path tmp) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("trails"));
        Files.writeString(root.resolve("a.jsonl"), String.format(EVENT, "1"), StandardCharsets.UTF_8);
        Files.writeString(root.resolve("z.jsonl"), String.format(EVENT, "2"), StandardCharsets.UTF_8);
        return root;
    }

    /** True when the folder could be made unreadable (never as root, which reads whatever the mode says). */
    static boolean lockedOut(Path folder) throws IOException {
        Files.setPosixFilePermissions(folder, Set.of());
        return !Files.isReadable(folder);
    }

    @Test
    void shouldSkipAndReportAnUnreadableSubfolderAndPrintTheRestWhenParsingAFolder(@TempDir Path tmp) throws IOException {
        Path root = folderWithReadableTrail(tmp);
        Path locked = Files.createDirectories(root.resolve("m-locked"));
        Files.writeString(locked.resolve("hidden-away.jsonl"), String.format(EVENT, "x"), StandardCharsets.UTF_8);
        try {
            org.junit.jupiter.api.Assumptions.assumeTrue(lockedOut(locked),
                    "running as root: a chmod 000 folder is still readable, so this case cannot be made here "
                            + "(shouldSkipAndReportDanglingLinksAndFifosAndPrintTheRestWhenParsingAFolder covers the same rule)");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            assertThat(run(out, err, "parse", root.toString())).isZero();

            assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"eventId\":\"e1\"").contains("\"eventId\":\"e2\"");
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains("rejected " + locked + ": cannot read folder: permission denied")
                    .doesNotContain("Exception\n\tat ");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void shouldSkipAndReportDanglingLinksAndFifosAndPrintTheRestWhenParsingAFolder(@TempDir Path tmp) throws Exception {
        Path root = folderWithReadableTrail(tmp);
        Path dangling = Files.createSymbolicLink(root.resolve("m-gone.jsonl"), tmp.resolve("deleted-since.jsonl"));
        Path fifo = root.resolve("m-pipe.jsonl");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0,
                "mkfifo is needed to make a FIFO");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        assertThat(run(out, err, "parse", root.toString())).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"eventId\":\"e1\"").contains("\"eventId\":\"e2\"");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("rejected " + dangling + ": cannot read: dangling symbolic link")
                .contains("rejected " + fifo + ": cannot read: not a regular file")
                .contains("parsed 2 events, rejected 2 records");
    }

    /** A CTS digest file's content (Huawei CTS docs, "Digest Files"), trimmed to one log file. */
    static final String CTS_DIGEST = "{\"project_id\":\"3cfb09080bd944d0b4cdd72ef2685712\",\"digest_start_time\":\"2017-03-28T01-09-17Z\","
            + "\"digest_end_time\":\"2017-03-28T02-09-17Z\",\"digest_bucket\":\"bucket\",\"digest_object\":\"CloudTraces/eu-west-101/2017/3/28/"
            + "Digest/EVS/mylog_CloudTrace-Digest_eu-west-101_2017-03-28T02-09-17Z.json.gz\",\"digest_signature_algorithm\":\"SHA256withRSA\","
            + "\"digest_end\":false,\"previous_digest_bucket\":\"bucket\",\"previous_digest_hash_value\":\"5e08875de01b894eda5d1399d7b049fe\","
            + "\"previous_digest_hash_algorithm\":\"MD5\",\"previous_digest_end\":false,\"log_files\":[{\"bucket\":\"bucket\","
            + "\"object\":\"CloudTraces/eu-west-101/2017/3/28/ECS/mylog_CloudTrace_eu-west-101_2017-03-28T02-09-17Z_0faa86bc40071242.json.gz\","
            + "\"log_hash_value\":\"9f1c1d7e0b7c4b8f2e6b1a0c3d5e7f90\",\"log_hash_algorithm\":\"MD5\"}]}";

    /**
     * An OBS delivery folder: the demo CTS traces as a trace file, a gzipped digest file beside them
     * (by name) and a digest uploaded under another name (by content).
     */
    static Path ctsDeliveryWithDigests(Path root, Path demoTraces) throws IOException {
        Path day = root.resolve("CloudTraces/cn-north-4/2026/1/1/system");
        Files.createDirectories(day.resolve("ModelArts"));
        Files.copy(demoTraces, day.resolve("ModelArts/trail_CloudTrace_cn-north-4_2026-01-01T00-00-00Z_0faa86bc40071242.json"));
        Files.createDirectories(day.resolve("Digest/ModelArts"));
        try (GZIPOutputStream gz = new GZIPOutputStream(
                Files.newOutputStream(day.resolve("Digest/ModelArts/trail_CloudTrace-Digest_cn-north-4_2026-01-01T01-00-00Z.json.gz")))) {
            gz.write(CTS_DIGEST.getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(root.resolve("uploaded.json"), CTS_DIGEST, StandardCharsets.UTF_8);
        return root;
    }

    @Test
    void shouldExitTwoWhenAPathIsMissing() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(out, err, "parse", fixture("alibaba/jsonl-with-bad-line.jsonl"), "/no/such/path")).isEqualTo(2);
        assertThat(out.size()).as("nothing is read when a path cannot be used").isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("/no/such/path");
    }
}
