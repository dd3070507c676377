package io.grantwatch.ingest.parse;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The one encoding rule: a source's encoding is decided once, from its first bytes: a UTF-16 byte
 * order mark means UTF-16 (big or little endian as the mark says; the source is transcoded to UTF-8),
 * a UTF-8 mark is dropped, and everything else is UTF-8. Records are never sniffed one by one (Jackson
 * would read a record that starts with NUL bytes as UTF-32 and lose the rest of the source); a record
 * that cannot be UTF-8 JSON is rejected alone ({@link #notUtf8Json}).
 */
final class Encoding {
    private Encoding() {
    }

    /** The source as UTF-8 without a byte order mark. */
    static BufferedInputStream utf8(BufferedInputStream in) throws IOException {
        in.mark(4);
        int b0 = in.read();
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {
            in.skipNBytes(3);
            return in;
        }
        if ((b0 == 0xFE && b1 == 0xFF) || (b0 == 0xFF && b1 == 0xFE)) {
            Charset cs = b0 == 0xFE ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE;
            in.skipNBytes(2);
            return new BufferedInputStream(new Utf8Of(new InputStreamReader(in, cs)), 65536);
        }
        return in;
    }

    /**
     * How many NUL bytes pad the start of a record before its first other byte: what a writer that
     * preallocates (or a crash between its size update and its data) leaves in front of an intact record. They
     * are skipped. 0 when the record does not start with NUL, or is NUL only (then it is no record).
     */
    static int nulPadding(byte[] b, int len) {
        int i = 0;
        while (i < len && b[i] == 0) {
            i++;
        }
        return i < len ? i : 0;
    }

    /** {@link #notUtf8Json(byte[], int, int)} from the first byte. */
    static String notUtf8Json(byte[] b, int len) {
        return notUtf8Json(b, 0, len);
    }

    /**
     * Why a UTF-8 record ({@code len} bytes from {@code off}) cannot be JSON because of its bytes alone, or
     * null: a NUL byte (never valid in JSON text) or a UTF-16 byte order mark (never valid UTF-8). These are
     * exactly the bytes that would make Jackson guess another encoding for the record. Columns count from
     * the start of the line.
     */
    static String notUtf8Json(byte[] b, int off, int len) {
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == 0) {
                return "not JSON: NUL byte at column " + (i + 1) + " (the source is UTF-8)";
            }
        }
        int s = off;
        while (s < end && (b[s] == ' ' || b[s] == '\t')) {
            s++;
        }
        if (s < end && ((b[s] & 0xff) == 0xFE || (b[s] & 0xff) == 0xFF)) {
            return "invalid UTF-8: byte 0x" + Integer.toHexString(b[s] & 0xff).toUpperCase(Locale.ROOT)
                    + " at column " + (s + 1) + " (a byte order mark inside the source?)";
        }
        return null;
    }

    /** Characters as UTF-8 bytes. */
    private static final class Utf8Of extends InputStream {
        private final Reader reader;
        private final char[] chars = new char[8192];
        private byte[] bytes = new byte[0];
        private int pos;
        private char pendingHigh;

        Utf8Of(Reader reader) {
            this.reader = reader;
        }

        private boolean fill() throws IOException {
            while (pos == bytes.length) {
                int n = reader.read(chars, 0, chars.length);
                if (n < 0) {
                    if (pendingHigh != 0) {
                        pendingHigh = 0;
                        bytes = "\uFFFD".getBytes(StandardCharsets.UTF_8);
                        pos = 0;
                        return true;
                    }
                    return false;
                }
                StringBuilder sb = new StringBuilder(n + 1);
                if (pendingHigh != 0) {
                    sb.append(pendingHigh);
                    pendingHigh = 0;
                }
                sb.append(chars, 0, n);
                if (sb.length() > 0 && Character.isHighSurrogate(sb.charAt(sb.length() - 1))) {
                    pendingHigh = sb.charAt(sb.length() - 1);
                    sb.setLength(sb.length() - 1);
                }
                bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
                pos = 0;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? bytes[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
