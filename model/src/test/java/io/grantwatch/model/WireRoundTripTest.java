package io.grantwatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogArea;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.catalog.Necessity;
import io.grantwatch.model.catalog.Phase;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import io.grantwatch.model.json.JsonSerde;
import io.grantwatch.model.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireRoundTripTest {
    static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");
    static final Principal ALICE = new Principal(PrincipalType.USER, "2098", "alice", "1234", null, null, null, "LTAI****");
    static final Principal ROLE = new Principal(PrincipalType.ASSUMED_ROLE, "3001:s1", "dsw-role:s1", "1234", "dsw-role", "s1", "2098", "STS.****");

    static AuditEvent event() {
        return new AuditEvent(Cloud.ALIBABA, "ev-1", T0, ALICE, "PaiDsw", "CreateInstance", "paidsw:CreateInstance",
                "acs:paidsw:cn-hangzhou:1234:instance/*", Outcome.DENIED, false, "NoPermission", "You are not authorized",
                "203.0.113.9", "cn-hangzhou", "AliyunConsole", "ApiCall", Map.of("ProductCode", "odps"), SourceRef.file("a.json", 3));
    }

    static Finding finding() {
        Grant g = Grant.action("paidsw:CreateInstance");
        MissingGrant mg = new MissingGrant(g, Certainty.CERTAIN, Holder.USER, "pai.dsw.create", "denied", "AliyunPAIFullAccess",
                new Citation("000_35429cded2947c8d.txt", "AI開発: DSW"));
        return new Finding(FindingIds.of(FindingKind.MISSING_GRANT, Cloud.ALIBABA, ALICE, "pai.dsw", g), FindingKind.MISSING_GRANT,
                FindingStatus.RESOLVED, Cloud.ALIBABA, ALICE, "pai.dsw", "DSW", List.of(mg), 0.9,
                List.of(new ScenarioCandidate("pai.dsw", 0.9, List.of("service PaiDsw"))),
                new Evidence(List.of("ev-1"), T0, T0.plusSeconds(60), 300, "PaiDsw", "CreateInstance", "paidsw:CreateInstance", null, "NoPermission",
                        "x"),
                new IamChange("ev-0", T0, "DetachPolicyFromUser", "admin", "alice", "AliyunPAIFullAccess"),
                "2026-11-01-abc", T0.plusSeconds(600), Duration.ofMinutes(10), T0.plusSeconds(600));
    }

    @Test
    void shouldRoundTripAuditEventThroughTheTopicSerde() {
        var serde = Topics.defaults().auditEvents().valueSerde();
        byte[] bytes = serde.serializer().serialize("audit-events", event());
        assertThat(serde.deserializer().deserialize("audit-events", bytes)).isEqualTo(event());
        assertThat(new String(bytes)).contains("\"cloud\":\"alibaba\"").contains("\"outcome\":\"DENIED\"");
    }

    @Test
    void shouldRoundTripFindingWithDurationsAndNestedRecords() {
        var serde = JsonSerde.of(Finding.class);
        Finding back = serde.deserializer().deserialize("findings", serde.serializer().serialize("findings", finding()));
        assertThat(back).isEqualTo(finding());
        assertThat(back.timeToGrant()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void shouldWriteTheSchemaVersionFirstAndReadItBackStrictly() throws Exception {
        String json = io.grantwatch.model.json.Json.wire().writeValueAsString(finding());
        assertThat(json).startsWith("{\"schemaVersion\":" + Finding.SCHEMA_VERSION + ",");
        assertThat(io.grantwatch.model.json.Json.strict().readValue(json, Finding.class)).isEqualTo(finding());
    }

    @Test
    void shouldRoundTripRemediationWithPolicyDocument() {
        var doc = JsonNodeFactory.instance.objectNode().put("Version", "1");
        var r = new Remediation("f1", Cloud.HUAWEI, "grant it", List.of(new PolicyDocument("p", PolicyKind.HUAWEI_IAM_POLICY, "bob", doc)),
                List.of("ModelArts FullAccess"), List.of("hcloud IAM ..."), "resource {}", List.of("step"),
                List.of(new Citation("004", "训练管理")));
        var serde = JsonSerde.of(Remediation.class);
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", r))).isEqualTo(r);
    }

    @Test
    void shouldRoundTripCatalogThroughTopicEntries() {
        Requirement req = new Requirement("pai.dsw.nas", "NAS", Grant.systemPolicy("AliyunNASFullAccess"), List.of("nas:*"),
                Phase.USE, Necessity.REQUIRED, Holder.USER, "mount datasets", new Citation("000", "DSW"));
        Scenario s = new Scenario("pai.dsw", Cloud.ALIBABA, "pai", "DSW", "DSW", List.of("NAS"), List.of(req),
                List.of("paidsw:*"), new Citation("000", "DSW"), null);
        Catalog catalog = new Catalog("v1", List.of(new CatalogArea("pai", Cloud.ALIBABA, "PAI", "000", List.of(s),
                null, null, null, null, null)));
        var serde = Topics.defaults().catalog().valueSerde();
        List<CatalogEntry> back = catalog.toEntries().values().stream()
                .map(e -> serde.deserializer().deserialize("catalog", serde.serializer().serialize("catalog", e))).toList();
        assertThat(Catalog.fromEntries(back)).isEqualTo(catalog);
        assertThat(catalog.toEntries()).containsKeys("scenario/pai.dsw", "rules/pai", "manifest");
    }

    @Test
    void shouldThrowSerializationExceptionOnBadBytes() {
        var serde = Topics.defaults().findings().valueSerde();
        assertThatThrownBy(() -> serde.deserializer().deserialize("findings", "{not json".getBytes()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Finding").hasMessageContaining("findings");
    }

    @Test
    void shouldKeepFindingIdStableAcrossSessionsOfOneRole() {
        Principal otherSession = new Principal(PrincipalType.ASSUMED_ROLE, "3001:s2", "dsw-role:s2", "1234", "dsw-role", "s2", "2098", null);
        Grant g = Grant.action("oss:GetObject");
        assertThat(FindingIds.of(FindingKind.MISSING_GRANT, Cloud.ALIBABA, ROLE, "pai.dsw", g))
                .isEqualTo(FindingIds.of(FindingKind.MISSING_GRANT, Cloud.ALIBABA, otherSession, "pai.dsw", g))
                .isNotEqualTo(FindingIds.of(FindingKind.MISSING_GRANT, Cloud.ALIBABA, ALICE, "pai.dsw", g));
    }
}
