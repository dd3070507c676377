package io.grantwatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.Outcome;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimesAndClassifierTest {

    @ParameterizedTest
    @CsvSource({
        "2021-01-01T00:00:00Z, 2021-01-01T00:00:00Z",
        "2021-01-01T08:00:00+08:00, 2021-01-01T00:00:00Z",
        "2016-12-16T07:27Z, 2016-12-16T07:27:00Z",
        "2016/12/08 11:07:28 GMT+08:00, 2016-12-08T03:07:28Z",
        "12/01/2016 11:07:28 GMT+08:00, 2016-12-01T03:07:28Z",
        "2017-02-15 14:12:15 GMT+08:00, 2017-02-15T06:12:15Z",
        "2017-02-15 14:12:15, 2017-02-15T14:12:15Z",
        "1529996047, 2018-06-26T06:54:07Z",
        "1765788999507, 2025-12-15T08:56:39.507Z",
        "1765788999507000, 2025-12-15T08:56:39.507Z",
    })
    void shouldParseEveryTimeForm(String in, String expected) {
        assertThat(Times.parse(in)).isEqualTo(Instant.parse(expected));
    }

    @Test
    void shouldReadTheActionAndResourceWhenSimpleLogServiceWritesThemInLowerCase() {
        Classifier.Denial d = Classifier.extract("denied by sts or ram, action: log:GetLogStoreLogs, resource: "
                + "acs:log:cn-shenzhen:1460285539903127:project/eas-log-sz/logstore/ocr_invoice_sz", null, null, null);
        assertThat(d.iamAction()).isEqualTo("log:GetLogStoreLogs");
        assertThat(d.resource()).isEqualTo("acs:log:cn-shenzhen:1460285539903127:project/eas-log-sz/logstore/ocr_invoice_sz");
    }

    @Test
    void shouldReadUtcTimesOnTheFastPathExactlyAsInstantParse() {
        Random random = new Random(8);
        for (int i = 0; i < 20_000; i++) {
            // whole seconds, millis, micros and nanos: Instant.toString prints 0, 3, 6 or 9 fraction digits
            long nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000L;
                case 2 -> random.nextInt(1_000_000) * 1_000L;
                default -> random.nextInt(1_000_000_000);
            };
            String t = Instant.ofEpochSecond(random.nextLong(0, 253_402_300_799L), nanos).toString();
            assertThat(Times.utcSeconds(t)).as(t).isEqualTo(Instant.parse(t));
        }
        for (String t : new String[] {"2021-01-01T00:00:00.5Z", "2021-01-01T00:00:00.12Z", "2021-01-01T00:00:00.1234Z",
                "2021-01-01T00:00:00.123456789Z"}) {
            assertThat(Times.utcSeconds(t)).as(t).isEqualTo(Instant.parse(t));
        }
        for (String odd : new String[] {"2021-02-29T00:00:00Z", "2021-13-01T00:00:00Z", "2021-01-01T24:00:00Z",
                "2021-01-01T23:59:60Z", "2021-01-01T00:00:00.Z", "2021-01-01T00:00:00.1234567890Z", "2021-01-01T00:00:00,5Z",
                "2021-01-01T00:00:00.-5Z", "2021-01-01 00:00:00Z", "2021-01-01T00:00:0xZ", "+2021-01-01T00:00Z"}) {
            assertThat(Times.utcSeconds(odd)).as(odd).isNull();
        }
        assertThat(Times.parse("2021-01-01T23:59:60Z")).isEqualTo(Instant.parse("2021-01-01T23:59:60Z"));
        assertThat(Times.parse("2024-02-29T12:34:56Z")).isEqualTo(Instant.parse("2024-02-29T12:34:56Z"));
    }

    @Test
    void shouldReturnNullForGarbageTime() {
        assertThat(Times.parse("…")).isNull();
        assertThat(Times.parse("")).isNull();
    }

    @ParameterizedTest
    @CsvSource({
        "NoPermission, DENIED", "NoPermission.Foo, DENIED", "Forbidden.RAM, DENIED", "Forbbiden.NotAdminUser, DENIED",
        "Forbedden.NotSupportRAM, DENIED", "NotAuthorized, DENIED", "AccessDenied, DENIED", "NoPermissionError, DENIED",
        "RamAuthError, DENIED", "PassRoleFailedError, DENIED", "AssumeRoleFailedError, DENIED",
        "Auth.AccessDenied.WorkSpace, DENIED", "CCAI.TenantPermission.NoAuth, DENIED", "Forbidden.NoUserAuthorization, DENIED",
        "Foo.Unauthorized, DENIED", "X.PermissionDenied, DENIED",
        "InvalidAccessKeyId.NotFound, FAILED", "InvalidAccessKeyId, FAILED", "SignatureDoesNotMatch, FAILED",
        "InvalidSecurityToken.Expired, FAILED", "InvalidAuthorization, FAILED",
        "Throttling, FAILED", "InvalidParameter, FAILED", "ForbiddenWords, FAILED",
    })
    void shouldClassifyAlibabaCodes(String code, Outcome expected) {
        assertThat(Classifier.alibabaOutcome(code, "")).isEqualTo(expected);
    }

    @Test
    void shouldClassifyHuaweiByCodeRatingAndMessage() {
        assertThat(Classifier.huaweiOutcome(403, "warning", null, null)).isEqualTo(Outcome.DENIED);
        assertThat(Classifier.huaweiOutcome(200, "warning", "VPC.0514", "Update port fail.")).isEqualTo(Outcome.FAILED);
        assertThat(Classifier.huaweiOutcome(200, "normal", null, null)).isEqualTo(Outcome.ALLOWED);
        assertThat(Classifier.huaweiOutcome(401, "warning", "APIGW.0301", "Incorrect IAM authentication information")).isEqualTo(Outcome.FAILED);
        assertThat(Classifier.huaweiOutcome(null, "warning", "IAM.0001", "Forbidden operation")).isEqualTo(Outcome.DENIED);
        assertThat(Classifier.huaweiOutcome(500, "normal", null, null)).isEqualTo(Outcome.FAILED);
        assertThat(Classifier.huaweiOutcome(0, "incident", null, "node failure")).isEqualTo(Outcome.FAILED);
    }

    @Test
    void shouldExtractEveryDocumentedMessageForm() {
        assertThat(Classifier.extract("You are not authorized to do this action. Resource: acs:ram:*:1:role/* Action: ram:CreateRole"))
                .isEqualTo(new Classifier.Denial("ram:CreateRole", "acs:ram:*:1:role/*", false));
        assertThat(Classifier.extract("<Error><AccessDeniedDetail><AuthAction>oss:PutBucketReferer</AuthAction></AccessDeniedDetail></Error>")
                .iamAction())
                .isEqualTo("oss:PutBucketReferer");
        assertThat(Classifier.extract("{\"authAction\":\"agentrun:CreateAgent\",\"noPermissionType\":\"ExplicitDeny\"}"))
                .isEqualTo(new Classifier.Denial("agentrun:CreateAgent", null, true));
        assertThat(Classifier.extract("No permission ListInstances for resource: acs:paidsw:cn-hangzhou:1:workspace/6").iamAction())
                .isEqualTo("paidsw:ListInstances");
        assertThat(Classifier.extract("User: a is not authorized to perform action ecs:cloudServers:get on resource ecs:cn-north-5:1:instance:2 "
                + "because no identity-based policy allows the ecs:cloudServers:get action."))
                .isEqualTo(new Classifier.Denial("ecs:cloudServers:get", "ecs:cn-north-5:1:instance:2", false));
        assertThat(Classifier.extract("policy doesn't allow ecs:cloudServers:list").iamAction()).isEqualTo("ecs:cloudServers:list");
        assertThat(Classifier.extract("user access denied.checkCustomerPermission,correct permission code is billing:order:view").iamAction())
                .isEqualTo("billing:order:view");
        assertThat(Classifier.extract("You are not authorized to do this action.")).isEqualTo(Classifier.Denial.NONE);
        assertThat(Classifier.extract("You are not authorized. Action: ram:PassRole Resource: acs:ram::1:role/r."))
                .isEqualTo(new Classifier.Denial("ram:PassRole", "acs:ram::1:role/r", false));
        assertThat(Classifier.extract("User: a is not authorized to perform the action: obs:bucket:ListBucket").iamAction())
                .isEqualTo("obs:bucket:ListBucket");
    }
}
