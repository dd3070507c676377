package io.grantwatch.detector;

import static io.grantwatch.detector.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.catalog.ActionPattern;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference against the real, bundled catalog: realistic single denials per seed area, and a
 * sweep over every scenario ("does one realistic denial of a scenario's own grant name that
 * scenario?"), alone and with one preceding call that signals the scenario.
 */
class RealCatalogTest {
    private static final Logger LOG = LoggerFactory.getLogger(RealCatalogTest.class);
    private static Catalog catalog;
    private static CatalogLookup lookup;

    @BeforeAll
    static void load() {
        catalog = CatalogLoader.loadBundled();
        lookup = CatalogLookup.of(catalog);
    }

    private static OfflineDetector detector() {
        return new OfflineDetector(DetectorSettings.defaults(), lookup);
    }

    private static Finding single(OfflineDetector d, FindingKind kind) {
        List<Finding> fs = d.findings().stream().filter(f -> f.kind() == kind).toList();
        assertThat(fs).hasSize(1);
        return fs.get(0);
    }

    @Test
    void shouldInferPassRoleAndTrustWhenRealDswDenialNamesPassRole() {
        OfflineDetector d = detector();
        d.accept(Events.dswPassRoleDenied(Events.ramUser("bob"), T0));
        Finding f = single(d, FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("pai.dsw-role.custom");
        assertThat(f.missing().get(0).grant().type()).isEqualTo(GrantType.PASS_ROLE);
        assertThat(f.missing().get(0).grant().resource()).endsWith("role/pai-dsw-data");
        assertThat(f.missing()).anySatisfy(m -> assertThat(m.grant()).isEqualTo(new Grant(GrantType.TRUST_PRINCIPAL, "pai.aliyuncs.com",
                "acs:ram:*:" + Events.ACCOUNT + ":role/pai-dsw-data")));
        assertThat(f.catalogVersion()).isEqualTo(catalog.version());
    }

    @Test
    void shouldNameTrustPrincipalWhenRealAssumeRoleFailedError() {
        OfflineDetector d = detector();
        d.accept(Events.event(Events.ramUser("bob"), T0, "PaiDsw", "CreateInstance", null, Outcome.DENIED, "AssumeRoleFailedError",
                "AssumeRoleFailedError", null, Map.of("CredentialConfig", "{\"RoleArn\":\"acs:ram::" + Events.ACCOUNT + ":role/ml\"}")));
        Finding f = single(d, FindingKind.MISSING_GRANT);
        assertThat(f.missing().get(0).grant().type()).isEqualTo(GrantType.TRUST_PRINCIPAL);
        assertThat(f.missing().get(0).grant().value()).isEqualTo("pai.aliyuncs.com");
        assertThat(f.missing().get(0).certainty()).isEqualTo(Certainty.CERTAIN);
    }

    @Test
    void shouldPickTrainingWhenRealCreateJobV2PrecededObsDenial() {
        OfflineDetector d = detector();
        Principal alice = Events.iamUser("alice");
        d.accept(Events.ok(alice, T0, "ModelArts", "CreateJobV2", null));
        d.accept(Events.denied(alice, T0.plusSeconds(60), "OBS", "getObject", "obs:object:GetObject", "403"));
        Finding f = single(d, FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("modelarts.training");
        assertThat(f.missing().size()).isGreaterThan(5);
    }

    @Test
    void shouldPutGrantsOnTheAgencyWhenRealAgencyIsDenied() {
        OfflineDetector d = detector();
        Principal agency = Events.agency("ma-agency");
        d.accept(Events.ok(agency, T0, "ModelArts", "ShowJobV2", "modelarts:trainJob:get"));
        d.accept(Events.denied(agency, T0.plusSeconds(30), "OBS", "getObject", "obs:object:GetObject", "403"));
        Finding f = single(d, FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).startsWith("modelarts.agency.");
        assertThat(f.missing()).allSatisfy(m -> assertThat(m.holder()).isEqualTo(Holder.AGENCY));
    }

    @Test
    void shouldSuggestTheEasPolicyWhenRealEasDenial() {
        OfflineDetector d = detector();
        d.accept(Events.denied(Events.ramUser("carol"), T0, "Eas", "CreateService", "eas:CreateService", "NoPermission"));
        Finding f = single(d, FindingKind.MISSING_GRANT);
        assertThat(f.scenarioId()).isEqualTo("pai.eas");
    }

    /** Result of the sweep: per scenario, whether one denial (alone / with one signalling call) picked it. */
    record Sweep(int scenarios, int alone, int withContext, List<String> missedWithContext, List<String> missedAlone) {
    }

    static Sweep sweep() {
        int alone = 0;
        int context = 0;
        int total = 0;
        List<String> missed = new ArrayList<>();
        List<String> missedAlone = new ArrayList<>();
        for (Scenario s : catalog.scenarios()) {
            Optional<AuditEvent> denial = realisticDenial(s);
            if (denial.isEmpty()) {
                continue;
            }
            total++;
            OfflineDetector a = detector();
            a.accept(denial.get());
            if (picked(a, s)) {
                alone++;
            } else {
                missedAlone.add(s.id() + "→" + a.findings().stream().map(Finding::scenarioId).toList());
            }
            OfflineDetector c = detector();
            signalCall(s, denial.get()).ifPresent(c::accept);
            c.accept(denial.get());
            if (picked(c, s)) {
                context++;
            } else {
                missed.add(s.id() + "→" + c.findings().stream().map(Finding::scenarioId).toList());
            }
        }
        return new Sweep(total, alone, context, missed, missedAlone);
    }

    private static boolean picked(OfflineDetector d, Scenario s) {
        return d.findings().stream().anyMatch(f -> (f.kind() == FindingKind.MISSING_GRANT) && s.id().equals(f.scenarioId()));
    }

    /** A denial of the scenario's first concrete action (or a concrete action under its first pattern), by the holder it names. */
    static Optional<AuditEvent> realisticDenial(Scenario s) {
        Requirement pick = null;
        String action = null;
        for (Requirement r : s.requirements()) {
            GrantType t = r.grant().type();
            if ((t == GrantType.ACTION || t == GrantType.AGENCY_ACTION || t == GrantType.PASS_ROLE) && !ActionPattern.isWildcard(r.grant().value())) {
                pick = r;
                action = r.grant().value();
                break;
            }
        }
        if (pick == null) {
            for (Requirement r : s.requirements()) {
                String pattern = r.grant().type() == GrantType.ACTION || r.grant().type() == GrantType.AGENCY_ACTION ? r.grant().value()
                        : r.covers().isEmpty() ? null : r.covers().get(0);
                if (pattern != null && r.phase() != io.grantwatch.model.catalog.Phase.ACTIVATION) {
                    pick = r;
                    action = pattern.replace("*", "Get");
                    break;
                }
            }
        }
        if (pick == null) {
            return Optional.empty();
        }
        Principal p = principalFor(s.cloud(), pick.holder());
        String service = action.contains(":") ? action.substring(0, action.indexOf(':')) : "svc";
        String api = action.substring(action.lastIndexOf(':') + 1);
        return Optional.of(Events.denied(p, T0.plusSeconds(60), service, api, action, s.cloud() == Cloud.HUAWEI ? "403" : "NoPermission"));
    }

    private static Principal principalFor(Cloud cloud, Holder holder) {
        if (cloud == Cloud.HUAWEI) {
            return holder == Holder.AGENCY ? Events.agency("ma-agency") : Events.iamUser("alice");
        }
        return holder == Holder.ROLE ? Events.role("pai-dsw-data") : Events.ramUser("bob");
    }

    /** One successful call that a signal of the scenario names, other than the denied call itself. */
    static Optional<AuditEvent> signalCall(Scenario s, AuditEvent denial) {
        Principal p = denial.principal();
        for (String signal : s.signals()) {
            String concrete = signal.replace("*", "Create");
            if (concrete.equalsIgnoreCase(denial.iamAction())) {
                continue;
            }
            if (concrete.contains("/")) {
                int slash = concrete.indexOf('/');
                return Optional.of(Events.ok(p, T0, concrete.substring(0, slash), concrete.substring(slash + 1), null));
            }
            String service = concrete.contains(":") ? concrete.substring(0, concrete.indexOf(':')) : "svc";
            return Optional.of(Events.ok(p, T0, service, concrete.substring(concrete.lastIndexOf(':') + 1), concrete));
        }
        return Optional.empty();
    }

    @Test
    void shouldNameTheRightScenarioForMostSeedScenariosFromOneRealisticDenial() {
        Sweep r = sweep();
        LOG.info("Real catalog {}: {} scenarios with a concrete grant; one denial alone names the right scenario for {}, "
                + "with one preceding signalling call for {}; missed with context: {}; missed alone: {}", catalog.version(), r.scenarios(),
                r.alone(), r.withContext(), r.missedWithContext(), r.missedAlone());
        assertThat(r.scenarios()).isGreaterThan(30);
        assertThat(r.withContext()).isGreaterThanOrEqualTo(r.alone());
        assertThat(r.withContext() * 10).isGreaterThanOrEqualTo(r.scenarios() * 8);
    }
}
