package io.grantwatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.ingest.Fixtures;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.PrincipalType;
import io.grantwatch.model.redact.Redactor;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every published real sample (fixtures/real, copied from /work/shared/real-samples with SOURCES.md) parses as expected. */
class RealSamplesTest {

    @Test
    void shouldReadElevenSlsRecordsWithDuplicateDeliveryWhenSentinelSample() {
        Fixtures.Read r = Fixtures.read("real/alibaba/sentinel-sls-getlogs-records-array.json");
        assertThat(r.rejected()).isEmpty();
        assertThat(r.events()).hasSize(11).allSatisfy(e -> {
            assertThat(e.cloud()).isEqualTo(Cloud.ALIBABA);
            assertThat(e.outcome()).isEqualTo(Outcome.ALLOWED);
        });
        assertThat(r.events()).extracting(AuditEvent::eventId).filteredOn("DF1291C4-EC71-502A-B8A2-B25BE09D242D"::equals).hasSize(2);
        AuditEvent role = r.events().get(1);
        assertThat(role.principal().type()).isEqualTo(PrincipalType.ASSUMED_ROLE);
        assertThat(role.principal().roleName()).isEqualTo("aliyunserviceroleforactiontrail");
        assertThat(role.principal().sessionName()).isEqualTo("actiontrail");
        assertThat(role.principal().issuer()).isEqualTo("1124245511283938");
        assertThat(role.principal().accessKeyId()).isEqualTo("STS.****");
        assertThat(role.parameters()).containsEntry("Namespace", "acs_actiontrail");
        assertThat(r.events().get(0).principal().type()).isEqualTo(PrincipalType.ROOT_ACCOUNT);
        assertThat(r.events().get(0).eventTime()).isEqualTo(Instant.parse("2022-04-12T10:23:43Z"));
    }

    @Test
    void shouldParseDetailStringWhenGetAccessKeyLastUsedEventsResponse() {
        AuditEvent e = Fixtures.read("real/alibaba/openapi-meta-getaccesskeylastusedevents-response-stringified-detail.json").only();
        assertThat(e.eventId()).isEqualTo("239EB588-CD24-522E-B0B5-174A1A58****");
        assertThat(e.action()).isEqualTo("DescribeInstances");
        assertThat(e.service()).isEqualTo("Ecs");
        assertThat(e.principal().type()).isEqualTo(PrincipalType.USER);
        assertThat(e.principal().name()).isEqualTo("alice");
    }

    @Test
    void shouldRejectPlaceholderEventWithClearReasonWhenLookupEventsExample() {
        Fixtures.Read r = Fixtures.read("real/alibaba/openapi-meta-lookupevents-response-placeholder-event.json");
        assertThat(r.events()).isEmpty();
        assertThat(r.rejected()).singleElement().satisfies(rej -> {
            assertThat(rej.position()).isEqualTo(0);
            assertThat(rej.reason()).contains("not an ActionTrail event").contains("missing required fields").contains("test, test2");
        });
    }

    @Test
    void shouldReportPositionAndLineWhenListTracesV2IsMalformed() {
        Fixtures.Read r = Fixtures.read("real/huawei/otc-listtraces-v2-response-stringified-malformed.json");
        assertThat(r.events()).isEmpty();
        assertThat(r.rejected()).singleElement().satisfies(rej -> {
            assertThat(rej.position()).isEqualTo(0);
            assertThat(rej.line()).isEqualTo(17);
            assertThat(rej.reason()).startsWith("unparseable JSON").contains("line 17");
        });
    }

