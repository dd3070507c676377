package io.grantwatch.alerts.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.alerts.Severity;
import io.grantwatch.alerts.TestFindings;
import io.grantwatch.alerts.dispatch.MuteRule;
import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportBuilderTest {
    private static final Instant NOW = Instant.parse("2026-11-23T00:00:00Z");
    private final MuteRules mutes = new MuteRules(List.of(
            new MuteRule("eas-owned-by-platform", null, null, List.of("pai.eas"), null, List.of("MISSING_GRANT"),
                    "platform team owns EAS", "bob", NOW.plusSeconds(86_400)),
            new MuteRule("old-sandbox", null, List.of("*zhang.wei*"), null, null, null, "sandbox", "carol", NOW.minusSeconds(60))));
    private final ReportBuilder builder = new ReportBuilder(new RemediationPlanner(), mutes);

    @Test
    void shouldCountOpenFindingsByCloudAccountScenarioAndPrincipal() {
        DriftReport r = builder.build(ReportFixtures.week(), ReportFixtures.FROM, ReportFixtures.TO, null, NOW);
        long open = r.totals().open();
        assertThat(r.openByCloud().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(open);
        assertThat(r.openByCloud()).containsKeys("alibaba", "huawei");
        assertThat(r.openByAccount()).containsKey(TestFindings.UID);
        assertThat(r.openByScenario()).containsKeys("pai.dsw.instance-role", "modelarts.training", "(unmapped)");
        assertThat(r.totals().resolved()).isEqualTo(13);
        assertThat(r.open()).hasSize((int) open);
        assertThat(r.open().get(0).severity()).isEqualTo("HIGH");
    }

    @Test
    void shouldComputeMedianAndP90TimeToGrantPerScenario() {
        DriftReport r = builder.build(ReportFixtures.week(), ReportFixtures.FROM, ReportFixtures.TO, null, NOW);
        long resolved = r.timeToGrant().stream().mapToLong(DriftReport.TimeToGrant::resolved).sum();
        assertThat(resolved).isEqualTo(13);
        // nearest rank on 1..n minutes per scenario
        assertThat(ReportBuilder.rank(List.of(60L, 120L, 180L, 240L, 300L, 360L, 420L, 480L, 540L, 600L), 0.5)).isEqualTo(300);
        assertThat(ReportBuilder.rank(List.of(60L, 120L, 180L, 240L, 300L, 360L, 420L, 480L, 540L, 600L), 0.9)).isEqualTo(540);
        assertThat(r.timeToGrant()).allSatisfy(t -> assertThat(t.p90Seconds()).isGreaterThanOrEqualTo(t.medianSeconds()));
    }

    @Test
    void shouldListBreakageWithItsIamChangeAndGapsAndNoise() {
        DriftReport r = builder.build(ReportFixtures.week(), ReportFixtures.FROM, ReportFixtures.TO, null, NOW);
        assertThat(r.predictedBreakages()).singleElement().satisfies(b -> {
            assertThat(b.change().action()).isEqualTo("DetachPolicyFromUser");
            assertThat(b.change().removed()).isEqualTo("AliyunPAIEASFullAccess");
        });
        assertThat(r.unmappedDenials()).anySatisfy(u -> assertThat(u.action()).isEqualTo("ecs:DescribeInstances"));
        assertThat(r.noisiestDenials()).isNotEmpty().hasSizeLessThanOrEqualTo(10);
        assertThat(r.noisiestDenials().get(0).events()).isGreaterThanOrEqualTo(r.noisiestDenials().get(r.noisiestDenials().size() - 1).events());
    }

    @Test
    void shouldShowMutedAndExpiredMutesWithoutHidingFindings() {
        DriftReport r = builder.build(ReportFixtures.week(), ReportFixtures.FROM, ReportFixtures.TO, null, NOW);
        assertThat(r.muted()).extracting(DriftReport.Muted::rule).contains("eas-owned-by-platform");
        assertThat(r.expiredMutes()).extracting(DriftReport.Muted::rule).contains("old-sandbox");
        assertThat(r.open()).anySatisfy(i -> assertThat(i.mutedBy()).isEqualTo("eas-owned-by-platform"));
        assertThat(r.totals().muted()).isEqualTo(r.muted().size());
    }

    @Test
    void shouldReportNewResolvedAndRegressedAgainstPreviousReport() {
        Finding pass = TestFindings.passRole();
        Finding oss = TestFindings.ossGetObject();
        Finding eas = TestFindings.easFullAccess();
        Map<String, String> baseline = new HashMap<>();
        baseline.put(pass.id(), "OPEN");
        baseline.put(oss.id(), "RESOLVED");
        Finding passResolved = ReportFixtures.resolved(pass, Duration.ofMinutes(5));
        DriftReport r = builder.build(List.of(passResolved, oss, eas), null, NOW, baseline, NOW);
        assertThat(r.resolvedSinceLast()).extracting(DriftReport.Item::id).containsExactly(pass.id());
        assertThat(r.regressedSinceLast()).extracting(DriftReport.Item::id).containsExactly(oss.id());
        assertThat(r.newSinceLast()).extracting(DriftReport.Item::id).containsExactly(eas.id());
        assertThat(r.states()).containsEntry(pass.id(), FindingStatus.RESOLVED.name());
        // the next report compares against this one's states
        DriftReport next = builder.build(List.of(passResolved, oss, eas), null, NOW, r.states(), NOW);
        assertThat(next.newSinceLast()).isEmpty();
        assertThat(next.regressedSinceLast()).isEmpty();
    }

    @Test
    void shouldDrawTrendOneDayPerPointWithOpenAtEnd() {
        DriftReport r = builder.build(ReportFixtures.week(), ReportFixtures.FROM, ReportFixtures.TO, null, NOW);
        assertThat(r.trend()).hasSize(8);
        assertThat(r.trend().get(r.trend().size() - 1).openAtEnd()).isEqualTo(r.totals().open());
        long opened = r.trend().stream().mapToLong(DriftReport.TrendPoint::opened).sum();
        assertThat(opened).isEqualTo(r.totals().findings());
    }

    @Test
    void shouldListEverySectionWorstFirstAndSayWhatNewIsMeasuredAgainst() {
        DriftReport first = builder.build(ReportFixtures.week(), ReportFixtures.FROM, ReportFixtures.TO, null, NOW);
        for (List<DriftReport.Item> section : List.of(first.newSinceLast(), first.resolvedSinceLast(), first.open())) {
            assertThat(section).extracting(i -> Severity.valueOf(i.severity())).isSortedAccordingTo(Comparator.reverseOrder());
        }
        // the fixture mixes severities, so the order is really tested
        assertThat(first.newSinceLast().stream().map(DriftReport.Item::severity).distinct().count()).isGreaterThan(1);
        assertThat(ReportRenderer.markdown(first)).contains("no previous report to compare with")
                .doesNotContain("compared with period");
        DriftReport next = builder.build(ReportFixtures.week(), ReportFixtures.FROM, ReportFixtures.TO, first.states(), NOW);
        assertThat(ReportRenderer.html(next)).contains("compared with the previous report");
        assertThat(ReportRenderer.markdown(first)).contains(first.newSinceLast().get(0).id());
    }

    @Test
    void shouldMarkAFindingMutedInTheConsoleAsMutedAtTheReportsTime() {
        Finding pass = TestFindings.passRole();
        MuteRule console = new MuteRule("console:" + pass.id(), null, null, null, null, null, "known, fixed next sprint", "ops",
                NOW.plusSeconds(3600), List.of(pass.id()));
        ReportBuilder withConsole = new ReportBuilder(new RemediationPlanner(), mutes, at -> at.isBefore(console.expires())
                ? List.of(console) : List.of());

        DriftReport r = withConsole.build(List.of(pass), null, NOW, null, NOW);
        assertThat(r.muted()).extracting(DriftReport.Muted::rule).containsExactly(console.id());
        assertThat(r.open()).singleElement().satisfies(i -> assertThat(i.mutedBy()).isEqualTo(console.id()));
        // an hour later the console's mute has expired: the finding is open and unmuted again
        DriftReport later = withConsole.build(List.of(pass), null, NOW.plusSeconds(7200), null, NOW.plusSeconds(7200));
        assertThat(later.muted()).isEmpty();
    }
}
