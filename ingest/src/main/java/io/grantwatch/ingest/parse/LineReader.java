package io.grantwatch.ingest.parse;

import java.io.IOException;
import java.io.InputStream;

/**
 * Byte lines with a length bound: a line longer than the bound is reported as oversize and skipped to
 * its end without being kept in memory. Bytes are not decoded here: Jackson validates UTF-8 per line,
 * so one line with invalid UTF-8 is rejected alone.
 */
final class LineReader {
    record Line(byte[] bytes, int length, boolean oversize) {
        boolean blank() {
            if (oversize) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                byte b = bytes[i];
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }
    }

    private final InputStream in;
    private final int max;
    private final byte[] buf = new byte[65536];
    private int pos;
    private int end;
    private byte[] line = new byte[1024];

    LineReader(InputStream in, int max) {
        this.in = in;
        this.max = max;
    }

    Line next() throws IOException {
        int len = 0;
        boolean oversize = false;
        boolean any = false;
        while (true) {
            if (pos == end) {
                end = in.read(buf, 0, buf.length);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    return any ? finish(len, oversize) : null;
                }
            }
            any = true;
            int i = pos;
            while (i < end && buf[i] != '\n') {
                i++;
            }
            int n = i - pos;
            if (!oversize) {
                if (len + n > max) {
                    oversize = true;
                } else {
                    ensure(len + n);
                    System.arraycopy(buf, pos, line, len, n);
                    len += n;
                }
            }
            pos = i;
            if (i < end) {
                pos++;
                return finish(len, oversize);
            }
        }
    }

    private Line finish(int len, boolean oversize) {
        if (!oversize && len > 0 && line[len - 1] == '\r') {
            len--;
        }
        return new Line(line, oversize ? 0 : len, oversize);
    }

    private void ensure(int cap) {
        if (cap > line.length) {
            byte[] n = new byte[Math.max(cap, line.length * 2)];
            System.arraycopy(line, 0, n, 0, line.length);
            line = n;
        }
    }
}
