package io.grantwatch.ingest.parse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Counts decompressed bytes and fails once more than {@code limit} were read, or once the expansion
 * ratio passes {@value #MAX_RATIO}:1 beyond {@value #RATIO_FLOOR} bytes (JSON audit logs compress
 * 10–100:1; a bomb of padding compresses about 1000:1): the gzip-bomb guard.
 */
public final class LimitedInputStream extends FilterInputStream {
    static final long MAX_RATIO = 500;
    static final long RATIO_FLOOR = 32L * 1024 * 1024;

    /** Thrown when the decompressed input passes the limit. */
    public static final class LimitExceeded extends IOException {
        LimitExceeded(String why) {
            super(why);
        }
    }

    /** Counts the bytes read (or skipped) from its source: the compressed ones, and below the guard the decompressed ones. */
    static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }

    private final long limit;
    private final Counting compressed;
    /** The decompressed bytes: {@code in}, counted. */
    private final Counting decompressed;

    /**
     * The decompressed content of a gzip stream (any number of members), failing with {@link LimitExceeded}
     * once more than {@code limit} bytes came out of it or the expansion ratio passes the guard's.
     */
    public static InputStream gunzip(InputStream gzip, long limit) throws IOException {
        Counting counting = new Counting(gzip);
        return new LimitedInputStream(new GZIPInputStream(counting, 65536), limit, counting);
    }

    LimitedInputStream(InputStream in, long limit, Counting compressed) {
        this(new Counting(in), limit, compressed);
    }

    private LimitedInputStream(Counting decompressed, long limit, Counting compressed) {
        super(decompressed);
        this.decompressed = decompressed;
        this.limit = limit;
        this.compressed = compressed;
    }

    private void check() throws LimitExceeded {
        long count = decompressed.count;
        if (count > limit) {
            throw new LimitExceeded("gzip expands past the limit of " + limit + " bytes (possible gzip bomb)");
        }
        if (compressed != null && count > RATIO_FLOOR && count > MAX_RATIO * Math.max(1, compressed.count)) {
            throw new LimitExceeded("gzip expands more than " + MAX_RATIO + ":1 past " + RATIO_FLOOR
                    + " bytes (possible gzip bomb)");
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        check();
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        check();
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        check();
        return s;
    }
}
