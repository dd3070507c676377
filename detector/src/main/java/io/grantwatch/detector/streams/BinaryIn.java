package io.grantwatch.detector.streams;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads what {@link BinaryOut} wrote; malformed input throws {@link IllegalArgumentException}. */
final class BinaryIn {
    private final byte[] buf;
    private int pos;
    private final List<String> strings = new ArrayList<>();

    BinaryIn(byte[] buf, int offset) {
        this.buf = buf;
        this.pos = offset;
    }

    boolean atEnd() {
        return pos == buf.length;
    }

    int readByte() {
        if (pos >= buf.length) {
            throw new IllegalArgumentException("truncated at byte " + pos);
        }
        return buf[pos++] & 0xFF;
    }

    long readVarLong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint too long at byte " + pos);
    }

    int readVarInt() {
        long v = readVarLong();
        if (v < 0 || v > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("not a 32-bit varint at byte " + pos);
        }
        return (int) v;
    }

    /** A count of elements still to come: each takes at least one byte, so a corrupt count fails here, not in an allocation. */
    int readCount() {
        int n = readVarInt();
        if (n < 0 || n > buf.length - pos) {
            throw new IllegalArgumentException("count " + n + " exceeds the " + (buf.length - pos) + " bytes left");
        }
        return n;
    }

    long readSignedVarLong() {
        long v = readVarLong();
        return (v >>> 1) ^ -(v & 1);
    }

    double readDouble() {
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | readByte();
        }
        return Double.longBitsToDouble(bits);
    }

    /** Whether the nullable value that follows is present (see {@code BinaryOut.writePresence}). */
    boolean readPresence() {
        int b = readByte();
        if (b > 1) {
            throw new IllegalArgumentException("bad presence tag " + b + " at byte " + (pos - 1));
        }
        return b == 1;
    }

    <E extends Enum<E>> E readEnum(E[] values) {
        int i = readVarInt();
        if (i == 0) {
            return null;
        }
        if (i > values.length) {
            throw new IllegalArgumentException("enum ordinal " + (i - 1) + " out of range for " + values[0].getDeclaringClass().getSimpleName());
        }
        return values[i - 1];
    }

    Instant readInstant() {
        int tag = readByte();
        return switch (tag) {
            case BinaryOut.INSTANT_NULL -> null;
            case BinaryOut.INSTANT_MILLIS -> Instant.ofEpochMilli(readSignedVarLong());
            case BinaryOut.INSTANT_NANOS -> Instant.ofEpochSecond(readSignedVarLong(), readVarInt());
            default -> throw new IllegalArgumentException("unknown instant tag " + tag);
        };
    }

    String readString() {
        int ref = readVarInt();
        if (ref == BinaryOut.NULL_STRING) {
            return null;
        }
        if (ref == BinaryOut.NEW_STRING) {
            int len = readCount();
            String s = new String(buf, pos, len, StandardCharsets.UTF_8);
            pos += len;
            strings.add(s);
            return s;
        }
        int i = ref - 2;
        if (i >= strings.size()) {
            throw new IllegalArgumentException("string reference " + i + " before its definition");
        }
        return strings.get(i);
    }
}
