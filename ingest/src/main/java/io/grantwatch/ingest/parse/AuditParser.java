package io.grantwatch.ingest.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.ingest.IngestLimits;
import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.ingest.SkippedRecord;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.redact.Redactor;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.CharConversionException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.ZipException;

/**
 * Parses one source (file, HTTP body, API page) of ActionTrail events or CTS traces, whatever its
 * shape: a single object, a JSON array, JSON Lines, concatenated JSON, gzip of any of these, the API
 * responses and push envelopes (see {@link Records}). Streaming: memory is bounded by the largest
 * single record ({@link IngestLimits#maxRecordBytes()}), not by the source.
 *
 * <p>Positions: the 0-based index of the record in the source (array element, JSON Lines line,
 * element of a top-level {@code Events}/{@code traces} array, root value); for JSON Lines also the
 * 1-based line. Bad input never stops the source: a bad line, a line with NUL bytes ({@link Encoding}),
 * a malformed element of a top-level array ({@link Resync}) is rejected alone. Only JSON that cannot be
 * resynchronized (a broken root object or envelope) or a damaged gzip stream ({@link GzipTail}: every
 * complete record before the damage is delivered) ends the source early: then one {@link RejectedRecord}
 * says where and that the rest is not read.
 *
 * <p>Thread-safe: one instance can parse many sources concurrently.
 */
