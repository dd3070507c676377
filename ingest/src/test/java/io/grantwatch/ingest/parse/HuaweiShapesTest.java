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
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Golden tests: one fixture per CTS shape and trap, asserting the normalized fields. */
class HuaweiShapesTest {

    @Test
    void shouldNameTheObsActionWhenADataTraceRefusesWithABare403() {
        AuditEvent e = Fixtures.read("huawei/obs-data-403.json").only();
        assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(e.iamAction()).isEqualTo("obs:object:GetObject");
        assertThat(e.resource()).isEqualTo("train-bucket/datasets/2026/imagenet/shard-00001/part-0001.tar");
        assertThat(ObsEvents.action("listObjects")).isEqualTo("obs:bucket:ListBucket");
        assertThat(ObsEvents.action("PutBucketPolicy")).isEqualTo("obs:bucket:PutBucketPolicy");
        assertThat(ObsEvents.action("get object")).isNull();
    }

    @Test
    void shouldExtractActionAndAgencyWhenObsDataTraceDenied() {
        AuditEvent e = Fixtures.read("huawei/denied-agency-obs-getobject.json").only();
        assertThat(e.cloud()).isEqualTo(Cloud.HUAWEI);
        assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(e.iamAction()).isEqualTo("obs:object:GetObject");
        assertThat(e.resource()).isEqualTo("obs:cn-north-4:0a1b2c3d4e5f60718293a4b5c6d7e8f9:object:train-data/part-0001");
        assertThat(e.errorCode()).isEqualTo("AccessDenied");
        assertThat(e.eventType()).isEqualTo("ObsSDK");
        assertThat(e.eventTime()).isEqualTo(Instant.ofEpochMilli(1795338030000L));
        assertThat(e.principal().type()).isEqualTo(PrincipalType.ASSUMED_AGENCY);
        assertThat(e.principal().roleName()).isEqualTo("modelarts_agency");
        assertThat(e.principal().sessionName()).isEqualTo("job-7f3e");
        assertThat(e.principal().accountId()).isEqualTo("0a1b2c3d4e5f60718293a4b5c6d7e8f9");
        assertThat(e.principal().accessKeyId()).isEqualTo("HSTA****");
        assertThat(e.region()).isEqualTo("cn-north-4");
    }

    @Test
    void shouldKeepAnAgencyNameWithSlashesAndShellMetacharactersWholeAndTakeTheSessionAfterTheLastSlash() {
        // principal_urn sts::…:assumed-agency:ma;$(touch /tmp/gw-fixture/PWNED_h) `id`/sess1
        AuditEvent e = Fixtures.read("huawei/agency-session-name-with-slash.json").only();
        assertThat(e.principal().type()).isEqualTo(PrincipalType.ASSUMED_AGENCY);
        assertThat(e.principal().roleName()).isEqualTo("ma;$(touch /tmp/gw-fixture/PWNED_h) `id`");
        assertThat(e.principal().sessionName()).isEqualTo("sess1");
    }

    @Test
    void shouldMarkExplicitDenyWhenPerformColonFormAndWarningWithoutCode() {
        AuditEvent e = Fixtures.read("huawei/denied-explicit-perform-colon.json").only();
        assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(e.explicitDeny()).isTrue();
        assertThat(e.iamAction()).isEqualTo("modelarts:trainJob:create");
        assertThat(e.errorCode()).isEqualTo("ModelArts.0100");
        assertThat(e.principal().type()).isEqualTo(PrincipalType.USER);
        assertThat(e.principal().name()).isEqualTo("dave");
    }

    @Test
    void shouldDenyWhen401SaysPolicyDoesNotAllow() {
        AuditEvent e = Fixtures.read("huawei/denied-policy-doesnt-allow-401.json").only();
        assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(e.iamAction()).isEqualTo("ecs:cloudServers:list");
        assertThat(e.errorCode()).isEqualTo("EPS.0003");
    }

    @Test
    void shouldDenyWhenWarningWith200NamesCorrectPermissionCode() {
        AuditEvent e = Fixtures.read("huawei/denied-cbc-permission-code.json").only();
        assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(e.iamAction()).isEqualTo("billing:order:view");
        assertThat(e.errorCode()).isEqualTo("CBC.0151");
    }

    @Test
    void shouldFailNotDenyWhenApiGatewayAuthenticationError() {
        AuditEvent e = Fixtures.read("huawei/failed-apigw-authn-401.json").only();
        assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(e.errorCode()).isEqualTo("APIGW.0301");
        assertThat(e.errorMessage()).contains("Incorrect IAM authentication information");
    }

