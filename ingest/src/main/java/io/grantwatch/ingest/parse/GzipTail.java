package io.grantwatch.ingest.parse;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * The end of a gzip stream that was cut off or corrupted: instead of failing the read (which loses
 * whatever a buffer above had already decompressed), the stream ends cleanly where the damage is, as
 * {@code zcat} does, and remembers why. The parser then reads every complete record before the damage
 * and rejects the rest once, with {@link #reason()}. The gzip-bomb guard ({@link LimitedInputStream})
 * is not damage: it still fails the read.
 */
final class GzipTail extends ReadThroughStream {
    /** Why a gzip file whose content is gzip again is not read. */
    static final String NESTED = "gzip inside gzip at byte 0 of the decompressed content: the file was compressed twice "
            + "(e.g. an object stored with Content-Encoding: gzip saved as .gz); decompress once more (gunzip -c FILE | gunzip "
            + "> FILE.json) and put that in its place; not read";
    private final LimitedInputStream.Counting compressed;
    private final Members members;
    private long decompressed;
    private String reason;

    private GzipTail(InputStream gunzipped, LimitedInputStream.Counting compressed, Members members) {
        super(gunzipped);
        this.compressed = compressed;
        this.members = members;
    }

    /**
     * A gzip reader (any number of members) that knows where it is in the compressed file: when a member fails to
     * inflate (corrupt deflate data, a CRC or length mismatch) and another member header (1f 8b 08, plausible flags)
     * follows, it goes on from there and remembers the damaged range ({@link #resynced}); the content it hands on gets
     * a newline at the cut, so the broken record is one bad line and the next member's first record stays whole.
     * Damage with no member after it, and a stream cut off, fail the read as the JDK's reader does.
     */
    private static final class Members extends InputStream {
        private final InputStream in;
        private byte[] buf = new byte[65536];
        private int pos;
        private int lim;
        /** The offset in the compressed file of {@code buf[0]}. */
        private long base;
        private final Inflater inf = new Inflater(true);
        private final CRC32 crc = new CRC32();
        private boolean first = true;
        private boolean inMember;
        private boolean eof;
        private boolean newline;
        private long memberStart;
        private long memberOut;
        /** Bytes after the last member that are no member, and how many of them are not NUL (set at the end). */
        private long after;
        private long afterNonZero;
        final List<String> resynced = new ArrayList<>();
        /** A member whose output fits this is checked (CRC) before any of it is handed on. */
        static final int VERIFY_MAX = 8 * 1024 * 1024;
        private boolean streaming;
        private byte[] ready;
        private int readyPos;
        private IOException deferred;

        Members(InputStream in) throws IOException {
            this.in = in;
            header(); // not gzip at all, or cut inside the first header: fails at once
        }

        long offset() {
            return base + pos;
        }

        /** Makes at least {@code n} bytes available from {@code pos}; false at the end of the file. */
        private boolean ensure(int n) throws IOException {
            while (lim - pos < n) {
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, lim - pos);
                    base += pos;
                    lim -= pos;
                    pos = 0;
                }
                if (lim == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int r = in.read(buf, lim, buf.length - lim);
                if (r <= 0) {
                    return false;
                }
                lim += r;
            }
            return true;
        }

        private int u8() throws IOException {
            if (!ensure(1)) {
                throw new EOFException("Unexpected end of gzip header or trailer");
            }
            return buf[pos++] & 0xff;
        }

        /** Whether a plausible member header starts at {@code pos} (only peeks). */
        private boolean headerAhead() throws IOException {
            if (!ensure(10)) {
                return ensure(3) && (buf[pos] & 0xff) == 0x1f && (buf[pos + 1] & 0xff) == 0x8b && buf[pos + 2] == 8;
            }
            int flg = buf[pos + 3] & 0xff;
            int xfl = buf[pos + 8] & 0xff;
            return (buf[pos] & 0xff) == 0x1f && (buf[pos + 1] & 0xff) == 0x8b && buf[pos + 2] == 8 && (flg & 0xe0) == 0
                    && (xfl == 0 || xfl == 2 || xfl == 4);
        }

        private void header() throws IOException {
            memberStart = offset();
            if (u8() != 0x1f || u8() != 0x8b) {
                throw new ZipException("Not in GZIP format");
            }
            if (u8() != 8) {
                throw new ZipException("Unsupported compression method");
            }
            int flg = u8();
            for (int i = 0; i < 6; i++) {
                u8(); // MTIME, XFL, OS
            }
            if ((flg & 4) != 0) {
                int xlen = u8() | (u8() << 8);
                for (int i = 0; i < xlen; i++) {
                    u8();
                }
            }
            if ((flg & 8) != 0) {
                while (u8() != 0) {
                    // file name
                }
            }
            if ((flg & 16) != 0) {
                while (u8() != 0) {
                    // comment
                }
            }
            if ((flg & 2) != 0) {
                u8();
                u8();
            }
            inf.reset();
            crc.reset();
            memberOut = 0;
            inMember = true;
            streaming = false;
            first = false;
        }

        @Override
        public int read() throws IOException {
            return readOne(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (true) {
                if (newline) {
                    newline = false;
                    b[off] = '\n';
                    return 1;
                }
                if (ready != null) {
                    if (readyPos < ready.length) {
                        int n = Math.min(len, ready.length - readyPos);
                        System.arraycopy(ready, readyPos, b, off, n);
                        readyPos += n;
                        return n;
                    }
                    ready = null;
                }
                if (deferred != null) {
                    IOException e = deferred;
                    deferred = null;
                    throw e;
                }
                if (eof) {
                    return -1;
                }
                if (!inMember) {
                    next();
                    continue;
                }
                if (!streaming) {
                    verified();
                    continue;
                }
                if (inf.needsInput()) {
                    if (!ensure(1)) {
                        throw new EOFException("Unexpected end of ZLIB input stream");
                    }
                }
                inf.setInput(buf, pos, lim - pos);
                int n;
                try {
                    n = inf.inflate(b, off, len);
                } catch (DataFormatException e) {
                    pos = lim - inf.getRemaining();
                    resync("corrupt deflate data (" + e.getMessage() + ") at about byte " + offset());
                    continue;
                }
                pos = lim - inf.getRemaining();
                if (n > 0) {
                    crc.update(b, off, n);
                    memberOut += n;
                    return n;
                }
                if (inf.finished()) {
                    long c = u8() | (u8() << 8) | ((long) u8() << 16) | ((long) u8() << 24);
                    long size = u8() | (u8() << 8) | ((long) u8() << 16) | ((long) u8() << 24);
                    inMember = false;
                    if (c != crc.getValue() || size != (memberOut & 0xffffffffL)) {
                        resync("CRC or length mismatch at the member's end (byte " + offset() + ")");
                    }
                    continue;
                }
                if (inf.needsDictionary()) {
                    resync("a preset dictionary, which gzip does not use");
                }
            }
        }

        /**
         * Inflates the member (up to {@link #VERIFY_MAX} bytes of output) before any of it is handed on, so a member that
         * fails its CRC check or breaks mid-way, with another member after it, has none of its (possibly garbage) output
         * delivered: the range is reported instead. Without a member after it, what inflated is handed on and the damage
         * reported as before (as zcat does). A member bigger than that is streamed (checked only at its end).
         */
        private void verified() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] tmp = new byte[65536];
            while (true) {
                if (inf.needsInput() && !ensure(1)) {
                    handOn(out, new EOFException("Unexpected end of ZLIB input stream"));
                    return;
                }
                inf.setInput(buf, pos, lim - pos);
                int n;
                try {
                    n = inf.inflate(tmp);
                } catch (DataFormatException e) {
                    pos = lim - inf.getRemaining();
                    dropped(out, "corrupt deflate data (" + e.getMessage() + ") at about byte " + offset());
                    return;
                }
                pos = lim - inf.getRemaining();
                if (n > 0) {
                    crc.update(tmp, 0, n);
                    memberOut += n;
                    out.write(tmp, 0, n);
                    if (out.size() >= VERIFY_MAX) {
                        streaming = true; // too big to hold: the rest of it is streamed
                        handOn(out, null);
                        return;
                    }
                    continue;
                }
                if (inf.finished()) {
                    long c;
                    long size;
                    try {
                        c = u8() | (u8() << 8) | ((long) u8() << 16) | ((long) u8() << 24);
                        size = u8() | (u8() << 8) | ((long) u8() << 16) | ((long) u8() << 24);
                    } catch (EOFException cut) {
                        handOn(out, cut);
                        return;
                    }
                    inMember = false;
                    if (c != crc.getValue() || size != (memberOut & 0xffffffffL)) {
                        dropped(out, "CRC or length mismatch at the member's end (byte " + offset() + ")");
                    } else {
                        handOn(out, null);
                    }
                    return;
                }
                if (inf.needsDictionary()) {
                    dropped(out, "a preset dictionary, which gzip does not use");
                    return;
                }
            }
        }

        private void handOn(ByteArrayOutputStream out, IOException then) {
            ready = out.toByteArray();
            readyPos = 0;
            deferred = then;
        }

        /** The member is damaged: with a member after it, its output is dropped and the range reported; else as before. */
        private void dropped(ByteArrayOutputStream out, String why) throws IOException {
            long damagedAt = offset();
            inMember = false;
            while (ensure(1) && !headerAhead()) {
                pos++;
            }
            if (!ensure(1)) {
                handOn(out, new ZipException(why.startsWith("CRC") ? "Corrupt GZIP trailer" : why));
                return;
            }
            long lines = 0;
            for (byte x : out.toByteArray()) {
                lines += x == '\n' ? 1 : 0;
            }
            resynced.add("corrupt gzip member at bytes " + memberStart + " to " + offset() + " of the compressed file: " + why
                    + " (at byte " + damagedAt + "): its " + out.size() + " decompressed bytes (about " + Math.max(1, lines)
                    + " records) are not delivered, as its content cannot be trusted; reading goes on with the next member at "
                    + "byte " + offset());
            header();
        }

        /** After a member: the next one, the end of the file, or bytes that are no member (skipped up to the next one). */
        private void next() throws IOException {
            if (!ensure(1)) {
                eof = true;
                return;
            }
            if (headerAhead()) {
                header();
                return;
            }
            long from = offset();
            long nonZero = 0;
            while (ensure(1) && !headerAhead()) {
                if (buf[pos] != 0) {
                    nonZero++;
                }
                pos++;
            }
            if (!ensure(1)) {
                after = offset() - from;
                afterNonZero = nonZero;
                eof = true;
                return;
            }
            if (nonZero > 0) {
                resynced.add("bytes " + from + " to " + offset() + " of the compressed file are not a gzip member (damage "
                        + "between members): whatever records were there are lost; reading goes on with the member at byte "
                        + offset());
            }
            header();
        }

        /** The member being read is damaged: on with the next member after it, if there is one; else fail as before. */
        private void resync(String why) throws IOException {
            long damagedAt = offset();
            inMember = false;
            if (why.startsWith("CRC")) {
                if (!ensure(1)) {
                    throw new ZipException("Corrupt GZIP trailer"); // the last member: reported as the end's damage
                }
                // the member inflated to its end: its records were delivered, but some may be wrong
                resynced.add("corrupt gzip member at bytes " + memberStart + " to " + damagedAt + " of the compressed file: "
                        + why + "; its records were read as they are (a damaged one among them is rejected as bad JSON), "
                        + "the next member is read");
                newline = memberOut > 0; // a last line cut by the damage must not swallow the next member's first record
                return;
            }
            while (ensure(1) && !headerAhead()) {
                pos++;
            }
            if (!ensure(1)) {
                throw new ZipException(why);
            }
            resynced.add("corrupt gzip member at bytes " + memberStart + " to " + offset() + " of the compressed file: " + why
                    + ": the record there and the rest of that member are lost; reading goes on with the next member at byte "
                    + offset());
            newline = memberOut > 0; // the cut record ends here: the next member's first line stays whole
            header();
        }

        /** Bytes after the last member (none of them a member) and how many are not NUL. */
        long[] leftover() {
            return new long[] {after, afterNonZero};
        }

        @Override
        public void close() throws IOException {
            inf.end();
            in.close();
        }
    }

    /** The decompressed content of {@code source} (gzip, any number of members), bounded by {@code maxExpanded}. */
    static GzipTail open(InputStream source, long maxExpanded) throws IOException {
        LimitedInputStream.Counting compressed = new LimitedInputStream.Counting(source);
        try {
            Members members = new Members(compressed);
            return new GzipTail(new LimitedInputStream(members, maxExpanded, compressed), compressed, members);
        } catch (EOFException | ZipException e) {
            // the first member's header is already cut off or damaged: nothing decompresses
            GzipTail empty = new GzipTail(InputStream.nullInputStream(), compressed, null);
            empty.damaged(e);
            return empty;
        }
    }

    /** True once the gzip stream ended in damage (the stream then reads as ended). */
    boolean damaged() {
        return reason != null;
    }

    /** Why and where the gzip stream ended early; null when it did not. */
    String reason() {
        return reason;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (reason != null) {
            return -1;
        }
        try {
            int n = super.read(b, off, len);
            if (n > 0) {
                decompressed += n;
            } else if (n < 0) {
                trailing();
            }
            return n;
        } catch (LimitedInputStream.LimitExceeded e) {
            throw e;
        } catch (EOFException | ZipException e) {
            damaged(e);
            return -1;
        }
    }

    /** At the clean end of the gzip data: bytes after it that are not NUL padding are reported like damage. */
    private void trailing() throws IOException {
        if (members == null || reason != null) {
            return;
        }
        long[] left = members.leftover();
        long after = left[0];
        if (left[1] > 0) {
            reason = after + " bytes after the end of the gzip data (at byte " + (members.offset() - after)
                    + " of the compressed file) are not a gzip member and were not read: a damaged member's records would be"
                    + " there";
        }
    }

    /** The damaged ranges the reading went on after (a corrupt member followed by intact ones), in file order. */
    List<String> resynced() {
        return members == null ? List.of() : members.resynced;
    }

    private void damaged(IOException e) {
        reason = e instanceof EOFException
                ? "gzip stream truncated at byte " + compressed.count + " of the compressed file (" + decompressed
                        + " bytes decompressed before the cut): the record there and anything after it are lost"
                : "corrupt gzip stream at byte " + compressed.count + " of the compressed file (" + decompressed
                        + " bytes decompressed before it): " + e.getMessage() + "; the record there and anything after it are lost";
    }
}
