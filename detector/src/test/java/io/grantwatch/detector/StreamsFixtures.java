package io.grantwatch.detector;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.catalog.Catalog;
import java.time.Instant;
import java.util.Map;

/** The test catalog and event builders, for tests in other packages (topology, ITs). */
public final class StreamsFixtures {
    public static final Instant T0 = Events.T0;

    private StreamsFixtures() {
    }

    public static Catalog catalog(String version) {
        return TestCatalog.build(version);
    }

    public static Principal ramUser(String name) {
        return Events.ramUser(name);
    }

    public static Principal iamUser(String name) {
        return Events.iamUser(name);
    }

    public static Principal agency(String name) {
        return Events.agency(name);
    }

    public static AuditEvent dswPassRoleDenied(String user, Instant t) {
        return Events.dswPassRoleDenied(Events.ramUser(user), t);
    }

    /** A DSW PassRole denial of a RAM user in the given account (the detector partitions by account). */
    public static AuditEvent dswPassRoleDenied(String account, String user, Instant t) {
        return Events.dswPassRoleDenied(Principal.user(account, "2083" + Math.abs(user.hashCode()), user), t);
    }

    public static AuditEvent ok(String user, Instant t, String service, String api, String action) {
        return Events.ok(Events.ramUser(user), t, service, api, action);
    }

    public static AuditEvent denied(String user, Instant t, String service, String api, String action, String code) {
        return Events.denied(Events.ramUser(user), t, service, api, action, code);
    }

    public static AuditEvent change(String admin, Instant t, String api, Map<String, String> params) {
        return Events.iamChange(Events.ramUser(admin), t, "Ram", api, params);
    }

    public static AuditEvent event(Principal p, Instant t, String service, String api, String action, Outcome outcome, String code) {
        return Events.event(p, t, service, api, action, outcome, code, code == null ? null : "denied", null, Map.of());
    }
}
