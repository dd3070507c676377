package io.grantwatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.ingest.IngestLimits;
import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.model.AuditEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Bad input becomes a rejection with a position and a reason; the rest of the source flows on. */
class BadInputTest {
    private static final String GOOD = "{\"eventId\":\"g%d\",\"eventName\":\"ListUsers\",\"eventTime\":\"2026-01-01T00:00:00Z\","
            + "\"userIdentity\":{\"type\":\"ram-user\",\"userName\":\"bob\",\"accountId\":\"1\"}}";

    private final List<AuditEvent> events = new ArrayList<>();
    private final List<RejectedRecord> rejected = new ArrayList<>();

    private void parse(byte[] bytes, IngestLimits limits) throws IOException {
        new AuditParser(limits).parse(new ByteArrayInputStream(bytes), "mem", Hints.NONE, 0,
                AuditParser.Sink.of(events::add, rejected::add));
    }

    private void parse(String s) throws IOException {
        parse(s.getBytes(StandardCharsets.UTF_8), IngestLimits.DEFAULTS);
    }

    private static String good(int i) {
        return String.format(GOOD, i);
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void shouldRejectGzipBombPastTheLimitAndKeepWhatCameBefore() throws IOException {
        byte[] big = new byte[4 * 1024 * 1024];
        Arrays.fill(big, (byte) ' ');
        byte[] content = (good(1) + "\n" + new String(big, StandardCharsets.US_ASCII) + "\n" + good(2) + "\n").getBytes(StandardCharsets.UTF_8);
        parse(gzip(content), new IngestLimits(1024 * 1024, 2 * 1024 * 1024, 1024));
        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g1");
        assertThat(rejected).singleElement().satisfies(r -> assertThat(r.reason()).contains("gzip expands past the limit"));
    }

    @Test
    void shouldRejectGzipBombByExpansionRatioUnderTheSizeLimit() throws IOException {
        byte[] pad = new byte[64 * 1024 * 1024];
        Arrays.fill(pad, (byte) ' ');
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.write((good(1) + "\n").getBytes(StandardCharsets.UTF_8));
        content.write(pad);
        content.write(("\n" + good(2) + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] gz = gzip(content.toByteArray());
        assertThat(gz.length).isLessThan(200 * 1024);
        parse(gz, IngestLimits.DEFAULTS);
        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g1");
        assertThat(rejected).singleElement().satisfies(r -> assertThat(r.reason()).contains("gzip expands more than 500:1"));
    }

    @Test
    void shouldRejectOnlyTheLineWithInvalidUtf8() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write((good(1) + "\n").getBytes(StandardCharsets.UTF_8));
        b.write("{\"eventId\":\"bad\",\"eventName\":\"X".getBytes(StandardCharsets.UTF_8));
        b.write(new byte[] {(byte) 0xC3, (byte) 0x28});
        b.write("\"}\n".getBytes(StandardCharsets.UTF_8));
        b.write((good(3) + "\n").getBytes(StandardCharsets.UTF_8));
        parse(b.toByteArray(), IngestLimits.DEFAULTS);
        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g1", "g3");
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.reason()).contains("UTF-8");
            assertThat(r.position()).isEqualTo(1);
            assertThat(r.line()).isEqualTo(2);
        });
    }

    @Test
    void shouldRejectOversizeRecordsInLinesAndArrays() throws IOException {
        String pad = "x".repeat(3000);
        String big = "{\"eventId\":\"big\",\"eventName\":\"" + pad + "\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"userIdentity\":{}}";
        parse((good(1) + "\n" + big + "\n" + good(2) + "\n").getBytes(StandardCharsets.UTF_8), new IngestLimits(2048, 1 << 20, 100));
        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g1", "g2");
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.reason()).startsWith("oversize record");
            assertThat(r.line()).isEqualTo(2);
        });
        events.clear();
        rejected.clear();
        parse(("[\n" + good(1) + ",\n" + big + ",\n" + good(2) + "\n]").getBytes(StandardCharsets.UTF_8), new IngestLimits(2048, 1 << 20, 100));
        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g1", "g2");
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.reason()).startsWith("oversize record");
            assertThat(r.position()).isEqualTo(1);
        });
    }

    @Test
    void shouldReportWhereWhenArrayBreaksMidway() throws IOException {
        parse("[\n" + good(1) + ",\n" + good(2) + ",\n{\"eventId\": oops, \"password\": \"hunter2-Secret\"}\n,\n" + good(3) + "]");
        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g1", "g2", "g3");
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.position()).isEqualTo(2);
            assertThat(r.line()).isEqualTo(4);
            // the dead letter carries the broken element itself (redacted), so it can be inspected and replayed
            String value = new String(r.bytes(), StandardCharsets.UTF_8);
            assertThat(value).contains("{\"eventId\": oops").doesNotContain("hunter2-Secret").doesNotContain(good(2));
        });
    }

    @Test
    void shouldDeliverTheWholeElementsOfATruncatedTopLevelArrayFileAndRejectTheCutOneWithItsPosition(
            @org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        // a file, not a byte array: the file's buffered stream is what Jackson closed at the end of input
        String whole = "[" + good(1) + ",\n " + good(2) + ",\n " + good(3) + "]";
        for (String cut : List.of(whole.substring(0, whole.indexOf(good(3)) + 20), whole.replace("\n", "").substring(0,
                whole.replace("\n", "").indexOf(good(3)) + 20))) {
            Path f = tmp.resolve("cut-" + cut.length() + ".json");
            Files.writeString(f, cut);
            events.clear();
            rejected.clear();

            new io.grantwatch.ingest.AuditFileReader().readFile(f, 0, events::add, rejected::add, s -> { });

            assertThat(events).extracting(AuditEvent::eventId).containsExactly("g1", "g2");
            assertThat(rejected).singleElement().satisfies(r -> {
                assertThat(r.source()).isEqualTo(f.toString());
                assertThat(r.position()).isEqualTo(2);
                assertThat(r.line()).isPositive();
                assertThat(r.reason()).startsWith("unparseable JSON: Unexpected end-of-input").doesNotContain("Stream closed");
            });
        }
    }

    @Test
    void shouldDeliverEveryRecordAndReportTheBytesWhenAGzipFileHasTrailingDataThatIsNotAGzipMember() throws IOException {
        byte[] first = gzip((good(1) + "\n" + good(2) + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] second = gzip((good(3) + "\n").getBytes(StandardCharsets.UTF_8));
        // a second member whose header is damaged: the JDK reader stops there without a word
        byte[] damaged = Arrays.copyOf(second, second.length);
        damaged[3] = (byte) 0xff; // reserved FLG bits set
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(first);
        file.write(damaged);

        parse(file.toByteArray(), IngestLimits.DEFAULTS);

        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g1", "g2");
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.position()).isEqualTo(2);
            assertThat(r.reason()).contains(damaged.length + " bytes after the end of the gzip data (at byte " + first.length);
        });
    }

    @Test
    void shouldIgnoreNulPaddingAfterTheGzipData() throws IOException {
        byte[] first = gzip((good(1) + "\n").getBytes(StandardCharsets.UTF_8));

        parse(Arrays.copyOf(first, first.length + 512), IngestLimits.DEFAULTS);

        assertThat(events).hasSize(1);
        assertThat(rejected).isEmpty();
    }

    @Test
    void shouldReadConcatenatedPrettyPrintedObjects() throws IOException {
        parse("{\n \"eventId\": \"p1\", \"eventName\": \"A\", \"eventTime\": \"2026-01-01T00:00:00Z\", \"userIdentity\": {}\n}\n"
                + "{\n \"eventId\": \"p2\", \"eventName\": \"B\", \"eventTime\": \"2026-01-01T00:00:00Z\", \"userIdentity\": {}\n}\n");
        assertThat(events).extracting(e -> e.source().position()).containsExactly(0L, 1L);
        assertThat(rejected).isEmpty();
    }

    @Test
    void shouldRejectEmptyTruncatedAndNonJsonInput() throws IOException {
        parse("   \n");
        parse("hello world\n");
        byte[] gz = gzip((good(1) + "\n" + good(2)).getBytes(StandardCharsets.UTF_8));
        parse(Arrays.copyOf(gz, gz.length - 12), IngestLimits.DEFAULTS);
        assertThat(rejected).hasSizeGreaterThanOrEqualTo(2);
        // white space only is empty, as a 0-byte file: nothing to deliver, nothing lost, no rejection
        assertThat(rejected).noneSatisfy(r -> assertThat(r.reason()).contains("empty input"));
        assertThat(rejected.get(0).reason()).contains("unparseable JSON");
        assertThat(rejected).anySatisfy(r -> assertThat(r.reason()).contains("gzip"));
    }

    @Test
    void shouldRejectEventWithoutNameAndScalarsAtTopLevel() throws IOException {
        parse("[{\"eventId\":\"x\",\"userIdentity\":{},\"acsRegion\":\"cn\"}, 42, \"text\", null]");
        assertThat(events).isEmpty();
        assertThat(rejected).extracting(RejectedRecord::reason).satisfiesExactly(
                r -> assertThat(r).contains("without eventName"),
                r -> assertThat(r).contains("not a JSON object"),
                r -> assertThat(r).contains("not a JSON object"),
                r -> assertThat(r).contains("empty record"));
        assertThat(rejected).extracting(RejectedRecord::position).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void shouldKeepJsonLinesModeWhenTheFirstLineIsBroken() throws IOException {
        parse("{\"eventId\": \"broken\", \"eventN\n" + good(1) + "\n" + good(2) + good(3) + "\n");
        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g1", "g2", "g3");
        assertThat(rejected).singleElement().satisfies(r -> assertThat(r.line()).isEqualTo(1));
    }

    @Test
    void shouldReadPrettyPrintedObjectWithoutIndentationAsOneDocument() throws IOException {
        parse("{\n\"eventId\": \"flat\",\n\"eventName\": \"A\",\n\"eventTime\": \"2026-01-01T00:00:00Z\",\n"
                + "\"userIdentity\": {\n\"type\": \"ram-user\"\n}\n}\n");
        assertThat(events).extracting(AuditEvent::eventId).containsExactly("flat");
        assertThat(rejected).isEmpty();
    }

    @Test
    void shouldRejectRecordsWithoutAUsableTime() throws IOException {
        parse("{\"eventId\":\"t1\",\"eventName\":\"A\",\"userIdentity\":{}}\n"
                + "{\"eventId\":\"t2\",\"eventName\":\"A\",\"eventTime\":\"…\",\"userIdentity\":{}}\n"
                + "{\"trace_id\":\"t3\",\"trace_name\":\"x\",\"service_type\":\"ECS\"}\n"
                + "{\"trace_id\":\"t4\",\"trace_name\":\"x\",\"service_type\":\"ECS\",\"record_time\":1718777931170}\n");
        assertThat(events).extracting(AuditEvent::eventId).containsExactly("t4");
        assertThat(rejected).extracting(RejectedRecord::reason).containsExactly("ActionTrail event without eventTime",
                "ActionTrail event with an unreadable eventTime", "CTS trace without time or record_time");
    }

    @Test
    void shouldSkipRecordsBeforeTheResumePosition() throws IOException {
        new AuditParser().parse(new ByteArrayInputStream((good(0) + "\n" + good(1) + "\n" + good(2) + "\n").getBytes(StandardCharsets.UTF_8)),
                "mem", Hints.NONE, 2, AuditParser.Sink.of(events::add, rejected::add));
        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g2");
    }
}
