package io.grantwatch.ingest.parse;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;

/**
 * The end of a gzip stream that was cut off or corrupted: instead of failing the read (which loses
 * whatever a buffer above had already decompressed), the stream ends cleanly where the damage is, as
 * {@code zcat} does, and remembers why. The parser then reads every complete record before the damage
 * and rejects the rest once, with {@link #reason()}. The gzip-bomb guard ({@link LimitedInputStream})
 * is not damage: it still fails the read.
 */
final class GzipTail extends FilterInputStream {
    private final LimitedInputStream.Counting compressed;
    private long decompressed;
    private String reason;

    private GzipTail(InputStream gunzipped, LimitedInputStream.Counting compressed) {
        super(gunzipped);
        this.compressed = compressed;
    }

    /** The decompressed content of {@code source} (gzip, any number of members), bounded by {@code maxExpanded}. */
    static GzipTail open(InputStream source, long maxExpanded) throws IOException {
        LimitedInputStream.Counting compressed = new LimitedInputStream.Counting(source);
        try {
            return new GzipTail(new LimitedInputStream(new java.util.zip.GZIPInputStream(compressed, 65536), maxExpanded,
                    compressed), compressed);
        } catch (EOFException | ZipException e) {
            // the first member's header is already cut off or damaged: nothing decompresses
            GzipTail empty = new GzipTail(InputStream.nullInputStream(), compressed);
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
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
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
            }
            return n;
        } catch (LimitedInputStream.LimitExceeded e) {
            throw e;
        } catch (EOFException | ZipException e) {
            damaged(e);
            return -1;
        }
    }

    private void damaged(IOException e) {
        reason = e instanceof EOFException
                ? "gzip stream truncated at byte " + compressed.count + " of the compressed file (" + decompressed
                        + " bytes decompressed before the cut): the record there and anything after it are lost"
                : "corrupt gzip stream at byte " + compressed.count + " of the compressed file (" + decompressed
                        + " bytes decompressed before it): " + e.getMessage() + "; the record there and anything after it are lost";
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 8192)];
        int r = read(buf, 0, buf.length);
        return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
