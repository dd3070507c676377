package io.grantwatch.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.json.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FindingTest {

    /** Every component set, the lists too: a component toBuilder() forgot would come back empty or null. */
    static Finding everyComponentSet() {
        return WireRoundTripTest.finding().toBuilder().excess(List.of(new Excess("AliyunPAIFullAccess", "user", List.of("paidsw:*"))))
                .build().withKnownDenies(List.of(new KnownDeny("deny-dsw", "Custom", "p-1", "v1", null, "DenyDsw", 0,
                        "{\"Effect\":\"Deny\"}", "1", false, true)));
    }

    @Test
    void shouldKeepEveryComponentThroughToBuilder() {
        Finding f = everyComponentSet();
        assertThat(f.excess()).isNotEmpty();
        assertThat(f.knownDenies()).isNotEmpty();
        assertThat(f.toBuilder().build()).isEqualTo(f);
    }

    @Test
    void shouldResolveWithoutTouchingTheRest() {
        Finding open = everyComponentSet().toBuilder().status(FindingStatus.OPEN).resolvedAt(null).timeToGrant(null).build();
        Finding resolved = open.resolved(WireRoundTripTest.T0.plusSeconds(900), Duration.ofMinutes(15));
        assertThat(resolved.status()).isEqualTo(FindingStatus.RESOLVED);
        assertThat(resolved.resolvedAt()).isEqualTo(WireRoundTripTest.T0.plusSeconds(900));
        assertThat(resolved.updatedAt()).isEqualTo(resolved.resolvedAt());
        assertThat(resolved.toBuilder().status(FindingStatus.OPEN).resolvedAt(null).timeToGrant(null).updatedAt(open.updatedAt()).build())
                .isEqualTo(open);
    }

    @Test
    void shouldStartNewFindingsOpenWithEmptyLists() {
        Finding f = Finding.newOpen("f1", FindingKind.UNMAPPED_DENIAL, Cloud.HUAWEI, WireRoundTripTest.ALICE, WireRoundTripTest.T0).build();
        assertThat(f.open()).isTrue();
        assertThat(f.updatedAt()).isEqualTo(WireRoundTripTest.T0);
        assertThat(f.missing()).isEmpty();
        assertThat(f.knownDenies()).isEmpty();
        assertThat(f.excess()).isEmpty();
    }

    /** Holder and PolicyKind replaced strings: the JSON must read as before. */
    @Test
    void shouldWriteEnumsWithTheStringsTheyReplaced() {
        String json = new String(JsonSerde.of(Finding.class).serializer().serialize("findings", everyComponentSet()), StandardCharsets.UTF_8);
        assertThat(json).contains("\"holder\":\"USER\"");
        var doc = new PolicyDocument("p", PolicyKind.RAM_TRUST_POLICY, "r", null);
        String written = new String(JsonSerde.of(PolicyDocument.class).serializer().serialize("t", doc), StandardCharsets.UTF_8);
        assertThat(written).contains("\"kind\":\"ram-trust-policy\"");
        assertThat(JsonSerde.of(PolicyDocument.class).deserializer().deserialize("t", written.getBytes(StandardCharsets.UTF_8))).isEqualTo(doc);
    }
}
