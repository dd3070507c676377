package io.grantwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drift and regression on realistic trails (records in the vendors' formats, parsed by ingest) against the
 * bundled catalog: what an operator's trail looks like, not what the unit tests' builders produce.
 */
class DriftTrailsTest {
    private static CatalogLookup catalog;

    @BeforeAll
    static void load() {
        catalog = CatalogLookup.of(CatalogLoader.loadBundled());
    }

    /** Every finding version emitted while the trail is fed in order. */
    private static List<Finding> run(String fixture) {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        List<Finding> out = new ArrayList<>();
        for (AuditEvent e : Trails.load(fixture)) {
            out.addAll(d.accept(e));
        }
        return out;
    }

    private static List<Finding> ofKind(List<Finding> fs, FindingKind kind) {
        return fs.stream().filter(f -> f.kind() == kind).toList();
    }

    // ------------------------------------------------------------ (e) regression of a RAM user's call

    @Test
    void shouldCallItARegressionWhenARamUsersDlcCallThatSucceededIsDeniedFifteenMinutesLater() {
        List<Finding> out = run("alibaba/regression-dlc-getjob-denied-after-success.json");

        assertThat(ofKind(out, FindingKind.MISSING_GRANT)).isEmpty();
        assertThat(ofKind(out, FindingKind.REGRESSION)).singleElement().satisfies(f -> {
            assertThat(f.principal().name()).isEqualTo("li.qiang");
            assertThat(f.missing().get(0).grant().value()).isEqualTo("paidlc:GetJob");
            assertThat(f.missing().get(0).reason()).contains("succeeded for this principal at 2026-03-12T06:00:12Z");
            assertThat(f.change()).isNull();
        });
    }

    @Test
    void shouldLinkTheRegressionToThePolicyDetachedBetweenTheSuccessAndTheDenial() {
        List<Finding> out = run("alibaba/regression-dlc-getjob-denied-after-detach.json");

        assertThat(ofKind(out, FindingKind.REGRESSION)).singleElement().satisfies(f -> {
            assertThat(f.change()).isNotNull();
            assertThat(f.change().action()).isEqualTo("DetachPolicyFromUser");
            assertThat(f.change().actor()).isEqualTo("ram-admin");
            assertThat(f.change().removed()).isEqualTo("dlc-job-viewer");
            assertThat(f.missing().get(0).reason()).contains("DetachPolicyFromUser by ram-admin at 2026-03-12T06:08:27Z");
        });
    }
}
