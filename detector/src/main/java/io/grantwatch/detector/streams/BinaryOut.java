package io.grantwatch.detector.streams;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * A growable byte buffer with the primitives of the detector's binary state formats: unsigned and
 * zig-zag varints, nullable enums and instants, and strings through a per-record table (a state
 * repeats the same action and API names hundreds of times: each distinct string is written once,
 * later occurrences are a one- or two-byte reference). {@link BinaryIn} reads it back.
 */
final class BinaryOut {
    /** String reference tags: 0 = null, 1 = a new string follows, n ≥ 2 = table entry n − 2. */
    static final int NULL_STRING = 0;
    static final int NEW_STRING = 1;
    static final int INSTANT_NULL = 0;
    static final int INSTANT_MILLIS = 1;
    static final int INSTANT_NANOS = 2;

    private byte[] buf;
    private int pos;
    /** The string table: open addressing, no boxing (it is probed for every string of every state written). */
    private String[] tableKeys;
    private int[] tableIndexes;
    private int tableSize;

    /** @param expectedStrings about how many strings will be written (sizes the table: no rehashing on a big state) */
    BinaryOut(int initialCapacity, int expectedStrings) {
        buf = new byte[Math.max(16, initialCapacity)];
        int capacity = Integer.highestOneBit(Math.max(16, expectedStrings * 2 - 1)) << 1;
        tableKeys = new String[capacity];
        tableIndexes = new int[capacity];
    }

    /** The table index of s, or −1 after adding it as the next index. */
    private int indexOrAdd(String s) {
        int mask = tableKeys.length - 1;
        int i = mix(s.hashCode()) & mask;
        for (String k = tableKeys[i]; k != null; k = tableKeys[i]) {
            if (k == s || k.equals(s)) {
                return tableIndexes[i];
            }
            i = (i + 1) & mask;
        }
        tableKeys[i] = s;
        tableIndexes[i] = tableSize++;
        if (tableSize * 2 > tableKeys.length) {
            grow();
        }
        return -1;
    }

    private void grow() {
        String[] oldKeys = tableKeys;
        int[] oldIndexes = tableIndexes;
        tableKeys = new String[oldKeys.length * 2];
        tableIndexes = new int[oldKeys.length * 2];
        int mask = tableKeys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != null) {
                int i = mix(oldKeys[j].hashCode()) & mask;
                while (tableKeys[i] != null) {
                    i = (i + 1) & mask;
                }
                tableKeys[i] = oldKeys[j];
                tableIndexes[i] = oldIndexes[j];
            }
        }
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    void writeByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    void writeVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    void writeVarInt(int v) {
        writeVarLong(v & 0xFFFFFFFFL);
    }

    /** A signed value, small in magnitude either way (time deltas). */
    void writeSignedVarLong(long v) {
        writeVarLong((v << 1) ^ (v >> 63));
    }

    /** Exact: the IEEE bits, 8 bytes. */
    void writeDouble(double v) {
        long bits = Double.doubleToRawLongBits(v);
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[pos++] = (byte) (bits >>> shift);
        }
    }

    /** A nullable record or value follows: 1 if present, 0 if null. */
    boolean writePresence(Object value) {
        writeByte(value == null ? 0 : 1);
        return value != null;
    }

    /** An enum as ordinal + 1, 0 for null. */
    void writeEnum(Enum<?> e) {
        writeVarInt(e == null ? 0 : e.ordinal() + 1);
    }

    /** Millisecond instants (every event time) in a few bytes; finer ones exactly. */
    void writeInstant(Instant t) {
        if (t == null) {
            writeByte(INSTANT_NULL);
        } else if (t.getNano() % 1_000_000 == 0) {
            writeByte(INSTANT_MILLIS);
            writeSignedVarLong(t.toEpochMilli());
        } else {
            writeByte(INSTANT_NANOS);
            writeSignedVarLong(t.getEpochSecond());
            writeVarInt(t.getNano());
        }
    }

    void writeString(String s) {
        if (s == null) {
            writeVarInt(NULL_STRING);
            return;
        }
        int known = indexOrAdd(s);
        if (known >= 0) {
            writeVarInt(known + 2);
            return;
        }
        writeVarInt(NEW_STRING);
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeVarInt(utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, pos, utf8.length);
        pos += utf8.length;
    }
}
