package io.grantwatch.testkit;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.SourceRef;
import java.time.Instant;
import java.util.Map;

/** Small, realistic AuditEvents for broker round trips. */
final class AuditEvents {
    static final Instant T0 = Instant.parse("2026-03-02T08:15:30Z");

    private AuditEvents() {
    }

    static AuditEvent alibabaDenial(int n) {
        return new AuditEvent(Cloud.ALIBABA, "ev-alibaba-" + n, T0.plusSeconds(n),
                Principal.user("1234567890123456", "2733" + n, "alice"),
                "PaiDsw", "CreateInstance", "ram:PassRole", "acs:ram::1234567890123456:role/aliyunpaidlcdefaultrole",
                Outcome.DENIED, false, "NoPermission", "You are not authorized to do this action.",
                "203.0.113.7", "cn-hangzhou", "AlibabaCloud-SDK", "ApiCall",
                Map.of("WorkspaceId", "ws-1"), SourceRef.file("actiontrail/2026/03/02/trail.json.gz", n));
    }

    static AuditEvent huaweiDenial(int n) {
        return new AuditEvent(Cloud.HUAWEI, "trace-huawei-" + n, T0.plusSeconds(n),
                Principal.user("0a1b2c3d4e", "u-" + n, "bob"),
                "ModelArts", "createTrainingJob", "modelarts:trainJob:create", null,
                Outcome.DENIED, false, "ModelArts.0203", "Insufficient permissions",
                "198.51.100.4", "cn-north-4", "console", "ConsoleAction",
                Map.of(), SourceRef.file("CloudTraces/cn-north-4/2026/03/02/ModelArts/trace.json", n));
    }
}
