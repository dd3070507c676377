package io.grantwatch.detector.streams;

import io.grantwatch.detector.AccountActivity;
import io.grantwatch.detector.Activity;
import io.grantwatch.detector.ContextSignal;
import io.grantwatch.detector.FindingRef;
import io.grantwatch.detector.PrincipalState;
import io.grantwatch.detector.RoleReference;
import io.grantwatch.detector.inventory.Inventory;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Citation;
import io.grantwatch.model.CitationKind;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Evidence;
import io.grantwatch.model.Excess;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.IamChange;
import io.grantwatch.model.KnownDeny;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.PrincipalType;
import io.grantwatch.model.ScenarioCandidate;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.inventory.InventoryRecord.PolicyRef;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary serdes of the detector's own state stores ({@code principal-state}, {@code account-activity},
 * {@code principal-findings}) and their changelogs. Every event reads and writes a principal's state (a few hundred recent calls
 * and successes): Jackson spent about 17 µs per round trip on it, this format a fraction, in a
 * fraction of the bytes (strings are written once per record, times as varint deltas).
 *
 * <p>Format: the first byte is the format version ({@value #VERSION}); the fields follow in record
 * order (see {@link #encode(PrincipalState)}). A version this code does not know (a JSON value, whose first
 * byte {@code '{'} reads as version 123, included) fails loudly ({@link SerializationException}) rather than
 * being misread.
 */
public final class StateSerdes {
    /**
     * The current binary format. A new version keeps reading the previous ones. 2: a finding's citations
     * carry their source kind (SEED, VENDOR_REFERENCE, NONE); version 1 citations get it inferred. 3: an
     * account's activity also holds the roles and agencies requests named and the agency ids it learned
     * (empty when read from versions 1 and 2). 4: a finding carries the Deny statements the inventory says its principal
     * holds ({@code knownDenies}, empty when read from versions 1-3); the {@code account-inventory} store is new in 4. 5: an
     * OVER_REACH finding carries what its principal holds beyond the need ({@code excess}, empty when read from 1-4).
     */
    public static final int VERSION = 5;

    private static final PrincipalType[] PRINCIPAL_TYPES = PrincipalType.values();
    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final FindingKind[] KINDS = FindingKind.values();
    private static final FindingStatus[] STATUSES = FindingStatus.values();
    private static final Cloud[] CLOUDS = Cloud.values();
    private static final Certainty[] CERTAINTIES = Certainty.values();
    private static final GrantType[] GRANT_TYPES = GrantType.values();

    private StateSerdes() {
    }

    public static Serde<PrincipalState> principalState() {
        return new BinarySerde<>(PrincipalState.class, StateSerdes::encode, StateSerdes::decodePrincipalState);
    }

    /** The {@code account-inventory} store: what one account's principals hold ({@link Inventory}). */
    public static Serde<Inventory> inventory() {
        return new BinarySerde<>(Inventory.class, StateSerdes::encode, StateSerdes::decodeInventory);
    }

    public static Serde<AccountActivity> accountActivity() {
        return new BinarySerde<>(AccountActivity.class, StateSerdes::encode, StateSerdes::decodeAccountActivity);
    }

    /**
     * The {@code principal-findings} store: every denial writes its finding (its reasons and ranking make
     * it several KB of JSON). The {@code findings} topic keeps the model's JSON; this is the store's
     * own format. A new component of {@link Finding} or of the records in it must be added here
     * ({@code StateSerdesTest} fails until it is).
     */
    public static Serde<Finding> openFinding() {
        return new BinarySerde<>(Finding.class, StateSerdes::encode, StateSerdes::decodeFinding);
    }

    // ---------------------------------------------------------------- principal state

    public static byte[] encode(PrincipalState s) {
        BinaryOut out = new BinaryOut(64 + 8 * s.recent().size() + 12 * s.succeeded().size() + 96 * s.findings().size()
                + 64 * s.changes().size(), 16 + s.recent().size() / 4 + s.succeeded().size() + 3 * s.findings().size());
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
            writeChange(out, c);
        }
        out.writeSignedVarLong(s.late());
        return out.toByteArray();
    }

    /** Reads the binary form, versions 1 to {@value #VERSION}. */
    public static PrincipalState decodePrincipalState(byte[] bytes) {
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
            changes.add(readChange(in));
        }
        long late = in.readSignedVarLong();
        finish(in, PrincipalState.class);
        return new PrincipalState(key, principal, watermark, recent, succeeded, findings, changes, late);
    }

    private static void writeChange(BinaryOut out, IamChange c) {
        out.writeString(c.eventId());
        out.writeInstant(c.time());
        out.writeString(c.action());
        out.writeString(c.actor());
        out.writeString(c.target());
        out.writeString(c.removed());
    }

    private static IamChange readChange(BinaryIn in) {
        return new IamChange(in.readString(), in.readInstant(), in.readString(), in.readString(), in.readString(), in.readString());
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
        int n = a.signals().size() + a.references().size() + a.agencyIds().size();
        BinaryOut out = new BinaryOut(16 + 24 * n, 2 * n);
        out.writeByte(VERSION);
        out.writeVarInt(a.signals().size());
        for (ContextSignal s : a.signals()) {
            out.writeString(s.scenarioId());
            out.writeInstant(s.time());
            out.writeString(s.who());
            out.writeString(s.api());
        }
        out.writeVarInt(a.references().size());
        for (RoleReference r : a.references()) {
            out.writeString(r.name());
            out.writeInstant(r.time());
            out.writeString(r.who());
            out.writeString(r.api());
        }
        out.writeVarInt(a.agencyIds().size());
        for (Map.Entry<String, String> id : a.agencyIds().entrySet()) {
            out.writeString(id.getKey());
            out.writeString(id.getValue());
        }
        return out.toByteArray();
    }

    public static AccountActivity decodeAccountActivity(byte[] bytes) {
        BinaryIn in = versioned(bytes, AccountActivity.class);
        int version = bytes[0] & 0xFF;
        int n = in.readCount();
        List<ContextSignal> signals = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            signals.add(new ContextSignal(in.readString(), in.readInstant(), in.readString(), in.readString()));
        }
        List<RoleReference> references = new ArrayList<>();
        Map<String, String> agencyIds = new LinkedHashMap<>();
        if (version >= 3) {
            int r = in.readCount();
            for (int i = 0; i < r; i++) {
                references.add(new RoleReference(in.readString(), in.readInstant(), in.readString(), in.readString()));
            }
            int a = in.readCount();
            for (int i = 0; i < a; i++) {
                agencyIds.put(in.readString(), in.readString());
            }
        }
        finish(in, AccountActivity.class);
        return new AccountActivity(signals, references, agencyIds);
    }

    // ---------------------------------------------------------------- inventory

    public static byte[] encode(Inventory v) {
        int docs = v.trust().size() + v.policies().values().stream().mapToInt(p -> p.versions().size()).sum();
        BinaryOut out = new BinaryOut(64 + 48 * v.attachments().size() + 1024 * docs, 16 + 4 * v.attachments().size() + 4 * docs);
        out.writeByte(VERSION);
        writeHeld(out, v.attachments());
        out.writeVarInt(v.policies().size());
        for (Map.Entry<String, Inventory.Policy> e : v.policies().entrySet()) {
            Inventory.Policy p = e.getValue();
            out.writeString(e.getKey());
            out.writeString(p.ref().type());
            out.writeString(p.ref().name());
            out.writeString(p.ref().id());
            out.writeString(p.defaultVersion());
            out.writeSignedVarLong(p.at());
            out.writeVarInt(p.versions().size());
            for (Map.Entry<String, Inventory.Doc> d : p.versions().entrySet()) {
                out.writeString(d.getKey());
                writeDoc(out, d.getValue());
            }
        }
        out.writeVarInt(v.trust().size());
        for (Map.Entry<String, Inventory.Doc> t : v.trust().entrySet()) {
            out.writeString(t.getKey());
            writeDoc(out, t.getValue());
        }
        writeHeld(out, v.groups());
        out.writeVarInt(v.aliases().size());
        for (Map.Entry<String, String> a : v.aliases().entrySet()) {
            out.writeString(a.getKey());
            out.writeString(a.getValue());
        }
        return out.toByteArray();
    }

    public static Inventory decodeInventory(byte[] bytes) {
        BinaryIn in = versioned(bytes, Inventory.class);
        if ((bytes[0] & 0xFF) < 4) {
            throw new IllegalArgumentException("an Inventory is written in format 4 or later, not " + (bytes[0] & 0xFF));
        }
        Map<String, Map<String, Long>> attachments = readHeld(in);
        int n = in.readCount();
        Map<String, Inventory.Policy> policies = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String key = in.readString();
            String type = in.readString();
            String name = in.readString();
            String id = in.readString();
            String def = in.readString();
            long at = in.readSignedVarLong();
            int vs = in.readCount();
            Map<String, Inventory.Doc> versions = new LinkedHashMap<>();
            for (int k = 0; k < vs; k++) {
                versions.put(in.readString(), readDoc(in));
            }
            policies.put(key, new Inventory.Policy(new PolicyRef(type, name, id), def, at, Collections.unmodifiableMap(versions)));
        }
        n = in.readCount();
        Map<String, Inventory.Doc> trust = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            trust.put(in.readString(), readDoc(in));
        }
        Map<String, Map<String, Long>> groups = readHeld(in);
        n = in.readCount();
        Map<String, String> aliases = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            aliases.put(in.readString(), in.readString());
        }
        finish(in, Inventory.class);
        return new Inventory(frozen(attachments), frozen(policies), frozen(trust), frozen(groups), frozen(aliases));
    }

    private static <K, V> Map<K, V> frozen(Map<K, V> m) {
        return Collections.unmodifiableMap(m);
    }

    private static void writeHeld(BinaryOut out, Map<String, Map<String, Long>> held) {
        out.writeVarInt(held.size());
        for (Map.Entry<String, Map<String, Long>> h : held.entrySet()) {
            out.writeString(h.getKey());
            out.writeVarInt(h.getValue().size());
            for (Map.Entry<String, Long> e : h.getValue().entrySet()) {
                out.writeString(e.getKey());
                out.writeSignedVarLong(e.getValue());
            }
        }
    }

    private static Map<String, Map<String, Long>> readHeld(BinaryIn in) {
        int n = in.readCount();
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String key = in.readString();
            int m = in.readCount();
            Map<String, Long> held = new LinkedHashMap<>();
            for (int k = 0; k < m; k++) {
                held.put(in.readString(), in.readSignedVarLong());
            }
            out.put(key, Collections.unmodifiableMap(held));
        }
        return out;
    }

    private static void writeDoc(BinaryOut out, Inventory.Doc d) {
        out.writeString(d.document().toString());
        out.writeSignedVarLong(d.at());
    }

    private static Inventory.Doc readDoc(BinaryIn in) {
        String text = in.readString();
        try {
            return new Inventory.Doc(Json.wire().readTree(text), in.readSignedVarLong());
        } catch (IOException e) {
            throw new IllegalArgumentException("an inventory document is not JSON: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- open findings

    public static byte[] encode(Finding f) {
        BinaryOut out = new BinaryOut(512 + 256 * f.missing().size() + 128 * f.ranking().size(),
                32 + 6 * f.missing().size() + 4 * f.ranking().size());
        out.writeByte(VERSION);
        out.writeString(f.id());
        out.writeEnum(f.kind());
        out.writeEnum(f.status());
        out.writeEnum(f.cloud());
        writePrincipal(out, f.principal());
        out.writeString(f.scenarioId());
        out.writeString(f.scenarioTitle());
        out.writeVarInt(f.missing().size());
        for (MissingGrant m : f.missing()) {
            if (out.writePresence(m)) {
                writeGrant(out, m.grant());
                out.writeEnum(m.certainty());
                out.writeString(m.holder() == null ? null : m.holder().name());
                out.writeString(m.requirementId());
                out.writeString(m.reason());
                out.writeString(m.systemPolicy());
                if (out.writePresence(m.citation())) {
                    out.writeString(m.citation().seed());
                    out.writeString(m.citation().section());
                    out.writeString(m.citation().url());
                    out.writeString(m.citation().kind().name());
                }
            }
        }
        out.writeDouble(f.confidence());
        out.writeVarInt(f.ranking().size());
        for (ScenarioCandidate c : f.ranking()) {
            if (out.writePresence(c)) {
                out.writeString(c.scenarioId());
                out.writeDouble(c.score());
                writeStrings(out, c.reasons());
            }
        }
        Evidence e = f.evidence();
        if (out.writePresence(e)) {
            writeStrings(out, e.eventIds());
            out.writeInstant(e.firstSeen());
            out.writeInstant(e.lastSeen());
            out.writeSignedVarLong(e.count());
            out.writeString(e.service());
            out.writeString(e.api());
            out.writeString(e.deniedAction());
            out.writeString(e.resource());
            out.writeString(e.errorCode());
            out.writeString(e.errorMessage());
        }
        if (out.writePresence(f.change())) {
            writeChange(out, f.change());
        }
        out.writeString(f.catalogVersion());
        out.writeInstant(f.resolvedAt());
        if (out.writePresence(f.timeToGrant())) {
            out.writeSignedVarLong(f.timeToGrant().getSeconds());
            out.writeVarInt(f.timeToGrant().getNano());
        }
        out.writeInstant(f.updatedAt());
        out.writeVarInt(f.knownDenies().size());
        for (KnownDeny d : f.knownDenies()) {
            out.writeString(d.policy());
            out.writeString(d.policyType());
            out.writeString(d.policyId());
            out.writeString(d.version());
            out.writeString(d.via());
            out.writeString(d.sid());
            out.writeVarInt(d.index());
            out.writeString(d.statement());
            out.writeString(d.language());
            out.writeByte((d.conditional() ? 1 : 0) | (d.matched() ? 2 : 0));
        }
        out.writeVarInt(f.excess().size());
        for (Excess x : f.excess()) {
            out.writeString(x.policy());
            out.writeString(x.via());
            writeStrings(out, x.actions());
        }
        return out.toByteArray();
    }

    /** Reads the binary form, versions 1 to {@value #VERSION}. */
    public static Finding decodeFinding(byte[] bytes) {
        BinaryIn in = versioned(bytes, Finding.class);
        int version = bytes[0] & 0xFF;
        String id = in.readString();
        FindingKind kind = in.readEnum(KINDS);
        FindingStatus status = in.readEnum(STATUSES);
        Cloud cloud = in.readEnum(CLOUDS);
        Principal principal = readPrincipal(in);
        String scenarioId = in.readString();
        String scenarioTitle = in.readString();
        int n = in.readCount();
        List<MissingGrant> missing = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (!in.readPresence()) {
                missing.add(null);
                continue;
            }
            Grant grant = readGrant(in);
            Certainty certainty = in.readEnum(CERTAINTIES);
            String holderName = in.readString();
            // written as the holder's name in every version (a String field before the enum): read old states the same way
            Holder holder = holderName == null ? null : Holder.valueOf(holderName.toUpperCase(Locale.ROOT));
            String requirementId = in.readString();
            String reason = in.readString();
            String systemPolicy = in.readString();
            Citation citation = in.readPresence() ? new Citation(in.readString(), in.readString(), in.readString(),
                    version >= 2 ? CitationKind.valueOf(in.readString()) : null) : null;
            missing.add(new MissingGrant(grant, certainty, holder, requirementId, reason, systemPolicy, citation));
        }
        double confidence = in.readDouble();
        n = in.readCount();
        List<ScenarioCandidate> ranking = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ranking.add(in.readPresence() ? new ScenarioCandidate(in.readString(), in.readDouble(), readStrings(in)) : null);
        }
        Evidence evidence = in.readPresence() ? new Evidence(readStrings(in), in.readInstant(), in.readInstant(), in.readSignedVarLong(),
                in.readString(), in.readString(), in.readString(), in.readString(), in.readString(), in.readString()) : null;
        IamChange change = in.readPresence() ? readChange(in) : null;
        String catalogVersion = in.readString();
        Instant resolvedAt = in.readInstant();
        Duration timeToGrant = in.readPresence() ? Duration.ofSeconds(in.readSignedVarLong(), in.readVarInt()) : null;
        Instant updatedAt = in.readInstant();
        List<KnownDeny> denies = new ArrayList<>();
        if (version >= 4) {
            int d = in.readCount();
            for (int i = 0; i < d; i++) {
                String policy = in.readString();
                String type = in.readString();
                String policyId = in.readString();
                String v = in.readString();
                String via = in.readString();
                String sid = in.readString();
                int index = in.readVarInt();
                String statement = in.readString();
                String language = in.readString();
                int flags = in.readByte();
                denies.add(new KnownDeny(policy, type, policyId, v, via, sid, index, statement, language, (flags & 1) != 0, (flags & 2) != 0));
            }
        }
        List<Excess> excess = new ArrayList<>();
        if (version >= 5) {
            int x = in.readCount();
            for (int i = 0; i < x; i++) {
                excess.add(new Excess(in.readString(), in.readString(), readStrings(in)));
            }
        }
        finish(in, Finding.class);
        return new Finding(id, kind, status, cloud, principal, scenarioId, scenarioTitle, missing, confidence, ranking, evidence, change,
                catalogVersion, resolvedAt, timeToGrant, updatedAt, denies, excess);
    }

    private static void writeGrant(BinaryOut out, Grant g) {
        if (out.writePresence(g)) {
            out.writeEnum(g.type());
            out.writeString(g.value());
            out.writeString(g.resource());
        }
    }

    private static Grant readGrant(BinaryIn in) {
        return in.readPresence() ? new Grant(in.readEnum(GRANT_TYPES), in.readString(), in.readString()) : null;
    }

    private static void writeStrings(BinaryOut out, List<String> strings) {
        out.writeVarInt(strings.size());
        for (String v : strings) {
            out.writeString(v);
        }
    }

    private static List<String> readStrings(BinaryIn in) {
        int n = in.readCount();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(in.readString());
        }
        return out;
    }

    // ---------------------------------------------------------------- framing

    private static BinaryIn versioned(byte[] bytes, Class<?> type) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty " + type.getSimpleName());
        }
        int version = bytes[0] & 0xFF;
        if (version < 1 || version > VERSION) {
            throw new IllegalArgumentException("unknown " + type.getSimpleName() + " format version " + version
                    + " (this detector reads versions 1-" + VERSION + ")");
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
        private final Function<T, byte[]> encoder;
        private final Function<byte[], T> decoder;

        BinarySerde(Class<T> type, Function<T, byte[]> encoder, Function<byte[], T> decoder) {
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