public final class AuditParser {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuditParser.class);
    private static final Set<String> STREAMED_CONTAINERS = Set.of("events", "traces", "records", "logs", "items", "data");

    private final IngestLimits limits;
    private final JsonFactory factory;
    private final Records records;

    public AuditParser() {
        this(IngestLimits.DEFAULTS);
    }

    public AuditParser(IngestLimits limits) {
        this.limits = limits;
        // The shared wire factory's settings; strings may not exceed a bound well above the record
        // bound (a longer string would break the stream, a record merely over the bound is skipped).
        this.factory = Json.wire().getFactory().rebuild()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength((int) Math.min(Integer.MAX_VALUE, Math.max(4L * limits.maxRecordBytes(), 20_000_000L)))
                        .maxNestingDepth(200)
                        .build())
                .build();
        this.records = new Records(limits.maxRejectedBytes());
    }

    /** Receives what a source yields. */
    public interface Sink {
        void event(AuditEvent event);

        void rejected(RejectedRecord rejected);

        /** Input recognised as not audit events (a CTS digest): neither an event nor a rejection. Ignored unless overridden. */
        default void skipped(SkippedRecord skipped) {
        }

        static Sink of(Consumer<AuditEvent> events, Consumer<RejectedRecord> rejected) {
            return of(events, rejected, s -> {
            });
        }

        static Sink of(Consumer<AuditEvent> events, Consumer<RejectedRecord> rejected, Consumer<SkippedRecord> skipped) {
            return new Sink() {
                @Override
                public void event(AuditEvent event) {
                    events.accept(event);
                }

                @Override
                public void rejected(RejectedRecord r) {
                    rejected.accept(r);
                }

                @Override
                public void skipped(SkippedRecord s) {
                    skipped.accept(s);
                }
            };
        }
    }

    /** Everything one in-memory body yields. */
    public record Result(List<AuditEvent> events, List<RejectedRecord> rejected, List<SkippedRecord> skipped) {
        public Result(List<AuditEvent> events, List<RejectedRecord> rejected) {
            this(events, rejected, List.of());
        }
    }

    /** Parses an in-memory body (HTTP push, API page). */
    public Result parse(byte[] body, String location, Hints hints) {
        List<AuditEvent> events = new ArrayList<>();
        List<RejectedRecord> rejected = new ArrayList<>();
        List<SkippedRecord> skipped = new ArrayList<>();
        boolean gzip = body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
        if (!gzip && body.length <= limits.maxRecordBytes() && !jsonLines(body)) {
            // Fast path for one small body (an HTTP push, an API page, a record): parse the bytes as they
            // are, without stream buffers. JSON Lines, and a body that is not one clean document, take the
            // general path below, as a file would: it rejects line by line, each rejection with its line.
            Cursor cursor = new Cursor();
            try {
                if (document(factory.createParser(body), location, hints == null ? Hints.NONE : hints, 0,
                        Sink.of(events::add, rejected::add, skipped::add), cursor, false)) {
                    return new Result(events, rejected, skipped);
                }
            } catch (IOException e) {
                // fall through to the general path
            }
            events.clear();
            rejected.clear();
            skipped.clear();
        }
        try {
            parse(new ByteArrayInputStream(body), location, hints, 0, Sink.of(events::add, rejected::add, skipped::add));
        } catch (IOException e) {
            rejected.add(new RejectedRecord(location, -1, -1, "cannot read: " + e.getMessage(), new byte[0]));
        }
        return new Result(events, rejected, skipped);
    }

    /** Normalizes one already-parsed JSON value (an API page's element, a test fixture). */
    public void normalize(JsonNode node, String location, long position, Hints hints, Sink sink) {
        records.handle(node, hints == null ? Hints.NONE : hints, location, position, -1, sink);
    }

    /**
     * Parses a stream to its end. Records whose position is below {@code firstPosition} are parsed
     * but not emitted (resuming after a checkpoint). Decompresses gzip (by magic bytes, any number of
     * members) up to {@link IngestLimits#maxExpandedBytes()}. IOExceptions of the underlying stream
     * propagate only when nothing about the content can be said; content errors become rejections.
     */
    public void parse(InputStream raw, String location, Hints hints, long firstPosition, Sink sink) throws IOException {
        Hints h = hints == null ? Hints.NONE : hints;
        BufferedInputStream in = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, 65536);
        BufferedInputStream content = in;
        Cursor cursor = new Cursor();
        if (gzipNext(in)) {
            cursor.gzip = GzipTail.open(in, limits.maxExpandedBytes());
            content = new BufferedInputStream(cursor.gzip, 65536);
            if (gzipNext(content)) {
                // Compressed twice (an object stored with Content-Encoding: gzip saved as .gz): not unpacked a second
                // time, so the gzip-bomb ratio guard stays one layer deep and every position names bytes of the file
                if (firstPosition <= 0) {
                    sink.rejected(new RejectedRecord(location, 0, -1, GzipTail.NESTED, new byte[0]));
                }
                return;
            }
        }
        try {
            split(Encoding.utf8(content), location, h, firstPosition, sink, cursor);
        } catch (LimitedInputStream.LimitExceeded e) {
            sink.rejected(new RejectedRecord(location, cursor.position, -1, e.getMessage(), new byte[0]));
        } catch (ZipException | EOFException e) {
            sink.rejected(new RejectedRecord(location, cursor.position, -1,
                    "corrupt or truncated gzip: " + e.getMessage(), new byte[0]));
        }
        if (cursor.gzip != null) {
            // damaged members the reading went on after: each damaged range once, with its byte offsets
            for (String r : cursor.gzip.resynced()) {
                sink.rejected(new RejectedRecord(location, -1, -1, r, new byte[0]));
            }
        }
        if (cursor.cut()) {
            // Everything complete before the damage was delivered; the record it cut through and the rest are lost.
            sink.rejected(new RejectedRecord(location, cursor.next, -1, cursor.gzip.reason(), new byte[0]));
        }
    }

    private static final class Cursor {
        /** The record being read. */
        long position;
        /** The first record not completely read (all before it were delivered or rejected). */
        long next;
        /** The gzip stream under the source, or null. */
        GzipTail gzip;
        /** Records that started with NUL padding (skipped), and where the first was. */
        long padded;
        String paddedAt;

        void padded(String location, long position, long line, int bytes) {
            if (padded++ == 0) {
                paddedAt = location + "#" + position + " (line " + line + ", " + bytes + " NUL bytes)";
            }
        }

        /** Said once per source, at INFO: the records were read, this only says the file was damaged there. */
        void reportPadding() {
            if (padded > 0) {
                LOG.info("{} record(s) started with NUL padding (what a crashed writer that preallocates leaves), first at {}:"
                        + " the padding was skipped and the records read", padded,
                        io.grantwatch.model.text.UnsafeText.escaped(paddedAt));
            }
        }

        /** True when the source ended because its gzip stream is damaged (then it reports the loss, once). */
        boolean cut() {
            return gzip != null && gzip.damaged();
        }
    }

    private void split(BufferedInputStream in, String location, Hints h, long first, Sink sink, Cursor cursor)
            throws IOException {
        int limit = limits.maxRecordBytes();
        in.mark(limit + 8);
        boolean lines = jsonLines(in, limit);
        in.reset();
        // Drop the mark: while one is set BufferedInputStream grows its buffer up to the mark limit (4 MB)
        // and copies as it goes, which was a fifth of all the bytes a scan allocated.
        in.mark(0);
        if (lines) {
            lines(in, location, h, first, sink, cursor);
        } else {
            document(in, location, h, first, sink, cursor);
        }
    }

    /**
     * JSON Lines when the first line does not open an array and one of the first few non-blank lines is a whole
     * object starting in column 0 (a pretty-printed document opens with a lone "{" and indents or
     * never completes objects on one line). So a broken first line does not turn a JSON Lines file
     * into one broken document. Reads at most {@code limit} bytes (the caller resets).
     */
    private static boolean jsonLines(InputStream in, int limit) throws IOException {
        int budget = limit;
        boolean firstSeen = false;
        for (int n = 0; n < 5 && budget > 0; ) {
            byte[] line = readLine(in, budget);
            if (line == null) {
                return false;
            }
            budget -= line.length + 1;
            if (line.length > limit) {
                return false;
            }
            int s = 0;
            int e = line.length - 1;
            while (e >= s && isWs(line[e])) {
                e--;
            }
            int t = s;
            while (t <= e && isWs(line[t])) {
                t++;
            }
            if (t > e) {
                continue;
            }
            n++;
            int pad = Encoding.nulPadding(line, line.length);
            if (Encoding.notUtf8Json(line, pad, line.length - pad) != null) {
                continue; // a damaged line (NUL bytes other than leading padding) says nothing about the shape
            }
            s = Math.max(s, pad);
            t = Math.max(t, pad);
            if (!firstSeen) {
                firstSeen = true;
                if (line[t] == '[') {
                    return false;
                }
                // a line that cannot open any JSON document (a "# header", stray bytes) is JSON Lines' bad first
                // record when whole objects follow; otherwise the document reading rejects it with its position
            }
            // A whole object in column 0: {...}. A one-line array is a document (its elements get positions).
            if (line[s] == '{' && line[e] == '}') {
                return true;
            }
        }
        return false;
    }

    /** {@link #jsonLines(InputStream, int)} for a body in memory; a body on one line is not JSON Lines. */
    private boolean jsonLines(byte[] body) {
        int s = 0;
        int e = body.length - 1;
        while (s <= e && isWs(body[s])) {
            s++;
        }
        while (e >= s && isWs(body[e])) {
            e--;
        }
        boolean multiline = false;
        for (int i = s; i <= e && !multiline; i++) {
            multiline = body[i] == '\n';
        }
        try {
            return multiline && jsonLines(new ByteArrayInputStream(body), limits.maxRecordBytes());
        } catch (IOException ex) {
            return false;
        }
    }

    private static boolean isWs(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    /** Reads up to and excluding the next '\n'; null at end of input. Stops (returning max+1 bytes) past max. */
    private static byte[] readLine(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        int c;
        boolean any = false;
        while ((c = in.read()) >= 0) {
            any = true;
            if (c == '\n') {
                return out.toByteArray();
            }
            if (out.size() <= max) {
                out.write(c);
            }
            if (out.size() > max) {
                return out.toByteArray();
            }
        }
        return any ? out.toByteArray() : null;
    }

    private void lines(InputStream in, String location, Hints h, long first, Sink sink, Cursor cursor) throws IOException {
        LineReader reader = new LineReader(in, limits.maxRecordBytes());
        long lineNo = 0;
        long position = 0;
        LineReader.Line line;
        while ((line = reader.next()) != null) {
            lineNo++;
            if (line.blank()) {
                continue;
            }
            long pos = position++;
            cursor.position = pos;
            if (pos < first) {
                continue;
            }
            if (line.oversize()) {
                sink.rejected(new RejectedRecord(location, pos, lineNo, limits.oversize(pos, lineNo, -1), new byte[0]));
                cursor.next = position;
                continue;
            }
            int off = Encoding.nulPadding(line.bytes(), line.length());
            if (off > 0) {
                cursor.padded(location, pos, lineNo, off);
            }
            int len = line.length() - off;
            String notJson = Encoding.notUtf8Json(line.bytes(), off, len);
            if (notJson != null) {
                sink.rejected(new RejectedRecord(location, pos, lineNo, notJson, rawRedacted(line.bytes(), line.length())));
                cursor.next = position;
                continue;
            }
            List<JsonNode> values = new ArrayList<>(1);
            try (JsonParser p = factory.createParser(line.bytes(), off, len)) {
                // Usually one value per line; {...}{...} on one line is read as both.
                while (p.nextToken() != null) {
                    values.add(Json.wire().readTree(p));
                }
            } catch (JsonProcessingException | CharConversionException e) {
                if (cursor.cut()) {
                    break; // the line the gzip damage cut through: parse() reports it and the rest, once
                }
                sink.rejected(new RejectedRecord(location, pos, lineNo, "unparseable JSON: " + describe(e),
                        rawRedacted(line.bytes(), off, len)));
                cursor.next = position;
                continue;
            }
            for (JsonNode node : values) {
                records.handle(node, h, location, pos, lineNo, sink);
            }
            cursor.next = position;
        }
        if (position == 0 && !cursor.cut()) {
            // only white space: as a 0-byte file, nothing to deliver and nothing lost
            LOG.debug("{}: empty (only white space), nothing to read", io.grantwatch.model.text.UnsafeText.escaped(location));
        }
        cursor.reportPadding();
    }

    private void document(InputStream in, String location, Hints h, long first, Sink sink, Cursor cursor) throws IOException {
        Resync.Recorder rec = new Resync.Recorder(in, 0, limits.maxRecordBytes() + 65536);
        document(factory.createParser(rec), rec, location, h, first, sink, cursor, true);
    }

    private boolean document(JsonParser parser, String location, Hints h, long first, Sink sink, Cursor cursor,
                             boolean reportBroken) throws IOException {
        return document(parser, null, location, h, first, sink, cursor, reportBroken);
    }

    /**
     * Reads root values from {@code parser} (closing it). Returns false instead of reporting when the
     * JSON breaks and {@code reportBroken} is false (the caller retries another way). With a recorder
     * (the bytes under {@code parser}), a malformed element of a top-level array is rejected alone and
     * the array goes on after it ({@link Resync}); JSON broken anywhere else, or beyond resynchronizing,
     * ends the source with one rejection that says where and that the rest is not read.
     */
    private boolean document(JsonParser parser, Resync.Recorder recorder, String location, Hints h, long first, Sink sink,
                             Cursor cursor, boolean reportBroken) throws IOException {
        long position = 0;
        long roots = 0;
        JsonParser p = parser;
        Resync.Recorder rec = recorder;
        long prefix = 0; // bytes in p's input before rec's first byte (the "[" that reopens an array)
        long lineBase = 0; // lines of the source before p's first line
        try {
            boolean inArray = false;
            while (true) {
                if (!inArray) {
                    JsonToken t;
                    try {
                        t = p.nextToken();
                    } catch (JsonProcessingException e) {
                        if (roots == 0 || e.getMessage() == null || !e.getMessage().contains("code 0)")) {
                            throw e;
                        }
                        // NUL bytes after a complete root value (a preallocating writer's leftovers): named at their offset
                        long at = (rec == null ? 0 : rec.start() - prefix) + p.currentLocation().getByteOffset() - 1;
                        long other = restNotPadding(p);
                        if (other == 0) {
                            LOG.info("{}: NUL padding from byte {} after the JSON (what a writer that preallocates leaves): "
                                    + "skipped, every record before it was read", io.grantwatch.model.text.UnsafeText.escaped(location), at);
                        } else if (position >= first) {
                            sink.rejected(new RejectedRecord(location, position, -1, "NUL padding at byte " + at + " after "
                                    + "the JSON, followed by " + other + " other bytes that cannot be resynchronized and are "
                                    + "not read (every record before the padding was read)", new byte[0]));
                        }
                        break;
                    }
                    if (t == null) {
                        break;
                    }
                    roots++;
                    if (t == JsonToken.START_OBJECT) {
                        position = object(p, location, h, position, first, sink, cursor);
                        cursor.next = position;
                        continue;
                    }
                    if (t != JsonToken.START_ARRAY) {
                        long pos = position++;
                        cursor.position = pos;
                        readRecord(p, location, h, pos, first, sink);
                        cursor.next = position;
                        continue;
                    }
                }
                inArray = false;
                while (true) {
                    long from = rec == null ? -1 : rec.start() + p.currentLocation().getByteOffset() - prefix;
                    long fromLine = lineBase + p.currentLocation().getLineNr();
                    if (rec != null) {
                        rec.keepFrom(from);
                    }
                    boolean started = false;
                    try {
                        JsonToken el = p.nextToken();
                        if (el == JsonToken.END_ARRAY || el == null) {
                            break;
                        }
                        long pos = position++;
                        started = true;
                        cursor.position = pos;
                        readRecord(p, location, h, pos, first, sink);
                        cursor.next = position;
                    } catch (JsonProcessingException e) {
                        if (rec == null || cursor.cut()) {
                            throw e;
                        }
                        long pos = started ? position - 1 : position++;
                        cursor.position = pos;
                        Resync.Point next = Resync.after(rec, from);
                        if (next == null) {
                            throw new Broken(e, lineBase);
                        }
                        if (pos >= first) {
                            sink.rejected(new RejectedRecord(location, pos, lineBase + lineOf(e),
                                    "unparseable JSON: " + describe(e, lineBase) + (next.inArray()
                                            ? "; the array goes on after this element" : "; the array ends after this element"),
                                    rawRedacted(next.element(), next.element().length)));
                        }
                        cursor.next = position;
                        // The old parser is dropped, not closed: closing would close the source it shares.
                        rec = new Resync.Recorder(next.in(), next.offset(), limits.maxRecordBytes() + 65536);
                        lineBase = fromLine + next.newlines() - 1;
                        if (next.inArray()) {
                            p = factory.createParser(new SequenceInputStream(
                                    new ByteArrayInputStream(new byte[] {'['}), rec));
                            prefix = 1;
                            p.nextToken();
                            continue;
                        }
                        p = factory.createParser(rec);
                        prefix = 0;
                        break;
                    }
                }
            }
            if (roots == 0 && !cursor.cut()) {
                // only white space: as a 0-byte file, nothing to deliver and nothing lost
                LOG.debug("{}: empty (only white space), nothing to read", io.grantwatch.model.text.UnsafeText.escaped(location));
            }
        } catch (JsonProcessingException | CharConversionException | Broken e) {
            if (!reportBroken) {
                return false;
            }
            if (cursor.cut()) {
                return true; // the JSON ends where the gzip damage cut it: parse() reports that, once
            }
            IOException cause = e instanceof Broken b ? b.cause : e;
            long base = e instanceof Broken b ? b.lineBase : lineBase;
            // The JSON is broken here and cannot be resynchronized: say where and that the source ends.
            sink.rejected(new RejectedRecord(location, cursor.position, lineOf(cause) < 0 ? -1 : base + lineOf(cause),
                    "unparseable JSON: " + describe(cause, base) + "; the rest of the source cannot be resynchronized and is not read",
                    new byte[0]));
        } finally {
            p.close();
        }
        return true;
    }

    /** How many bytes after the parser's position (its buffer, then its source) are neither NUL nor white space. */
    private static long restNotPadding(JsonParser p) throws IOException {
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        p.releaseBuffered(held);
        long other = 0;
        for (byte b : held.toByteArray()) {
            other += padding(b) ? 0 : 1;
        }
        Object src = p.getInputSource();
        if (src instanceof InputStream in) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    other += padding(buf[i]) ? 0 : 1;
                }
            }
        }
        return other;
    }

    private static boolean padding(byte b) {
        return b == 0 || b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** A break that could not be resynchronized, with the line offset of the parser that met it. */
    private static final class Broken extends IOException {
        private final IOException cause;
        private final long lineBase;

        Broken(IOException cause, long lineBase) {
            super(cause);
            this.cause = cause;
            this.lineBase = lineBase;
        }
    }

    /**
     * A root object: streamed field by field so that a large {@code Events}/{@code traces} array is
     * handled element by element; every other field is kept (bounded) to decide what the object is.
     */
    private long object(JsonParser p, String location, Hints h, long position, long first, Sink sink, Cursor cursor)
            throws IOException {
        ObjectNode envelope = Json.wire().createObjectNode();
        boolean streamed = false;
        long start = p.currentTokenLocation().getByteOffset();
        long rootPos = position;
        Hints eh = h;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            String norm = Fields.norm(name);
            if (v == JsonToken.START_ARRAY && STREAMED_CONTAINERS.contains(norm)) {
                streamed = true;
                Hints ch = norm.equals("traces") ? eh.withCloud(io.grantwatch.model.Cloud.HUAWEI)
                        : norm.equals("events") ? eh.withCloud(io.grantwatch.model.Cloud.ALIBABA) : eh;
                while (true) {
                    JsonToken el = p.nextToken();
                    if (el == JsonToken.END_ARRAY || el == null) {
                        break;
                    }
                    long pos = position++;
                    cursor.position = pos;
                    readRecord(p, location, ch, pos, first, sink);
                    cursor.next = position;
                }
            } else {
                envelope.set(name, Json.wire().readTree(p));
                if (p.currentLocation().getByteOffset() - start > limits.maxRecordBytes() && !streamed) {
                    sink.rejected(new RejectedRecord(location, rootPos, -1, limits.oversize(rootPos, -1, -1), new byte[0]));
                    p.skipChildren();
                    skipRestOfObject(p);
                    return position + 1;
                }
            }
        }
        if (!streamed) {
            long pos = position++;
            cursor.position = pos;
            if (pos >= first) {
                records.handle(envelope, h, location, pos, -1, sink);
            }
        }
        return position;
    }

    private static void skipRestOfObject(JsonParser p) throws IOException {
        int depth = 1;
        JsonToken t;
        while (depth > 0 && (t = p.nextToken()) != null) {
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                depth++;
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                depth--;
            }
        }
    }

    private void readRecord(JsonParser p, String location, Hints h, long pos, long first, Sink sink) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        if (pos < first) {
            p.skipChildren();
            return;
        }
        JsonNode node = Json.wire().readTree(p);
        long size = p.currentLocation().getByteOffset() - start;
        if (size > limits.maxRecordBytes()) {
            sink.rejected(new RejectedRecord(location, pos, -1, limits.oversize(pos, -1, size), new byte[0]));
            return;
        }
        records.handle(node, h, location, pos, -1, sink);
    }

    private static long lineOf(IOException e) {
        return !(e instanceof JsonProcessingException j) || j.getLocation() == null ? -1 : j.getLocation().getLineNr();
    }

    /** Jackson's quote of a token in its messages: {@code token 'abc'}, {@code character ('x' (code 120))} stays. */
    private static final Pattern QUOTED_TOKEN = Pattern.compile("token '([^']*)'");

    private static String describe(IOException e) {
        return describe(e, 0);
    }

    /** As {@link #describe(IOException)}, the line counted from {@code lineBase} (a parser restarted mid-source). */
    private static String describe(IOException e, long lineBase) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (m == null) {
            m = e.getClass().getSimpleName();
        }
        // Jackson quotes the offending token, which is record content (an unquoted password, say): the quote goes,
        // its length stays; the position says where it is
        m = QUOTED_TOKEN.matcher(m.replace('\n', ' ')).replaceAll(t -> "token (" + (t.group(1).length()) + " characters)");
        if (m.length() > 200) {
            m = m.substring(0, 200) + "…";
        }
        String where = "";
        if (e instanceof JsonProcessingException j && j.getLocation() != null) {
            where = " at line " + (lineBase + j.getLocation().getLineNr()) + " column " + j.getLocation().getColumnNr();
        }
        String lower = m.toLowerCase(Locale.ROOT);
        String prefix = lower.contains("utf-8") || lower.contains("utf8") ? "invalid UTF-8: " : "";
        return prefix + Redactor.text(m) + where;
    }

    private byte[] rawRedacted(byte[] bytes, int len) {
        return rawRedacted(bytes, 0, len);
    }

    private byte[] rawRedacted(byte[] bytes, int off, int len) {
        int n = Math.min(len, limits.maxRejectedBytes());
        String s = new String(bytes, off, n, StandardCharsets.UTF_8);
        return Redactor.text(s).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the stream's next bytes are gzip's magic number; the stream is left where it was (it must support mark). */
    public static boolean gzipNext(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }
}
