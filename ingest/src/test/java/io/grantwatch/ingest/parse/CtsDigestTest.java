package io.grantwatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.ingest.FileProgress;
import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.IngestLimits;
import io.grantwatch.ingest.ParseRun;
import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.ingest.SkippedRecord;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CTS digest files (trace-file integrity verification) are recognised and skipped: no event, no rejection. */
class CtsDigestTest {
    private static final String DELIVERY = "huawei/obs-delivery-with-digest";
    private static final String DIGEST_DIR = "CloudTraces/eu-west-101/2017/3/28/mytracker/Digest/ECS/";
    private static final String DIGEST_NAME = "mylog_CloudTrace-Digest_eu-west-101_2017-03-28T02-09-17Z.json.gz";

    private record Read(List<AuditEvent> events, List<RejectedRecord> rejected, List<SkippedRecord> skipped) {
    }

    private static Read read(Path path, int threads) throws IOException {
        Read r = new Read(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        new AuditFileReader(IngestLimits.DEFAULTS, threads)
                .read(List.of(path), r.events()::add, r.rejected()::add, r.skipped()::add, FileProgress.NONE);
        return r;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void shouldReadEveryTraceAndSkipTheDigestFilesWhenTheyLieBesideTheTraces(int threads) throws IOException {
        Read r = read(Fixtures.path(DELIVERY), threads);

        assertThat(r.events()).extracting(AuditEvent::eventId)
                .containsExactly("hw-dig-ecs-1", "hw-dig-ecs-2", "hw-dig-evs-1");
        assertThat(r.events()).allSatisfy(e -> {
            assertThat(e.cloud()).isEqualTo(Cloud.HUAWEI);
            assertThat(e.region()).isEqualTo("eu-west-101");
        });
        assertThat(r.rejected()).isEmpty();
        assertThat(r.skipped()).hasSize(2).allSatisfy(s -> {
            assertThat(s.source()).contains("/Digest/").endsWith(DIGEST_NAME);
            assertThat(s.position()).isEqualTo(-1);
            assertThat(s.reason()).contains("CTS digest file");
        });
    }

    @Test
    void shouldSkipTheDigestByContentWhenReadAsAPlainJsonFile() throws IOException {
        Read r = read(Fixtures.path("huawei/cts-digest.json"), 1);

        assertThat(r.events()).isEmpty();
        assertThat(r.rejected()).isEmpty();
        assertThat(r.skipped()).singleElement().satisfies(s -> {
            assertThat(s.source()).endsWith("cts-digest.json");
            assertThat(s.position()).isZero();
        });
    }

    @Test
    void shouldSkipTheDigestByContentWhenGzippedUnderAnotherName(@TempDir Path tmp) throws IOException {
        Path renamed = Files.copy(Fixtures.path(DELIVERY).resolve(DIGEST_DIR + DIGEST_NAME), tmp.resolve("upload-0001.json.gz"));

        Read r = read(renamed, 1);

        assertThat(r.events()).isEmpty();
        assertThat(r.rejected()).isEmpty();
        assertThat(r.skipped()).singleElement().satisfies(s -> assertThat(s.position()).isZero());
    }

    @Test
    void shouldSkipTheDigestWhenParsedAsAnInMemoryBody() throws IOException {
        byte[] body = Files.readAllBytes(Fixtures.path("huawei/cts-digest.json"));

        AuditParser.Result r = new AuditParser().parse(body, "http:req-1", Hints.NONE);

        assertThat(r.events()).isEmpty();
        assertThat(r.rejected()).isEmpty();
        assertThat(r.skipped()).singleElement().satisfies(s -> assertThat(s.source()).isEqualTo("http:req-1"));
    }

    @Test
    void shouldStillReadTracesWhenOnlyTheirPathSaysDigest() throws IOException {
        Read r = read(Fixtures.path("huawei/digest-lookalike"), 1);

        assertThat(r.events()).extracting(AuditEvent::eventId).containsExactly("hw-lookalike-1", "hw-lookalike-2");
        assertThat(r.rejected()).isEmpty();
        assertThat(r.skipped()).isEmpty();
    }

    @Test
    void shouldReadTheTraceWhenATraceAlsoCarriesDigestFields() throws IOException {
        ObjectNode trace = (ObjectNode) Json.wire().readTree(Files.readAllBytes(Fixtures.path("huawei/digest-lookalike")
                .resolve("CloudTraces/eu-west-101/2017/3/28/Digest/Digest/"
                        + "Digest_CloudTrace_eu-west-101_2017-03-28T02-09-17Z_5a6b7c8d9e0f1a2b.json"))).get(0);
        trace.put("digest_start_time", "2017-03-28T01-09-17Z");
        trace.putArray("log_files");

        AuditParser.Result r = new AuditParser().parse(trace.toString().getBytes(StandardCharsets.UTF_8), "mem", Hints.NONE);

        assertThat(CtsDigest.looksLike(trace)).isFalse();
        assertThat(r.events()).extracting(AuditEvent::eventId).containsExactly("hw-lookalike-1");
        assertThat(r.skipped()).isEmpty();
    }

    @Test
    void shouldRejectWhenAnObjectHasADigestTimeButNoLogFiles() {
        byte[] half = "{\"digest_start_time\":\"2017-03-28T01-09-17Z\",\"digest_bucket\":\"bucket\"}".getBytes(StandardCharsets.UTF_8);

        AuditParser.Result r = new AuditParser().parse(half, "mem", Hints.NONE);

        assertThat(r.skipped()).isEmpty();
        assertThat(r.rejected()).singleElement().satisfies(x -> assertThat(x.reason()).contains("unknown shape"));
    }

    @Test
    void shouldRecogniseTheDigestNameOnlyInTheFileNameNotInItsFolders() {
        assertThat(CtsDigest.isDigestFileName(Path.of(DIGEST_DIR + DIGEST_NAME))).isTrue();
        assertThat(CtsDigest.isDigestFileName(Path.of("x/eu-west-101/cn-north-4_abc/Digest/OBS/"
                + "p_CloudTrace-Digest_eu-west-101_2026-01-02T03-04-05Z.json.gz"))).isTrue();
        assertThat(CtsDigest.isDigestFileName(Path.of("a_CloudTrace-Digest_b/Digest/mylog_CloudTrace_eu-west-101_x.json.gz")))
                .isFalse();
        assertThat(CtsDigest.isDigestFileName(Path.of("Digest/Digest_CloudTrace_eu-west-101_x.json"))).isFalse();
    }

    @Test
    void shouldCountSkippedDigestsAndRejectNothingWhenParsingADelivery() throws IOException {
        List<AuditEvent> events = new ArrayList<>();
        List<RejectedRecord> rejected = new ArrayList<>();

        ParseRun.Result r = ParseRun.run(new AuditFileReader(), List.of(Fixtures.path(DELIVERY)), new ByteArrayInputStream(new byte[0]),
                events::add, rejected::add);

        assertThat(r).isEqualTo(new ParseRun.Result(3, 0, 2));
        assertThat(events).hasSize(3);
        assertThat(rejected).isEmpty();
    }

    @Test
    void shouldSkipADigestReadFromStdin() throws IOException {
        List<AuditEvent> events = new ArrayList<>();
        byte[] body = Files.readAllBytes(Fixtures.path("huawei/cts-digest.json"));

        ParseRun.Result r = ParseRun.run(new AuditFileReader(), List.of(Path.of("-")), new ByteArrayInputStream(body),
                events::add, x -> { });

        assertThat(r).isEqualTo(new ParseRun.Result(0, 0, 1));
        assertThat(events).isEmpty();
    }
}
