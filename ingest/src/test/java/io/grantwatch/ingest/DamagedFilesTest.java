package io.grantwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.AuditEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged audit files on disk: everything readable is delivered, the damage is rejected with its position. */
class DamagedFilesTest {
    private static final String GOOD = "{\"eventId\":\"g%d\",\"eventName\":\"ListUsers\",\"eventTime\":\"2026-01-01T00:00:00Z\","
            + "\"userIdentity\":{\"type\":\"ram-user\",\"userName\":\"bob\",\"accountId\":\"1\"},\"requestId\":\"%s\"}";

    @TempDir
    Path dir;

    private final List<AuditEvent> events = new ArrayList<>();
    private final List<RejectedRecord> rejected = new ArrayList<>();

    private static String good(int i) {
        // a varying field so the gzip stream is long enough to cut in the middle
        return String.format(GOOD, i, Integer.toHexString(i * 2654435761L > 0 ? (int) (i * 2654435761L) : i) + "-" + (i * 7919 % 10007));
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    /** What {@code zcat} recovers from a cut gzip file: every byte that decompresses before the cut. */
    private static String zcat(byte[] cut) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(cut))) {
            int c;
            while ((c = in.read()) >= 0) {
                out.write(c);
            }
        } catch (EOFException e) {
            // the cut
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** How many records, in order from g0, lie complete in what decompressed. */
    private static int completeRecords(String recovered) {
        int n = 0;
        int from = 0;
        while (true) {
            int at = recovered.indexOf(good(n), from);
            if (at < 0) {
                return n;
            }
            from = at + good(n).length();
            n++;
        }
    }

    private void read(Path file) throws IOException {
        new AuditFileReader(IngestLimits.DEFAULTS, 1).read(List.of(file), events::add, rejected::add);
    }

    private static List<String> ids(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("g" + i);
        }
        return out;
    }

    private void assertTruncatedGzipDeliversWhatDecompresses(String content, int records, double cutAt)
            throws IOException {
        byte[] gz = gzip(content.getBytes(StandardCharsets.UTF_8));
        byte[] cut = Arrays.copyOf(gz, (int) (gz.length * cutAt));
        Path file = Files.write(dir.resolve("trail.json.gz"), cut);
        String recovered = zcat(cut);
        int complete = completeRecords(recovered);
        assertThat(complete).as("the cut leaves some complete records").isPositive().isLessThan(records);
        long delivered = complete;

        read(file);

        assertThat(events).extracting(AuditEvent::eventId).containsExactlyElementsOf(ids(0, complete));
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.source()).isEqualTo(file.toString());
            assertThat(r.position()).isEqualTo(delivered);
            assertThat(r.reason()).startsWith("gzip stream truncated at ").contains("byte");
        });
    }

    @Test
    void shouldDeliverCompleteJsonLinesBeforeTheCutWhenGzipIsTruncated() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            b.append(good(i)).append('\n');
        }
        assertTruncatedGzipDeliversWhatDecompresses(b.toString(), 20, 0.6);
    }

    @Test
    void shouldDeliverCompleteJsonLinesBeforeTheCutWhenALargeGzipIsTruncated() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            b.append(good(i)).append('\n');
        }
        assertTruncatedGzipDeliversWhatDecompresses(b.toString(), 3_000, 0.5);
    }

    @Test
    void shouldDeliverCompleteArrayElementsBeforeTheCutWhenGzipIsTruncated() throws IOException {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 20; i++) {
            b.append(i == 0 ? "" : ",").append(good(i));
        }
        b.append("]");
        assertTruncatedGzipDeliversWhatDecompresses(b.toString(), 20, 0.6);
    }

    @Test
    void shouldDeliverCompletePrettyArrayElementsBeforeTheCutWhenALargeGzipIsTruncated() throws IOException {
        StringBuilder b = new StringBuilder("[\n");
        for (int i = 0; i < 3_000; i++) {
            b.append(i == 0 ? "  " : ",\n  ").append(good(i));
        }
        b.append("\n]\n");
        byte[] gz = gzip(b.toString().getBytes(StandardCharsets.UTF_8));
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        Path file = Files.write(dir.resolve("trail.json.gz"), cut);
        String recovered = zcat(cut);
        int complete = completeRecords(recovered);
        long delivered = complete;
        read(file);
        assertThat(events).extracting(AuditEvent::eventId).containsExactlyElementsOf(ids(0, complete));
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.position()).isEqualTo(delivered);
            assertThat(r.reason()).startsWith("gzip stream truncated at ");
        });
    }

    @Test
    void shouldDeliverTheIntactRecordAfterLeadingNulPaddingAndSayWhereQuietly() throws IOException {
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.grantwatch");
        log.addAppender(logs);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write((good(0) + "\n").getBytes(StandardCharsets.UTF_8));
        b.write(new byte[] {0, 0, 0, 0}); // a preallocating writer crashed here; the record after is intact
        b.write((good(1) + "\n").getBytes(StandardCharsets.UTF_8));
        b.write((good(2) + "\n" + good(3) + "\n").getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("trail.jsonl"), b.toByteArray());
        try {
            read(file);
        } finally {
            log.detachAppender(logs);
        }

        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g0", "g1", "g2", "g3");
        assertThat(events.get(1).source().position()).isEqualTo(1);
        assertThat(rejected).isEmpty();
        assertThat(logs.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains("NUL padding").contains(file + "#1 (line 2, 4 NUL bytes)"));
    }

    @Test
    void shouldDeliverASingleRecordFileThatStartsWithNulPadding() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {0, 0, 0});
        b.write((good(7) + "\n").getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("trail.jsonl"), b.toByteArray());

        read(file);

        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g7");
        assertThat(rejected).isEmpty();
    }

    @Test
    void shouldStillRejectALineWithANulByteInsideTheRecord() throws IOException {
        String bad = good(1);
        byte[] line = (bad.substring(0, 10) + "\0" + bad.substring(10) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write((good(0) + "\n").getBytes(StandardCharsets.UTF_8));
        b.write(line);
        b.write((good(2) + "\n").getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("trail.jsonl"), b.toByteArray());

        read(file);

        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g0", "g2");
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.position()).isEqualTo(1);
            assertThat(r.reason()).contains("NUL byte at column 11");
        });
    }

    @Test
    void shouldSayAGzipFileHoldsGzipAgainAndHowToReadIt() throws IOException {
        byte[] twice = gzip(gzip((good(0) + "\n" + good(1) + "\n").getBytes(StandardCharsets.UTF_8)));
        Path file = Files.write(dir.resolve("trail.json.gz"), twice);

        read(file);

        assertThat(events).isEmpty();
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.source()).isEqualTo(file.toString());
            assertThat(r.position()).isEqualTo(0);
            assertThat(r.reason()).startsWith("gzip inside gzip at byte 0").contains("decompress once more");
        });
    }

    @Test
    void shouldNameTheRecordLimitItsKeyAndThePositionWhenARecordIsTooLarge() throws IOException {
        String big = good(1).replace("\"ListUsers\"", "\"" + "x".repeat(600) + "\"");
        Path file = Files.writeString(dir.resolve("trail.jsonl"), good(0) + "\n" + big + "\n" + good(2) + "\n");

        new AuditFileReader(IngestLimits.DEFAULTS.withMaxRecordBytes(500), 1).read(List.of(file), events::add, rejected::add);

        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g0", "g2");
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.position()).isEqualTo(1);
            assertThat(r.reason()).startsWith("oversize record").contains("record 1 (line 2)")
                    .contains("limit of 500 bytes").contains("ingest.record.max.bytes");
        });
    }

    @Test
    void shouldRejectOnlyTheLineOfNulPaddingWhenAFileStartsWithIt() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, '\n'});
        b.write((good(1) + "\n" + good(2) + "\n").getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("trail.jsonl"), b.toByteArray());

        read(file);

        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g1", "g2");
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.position()).isEqualTo(0);
            assertThat(r.line()).isEqualTo(1);
            assertThat(r.reason()).contains("NUL");
        });
    }

    @Test
    void shouldReadUtf16JsonLinesAsTheByteOrderMarkSays() throws IOException {
        String content = "\uFEFF" + good(1) + "\n" + good(2) + "\n";
        Path file = Files.write(dir.resolve("trail.jsonl"), content.getBytes(StandardCharsets.UTF_16LE));

        read(file);

        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g1", "g2");
        assertThat(rejected).isEmpty();
    }

    @Test
    void shouldRejectOnlyTheBadLineOfUtf16JsonLines() throws IOException {
        String content = "\uFEFF" + good(1) + "\n{\"eventId\": oops}\n" + good(3) + "\n";
        Path file = Files.write(dir.resolve("trail.jsonl"), content.getBytes(StandardCharsets.UTF_16BE));

        read(file);

        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g1", "g3");
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.position()).isEqualTo(1);
            assertThat(r.line()).isEqualTo(2);
        });
    }

    @Test
    void shouldReadTheRestOfAnArrayAfterOneMalformedElement() throws IOException {
        String content = "[\n  " + good(0) + ",\n  {\"eventId\":\"bad\",\"eventName\" \"ListUsers\"},\n  " + good(2) + ",\n  " + good(3) + "\n]\n";
        Path file = Files.write(dir.resolve("trail.json"), content.getBytes(StandardCharsets.UTF_8));

        read(file);

        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g0", "g2", "g3");
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.position()).isEqualTo(1);
            assertThat(r.line()).isEqualTo(3);
            assertThat(r.reason()).contains("unparseable JSON");
        });
    }

    @Test
    void shouldReadEveryGoodElementOfAGzippedOneLineArrayWhenSeveralAreMalformed() throws IOException {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 600; i++) {
            String el = switch (i % 100) {
                case 7 -> "{\"eventId\":\"bad\",\"eventName\":\"X\",\"note\":\"a } ] , inside a string\" \"oops\"}";
                case 8 -> "nope";
                case 9 -> "{\"eventId\":\"bad\",\"nested\":[{\"a\":1},{\"b\":2]}";
                default -> good(i);
            };
            b.append(i == 0 ? "" : ",").append(el);
        }
        b.append("]");
        Path file = Files.write(dir.resolve("trail.json.gz"), gzip(b.toString().getBytes(StandardCharsets.UTF_8)));

        read(file);

        List<String> expected = new ArrayList<>();
        List<Long> bad = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            if (i % 100 == 7 || i % 100 == 8 || i % 100 == 9) {
                bad.add((long) i);
            } else {
                expected.add("g" + i);
            }
        }
        assertThat(events).extracting(AuditEvent::eventId).containsExactlyElementsOf(expected);
        assertThat(rejected).extracting(RejectedRecord::position).containsExactlyElementsOf(bad);
        assertThat(rejected).allSatisfy(r -> assertThat(r.reason()).startsWith("unparseable JSON").endsWith("the array goes on after this element"));
    }

    @Test
    void shouldRejectTheElementAfterAMissingCommaAndReadTheRest() throws IOException {
        String content = "[\n" + good(0) + "\n" + good(1) + ",\n" + good(2) + "\n]\n";
        Path file = Files.write(dir.resolve("trail.json"), content.getBytes(StandardCharsets.UTF_8));

        read(file);

        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g0", "g2");
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.position()).isEqualTo(1);
            assertThat(r.line()).isEqualTo(3);
        });
    }

    @Test
    void shouldSayWhereAndThatTheRestIsNotReadWhenJsonCannotBeResynchronized() throws IOException {
        String content = "{\"Events\": [\n  " + good(0) + ",\n  {\"eventId\": oops},\n  " + good(2) + "\n]}\n";
        Path file = Files.write(dir.resolve("lookup.json"), content.getBytes(StandardCharsets.UTF_8));

        read(file);

        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g0");
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.position()).isEqualTo(1);
            assertThat(r.line()).isEqualTo(3);
            assertThat(r.reason()).startsWith("unparseable JSON").endsWith("the rest of the source cannot be resynchronized and is not read");
        });
    }

    @Test
    void shouldRejectAGzipFileCutInsideItsHeaderAtPositionZeroWithTheReason() throws IOException {
        byte[] gz = gzip((good(0) + "\n").getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("trail.json.gz"), Arrays.copyOf(gz, 6));

        read(file);

        assertThat(events).isEmpty();
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.position()).isZero();
            assertThat(r.reason()).startsWith("gzip stream truncated at byte 6 of the compressed file");
        });
    }

    @Test
    void shouldDeliverTheFirstMemberAndReportTheDamageWhenASecondGzipMemberIsCorrupt() throws IOException {
        byte[] first = gzip((good(0) + "\n" + good(1) + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] second = gzip((good(2) + "\n").getBytes(StandardCharsets.UTF_8));
        second[12] ^= (byte) 0xFF; // inside the deflate data
        second[13] ^= (byte) 0xFF;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(first);
        b.write(second);
        Path file = Files.write(dir.resolve("trail.json.gz"), b.toByteArray());

        read(file);

        assertThat(events).extracting(AuditEvent::eventId).containsExactly("g0", "g1");
        // gzip finds the damage only at the member's CRC: what decompressed before it (garbage here) is rejected too
        assertThat(rejected).isNotEmpty().allSatisfy(r -> assertThat(r.position()).isGreaterThanOrEqualTo(2));
        assertThat(rejected.get(rejected.size() - 1).reason())
                .containsAnyOf("corrupt gzip stream at byte", "gzip stream truncated at byte");
    }

    @Test
    void shouldDeliverTheMembersAfterACorruptMiddleMemberAndDeadLetterTheDamagedRangeWithItsByteOffsets() throws IOException {
        StringBuilder a = new StringBuilder();
        StringBuilder m = new StringBuilder();
        StringBuilder z = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            a.append(good(i)).append('\n');
            m.append(good(100 + i)).append('\n');
            z.append(good(200 + i)).append('\n');
        }
        byte[] first = gzip(a.toString().getBytes(StandardCharsets.UTF_8));
        byte[] middle = gzip(m.toString().getBytes(StandardCharsets.UTF_8));
        byte[] last = gzip(z.toString().getBytes(StandardCharsets.UTF_8));
        for (int i = middle.length / 2; i < middle.length / 2 + 16; i++) {
            middle[i] ^= (byte) 0x5A; // bytes corrupted in the middle of the member
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(first);
        b.write(middle);
        b.write(last);
        Path file = Files.write(dir.resolve("trail.jsonl.gz"), b.toByteArray());

        read(file);

        List<String> ids = events.stream().map(AuditEvent::eventId).toList();
        assertThat(ids).doesNotHaveDuplicates().contains("g0", "g49", "g200", "g249");
        assertThat(ids.stream().filter(id -> id.matches("g2\\d\\d"))).hasSize(50);
        assertThat(ids.stream().filter(id -> id.matches("g\\d{1,2}"))).hasSize(50);
        assertThat(ids.stream().filter(id -> id.matches("g1\\d\\d"))).isEmpty(); // nothing of the damaged member (garbage)
        assertThat(rejected).hasSize(1);
        assertThat(rejected).anySatisfy(r -> assertThat(r.reason()).contains("corrupt gzip member at bytes " + first.length + " to ")
                .contains("next member at byte " + (first.length + middle.length)));
    }

    @Test
    void shouldNotLoseTheNextMembersFirstRecordWhenAMiddleMembersCrcDoesNotMatch() throws IOException {
        StringBuilder a = new StringBuilder();
        StringBuilder m = new StringBuilder();
        StringBuilder z = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            a.append(good(i)).append('\n');
            m.append(good(100 + i)).append('\n');
            z.append(good(200 + i)).append('\n');
        }
        m.setLength(m.length() - 1); // the member's last line has no newline: damage at its end would join it to the next
        byte[] first = gzip(a.toString().getBytes(StandardCharsets.UTF_8));
        byte[] middle = gzip(m.toString().getBytes(StandardCharsets.UTF_8));
        byte[] last = gzip(z.toString().getBytes(StandardCharsets.UTF_8));
        middle[middle.length - 8] ^= (byte) 0xFF; // the CRC in its trailer: inflates fine, fails the check
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(first);
        b.write(middle);
        b.write(last);
        Path file = Files.write(dir.resolve("crc.jsonl.gz"), b.toByteArray());

        read(file);

        List<String> ids = events.stream().map(AuditEvent::eventId).toList();
        // the middle member cannot be trusted: none of it is delivered, its range is one rejection; the next one is whole
        assertThat(ids).doesNotHaveDuplicates().hasSize(40).contains("g0", "g19", "g200", "g219").doesNotContain("g100");
        assertThat(rejected).singleElement().satisfies(r -> assertThat(r.reason())
                .contains("corrupt gzip member at bytes " + first.length + " to " + (first.length + middle.length))
                .contains("CRC or length mismatch").contains("not delivered"));
    }
}
