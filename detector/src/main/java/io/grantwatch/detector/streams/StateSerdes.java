package io.grantwatch.detector.streams;

import io.grantwatch.detector.AccountActivity;
import io.grantwatch.detector.Activity;
import io.grantwatch.detector.ContextSignal;
import io.grantwatch.detector.FindingRef;
import io.grantwatch.detector.PrincipalState;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.IamChange;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.PrincipalType;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary serdes of the detector's own state stores ({@code principal-state}, {@code account-activity})
 * and their changelogs. Every event reads and writes a principal's state (a few hundred recent calls
 * and successes): Jackson spent about 17 µs per round trip on it, this format a fraction, in a
 * fraction of the bytes (strings are written once per record, times as varint deltas).
 *
 * <p>Format: the first byte is the format version ({@value #VERSION}); the fields follow in record
 * order (see {@link #encode(PrincipalState)}). A value that starts with {@code '{'} is the JSON form
 * written before this format existed: it is still read, so existing stores and changelogs restore;
 * the next write of that key is binary. A version this code does not know fails loudly
 * ({@link SerializationException}) rather than being misread.
 */
public final class StateSerdes {
    /** The current binary format. A new version keeps reading the previous ones. */
    public static final int VERSION = 1;

    private static final PrincipalType[] PRINCIPAL_TYPES = PrincipalType.values();
    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final FindingKind[] KINDS = FindingKind.values();
    private static final FindingStatus[] STATUSES = FindingStatus.values();

    private StateSerdes() {
    }

    public static Serde<PrincipalState> principalState() {
        return new BinarySerde<>(PrincipalState.class, StateSerdes::encode, StateSerdes::decodePrincipalState);
    }

    public static Serde<AccountActivity> accountActivity() {
        return new BinarySerde<>(AccountActivity.class, StateSerdes::encode, StateSerdes::decodeAccountActivity);
    }

    // ---------------------------------------------------------------- principal state

    public static byte[] encode(PrincipalState s) {
        BinaryOut out = new BinaryOut(64 + 8 * s.recent().size() + 12 * s.succeeded().size() + 96 * s.findings().size()
                + 64 * s.changes().size());
        out.writeByte(VERSION);
        out.writeString(s.key());
        writePrincipal(out, s.principal());
        out.writeInstant(s.watermark());
        out.writeVarInt(s.recent().size());
        long previous = 0;
        for (Activity a : s.recent()) {
            out.writeSignedVarLong(a.at() - previous);
            previous = a.at();
            out.writeString(a.action());
            out.writeString(a.api());
            out.writeEnum(a.outcome());
        }
        out.writeVarInt(s.succeeded().size());
        previous = 0;
        for (Map.Entry<String, Long> used : s.succeeded().entrySet()) {
            long at = used.getValue();
            out.writeString(used.getKey());
            out.writeSignedVarLong(at - previous);
            previous = at;
        }
        out.writeVarInt(s.findings().size());
        for (FindingRef f : s.findings()) {
            out.writeString(f.id());
            out.writeEnum(f.kind());
            out.writeEnum(f.status());
            out.writeString(f.scenarioId());
            out.writeVarInt(f.resolveKeys().size());
            for (String k : f.resolveKeys()) {
                out.writeString(k);
            }
            out.writeInstant(f.firstSeen());
            out.writeInstant(f.lastSeen());
            out.writeSignedVarLong(f.count());
        }
        out.writeVarInt(s.changes().size());
        for (IamChange c : s.changes()) {
            out.writeString(c.eventId());
            out.writeInstant(c.time());
            out.writeString(c.action());
            out.writeString(c.actor());
            out.writeString(c.target());
            out.writeString(c.removed());
        }
        out.writeSignedVarLong(s.late());
        return out.toByteArray();
    }

    /** Reads the binary form, or the JSON form written by earlier versions. */
    public static PrincipalState decodePrincipalState(byte[] bytes) {
        if (isJson(bytes)) {
            return fromJson(bytes, PrincipalState.class);
        }
        BinaryIn in = versioned(bytes, PrincipalState.class);
        String key = in.readString();
        Principal principal = readPrincipal(in);
        Instant watermark = in.readInstant();
        int n = in.readCount();
        List<Activity> recent = new ArrayList<>(n);
        long previous = 0;
        for (int i = 0; i < n; i++) {
            long at = previous + in.readSignedVarLong();
            previous = at;
            recent.add(new Activity(at, in.readString(), in.readString(), in.readEnum(OUTCOMES)));
        }
        n = in.readCount();
        Map<String, Long> succeeded = new LinkedHashMap<>(Math.max(16, n * 4 / 3 + 1));
        previous = 0;
        for (int i = 0; i < n; i++) {
            String k = in.readString();
            long at = previous + in.readSignedVarLong();
            previous = at;
            succeeded.put(k, at);
        }
        n = in.readCount();
        List<FindingRef> findings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = in.readString();
            FindingKind kind = in.readEnum(KINDS);
            FindingStatus status = in.readEnum(STATUSES);
            String scenario = in.readString();
            int keys = in.readCount();
            List<String> resolveKeys = new ArrayList<>(keys);
            for (int k = 0; k < keys; k++) {
                resolveKeys.add(in.readString());
            }
            findings.add(new FindingRef(id, kind, status, scenario, resolveKeys, in.readInstant(), in.readInstant(), in.readSignedVarLong()));
        }
        n = in.readCount();
        List<IamChange> changes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            changes.add(new IamChange(in.readString(), in.readInstant(), in.readString(), in.readString(), in.readString(), in.readString()));
        }
        long late = in.readSignedVarLong();
        finish(in, PrincipalState.class);
        return new PrincipalState(key, principal, watermark, recent, succeeded, findings, changes, late);
    }

    private static void writePrincipal(BinaryOut out, Principal p) {
        if (p == null) {
            out.writeByte(0);
            return;
        }
        out.writeByte(1);
        out.writeEnum(p.type());
        out.writeString(p.id());
        out.writeString(p.name());
        out.writeString(p.accountId());
        out.writeString(p.roleName());
        out.writeString(p.sessionName());
        out.writeString(p.issuer());
        out.writeString(p.accessKeyId());
    }

    private static Principal readPrincipal(BinaryIn in) {
        int present = in.readByte();
        if (present == 0) {
            return null;
        }
        if (present != 1) {
            throw new IllegalArgumentException("bad principal tag " + present);
        }
        return new Principal(in.readEnum(PRINCIPAL_TYPES), in.readString(), in.readString(), in.readString(), in.readString(),
                in.readString(), in.readString(), in.readString());
    }

    // ---------------------------------------------------------------- account activity

    public static byte[] encode(AccountActivity a) {
        BinaryOut out = new BinaryOut(16 + 24 * a.signals().size());
        out.writeByte(VERSION);
        out.writeVarInt(a.signals().size());
        for (ContextSignal s : a.signals()) {
            out.writeString(s.scenarioId());
            out.writeInstant(s.time());
            out.writeString(s.who());
            out.writeString(s.api());
        }
        return out.toByteArray();
    }

    public static AccountActivity decodeAccountActivity(byte[] bytes) {
        if (isJson(bytes)) {
            return fromJson(bytes, AccountActivity.class);
        }
        BinaryIn in = versioned(bytes, AccountActivity.class);
        int n = in.readCount();
        List<ContextSignal> signals = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            signals.add(new ContextSignal(in.readString(), in.readInstant(), in.readString(), in.readString()));
        }
        finish(in, AccountActivity.class);
        return new AccountActivity(signals);
    }

    // ---------------------------------------------------------------- framing

    /** The JSON forms begin with an object (Jackson writes no leading whitespace, but a hand-made record might). */
    private static boolean isJson(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return false;
    }

    private static <T> T fromJson(byte[] bytes, Class<T> type) {
        try {
            return Json.wire().readValue(bytes, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid JSON " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static BinaryIn versioned(byte[] bytes, Class<?> type) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty " + type.getSimpleName());
        }
        int version = bytes[0] & 0xFF;
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown " + type.getSimpleName() + " format version " + version
                    + " (this detector reads version " + VERSION + " and JSON)");
        }
        return new BinaryIn(bytes, 1);
    }

    private static void finish(BinaryIn in, Class<?> type) {
        if (!in.atEnd()) {
            throw new IllegalArgumentException("trailing bytes after a " + type.getSimpleName());
        }
    }

    /** Kafka's contract: null is a tombstone both ways; bad bytes throw {@link SerializationException}. */
    private static final class BinarySerde<T> implements Serde<T> {
        private final Class<T> type;
        private final java.util.function.Function<T, byte[]> encoder;
        private final java.util.function.Function<byte[], T> decoder;

        BinarySerde(Class<T> type, java.util.function.Function<T, byte[]> encoder, java.util.function.Function<byte[], T> decoder) {
            this.type = type;
            this.encoder = encoder;
            this.decoder = decoder;
        }

        @Override
        public Serializer<T> serializer() {
            return (topic, value) -> value == null ? null : encoder.apply(value);
        }

        @Override
        public Deserializer<T> deserializer() {
            return (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                try {
                    return decoder.apply(bytes);
                } catch (RuntimeException e) {
                    throw new SerializationException("Not a valid " + type.getSimpleName() + " in " + topic + ": " + e.getMessage(), e);
                }
            };
        }
    }
}
