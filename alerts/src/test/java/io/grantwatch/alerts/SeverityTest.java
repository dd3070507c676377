package io.grantwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.Evidence;
import io.grantwatch.model.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeverityTest {
    private static Finding withScenarioAndCount(Finding f, String scenario, long count) {
        Evidence e = f.evidence();
        Evidence ev = new Evidence(e.eventIds(), e.firstSeen(), e.lastSeen(), count, e.service(), e.api(), e.deniedAction(), e.resource(),
                e.errorCode(), e.errorMessage());
        return new Finding(f.id(), f.kind(), f.status(), f.cloud(), f.principal(), scenario, f.scenarioTitle(), f.missing(), f.confidence(),
                List.of(), ev, f.change(), f.catalogVersion(), f.resolvedAt(), f.timeToGrant(), f.updatedAt());
    }

    @Test
    void shouldRateExplicitDenyByWhatItBlocksWhenFeatureOrRepeats() {
        Finding deny = TestFindings.alibabaExplicitDeny();
        assertThat(Severity.of(withScenarioAndCount(deny, null, 1))).isEqualTo(Severity.LOW);
        assertThat(Severity.of(withScenarioAndCount(deny, "pai.dlc", 1))).isEqualTo(Severity.MEDIUM);
        assertThat(Severity.of(withScenarioAndCount(deny, null, 5))).isEqualTo(Severity.MEDIUM);
    }

    @Test
    void shouldExplainEachRatingWithTheLevelItGives() {
        Finding deny = TestFindings.alibabaExplicitDeny();
        for (Finding f : List.of(withScenarioAndCount(deny, null, 1), withScenarioAndCount(deny, "pai.dlc", 1),
                withScenarioAndCount(deny, null, 5), TestFindings.ossGetObject(), TestFindings.predictedBreakage(),
                TestFindings.unmapped(), TestFindings.agencyObs(), TestFindings.ossGetObject().resolved(deny.updatedAt(), null))) {
            String why = Severity.why(f);
            assertThat(why).as(f.kind() + " " + f.status()).startsWith(f.open() ? Severity.of(f).name() + ":" : "Resolved");
        }
    }
}
