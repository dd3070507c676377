package io.grantwatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.ingest.Fixtures;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.PrincipalType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Golden tests: one fixture per ActionTrail shape and trap, asserting the normalized fields. */
class AlibabaShapesTest {

    @Test
    void shouldNormalizeAssumedRoleWhenSingleEventWithStringVersionAndEmptyErrorCode() {
        AuditEvent e = Fixtures.read("alibaba/single-assumed-role.json").only();
        assertThat(e.cloud()).isEqualTo(Cloud.ALIBABA);
        assertThat(e.eventId()).isEqualTo("at-assumed-1");
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2021-01-01T00:00:00Z"));
        assertThat(e.outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(e.errorCode()).isNull();
        assertThat(e.service()).isEqualTo("Actiontrail");
        assertThat(e.action()).isEqualTo("LookupEvents");
        assertThat(e.region()).isEqualTo("cn-hangzhou");
        assertThat(e.principal().type()).isEqualTo(PrincipalType.ASSUMED_ROLE);
        assertThat(e.principal().roleName()).isEqualTo("custom-role-for-actiontrail");
        assertThat(e.principal().sessionName()).isEqualTo("u1");
        assertThat(e.principal().issuer()).isEqualTo("1754986938260001");
        assertThat(e.principal().accountId()).isEqualTo("1594986938260001");
        assertThat(e.principal().accessKeyId()).isEqualTo("STS.****");
        assertThat(e.parameters()).containsEntry("LookupAttribute.1.Key", "EventRW");
    }

    @Test
    void shouldNameTheOssActionAndObjectWhenOssRefusesWithoutNamingThem() {
        Map<String, AuditEvent> byId = Fixtures.read("alibaba/oss-acl-denied.json").byId();
        AuditEvent object = byId.get("oss-acl-1");
        assertThat(object.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(object.iamAction()).isEqualTo("oss:GetObject");
        assertThat(object.resource()).isEqualTo("acs:oss:*:1939427730185516:pai-train-bj/datasets/2026/ctr/part-00017.parquet");
        AuditEvent bucket = byId.get("oss-acl-2");
        assertThat(bucket.iamAction()).as("GetBucket is ListObjects in RAM").isEqualTo("oss:ListObjects");
        assertThat(bucket.resource()).isEqualTo("acs:oss:*:1939427730185516:ml-corpus-hz");
    }

    @Test
    void shouldExtractPassRoleWhenRamNoPermissionMessageNamesTheAction() {
        Map<String, AuditEvent> byId = Fixtures.read("alibaba/array-passrole-denied.json").byId();
        AuditEvent denied = byId.get("at-passrole-1");
        assertThat(denied.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(denied.iamAction()).isEqualTo("ram:PassRole");
        assertThat(denied.resource()).isEqualTo("acs:ram:*:1704000000000001:role/pai-dsw-data");
        assertThat(denied.explicitDeny()).isFalse();
        assertThat(denied.errorCode()).isEqualTo("NoPermission");
        assertThat(denied.principal().type()).isEqualTo(PrincipalType.USER);
        assertThat(denied.principal().name()).isEqualTo("bob");
        assertThat(denied.principal().accessKeyId()).isEqualTo("LTAI****");
        assertThat(denied.parameters().get("CredentialConfig")).contains("role/pai-dsw-data");
        AuditEvent ok = byId.get("at-assumerole-ok");
        assertThat(ok.outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(ok.iamAction()).isNull();
        assertThat(ok.parameters()).containsEntry("DurationSeconds", "3600");
    }

    @Test
    void shouldRejectOnlyTheBadLineWhenJsonLinesHasOne() {
        Fixtures.Read r = Fixtures.read("alibaba/jsonl-with-bad-line.jsonl");
        assertThat(r.events()).extracting(AuditEvent::eventId).containsExactly("at-jsonl-1", "at-jsonl-2");
        assertThat(r.events()).extracting(e -> e.source().position()).containsExactly(0L, 2L);
        assertThat(r.rejected()).singleElement().satisfies(rej -> {
            assertThat(rej.position()).isEqualTo(1);
            assertThat(rej.line()).isEqualTo(2);
            assertThat(rej.reason()).startsWith("unparseable JSON");
        });
        assertThat(r.byId().get("at-jsonl-2").iamAction()).isEqualTo("ram:ListUsers");
    }

    @Test
    void shouldReadEveryGoodLineWhenAJsonLinesFileStartsWithAHeaderLine() throws Exception {
        byte[] good = Files.readAllBytes(Fixtures.path("alibaba/jsonl-with-bad-line.jsonl"));
        String[] lines = new String(good, StandardCharsets.UTF_8).split("\n");
        Path f = Files.createTempFile("gw-header", ".jsonl");
        try {
            String second = Arrays.stream(lines).filter(l -> l.contains("\"at-jsonl-2\"")).findFirst().orElseThrow();
            Files.writeString(f, "# exported by a log shipper\n" + lines[0] + "\n" + second + "\n");
            Fixtures.Read r = Fixtures.read(f);
            assertThat(r.events()).extracting(AuditEvent::eventId).containsExactly("at-jsonl-1", "at-jsonl-2");
            assertThat(r.rejected()).singleElement().satisfies(rej -> assertThat(rej.line()).isEqualTo(1));
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void shouldUnwrapSlsRecordsWhenEventIsAJsonStringAndParametersDoublyStringified() {
        Map<String, AuditEvent> byId = Fixtures.read("alibaba/sls-records.json").byId();
        assertThat(byId).containsOnlyKeys("at-sls-1", "at-sls-2");
        AuditEvent attach = byId.get("at-sls-1");
        assertThat(attach.principal().type()).isEqualTo(PrincipalType.ROOT_ACCOUNT);
        assertThat(attach.parameters()).containsEntry("PolicyName", "AliyunOSSFullAccess").containsEntry("RoleName", "pai-dsw-data");
        assertThat(byId.get("at-sls-2").parameters()).containsEntry("UserName", "carol");
    }

    @Test
    void shouldUnwrapCloudEventWhenEventBridgeDelivers() {
        AuditEvent e = Fixtures.read("alibaba/eventbridge-cloudevent.json").only();
        assertThat(e.eventId()).isEqualTo("at-eb-1");
        assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(e.errorCode()).isEqualTo("Forbidden.RAM");
        assertThat(e.iamAction()).isNull();
        assertThat(e.region()).isEqualTo("cn-shanghai");
    }

    @Test
    void shouldReadEventsAndDetailStringsWhenLookupEventsResponse() {
        Fixtures.Read r = Fixtures.read("alibaba/lookupevents-response.json");
        assertThat(r.rejected()).isEmpty();
        assertThat(r.events()).extracting(AuditEvent::eventId).containsExactly("at-lookup-1", "at-lookup-2");
        assertThat(r.byId().get("at-lookup-2").outcome()).isEqualTo(Outcome.DENIED);
    }

    @Test
    void shouldReadPascalCaseKeysAndRoleFromArn() {
        AuditEvent e = Fixtures.read("alibaba/pascalcase-event.json").only();
        assertThat(e.eventId()).isEqualTo("at-pascal-1");
        assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(e.iamAction()).isEqualTo("paidlc:CreateJob");
        assertThat(e.principal().type()).isEqualTo(PrincipalType.ASSUMED_ROLE);
        assertThat(e.principal().roleName()).isEqualTo("flink-role");
        assertThat(e.principal().sessionName()).isEqualTo("flink-session");
        assertThat(e.principal().accessKeyId()).isEqualTo("TMP.****");
        assertThat(e.region()).isEqualTo("cn-beijing");
    }

    @Test
    void shouldClassifyEveryErrorFamilyWhenCorpusOfCodes() {
        Map<String, AuditEvent> e = Fixtures.read("alibaba/classification.json").byId();
        assertThat(e.get("c-oss-201")).satisfies(x -> {
            assertThat(x.outcome()).isEqualTo(Outcome.DENIED);
            assertThat(x.explicitDeny()).isTrue();
        });
        assertThat(e.get("c-oss-202").outcome()).isEqualTo(Outcome.DENIED);
        assertThat(e.get("c-oss-202").explicitDeny()).isFalse();
        assertThat(e.get("c-oss-xml").iamAction()).isEqualTo("oss:PutBucketReferer");
        assertThat(e.get("c-oss-xml").explicitDeny()).isFalse();
        assertThat(e.get("c-detail-json").iamAction()).isEqualTo("adb:DescribeExcessivePrimaryKeys");
        assertThat(e.get("c-detail-json").explicitDeny()).isTrue();
        assertThat(e.get("c-pai").iamAction()).isEqualTo("paidsw:ListInstances");
        assertThat(e.get("c-pai").resource()).isEqualTo("acs:paidsw:cn-hangzhou:1704000000000001:workspace/640957");
        assertThat(e.get("c-authn").outcome()).isEqualTo(Outcome.FAILED);
        assertThat(e.get("c-authn").errorCode()).isEqualTo("InvalidAccessKeyId.NotFound");
        assertThat(e.get("c-authn").errorMessage()).isEqualTo("Specified access key is not found.");
        assertThat(e.get("c-sig").outcome()).isEqualTo(Outcome.FAILED);
        assertThat(e.get("c-token").outcome()).isEqualTo(Outcome.FAILED);
        for (String id : new String[] {"c-forbbiden", "c-forbedden", "c-noauth", "c-authdenied", "c-ramauth",
            "c-passrolefailed", "c-assumerolefailed", "c-notauthorized", "c-nopermissions"}) {
            assertThat(e.get(id).outcome()).as(id).isEqualTo(Outcome.DENIED);
        }
        assertThat(e.get("c-other").outcome()).isEqualTo(Outcome.FAILED);
        assertThat(e.get("c-explicit-msg").explicitDeny()).isTrue();
        assertThat(e.get("c-system").principal().type()).isEqualTo(PrincipalType.SERVICE);
        assertThat(e.get("c-system").principal().name()).isEqualTo("ecs.aliyuncs.com");
        assertThat(e.get("c-root").principal().type()).isEqualTo(PrincipalType.ROOT_ACCOUNT);
        assertThat(e.get("c-numeric-code").outcome()).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void shouldInferIdentityTypeJudgeCodelessMessagesAndLookIntoWrappers() {
        Map<String, AuditEvent> e = Fixtures.read("alibaba/traps-misc.jsonl").byId();
        assertThat(e).containsOnlyKeys("m-notype", "m-signin", "m-wrapped");
        AuditEvent noType = e.get("m-notype");
        assertThat(noType.principal().type()).isEqualTo(PrincipalType.ASSUMED_ROLE);
        assertThat(noType.principal().roleName()).isEqualTo("etl-role");
        assertThat(noType.region()).isEqualTo("cn-shanghai");
        assertThat(noType.service()).isEqualTo("oss");
        AuditEvent signin = e.get("m-signin");
        assertThat(signin.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(signin.errorMessage()).isEqualTo("Password is wrong");
        assertThat(e.get("m-wrapped").action()).isEqualTo("ListUsers");
    }

    @Test
    void shouldReadGzipAndRegionFromPathWhenOssDeliveryLayout(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("bucket/AliyunLogs/Actiontrail/ap-southeast-6/2026/09/25"));
        Path gz = folder.resolve("Actiontrail_ap-southeast-6_20260925070451_1002_2_1146_abc.gz");
        String noRegion = "[{\"eventId\":\"gz-1\",\"eventName\":\"AssumeRole\",\"eventTime\":\"2026-09-25T07:04:51Z\","
                + "\"userIdentity\":{\"type\":\"system\",\"userName\":\"actiontrail.aliyuncs.com\"}},"
                + "{\"eventId\":\"gz-2\",\"eventName\":\"GetBucketLocation\",\"eventTime\":\"2026-09-25T07:04:52Z\",\"acsRegion\":\"cn-hangzhou\","
                + "\"userIdentity\":{\"type\":\"assumed-role\",\"userName\":\"aliyunserviceroleforactiontrail:actiontrail\"}}]";
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(noRegion.getBytes(StandardCharsets.UTF_8));
        }
        Fixtures.Read r = Fixtures.read(dir);
        assertThat(r.rejected()).isEmpty();
        assertThat(r.events()).extracting(AuditEvent::region).containsExactly("ap-southeast-6", "cn-hangzhou");
        assertThat(r.events()).allSatisfy(e -> assertThat(e.source().location()).isEqualTo(gz.toString()));
    }
}
