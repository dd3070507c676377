package io.grantwatch.ingest.parse;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
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
     * The JDK's gzip reader, which can say what is left after its last member: it silently ignores bytes
     * after a member that do not start a new one, which may be a damaged member (records lost unseen).
     */
    private static final class Members extends GZIPInputStream {
        Members(InputStream in) throws IOException {
            super(in, 65536);
        }

        /** Bytes after the last member's 8-byte trailer still in the buffer, and whether any of them is not NUL. */
        long[] leftover() {
            int n = Math.max(0, inf.getRemaining() - 8);
            int nonZero = 0;
            for (int i = len - n; i < len; i++) {
                if (i >= 0 && buf[i] != 0) {
                    nonZero++;
                }
            }
            return new long[] {n, nonZero};
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
        long nonZero = left[1];
        byte[] rest = new byte[8192];
        int r;
        long drained = 0;
        while (drained < (1 << 20) && (r = compressed.read(rest, 0, rest.length)) > 0) {
            drained += r;
            for (int i = 0; i < r; i++) {
                if (rest[i] != 0) {
                    nonZero++;
                }
            }
        }
        after += drained;
        if (nonZero > 0) {
            reason = after + " bytes after the end of the gzip data (at byte " + (compressed.count - after)
                    + " of the compressed file) are not a gzip member and were not read: a damaged member's records would be"
                    + " there";
        }
    }

    private void damaged(IOException e) {
        reason = e instanceof EOFException
                ? "gzip stream truncated at byte " + compressed.count + " of the compressed file (" + decompressed
                        + " bytes decompressed before the cut): the record there and anything after it are lost"
                : "corrupt gzip stream at byte " + compressed.count + " of the compressed file (" + decompressed
                        + " bytes decompressed before it): " + e.getMessage() + "; the record there and anything after it are lost";
    }
}
