package io.grantwatch.ingest.parse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A filter whose every read goes through {@code read(byte[], int, int)}, where a subclass does its work
 * (counting, keeping bytes, noticing damage): the single-byte read and skip route there too, and
 * mark/reset is not offered (the kept state could not be rewound).
 */
abstract class ReadThroughStream extends FilterInputStream {
    ReadThroughStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        return readOne(this);
    }

    /** The single-byte read of a stream whose work is all in {@code read(byte[], int, int)}. */
    static int readOne(InputStream s) throws IOException {
        byte[] one = new byte[1];
        int n = s.read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
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
