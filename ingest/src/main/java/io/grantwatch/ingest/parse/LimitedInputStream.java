package io.grantwatch.ingest.parse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts bytes and fails once more than {@code limit} were read: the gzip-bomb guard. */
final class LimitedInputStream extends FilterInputStream {
    /** Thrown when the decompressed input passes the limit. */
    static final class LimitExceeded extends IOException {
        LimitExceeded(long limit) {
            super("gzip expands past the limit of " + limit + " bytes (possible gzip bomb)");
        }
    }

    private final long limit;
    private long count;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0 && ++count > limit) {
            throw new LimitExceeded(limit);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
            if (count > limit) {
                throw new LimitExceeded(limit);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        count += s;
        if (count > limit) {
            throw new LimitExceeded(limit);
        }
        return s;
    }
}
