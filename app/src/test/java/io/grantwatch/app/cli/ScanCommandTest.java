package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {
    private static final Path DEMO = Path.of("src/main/resources/demo");

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int scan(Path... paths) {
        return scan(10_000, AuditFileReader.defaultThreads(), paths);
    }

    private int scan(int reorderBuffer, int threads, Path... paths) {
        ScanCommand c = new ScanCommand();
        c.paths = List.of(paths);
        c.threads = threads;
        c.reorderBuffer = reorderBuffer;
        c.grace = Duration.ofMinutes(30);
        c.window = Duration.ofHours(1);
        return c.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** {@code scan} of one trail with one snapshot, both test resources under {@code /fixtures/inventory/}. */
    private int scanWithInventory(String trailResource, String snapshotResource) throws IOException {
        Path snapshot = tmp.resolve(snapshotResource);
        Path trail = tmp.resolve(trailResource);
        try (var in = ScanCommandTest.class.getResourceAsStream("/fixtures/inventory/" + snapshotResource)) {
            Files.copy(in, snapshot);
        }
        try (var in = ScanCommandTest.class.getResourceAsStream("/fixtures/inventory/" + trailResource)) {
            Files.copy(in, trail);
        }
        ScanCommand c = new ScanCommand();
        c.paths = List.of(trail);
        c.inventory = List.of(snapshot);
        c.threads = 1;
        c.reorderBuffer = 100;
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
    void shouldExitOneForCiWhenAnOpenFindingMatchesFailOnAndPrintEachFindingsSeverity() throws Exception {
        Path corpus = tmp.resolve("demo");
        Files.createDirectories(corpus);
        Files.copy(DEMO.resolve("alibaba-actiontrail.json"), corpus.resolve("alibaba-actiontrail.json"));
        Files.copy(DEMO.resolve("huawei-cts.json"), corpus.resolve("huawei-cts.json"));
        ScanCommand c = new ScanCommand();
        c.paths = List.of(corpus);
        c.reorderBuffer = 10_000;
        c.threads = 1;
        c.grace = Duration.ofMinutes(30);
        c.window = Duration.ofHours(1);
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

        c.failOn = List.of("HIGH");
        assertThat(c.run(o, e)).isEqualTo(1);
        assertThat(findings()).allSatisfy(f -> assertThat(f.get("severity").asText()).isIn("INFO", "LOW", "MEDIUM", "HIGH"))
                .anySatisfy(f -> assertThat(f.get("severity").asText()).isEqualTo("HIGH"));
        assertThat(err.toString(StandardCharsets.UTF_8)).containsPattern("grantwatch scan: [0-9]+ open findings? match --fail-on HIGH");

        c.failOn = List.of("unmapped_denial"); // the demo has none
        assertThat(c.run(o, e)).isZero();
        c.failOn = List.of("CRITICAL");
        assertThat(c.run(o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--fail-on: 'CRITICAL' is neither a severity");
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
    void shouldScanEveryTraceAndCountDigestFilesAsSkippedWhenTheyLieBesideTheTraces() throws Exception {
        Path corpus = ParseCommandTest.ctsDeliveryWithDigests(tmp.resolve("obs"), DEMO.resolve("huawei-cts.json"));
        int traces = Json.wire().readTree(DEMO.resolve("huawei-cts.json").toFile()).size();

        assertThat(scan(corpus)).isZero();

        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(e).doesNotContain("rejected /").contains("scanned " + traces + " events")
                .contains("rejected 0 records, skipped 2 CTS digest files; ");
        assertThat(findings()).isNotEmpty();
    }

    /**
     * The demo corpus as 7 JSON Lines files of 3 events, each file spanning the whole corpus (file f holds
     * events 6-f, 13-f and 20-f of the time-ordered 21), named so that path order runs backwards in time,
     * some gzip, with an unparseable record at
     * position 1 (line 2) of {@code trail-3.jsonl}.
     */
    private Path outOfOrderFiles() throws Exception {
        List<JsonNode> all = new ArrayList<>();
        for (String demo : new String[] {"alibaba-actiontrail.json", "huawei-cts.json"}) {
            Json.wire().readTree(DEMO.resolve(demo).toFile()).forEach(all::add);
        }
        all.sort(Comparator.comparing(e -> e.has("eventTime") ? e.get("eventTime").asText() : timeOfTrace(e)));
        assertThat(all).hasSize(21);
        Path dir = Files.createDirectories(tmp.resolve("corpus"));
        for (int file = 0; file < 7; file++) {
            StringBuilder lines = new StringBuilder();
            for (int k = 0; k < 3; k++) {
                if (file == 3 && k == 1) {
                    lines.append("{\"eventId\": \"cut-short\", \"eventTime\": \n");
                }
                lines.append(all.get(k * 7 + (6 - file)).toString()).append('\n');
            }
            byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
            if (file % 2 == 0) {
                ByteArrayOutputStream gz = new ByteArrayOutputStream();
                try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
                    g.write(bytes);
                }
                Files.write(dir.resolve("trail-" + file + ".jsonl.gz"), gz.toByteArray());
            } else {
                Files.write(dir.resolve("trail-" + file + ".jsonl"), bytes);
            }
        }
        return dir;
    }

    /** CTS traces carry epoch milliseconds; as an ISO string they sort with ActionTrail's times. */
    private static String timeOfTrace(JsonNode trace) {
        return Instant.ofEpochMilli(trace.get("time").asLong()).toString();
    }

    /**
     * The demo corpus four times over, each copy 4 hours after the one before, in the clouds' delivery
     * layouts: ActionTrail copies 1 and 3 under region ap-southeast-1, 0 and 2 under cn-hangzhou; CTS
     * copies 1 and 3 under service IAM, 0 and 2 under OBS. Path order (region by region, service by
     * service) reads copy 3 before copy 0, twelve hours behind every principal's newest; time order does not.
     */
    private Path interleavedDeliveryTree() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("delivery"));
        com.fasterxml.jackson.databind.node.ArrayNode ali = (com.fasterxml.jackson.databind.node.ArrayNode)
                Json.wire().readTree(DEMO.resolve("alibaba-actiontrail.json").toFile());
        com.fasterxml.jackson.databind.node.ArrayNode hw = (com.fasterxml.jackson.databind.node.ArrayNode)
                Json.wire().readTree(DEMO.resolve("huawei-cts.json").toFile());
        DateTimeFormatter aliName = DateTimeFormatter.ofPattern("uuuuMMddHHmmss")
                .withZone(ZoneOffset.UTC);
        DateTimeFormatter ctsName = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH-mm-ss'Z'")
                .withZone(ZoneOffset.UTC);
        for (int copy = 0; copy < 4; copy++) {
            Duration shift = Duration.ofHours(4L * copy);
            com.fasterxml.jackson.databind.node.ArrayNode a = Json.wire().createArrayNode();
            Instant last = Instant.EPOCH;
            for (JsonNode e : ali) {
                com.fasterxml.jackson.databind.node.ObjectNode c = e.deepCopy();
                Instant t = Instant.parse(e.get("eventTime").asText()).plus(shift);
                c.put("eventTime", t.toString());
                c.put("eventId", e.get("eventId").asText() + "-" + copy);
                a.add(c);
                last = t.isAfter(last) ? t : last;
            }
            String region = copy % 2 == 1 ? "ap-southeast-1" : "cn-hangzhou";
            Path af = root.resolve("AliyunLogs/Actiontrail/" + region + "/2026/11/22/Actiontrail_" + region + "_"
                    + aliName.format(last) + "_1002_" + a.size() + "_1_abc.gz");
            Files.createDirectories(af.getParent());
            try (GZIPOutputStream g = new GZIPOutputStream(Files.newOutputStream(af))) {
                g.write(a.toString().getBytes(StandardCharsets.UTF_8));
            }
            com.fasterxml.jackson.databind.node.ArrayNode h = Json.wire().createArrayNode();
            last = Instant.EPOCH;
            for (JsonNode e : hw) {
                com.fasterxml.jackson.databind.node.ObjectNode c = e.deepCopy();
                long t = e.get("time").asLong() + shift.toMillis();
                c.put("time", t);
                c.put("record_time", t);
                c.put("trace_id", e.get("trace_id").asText() + "-" + copy);
                h.add(c);
                last = Instant.ofEpochMilli(Math.max(last.toEpochMilli(), t));
            }
            String service = copy % 2 == 1 ? "IAM" : "OBS";
            Path hf = root.resolve("CloudTraces/cn-north-4/2026/11/22/system/" + service + "/gw_CloudTrace_cn-north-4_"
                    + ctsName.format(last) + "_" + copy + "f3a.json.gz");
            Files.createDirectories(hf.getParent());
            try (GZIPOutputStream g = new GZIPOutputStream(Files.newOutputStream(hf))) {
                g.write(h.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return root;
    }

    @Test
    void shouldReadADeliveryTreeInTimeOrderAcrossRegionsAndServicesAndFindWhatTheTimeOrderedInputFinds() throws Exception {
        Path root = interleavedDeliveryTree();
        List<Path> files = AuditFileReader.files(root);
        assertThat(files).hasSize(8);
        assertThat(files.get(0).toString()).contains("ap-southeast-1"); // path order: copy 1 first, copy 0 after copy 3

        // What the findings must be: the same events fed to the detector in event-time order.
        List<io.grantwatch.model.AuditEvent> events = new ArrayList<>();
        new AuditFileReader(io.grantwatch.ingest.IngestLimits.DEFAULTS, 1).read(List.of(root), events::add, r -> {
            throw new AssertionError(r);
        });
        assertThat(events).hasSize(84);
        events.sort(Comparator.comparing(io.grantwatch.model.AuditEvent::eventTime)
                .thenComparing(io.grantwatch.model.AuditEvent::eventId));
        io.grantwatch.detector.OfflineDetector oracle = new io.grantwatch.detector.OfflineDetector(
                io.grantwatch.detector.DetectorSettings.defaults().withGrace(Duration.ofMinutes(30)).withActivityWindow(Duration.ofHours(1)),
                io.grantwatch.detector.CatalogLookup.of(io.grantwatch.catalog.CatalogLoader.loadBundled()));
        events.forEach(oracle::accept);
        assertThat(oracle.counters().late()).isZero();
        StringBuilder expected = new StringBuilder();
        for (io.grantwatch.model.Finding f : oracle.findings()) {
            com.fasterxml.jackson.databind.node.ObjectNode node = Json.wire().valueToTree(f);
            node.put("severity", io.grantwatch.alerts.Severity.of(f).name());
            expected.append(node).append(System.lineSeparator());
        }
        assertThat(oracle.findings()).isNotEmpty();

        for (int threads : new int[] {1, 2, 4}) {
            out.reset();
            err.reset();
            ScanCommand c = new ScanCommand();
            c.paths = List.of(root);
            c.threads = threads;
            c.reorderBuffer = 10; // small: the next file's start releases the buffer, the count is only a memory cap
            c.grace = Duration.ofMinutes(30);
            c.window = Duration.ofHours(1);
            c.noRemediation = true;
            assertThat(c.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)))
                    .isZero();
            assertThat(err.toString(StandardCharsets.UTF_8)).as("%d threads", threads)
                    .contains("scanned 84 events").contains(" 0 later than the grace").doesNotContain("came later than the grace");
            assertThat(out.toString(StandardCharsets.UTF_8)).as("%d threads", threads).isEqualTo(expected.toString());
        }
    }

    @Test
    void shouldRenderTheFindingsOnSeveralThreadsInTheirOrder() throws Exception {
        List<io.grantwatch.model.AuditEvent> events = new ArrayList<>();
        new AuditFileReader(io.grantwatch.ingest.IngestLimits.DEFAULTS, 1).read(List.of(interleavedDeliveryTree()), events::add, r -> {
            throw new AssertionError(r);
        });
        events.sort(Comparator.comparing(io.grantwatch.model.AuditEvent::eventTime).thenComparing(io.grantwatch.model.AuditEvent::eventId));
        io.grantwatch.detector.OfflineDetector detector = new io.grantwatch.detector.OfflineDetector(
                io.grantwatch.detector.DetectorSettings.defaults(),
                io.grantwatch.detector.CatalogLookup.of(io.grantwatch.catalog.CatalogLoader.loadBundled()));
        events.forEach(detector::accept);
        assertThat(detector.findings()).hasSizeGreaterThan(2);
        FindingLines lines = new FindingLines(new io.grantwatch.alerts.remediation.RemediationPlanner(), 1); // one finding a task
        List<String> expected = detector.findings().stream().map(lines::line).toList();
        assertThat(expected).allSatisfy(l -> assertThat(l).contains("\"remediation\"").contains("\"severity\""));
        for (int threads : new int[] {1, 2, 3}) {
            List<String> written = new ArrayList<>();
            assertThat(lines.write(detector.findings(), threads, written::add)).isEqualTo(expected.size());
            assertThat(written).as("%d threads", threads).isEqualTo(expected);
        }
    }

    @Test
    void shouldTellTheTimeInActionTrailAndCtsDeliveryFileNames() {
        assertThat(AuditFileReader.nameTime(Path.of("Actiontrail_ap-southeast-6_20260925070451_1002_4_1146_d41d8.gz")))
                .contains(Instant.parse("2026-09-25T07:04:51Z"));
        assertThat(AuditFileReader.nameTime(Path.of("1234567_Actiontrail_cn-hangzhou_20261101053316_1002_12_25665_fe3c.gz")))
                .contains(Instant.parse("2026-11-01T05:33:16Z"));
        assertThat(AuditFileReader.nameTime(Path.of("gw_CloudTrace_cn-north-4_2026-11-01T00-33-35Z_48c32eb3.json.gz")))
                .contains(Instant.parse("2026-11-01T00:33:35Z"));
        assertThat(AuditFileReader.nameTime(Path.of("x_CloudTrace_cn-north-4-proj_2026-11-01T00-33-35Z_48c.json.gz")))
                .contains(Instant.parse("2026-11-01T00:33:35Z"));
        assertThat(AuditFileReader.nameTime(Path.of("trail-3.jsonl"))).isEmpty();
        assertThat(AuditFileReader.nameTime(Path.of("Actiontrail_cn_20261399000000_1.gz"))).isEmpty();
    }

    @Test
    void shouldPrintExactlyTheSameWhateverTheThreadCountOnOutOfOrderFilesWithABadRecord() throws Exception {
        Path corpus = outOfOrderFiles();
        // Files overlap in time, and a reorder buffer of 2 cannot hold them: the order events arrive in changes what
        // is found (late events), so any change of delivery order across threads would show in the output.
        assertThat(scan(2, 1, corpus)).isZero();
        String sequentialOut = out.toString(StandardCharsets.UTF_8);
        String sequentialErr = err.toString(StandardCharsets.UTF_8);
        assertThat(sequentialErr).contains("rejected " + corpus.resolve("trail-3.jsonl") + "#1 (line 2): unparseable JSON")
                .contains("scanned 21 events").containsPattern("[1-9]\\d* later than the grace").contains("rejected 1 records")
                .containsPattern("events came later than the grace \\(PT30M\\).* from [1-9] files?")
                .containsPattern("\\n  [1-9]\\d* from " + Pattern.quote(corpus.toString()) + "/trail-\\d");
        assertThat(findings()).isNotEmpty();

        for (int threads : new int[] {2, 4}) {
            out.reset();
            err.reset();
            assertThat(scan(2, threads, corpus)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).as("findings with %d threads", threads).isEqualTo(sequentialOut);
            assertThat(err.toString(StandardCharsets.UTF_8)).as("stderr with %d threads", threads).isEqualTo(sequentialErr);
        }
    }

    @Test
    void shouldSkipAndReportAnUnreadableSubfolderAndPrintTheFindingsOfTheRestWhenScanningAFolder() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("trails"));
        Files.copy(DEMO.resolve("alibaba-actiontrail.json"), root.resolve("good.json"));
        Path locked = Files.createDirectories(root.resolve("locked"));
        Files.copy(DEMO.resolve("alibaba-actiontrail.json"), locked.resolve("also.json"));
        try {
            org.junit.jupiter.api.Assumptions.assumeTrue(ParseCommandTest.lockedOut(locked),
                    "running as root: a chmod 000 folder is still readable, so this case cannot be made here "
                            + "(shouldSkipAndReportDanglingLinksAndFifosAndPrintTheFindingsOfTheRestWhenScanningAFolder covers the same rule)");

            assertThat(scan(root)).isZero();

            assertThat(err.toString(StandardCharsets.UTF_8)).contains("rejected " + locked + ": cannot read folder: permission denied");
            assertThat(findings()).isNotEmpty();
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void shouldSkipAndReportDanglingLinksAndFifosAndPrintTheFindingsOfTheRestWhenScanningAFolder() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("trails"));
        Files.copy(DEMO.resolve("alibaba-actiontrail.json"), root.resolve("good.json"));
        Path dangling = Files.createSymbolicLink(root.resolve("gone.json"), tmp.resolve("deleted-since.json"));
        Path fifo = root.resolve("pipe.json");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0,
                "mkfifo is needed to make a FIFO");

        assertThat(scan(root)).isZero();

        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("rejected " + dangling + ": cannot read: dangling symbolic link")
                .contains("rejected " + fifo + ": cannot read: not a regular file");
        assertThat(findings()).isNotEmpty();
    }

    @Test
    void shouldFindNothingNewWhenTheDemoIsReplayedAfterItsLastEventAgainAndAgain() throws Exception {
        // run --demo restarted on its data folder replays the demo files: the events within the grace of each principal's
        // newest are processed again; their ids are in the findings already, so nothing is counted, ranked or found twice
        AuditParser parser = new AuditParser();
        List<AuditEvent> events = new ArrayList<>();
        for (String f : List.of("alibaba-actiontrail.json", "huawei-cts.json")) {
            events.addAll(parser.parse(Files.readAllBytes(DEMO.resolve(f)), f, Hints.NONE).events());
        }
        events.sort(Comparator.comparing(AuditEvent::eventTime));
        OfflineDetector detector = new OfflineDetector(DetectorSettings.defaults(), CatalogLookup.of(CatalogLoader.loadBundled()));
        events.forEach(detector::accept);
        List<String> before = detector.findings().stream().map(f -> f.id() + " " + f.status() + " " + f.evidence().count()).sorted().toList();

        List<Finding> replayed = new ArrayList<>();
        for (int restart = 0; restart < 3; restart++) {
            events.forEach(e -> replayed.addAll(detector.accept(e)));
        }

        assertThat(replayed).isEmpty();
        assertThat(detector.findings().stream().map(f -> f.id() + " " + f.status() + " " + f.evidence().count()).sorted().toList())
                .isEqualTo(before);
    }

    @Test
    void shouldExitWithTwoWhenAPathCannotBeUsed() {
        assertThat(scan(tmp.resolve("missing"))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot use");
        assertThat(out.size()).isZero();
    }

    @Test
    void shouldEscapeControlAndBidiCharactersWhenPrintingEventText() {
        org.assertj.core.api.Assertions.assertThat(ScanCommand.printable("a\nb\u001b[31m\u202Egnp.exe"))
                .isEqualTo("a\\u000ab\\u001b[31m\\u202egnp.exe");
    }

    @Test
    void shouldPrintBidiOverridesAndLineBreaksFromEventTextAsEscapesInTheFindingsJson() throws Exception {
        // a policy name with U+202E, an ANSI escape and a newline, detached from a user who used it
        assertThat(scanWithInventory("hostile-policy-name-detach.json", "hostile-policy-name-snapshot.jsonl")).isZero();

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(findings()).isNotEmpty();
        assertThat(printed).doesNotContain("\u202E", "\u001B").contains("\\u202E");
    }

    @Test
    void shouldNameTheKnownDenyStatementWhenASnapshotIsGivenWithInventory() throws Exception {
        assertThat(scanWithInventory("alibaba-dlc-deletejob-explicit-deny.json", "alibaba-snapshot.jsonl")).isZero();

        JsonNode f = findings().stream().filter(n -> n.path("kind").asText().equals("EXPLICIT_DENY")).findFirst().orElseThrow();
        assertThat(f.path("knownDenies").get(0).path("sid").asText()).isEqualTo("NoProdJobDeletes");
        assertThat(f.path("remediation").path("summary").asText()).contains("statement \"NoProdJobDeletes\" (#2) of policy "
                + "deny-dlc-job-deletes (Custom) version v3, attached to group ml-researchers denies it");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("; inventory 10 records read, 0 not");
    }
}
