package io.grantwatch.detector;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.PrincipalType;
import io.grantwatch.model.SourceRef;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Builders for realistic normalized audit events (the shapes ingest produces). */
final class Events {
    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    static final String ACCOUNT = "1704000000000001";
    static final String DOMAIN = "0a1b2c3d4e5f";
    private static final AtomicLong IDS = new AtomicLong();

    private Events() {
    }

    static Principal ramUser(String name) {
        return Principal.user(ACCOUNT, "2083" + Math.abs(name.hashCode()), name);
    }

    static Principal iamUser(String name) {
        return new Principal(PrincipalType.USER, "f369" + Math.abs(name.hashCode()), name, DOMAIN, null, null, null, null);
    }

    static Principal agency(String name) {
        return new Principal(PrincipalType.ASSUMED_AGENCY, "ag-1:session", "corp/" + name, DOMAIN, name, "session", null, null);
    }

    static Principal role(String name) {
        return new Principal(PrincipalType.ASSUMED_ROLE, "3943:s1", name + ":s1", ACCOUNT, name, "s1", null, null);
    }

    static AuditEvent event(Principal p, Instant t, String service, String api, String iamAction, Outcome outcome, String errorCode,
                            String errorMessage, String resource, Map<String, String> params) {
        Cloud cloud = DOMAIN.equals(p.accountId()) ? Cloud.HUAWEI : Cloud.ALIBABA;
        return new AuditEvent(cloud, "ev-" + IDS.incrementAndGet(), t, p, service, api, iamAction, resource, outcome, false,
                errorCode, errorMessage, "203.0.113.7", cloud == Cloud.HUAWEI ? "cn-north-4" : "cn-hangzhou", "test", "ApiCall", params,
                SourceRef.file("test.json", IDS.get()));
    }

    static AuditEvent ok(Principal p, Instant t, String service, String api, String iamAction) {
        return event(p, t, service, api, iamAction, Outcome.ALLOWED, null, null, null, Map.of());
    }

    static AuditEvent denied(Principal p, Instant t, String service, String api, String iamAction, String errorCode) {
        return event(p, t, service, api, iamAction, Outcome.DENIED, errorCode, "denied", null, Map.of());
    }

    static AuditEvent explicitDeny(Principal p, Instant t, String service, String api, String iamAction) {
        AuditEvent e = denied(p, t, service, api, iamAction, "NoPermission");
        return new AuditEvent(e.cloud(), e.eventId(), e.eventTime(), e.principal(), e.service(), e.action(), e.iamAction(), e.resource(),
                e.outcome(), true, e.errorCode(), "explicit deny", e.sourceIp(), e.region(), e.userAgent(), e.eventType(), e.parameters(),
                        e.source());
    }

    /** The realistic DSW denial of formats.md §1.6 (d): CreateInstance with a custom role, PassRole denied. */
    static AuditEvent dswPassRoleDenied(Principal p, Instant t) {
        return event(p, t, "PaiDsw", "CreateInstance", "ram:PassRole", Outcome.DENIED, "NoPermission",
                "You are not authorized to do this action. Resource: acs:ram:*:" + ACCOUNT + ":role/pai-dsw-data Action: ram:PassRole",
                "acs:ram:*:" + ACCOUNT + ":role/pai-dsw-data",
                Map.of("WorkspaceId", "640957", "CredentialConfig", "{\"RoleArn\":\"acs:ram::" + ACCOUNT + ":role/pai-dsw-data\"}"));
    }

    static AuditEvent iamChange(Principal admin, Instant t, String service, String api, Map<String, String> params) {
        return event(admin, t, service, api, null, Outcome.ALLOWED, null, null, null, params);
    }
}
