package io.grantwatch.alerts.report;

import io.grantwatch.alerts.TestFindings;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A week of findings: open ones, resolved ones with known times to grant, a drift, a gap, a hostile one. */
final class ReportFixtures {
    static final Instant FROM = Instant.parse("2026-11-16T00:00:00Z");
    static final Instant TO = Instant.parse("2026-11-23T00:00:00Z");

    private ReportFixtures() {
    }

    static Finding resolved(Finding f, Duration ttg) {
        Instant first = f.evidence() == null ? f.updatedAt() : f.evidence().firstSeen();
        return new Finding(f.id(), f.kind(), FindingStatus.RESOLVED, f.cloud(), f.principal(), f.scenarioId(), f.scenarioTitle(),
                f.missing(), f.confidence(), f.ranking(), f.evidence(), f.change(), f.catalogVersion(), first.plus(ttg), ttg,
                first.plus(ttg));
    }

    static List<Finding> week() {
        List<Finding> out = new ArrayList<>(TestFindings.all());
        List<Finding> many = TestFindings.many(26);
        // 13 resolved DSW/PAI findings with times to grant 1..13 minutes
        for (int i = 13; i < 26; i++) {
            out.add(resolved(many.get(i), Duration.ofMinutes(i - 12)));
        }
        out.add(TestFindings.hostile(Cloud.ALIBABA));
        out.add(TestFindings.hostile(Cloud.HUAWEI));
        return out;
    }
}
