package io.grantwatch.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.app.runtime.FindingsApi;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Evidence;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.IamChange;
import io.grantwatch.model.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsolePagesTest {
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00.123456789Z");
    private static final String HOSTILE = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>\u202Egnp.exe\u0007";

    @Test
    void shouldEscapeEventTextAndPrintTimesToTheSecond() {
        Finding f = FindingsViewTest.finding("x-1", FindingKind.REGRESSION, Cloud.ALIBABA, "111", HOSTILE, "pai:ListInstances", 2, NOW);
        FindingsView view = new FindingsView();

        String list = ConsolePages.list(view.select(List.of(f), FindingsView.Query.parse(Map.of()), NOW), List.of());
        String page = ConsolePages.finding(f, FindingsView.Status.OPEN, null, new RemediationPlanner().plan(f), "tok", NOW);

        for (String html : List.of(list, page)) {
            assertThat(html).doesNotContain("<script>alert", "<img src=x", "\u202E", "\u0007", ".123")
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;", "2026-12-05T10:00:00Z", "class=\"badge sev-high\">HIGH<");
        }
        assertThat(page).contains("id=\"policy-0\"", "data-copy=\"policy-0\"", "name=\"csrf\" value=\"tok\"", "Denied: pai:ListInstances",
                "<code>ev-x-1</code>", "HIGH: an action that used to succeed");
    }

    @Test
    void shouldKeepSortDirAndSizeInTheFilterFormAndWrapLongNames() {
        Finding f = FindingsViewTest.finding("x-1", FindingKind.MISSING_GRANT, Cloud.ALIBABA, "111", "u".repeat(300), "oss:GetObject", 1, NOW);
        FindingsView.Query q = FindingsView.Query.parse(Map.of("size", "5", "sort", "updated", "dir", "asc", "page", "2", "cloud", "alibaba"));

        String list = ConsolePages.list(new FindingsView().select(List.of(f), q, NOW), List.of());
        String form = list.substring(list.indexOf("<form class=\"filters\""), list.indexOf("</form>"));

        assertThat(form).contains("<input type=\"hidden\" name=\"sort\" value=\"updated\">",
                "<input type=\"hidden\" name=\"dir\" value=\"asc\">", "<input type=\"hidden\" name=\"size\" value=\"5\">")
                .doesNotContain("name=\"page\"", "type=\"hidden\" name=\"cloud\"");
        assertThat(ConsolePages.list(new FindingsView().select(List.of(f), FindingsView.Query.defaults(), NOW), List.of()))
                .doesNotContain("type=\"hidden\" name=\"sort\"");
        assertThat(list).contains("<div class=\"table-scroll\">\n<table class=\"findings\"");
    }

    @Test
    void shouldRefuseARepeatedParameterByName() {
        assertThat(FindingsApi.repeated("cloud=alibaba&cloud=huawei")).isEqualTo("cloud");
        assertThat(FindingsApi.repeated("cloud=alibaba&c%6Coud=huawei")).isEqualTo("cloud");
        assertThat(FindingsApi.repeated("cloud=alibaba&kind=regression")).isNull();
        assertThat(FindingsApi.repeated(null)).isNull();
    }

    @Test
    void shouldShowAPredictedBreakagesChangeAsAChangeNotAsADenial() {
        Instant at = Instant.parse("2026-12-05T09:00:00Z");
        Finding f = new Finding("predicted-breakage-1", FindingKind.PREDICTED_BREAKAGE, FindingStatus.OPEN, Cloud.ALIBABA,
                Principal.user("111", "id-dev", "dev"), "pai.dsw", "DSW", List.of(), 0.8, List.of(),
                new Evidence(List.of("ev-change"), at, at, 1, "ram", "DetachPolicyFromUser", null, "user dev", null, null),
                new IamChange("ev-change", at, "DetachPolicyFromUser", "admin", "dev", "AliyunOSSReadOnlyAccess"), "v1", null, null, at);

        String page = ConsolePages.finding(f, FindingsView.Status.OPEN, null, new RemediationPlanner().plan(f), "tok", NOW);
        String list = ConsolePages.list(new FindingsView().select(List.of(f), FindingsView.Query.parse(Map.of()), NOW), List.of());

        assertThat(page).doesNotContain("Denied: DetachPolicyFromUser", "denial")
                .contains("IAM change DetachPolicyFromUser by admin", "Predicted breakage: nothing has been denied yet");
        assertThat(page.split("<code>ev-change</code>", -1)).hasSize(2);
        assertThat(list).contains("Denied / change", "IAM change: DetachPolicyFromUser");
    }

    @Test
    void shouldRenderEveryKindOnBothCloudsWithItsTimelineInTimeOrder() {
        for (Cloud cloud : Cloud.values()) {
            for (FindingKind kind : FindingKind.values()) {
                Finding f = FindingsViewTest.finding("k-1", kind, cloud, "111", "dev", "oss:GetObject", 4, NOW);
                Finding withChange = new Finding(f.id(), f.kind(), f.status(), f.cloud(), f.principal(), f.scenarioId(), f.scenarioTitle(),
                        f.missing(), f.confidence(), f.ranking(), f.evidence(), new IamChange("ev-change", NOW.minusSeconds(3600),
                        "DetachPolicyFromUser", "admin", "dev", "AliyunOSSReadOnlyAccess"), f.catalogVersion(), null, null, f.updatedAt())
                        .resolved(NOW.plusSeconds(90), Duration.ofSeconds(90));

                String page = ConsolePages.finding(withChange, FindingsView.Status.RESOLVED, null, new RemediationPlanner().plan(withChange),
                        "tok", NOW);

                assertThat(page).as("%s %s", cloud, kind).contains(">" + kind.name() + "<", "id=\"status\">RESOLVED<");
                String evidence = ConsolePages.denial(f) ? "Denied: oss:GetObject"
                        : kind == FindingKind.PREDICTED_BREAKAGE ? "IAM change: oss:GetObject" : "Agency event: oss:GetObject";
                assertThat(page.indexOf("IAM change DetachPolicyFromUser")).isPositive()
                        .isLessThan(page.indexOf(evidence)).isLessThan(page.indexOf("Resolved 1m30s after"));
            }
        }
    }
}
