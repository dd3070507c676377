package io.grantwatch.ingest.parse;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;

/**
 * Finding the next element of a JSON array after a malformed one, so that the rest of the array flows
 * on. The source is read through {@link Recorder}, which keeps the bytes since the start of the element
 * being read (at most one record's worth); when the element breaks, {@link #after} rescans them, string-
 * and bracket-aware, to the comma that ends the element at the array's level (or the array's closing
 * bracket), and the parser starts again there.
 */
final class Resync {
    private Resync() {
    }

    /** Where reading goes on: {@code in} from absolute byte {@code offset}, still inside the array or after it. */
    record Point(InputStream in, long offset, long newlines, boolean inArray, byte[] element) {
    }

    /** The most bytes of a skipped element kept for its dead letter (the dead letter truncates further). */
    private static final int ELEMENT_KEPT = 64 * 1024;

    /** The source's bytes as the parser reads them, keeping those from {@link #keepFrom} on. */
    static final class Recorder extends ReadThroughStream {
        private final long start;
        private final int cap;
        private byte[] buf = new byte[8192];
        private long bufStart;
        private int len;
        private long delivered;
        private long keep;

        /** @param start the absolute offset of the first byte of {@code in}; @param cap the most bytes kept */
        Recorder(InputStream in, long start, int cap) {
            super(in);
            this.start = start;
            this.bufStart = start;
            this.delivered = start;
            this.keep = start;
            this.cap = cap;
        }

        long start() {
            return start;
        }

        /** Keeps the bytes from absolute offset {@code from} on (the start of the element being read). */
        void keepFrom(long from) {
            keep = Math.max(keep, from); // older bytes are dropped when room is needed, not on every element
        }

        private void keep(byte[] b, int off, int n) {
            if (len + n > buf.length) {
                int drop = (int) Math.max(0, Math.min(len, keep - bufStart));
                System.arraycopy(buf, drop, buf, 0, len - drop);
                len -= drop;
                bufStart += drop;
            }
            if (len + n > cap) {
                // an element longer than a record may be: its start is gone (it cannot be resynchronised)
                len = 0;
                bufStart = delivered + n;
                return;
            }
            if (len + n > buf.length) {
                byte[] nb = new byte[Math.min(cap, Math.max(len + n, buf.length * 2))];
                System.arraycopy(buf, 0, nb, 0, len);
                buf = nb;
            }
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }

        @Override
        public int read(byte[] b, int off, int n) throws IOException {
            int r = super.read(b, off, n);
            if (r > 0) {
                keep(b, off, r);
                delivered += r;
            }
            return r;
        }


        /**
         * Does not close the source: Jackson closes its input when it meets the end, and a truncated
         * array must still be resynchronised from the kept bytes (the source's owner closes it).
         */
        @Override
        public void close() {
        }

        /** The bytes from {@code from} on, then the rest of the source; null when they were not kept. */
        InputStream from(long from) {
            if (from < bufStart || from > delivered) {
                return null;
            }
            int skip = (int) (from - bufStart);
            return new SequenceInputStream(new ByteArrayInputStream(Arrays.copyOfRange(buf, skip, len)), in);
        }
    }

    /**
     * Past the element that starts at or after absolute {@code from} (after the separating comma, if
     * any): at the comma that ends it (still in the array) or after the array's closing bracket; null
     * when the source ends first or the bytes are no longer kept.
     */
    static Point after(Recorder rec, long from) throws IOException {
        InputStream raw = rec.from(from);
        if (raw == null) {
            return null;
        }
        BufferedInputStream in = new BufferedInputStream(raw, 65536);
        ByteArrayOutputStream element = new ByteArrayOutputStream(256);
        long offset = from;
        long newlines = 0;
        int c;
        // the comma before the element
        while ((c = in.read()) >= 0) {
            offset++;
            if (c == '\n') {
                newlines++;
            }
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                break;
            }
        }
        if (c < 0) {
            return null;
        }
        // Open brackets of the element; a closer that does not match closes the brackets up to its own
        // kind too (a malformed element often has one bracket missing).
        StringBuilder open = new StringBuilder();
        boolean str = false;
        boolean esc = false;
        boolean first = c == ',';
        while (true) {
            if (first) {
                first = false;
            } else {
                if (str) {
                    if (esc) {
                        esc = false;
                    } else if (c == '\\') {
                        esc = true;
                    } else if (c == '"') {
                        str = false;
                    }
                } else if (c == '"') {
                    str = true;
                } else if (c == '{' || c == '[') {
                    open.append((char) c);
                } else if (c == '}' || c == ']') {
                    if (open.length() == 0) {
                        return c == ']' ? new Point(in, offset, newlines, false, element.toByteArray()) : null;
                    }
                    char want = c == '}' ? '{' : '[';
                    int at = open.lastIndexOf(String.valueOf(want));
                    open.setLength(at < 0 ? open.length() - 1 : at);
                } else if (c == ',' && open.length() == 0) {
                    return new Point(in, offset, newlines, true, element.toByteArray());
                }
            }
            if (element.size() < ELEMENT_KEPT && (element.size() > 0 || c != ',')) {
                element.write(c); // the element's bytes (not the comma before it), for its dead letter
            }
            c = in.read();
            if (c < 0) {
                return null;
            }
            offset++;
            if (c == '\n') {
                newlines++;
            }
        }
    }
}
