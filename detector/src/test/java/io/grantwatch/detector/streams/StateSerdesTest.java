package io.grantwatch.detector.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.detector.AccountActivity;
import io.grantwatch.detector.Activity;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.ContextSignal;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.FindingRef;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.detector.PrincipalState;
import io.grantwatch.detector.StreamsFixtures;
import io.grantwatch.detector.inventory.Inventory;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Excess;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.IamChange;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.PrincipalType;
import io.grantwatch.model.ScenarioCandidate;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class StateSerdesTest {
    private static final Instant T = Instant.parse("2026-03-02T09:00:00Z");
    private final Serde<PrincipalState> serde = StateSerdes.principalState();
    private final Serde<AccountActivity> activitySerde = StateSerdes.accountActivity();
    private final Serde<Finding> findingSerde = StateSerdes.openFinding();

    /** Every field set, odd values included: nulls, sub-millisecond and pre-1970 instants, out-of-order calls, non-ASCII text. */
    static PrincipalState everyField() {
        Principal p = new Principal(PrincipalType.ASSUMED_AGENCY, "ag-1:session", "corp/ma-agency", "0a1b2c3d", "ma-agency", "session",
                "alice@corp", "HSTS****");
        List<Activity> recent = List.of(
                new Activity(T.toEpochMilli(), "modelarts:trainjob:create", "modelarts/createtrainingjob", Outcome.ALLOWED),
                new Activity(T.toEpochMilli() - 5_000, null, "obs/getobject", Outcome.DENIED),
                new Activity(T.toEpochMilli() + 1, "modelarts:trainjob:create", "modelarts/createtrainingjob", Outcome.FAILED),
                new Activity(-86_400_000L, "oss:getobject", "oss/getobject", null));
        Map<String, Long> succeeded = new LinkedHashMap<>();
        succeeded.put("modelarts:trainjob:create", T.toEpochMilli());
        succeeded.put("obs/getobject", T.toEpochMilli() - 3_600_000);
        succeeded.put("数据集/读取", 0L);
        List<FindingRef> findings = List.of(
                new FindingRef("missing-grant-1", FindingKind.MISSING_GRANT, FindingStatus.OPEN, "modelarts.agency.training",
                        List.of("obs:object:getobject", "obs/getobject"), T, T.plusNanos(1_500), 12),
                new FindingRef("unmapped-denial-2", FindingKind.UNMAPPED_DENIAL, FindingStatus.RESOLVED, null, List.of(),
                        Instant.ofEpochSecond(-10, 7), null, 1));
        List<IamChange> changes = List.of(new IamChange("ev-9", T.minusSeconds(60), "detachAgencyPolicyV5", "admin", "agency ma-agency",
                "ModelArts CommonOperations"), new IamChange("ev-10", T, "DeleteRole", "root", "role r", null));
        return new PrincipalState("huawei:0a1b2c3d/assumed_agency/role/ma-agency", p, T.plusMillis(1), recent, succeeded, findings, changes, 3);
    }

    private PrincipalState roundTrip(PrincipalState s) {
        return serde.deserializer().deserialize("principal-state-changelog", serde.serializer().serialize("principal-state-changelog", s));
    }

    private static void assertSameState(PrincipalState actual, PrincipalState expected) {
        assertThat(actual).isEqualTo(expected);
        // Order is part of the state: oldest-first lists and the success map's insertion order.
        assertThat(new ArrayList<>(actual.succeeded().entrySet())).containsExactlyElementsOf(expected.succeeded().entrySet());
    }

    @Test
    void shouldRoundTripEveryFieldExactly() {
        PrincipalState s = everyField();
        assertSameState(roundTrip(s), s);
        PrincipalState bare = PrincipalState.empty("alibaba:1/user/bob", null);
        assertSameState(roundTrip(bare), bare);
    }

    @Test
    void shouldRoundTripTheStatesTheEngineBuildsInAFractionOfTheJsonBytes() throws Exception {
        OfflineDetector detector = new OfflineDetector(DetectorSettings.defaults(), CatalogLookup.of(StreamsFixtures.catalog("v1")));
        Set<String> keys = new LinkedHashSet<>();
        for (AuditEvent e : TestCorpus.corpus(5_000)) {
            detector.accept(e);
            keys.add(e.partitionKey());
        }
        long binary = 0;
        long json = 0;
        int withFindings = 0;
        for (String key : keys) {
            PrincipalState s = detector.state(key);
            if (s == null) {
                continue;
            }
            byte[] b = serde.serializer().serialize("t", s);
            assertSameState(serde.deserializer().deserialize("t", b), s);
            binary += b.length;
            json += Json.wire().writeValueAsBytes(s).length;
            withFindings += s.findings().isEmpty() ? 0 : 1;
        }
        assertThat(withFindings).as("states with findings exercised").isPositive();
        assertThat(binary).as("binary bytes vs JSON bytes %d", json).isLessThan(json / 3);
    }

    /** The JSON state format of the first builds was never released: it is refused like any unknown version. */
    @Test
    void shouldRefuseTheJsonFormAsAnUnknownVersion() throws Exception {
        byte[] json = Json.wire().writeValueAsBytes(everyField());
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", json))
                .isInstanceOf(SerializationException.class).hasMessageContaining("format version 123");
        byte[] finding = Json.wire().writeValueAsBytes(new Finding("explicit-deny-1", FindingKind.EXPLICIT_DENY, FindingStatus.OPEN,
                Cloud.ALIBABA, everyField().principal(), null, null, List.of(), 0.0, List.of(), null, null, "v1", null, null, T));
        assertThatThrownBy(() -> findingSerde.deserializer().deserialize("t", finding)).isInstanceOf(SerializationException.class);
        byte[] activity = Json.wire().writeValueAsBytes(new AccountActivity(List.of()));
        assertThatThrownBy(() -> activitySerde.deserializer().deserialize("t", activity)).isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldRefuseUnknownVersionsAndDamagedBytesAsSerializationErrors() {
        byte[] good = serde.serializer().serialize("t", everyField());
        byte[] future = good.clone();
        future[0] = (byte) (StateSerdes.VERSION + 1);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", future))
                .isInstanceOf(SerializationException.class).hasMessageContaining("format version");
        for (int cut : new int[] {1, good.length / 2, good.length - 1}) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> serde.deserializer().deserialize("t", truncated)).isInstanceOf(SerializationException.class);
        }
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", trailing)).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[0])).isInstanceOf(SerializationException.class);
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void shouldRoundTripAccountActivity() {
        AccountActivity a = new AccountActivity(List.of(
                new ContextSignal("modelarts.agency.training", T, "alice", "ModelArts/CreateTrainingJob"),
                new ContextSignal("pai.dsw-role.custom", T.plusNanos(5), "bob", "PaiDsw/CreateInstance"),
                new ContextSignal("modelarts.agency.training", T.plusSeconds(1), "alice", "ModelArts/CreateTrainingJob")));
        byte[] b = activitySerde.serializer().serialize("t", a);
        assertThat(activitySerde.deserializer().deserialize("t", b)).isEqualTo(a);
        assertThat(activitySerde.deserializer().deserialize("t", activitySerde.serializer().serialize("t", new AccountActivity(List.of()))))
                .isEqualTo(new AccountActivity(List.of()));
    }

    @Test
    void shouldRoundTripTheRolesRequestsNamedAndTheAgencyIdsAndReadVersion2AccountActivity() {
        AccountActivity a = new AccountActivity(
                List.of(new ContextSignal("pai.dsw-role.custom", T, "zhao.min", "PaiDsw/CreateInstance")),
                List.of(new io.grantwatch.detector.RoleReference("dsw-nb-oss-rw", T, "zhao.min", "PaiDsw/CreateInstance"),
                        new io.grantwatch.detector.RoleReference("ma-train-agency", T.plusSeconds(3), "wang.lei", "ModelArts/CreateAuthorization")),
                Map.of("4f3c9a0e7b2d4c1e9a8b6d5f3e2c1b0a", "ma-train-agency"));
        byte[] b = activitySerde.serializer().serialize("t", a);
        assertThat(activitySerde.deserializer().deserialize("t", b)).isEqualTo(a);

        // version 2 wrote the signals only: the same bytes without the two empty lists that follow them
        AccountActivity signalsOnly = new AccountActivity(a.signals());
        byte[] current = activitySerde.serializer().serialize("t", signalsOnly);
        byte[] v2 = Arrays.copyOf(current, current.length - 2);
        v2[0] = 2;
        assertThat(activitySerde.deserializer().deserialize("t", v2)).isEqualTo(signalsOnly);
    }

    @Test
    void shouldRoundTripTheFindingsTheEngineBuildsInFewerBytesThanJson() throws Exception {
        OfflineDetector detector = new OfflineDetector(DetectorSettings.defaults(), CatalogLookup.of(StreamsFixtures.catalog("v1")));
        List<Finding> all = new ArrayList<>();
        for (AuditEvent e : TestCorpus.corpus(5_000)) {
            all.addAll(detector.accept(e));
        }
        all.addAll(detector.findings());
        assertThat(all).extracting(Finding::status).contains(FindingStatus.OPEN, FindingStatus.RESOLVED);
        assertThat(all).anySatisfy(f -> assertThat(f.timeToGrant()).isNotNull());
        assertThat(all).anySatisfy(f -> assertThat(f.change()).isNotNull());
        long binary = 0;
        long json = 0;
        for (Finding f : all) {
            byte[] b = findingSerde.serializer().serialize("t", f);
            byte[] j = Json.wire().writeValueAsBytes(f);
            assertThat(findingSerde.deserializer().deserialize("t", b)).isEqualTo(f);
            binary += b.length;
            json += j.length;
        }
        assertThat(binary).as("binary bytes vs JSON bytes %d", json).isLessThan(json * 2 / 3);
    }

    @Test
    void shouldRoundTripAFindingWithEveryOptionalPartMissing() {
        Finding bare = new Finding("unmapped-denial-1", FindingKind.UNMAPPED_DENIAL, FindingStatus.OPEN, null, null, null, null,
                List.of(new MissingGrant(null, null, null, null, null, null, null)), -0.0, null, null, null, null, null, null, null);
        assertThat(findingSerde.deserializer().deserialize("t", findingSerde.serializer().serialize("t", bare))).isEqualTo(bare);
        Finding full = new Finding("missing-grant-2", FindingKind.REGRESSION, FindingStatus.RESOLVED, Cloud.HUAWEI, everyField().principal(),
                "modelarts.agency.training", "训练作业", List.of(new MissingGrant(new Grant(GrantType.AGENCY_ACTION, "obs:object:GetObject",
                        "obs:*:*:object:bucket/*"), Certainty.CERTAIN, Holder.AGENCY, "req-1", "why", "ModelArts CommonOperations",
                        new Citation("seed.md", "§2", "https://example.test/doc"))), 0.87,
                List.of(new ScenarioCandidate("modelarts.agency.training", 1.7, List.of("a", "b")), new ScenarioCandidate("x", 0.05, List.of())),
                new io.grantwatch.model.Evidence(List.of("ev-1", "ev-2"), T, T.plusNanos(3), 2, "OBS", "getObject", "obs:object:GetObject",
                        "bucket/key", "403", "Access Denied"), everyField().changes().get(0), "v1", T.plusSeconds(5),
                Duration.ofSeconds(5, 7), T.plusSeconds(5));
        assertThat(findingSerde.deserializer().deserialize("t", findingSerde.serializer().serialize("t", full))).isEqualTo(full);
    }

    /** The principal-findings format lists every component of the model's records by hand: a new one must be added there. */
    @Test
    void shouldKnowEveryComponentOfTheRecordsItWrites() {
        Map<Class<?>, Integer> written = Map.ofEntries(Map.entry(Finding.class, 18), Map.entry(MissingGrant.class, 7),
                Map.entry(Grant.class, 3), Map.entry(Citation.class, 4), Map.entry(ScenarioCandidate.class, 3),
                Map.entry(io.grantwatch.model.Evidence.class, 10), Map.entry(IamChange.class, 6), Map.entry(Principal.class, 8),
                Map.entry(PrincipalState.class, 8), Map.entry(Activity.class, 4), Map.entry(io.grantwatch.model.KnownDeny.class, 11),
                Map.entry(Inventory.class, 5), Map.entry(Inventory.Policy.class, 4), Map.entry(Inventory.Doc.class, 2));
        written.forEach((type, n) -> assertThat(type.getRecordComponents())
                .as("%s has a component StateSerdes does not write: add it to the binary format (and bump VERSION)", type.getSimpleName())
                .hasSize(n));
        assertThat(FindingRef.class.getRecordComponents()).hasSize(8);
        assertThat(ContextSignal.class.getRecordComponents()).hasSize(4);
        assertThat(AccountActivity.class.getRecordComponents()).hasSize(3);
        assertThat(io.grantwatch.detector.RoleReference.class.getRecordComponents()).hasSize(4);
    }

    private static final io.grantwatch.model.KnownDeny DENY = new io.grantwatch.model.KnownDeny("deny-dlc-job-deletes", "Custom", null, "v1",
            "group ml-researchers", "NoProdJobDeletes", 1, "{\"Effect\":\"Deny\",\"Action\":\"paidlc:DeleteJob\",\"Resource\":\"*\"}", "1",
            true, true);

    @Test
    void shouldRoundTripTheKnownDeniesOfAFindingAndReadVersion3FindingsWithoutThem() throws Exception {
        Finding plain = new Finding("explicit-deny-1", FindingKind.EXPLICIT_DENY, FindingStatus.OPEN, Cloud.ALIBABA, everyField().principal(),
                null, null, List.of(), 0.0, List.of(), null, null, "v1", null, null, T);
        Finding withDenies = plain.withKnownDenies(List.of(DENY, new io.grantwatch.model.KnownDeny("ma-deny", null, "0a1b", null, "user wang.lei",
                null, 0, "{}", "5.0", false, false)));
        assertThat(findingSerde.deserializer().deserialize("t", findingSerde.serializer().serialize("t", withDenies))).isEqualTo(withDenies);
        // JSON of a finding the inventory says nothing about is unchanged: no knownDenies field
        assertThat(Json.wire().writeValueAsString(plain)).doesNotContain("knownDenies");

        // version 3 wrote no list after updatedAt, version 4 no excess: the same bytes without the empty lists' counts
        byte[] current = findingSerde.serializer().serialize("t", plain);
        byte[] v4 = Arrays.copyOf(current, current.length - 1);
        v4[0] = 4;
        assertThat(findingSerde.deserializer().deserialize("t", v4)).isEqualTo(plain);
        byte[] v3 = Arrays.copyOf(current, current.length - 2);
        v3[0] = 3;
        assertThat(findingSerde.deserializer().deserialize("t", v3)).isEqualTo(plain);
    }

    @Test
    void shouldRoundTripTheExcessOfAnOverReachFinding() {
        Finding over = new Finding("over-reach-1", FindingKind.OVER_REACH, FindingStatus.OPEN, Cloud.HUAWEI, everyField().principal(),
                "modelarts.agency.training", "Agency: training jobs", List.of(), 0.6, List.of(), null, null, "v1", null, null, T, List.of(),
                List.of(new Excess("ma-train-broad (Custom) version v1", "agency ma-train-agency", List.of("obs:*:*", "iam:users:*"))));
        assertThat(findingSerde.deserializer().deserialize("t", findingSerde.serializer().serialize("t", over))).isEqualTo(over);
    }

    @Test
    void shouldRoundTripAnAccountInventoryWithItsDocuments() throws Exception {
        Serde<Inventory> inv = StateSerdes.inventory();
        Inventory i = Inventory.empty();
        for (io.grantwatch.model.inventory.InventoryRecord r : io.grantwatch.detector.inventory.Snapshots.read("s.jsonl", new String(
                StateSerdesTest.class.getResourceAsStream("/fixtures/alibaba/inventory-snapshot.jsonl").readAllBytes(),
                StandardCharsets.UTF_8), T, null).records()) {
            i = i.apply(r);
        }
        assertThat(i.policies()).isNotEmpty();
        byte[] b = inv.serializer().serialize("t", i);
        assertThat(b[0]).isEqualTo((byte) StateSerdes.VERSION);
        assertThat(inv.deserializer().deserialize("t", b)).isEqualTo(i);
        byte[] future = b.clone();
        future[0] = (byte) (StateSerdes.VERSION + 1);
        assertThatThrownBy(() -> inv.deserializer().deserialize("t", future)).isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldKeepEveryStringWhenTheTableOutgrowsItsEstimate() {
        BinaryOut out = new BinaryOut(16, 1);
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            String v = i % 3 == 0 ? null : "s" + (i % 1_000) + (i % 7 == 0 ? "é" : "");
            written.add(v);
            out.writeString(v);
        }
        BinaryIn in = new BinaryIn(out.toByteArray(), 0);
        for (String v : written) {
            assertThat(in.readString()).isEqualTo(v);
        }
        assertThat(in.atEnd()).isTrue();
    }
}
