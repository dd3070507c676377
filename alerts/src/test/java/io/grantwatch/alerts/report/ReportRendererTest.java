package io.grantwatch.alerts.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportRendererTest {
    static final List<String> FORBIDDEN = List.of("<!channel>", "<!here>", "<https://evil|x>", "@all", "<at user_id", "<script>alert",
            "</script>alert", "\u202E", "\u0007", "\u0000", "Injected-Header: x\r");
    private static final Instant NOW = Instant.parse("2026-11-23T00:00:00Z");

    static DriftReport report() {
        return new ReportBuilder(new RemediationPlanner(), MuteRules.none()).build(ReportFixtures.week(), ReportFixtures.FROM,
                ReportFixtures.TO, null, NOW);
    }

    @Test
    void shouldNotLetInjectionSurviveWhenRenderingAnyFormat() {
        DriftReport r = report();
        for (ReportRenderer.Format f : ReportRenderer.Format.values()) {
            String out = ReportRenderer.render(r, f);
            for (String bad : FORBIDDEN) {
                assertThat(out.contains(bad)).as("%s contains %s", f, bad).isFalse();
            }
            assertThat(Pattern.compile("A{2001}").matcher(out).find()).as("%s carries the 100 KB string", f).isFalse();
        }
    }

    @Test
    void shouldBeOneSelfContainedFileWithChartJsWhenHtml() {
        String html = ReportRenderer.html(report());
        assertThat(html).startsWith("<!DOCTYPE html>").contains("Content-Security-Policy", "default-src 'none'", "new Chart(");
        assertThat(html).doesNotContain("src=\"http", "href=\"http", "<link", "sourceMappingURL");
        // exactly our three script blocks: the library, the data, the drawing
        assertThat(Pattern.compile("<script").matcher(html).results().count()).isEqualTo(3);
        assertThat(html.length()).isLessThan(600_000);
    }

    @Test
    void shouldRoundTripJsonAndWriteMarkdownTables() throws Exception {
        DriftReport r = report();
        DriftReport back = Json.wire().readValue(ReportRenderer.json(r), DriftReport.class);
        assertThat(back.totals()).isEqualTo(r.totals());
        assertThat(back.states()).hasSameSizeAs(r.states());
        String md = ReportRenderer.markdown(r);
        assertThat(md).contains("# GrantWatch drift report", "## Time to grant", "| scenario | resolved | median | p90 |",
                "## Unmapped denials (catalog gaps)", "DetachPolicyFromUser");
    }
}