    @Test
    void shouldStreamTracesWhenListTracesResponse() {
        Fixtures.Read r = Fixtures.read("huawei/listtraces-v3-response.json");
        assertThat(r.rejected()).isEmpty();
        assertThat(r.events()).extracting(AuditEvent::eventId).containsExactly("hw-lt-1", "hw-lt-2");
        AuditEvent denied = r.byId().get("hw-lt-2");
        assertThat(denied.iamAction()).isEqualTo("ecs:serverKeypairs:create");
        assertThat(denied.resource()).isEqualTo("ecs:cn-north-4:0a1b2c3d4e5f60718293a4b5c6d7e8f9:keypair:dave-laptop");
        assertThat(r.byId().get("hw-lt-1").outcome()).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void shouldUnwrapTraceWhenSmnNotification() {
        AuditEvent e = Fixtures.read("huawei/smn-notification.json").only();
        assertThat(e.eventId()).isEqualTo("hw-smn-1");
        assertThat(e.action()).isEqualTo("deleteAgency");
        assertThat(e.resource()).isEqualTo("modelarts_agency");
    }

    @Test
    void shouldRejectWithReasonWhenSmnSubscriptionConfirmation() {
        Fixtures.Read r = Fixtures.read("huawei/smn-subscription-confirmation.json");
        assertThat(r.events()).isEmpty();
        assertThat(r.rejected()).singleElement().satisfies(rej -> assertThat(rej.reason()).contains("SubscriptionConfirmation"));
        assertThat(new String(r.rejected().get(0).bytes(), StandardCharsets.UTF_8)).doesNotContain("PLANTEDSUBTOKEN");
    }

    @Test
    void shouldReadFunctionGraphTriggerWithUserAsJsonStringAndEpochSeconds() {
        AuditEvent e = Fixtures.read("huawei/fg-trigger-denied.json").only();
        assertThat(e.eventTime()).isEqualTo(Instant.ofEpochSecond(1795338030L));
        assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(e.iamAction()).isEqualTo("functiongraph:function:create");
        assertThat(e.principal().name()).isEqualTo("dave");
        assertThat(e.principal().id()).isEqualTo("d1a2v3e4000000000000000000000001");
    }

    @Test
    void shouldNormalizePrincipalsAndTrapsWhenJsonLines() {
        Map<String, AuditEvent> e = Fixtures.read("huawei/jsonl-principals.jsonl").byId();
        assertThat(e.get("hw-ext-1").principal().type()).isEqualTo(PrincipalType.FEDERATED);
        assertThat(e.get("hw-ext-1").principal().issuer()).isEqualTo("idp-corp");
        assertThat(e.get("hw-null-user").principal().type()).isEqualTo(PrincipalType.SERVICE);
        assertThat(e.get("hw-null-user").sourceIp()).isNull();
        AuditEvent trailing = e.get("hw-trailing-1");
        assertThat(trailing.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(trailing.errorCode()).isEqualTo("VPC.0514");
        assertThat(trailing.eventTime()).isEqualTo(Instant.parse("2016-12-08T03:07:28Z"));
        AuditEvent dc = e.get("hw-agency-double-colon");
        assertThat(dc.principal().type()).isEqualTo(PrincipalType.ASSUMED_AGENCY);
        assertThat(dc.principal().roleName()).isEqualTo("ma_agency");
        assertThat(dc.principal().sessionName()).isEqualTo("sess-9");
    }

    @Test
    void shouldReadGzipAndRegionFromPathWhenObsTransferLayout(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("bucket/CloudTraces/cn-north-4/2026/9/5/system/ECS"));
        Path gz = folder.resolve("trail_CloudTrace_cn-north-4_2026-09-05T10-00-00Z_21d36ced8c8af71e.json.gz");
        String ndjson = "{\"trace_id\":\"obs-1\",\"trace_name\":\"createServer\",\"service_type\":\"ECS\",\"trace_rating\":\"normal\","
                + "\"time\":1757066400000,\"user\":{\"name\":\"dave\",\"domain\":{\"id\":\"d1\"}}}\n"
                + "{\"trace_id\":\"obs-2\",\"trace_name\":\"deleteServer\",\"service_type\":\"ECS\",\"trace_rating\":\"warning\",\"code\":\"403\","
                        + "\"time\":1757066400001,\"user\":{\"name\":\"dave\",\"domain\":{\"id\":\"d1\"}}}\n";
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(ndjson.getBytes(StandardCharsets.UTF_8));
        }
        Fixtures.Read r = Fixtures.read(dir);
        assertThat(r.rejected()).isEmpty();
        assertThat(r.events()).extracting(AuditEvent::region).containsOnly("cn-north-4");
        assertThat(r.events()).extracting(AuditEvent::outcome).containsExactly(Outcome.ALLOWED, Outcome.DENIED);
        assertThat(r.events().get(1).errorCode()).isEqualTo("403");
    }
}