    @Test
    void shouldClassifyWarningWith200AsFailedWhenListTracesV3() {
        Fixtures.Read r = Fixtures.read("real/huawei/otc-listtraces-v3-response-warning.json");
        assertThat(r.events()).hasSize(2).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(e.errorCode()).isEqualTo("VPC.0514");
            assertThat(e.errorMessage()).isEqualTo("Update port fail.");
            assertThat(e.action()).isEqualTo("deleteEip");
        });
    }

    @Test
    void shouldReadBothFunctionGraphTriggersWithSecondsAndMillis() {
        AuditEvent graph = Fixtures.read("real/huawei/otc-fg-trigger-deletegraph.json").only();
        assertThat(graph.eventTime()).isEqualTo(Instant.ofEpochSecond(1529996047L));
        assertThat(graph.outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(graph.action()).isEqualTo("deleteGraph");
        AuditEvent fn = Fixtures.read("real/huawei/otc-fg-trigger-createfunction.json").only();
        assertThat(fn.eventTime()).isEqualTo(Instant.ofEpochMilli(1765788999507L));
        assertThat(fn.outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(fn.principal().accountId()).isEqualTo("e51dfca1c18747919f6c16af2721f35d");
    }

    @Test
    void shouldTreatOpServiceAsServiceCallAndParseDisplayTimes() {
        AuditEvent obj = Fixtures.read("real/huawei/otc-trace-ecs-createsingleserver-systemaction.json").only();
        assertThat(obj.eventTime()).isEqualTo(Instant.parse("2016-12-08T03:07:28Z"));
        assertThat(obj.principal().type()).isEqualTo(PrincipalType.SERVICE);
        assertThat(obj.principal().issuer()).isEqualTo("aaa");
        assertThat(obj.eventType()).isEqualTo("SystemAction");
        AuditEvent str = Fixtures.read("real/huawei/otc-trace-ecs-createsingleserver-stringified-request.json").only();
        assertThat(str.eventTime()).isEqualTo(Instant.parse("2016-12-01T03:07:28Z"));
        assertThat(str.outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(str.parameters()).containsEntry("server.flavorRef", "m1.tiny").containsEntry("server.adminPass", Redactor.MASK);
    }

    @Test
    void shouldAcceptEmptyStringRequestAndDashTimeAndPlaceholderUser() {
        AuditEvent evs = Fixtures.read("real/huawei/otc-trace-evs-deletevolume-empty-request.json").only();
        assertThat(evs.parameters()).isEmpty();
        assertThat(evs.outcome()).isEqualTo(Outcome.ALLOWED);
        AuditEvent smn = Fixtures.read("real/huawei/otc-trace-smn-deletetopic-user-string-placeholder.json").only();
        assertThat(smn.eventTime()).isEqualTo(Instant.parse("2017-02-15T06:12:15Z"));
        assertThat(smn.principal().name()).isEqualTo("xxx");
        AuditEvent as = Fixtures.read("real/huawei/otc-trace-as-createscalingpolicy-object-request.json").only();
        assertThat(as.parameters()).containsEntry("scaling_policy_name", "as-policy-oonb")
                .containsEntry("scaling_policy_action.operation", "ADD");
        assertThat(as.eventTime()).isEqualTo(Instant.parse("2016-12-15T07:27:40Z"));
    }

    @Test
    void shouldReadCurrentUserFormatWithMaskedTemporaryKey() {
        AuditEvent e = Fixtures.read("real/huawei/otcswiss-trace-ecs-createserver-v3-user.json").only();
        // the record says principal_is_root_user: "true" — the account's root user, which holds every permission
        assertThat(e.principal().type()).isEqualTo(PrincipalType.ROOT_ACCOUNT);
        assertThat(e.principal().name()).isEqualTo("IAMUserA");
        assertThat(e.principal().accessKeyId()).isEqualTo("HSTA****");
        assertThat(e.eventId()).isEqualTo("cbdd4480-2e03-11ef-82de-cf140e2a70fb");
        assertThat(e.parameters()).containsEntry("server.name", "ecs-test");
        assertThat(Fixtures.read("real/huawei/otcswiss-trace-evs-deletevolume-v3-user.json").only().action()).isEqualTo("deleteVolume");
    }

    @Test
    void shouldReadEveryRealSampleWithOnlyTheTwoKnownRejections() {
        Fixtures.Read r = Fixtures.read(Fixtures.path("real"));
        assertThat(r.events()).hasSize(23);
        // the malformed v2 response and the placeholder event; SOURCES.md beside them is documentation, skipped
        assertThat(r.rejected()).extracting(rej -> rej.source())
                .hasSize(2)
                .anyMatch(s -> s.contains("otc-listtraces-v2-response-stringified-malformed.json"))
                .anyMatch(s -> s.contains("openapi-meta-lookupevents-response-placeholder-event.json"));
    }
}
