package io.grantwatch.app.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.model.Certainty;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Evidence;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingAction;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.Grant;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.Principal;
import io.grantwatch.model.catalog.Holder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FindingsViewTest {
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    static Finding finding(String id, FindingKind kind, Cloud cloud, String account, String user, String action, long count,
            Instant updated) {
        return new Finding(id, kind, FindingStatus.OPEN, cloud, Principal.user(account, "id-" + user, user), "pai.dsw", "DSW",
                List.of(new MissingGrant(Grant.action(action), Certainty.CERTAIN, Holder.USER, "r1", "denied", null, null)), 0.9,
                List.of(), new Evidence(List.of("ev-" + id), updated, updated, count, "pai", "ListInstances", action, null,
                "NoPermission", null), null, "v1", null, null, updated);
    }

    private final Finding regression = finding("r-1", FindingKind.REGRESSION, Cloud.ALIBABA, "111", "alice", "pai:ListInstances", 3,
            NOW.minusSeconds(60));
    private final Finding missing = finding("m-1", FindingKind.MISSING_GRANT, Cloud.HUAWEI, "222", "bob", "modelarts:notebook:list", 9,
            NOW.minusSeconds(30));
    private final Finding unmapped = finding("u-1", FindingKind.UNMAPPED_DENIAL, Cloud.ALIBABA, "111", "carol", "oss:GetObject", 1,
            NOW.minusSeconds(10));
    private final List<Finding> all = List.of(missing, unmapped, regression);

    private List<String> ids(FindingsView view, Map<String, String> params) {
        return view.select(all, FindingsView.Query.parse(params), NOW).rows().stream().map(r -> r.finding().id()).toList();
    }

    @Test
    void shouldSortBySeverityThenNewestAndFilterSearchAndPage() {
        FindingsView view = new FindingsView();
        assertThat(ids(view, Map.of())).containsExactly("r-1", "m-1", "u-1");
        assertThat(ids(view, Map.of("sort", "events", "dir", "asc"))).containsExactly("u-1", "r-1", "m-1");
        assertThat(ids(view, Map.of("cloud", "alibaba"))).containsExactly("r-1", "u-1");
        assertThat(ids(view, Map.of("account", "111", "principal", "carol"))).containsExactly("u-1");
        assertThat(ids(view, Map.of("kind", "missing_grant"))).containsExactly("m-1");
        assertThat(ids(view, Map.of("severity", "high"))).containsExactly("r-1");
        assertThat(ids(view, Map.of("q", "NOTEBOOK"))).containsExactly("m-1");
        FindingsView.Page second = view.select(all, FindingsView.Query.parse(Map.of("size", "2", "page", "2")), NOW);
        assertThat(second.rows()).extracting(r -> r.finding().id()).containsExactly("u-1");
        assertThat(second.total()).isEqualTo(3);
        assertThat(second.pages()).isEqualTo(2);
    }

    @Test
    void shouldGiveEachListOneStableAddressAndRefuseUnknownParametersAndValues() {
        FindingsView.Query q = FindingsView.Query.parse(Map.of("severity", "high", "cloud", "alibaba", "q", "a b&c", "page", "1"));
        assertThat(ConsolePages.listHref(q)).isEqualTo("/findings?q=a+b%26c&cloud=alibaba&severity=high");
        assertThat(ConsolePages.listHref(q.sortedBy(FindingsView.Sort.UPDATED)))
                .isEqualTo("/findings?q=a+b%26c&cloud=alibaba&severity=high&sort=updated");
        assertThat(ConsolePages.listHref(FindingsView.Query.defaults().sortedBy(FindingsView.Sort.SEVERITY))).isEqualTo("/findings?dir=asc");
        assertThatThrownBy(() -> FindingsView.Query.parse(Map.of("kind", "BOGUS"))).hasMessageContaining("missing_grant");
        assertThatThrownBy(() -> FindingsView.Query.parse(Map.of("user", "x"))).hasMessageContaining("parameters are");
        assertThatThrownBy(() -> FindingsView.Query.parse(Map.of("size", "100000"))).hasMessageContaining("1 to 200");
    }

    @Test
    void shouldTakeAMutedFindingOutOfTheActiveListUntilItExpiresOrIsReopened() {
        FindingsView view = new FindingsView();
        view.apply("m-1", new FindingAction("m-1", FindingAction.Kind.MUTE, "accepted: sandbox", "sec-team", NOW.plus(Duration.ofDays(7)),
                NOW.minusSeconds(5)));
        view.apply("u-1", new FindingAction("u-1", FindingAction.Kind.ACKNOWLEDGE, null, "ops", null, NOW.minusSeconds(5)));

        assertThat(ids(view, Map.of())).containsExactly("r-1", "u-1");
        assertThat(ids(view, Map.of("status", "muted"))).containsExactly("m-1");
        assertThat(ids(view, Map.of("status", "open"))).containsExactly("r-1");
        assertThat(ids(view, Map.of("status", "all"))).hasSize(3);
        assertThat(view.mutes(NOW)).extracting(FindingAction::findingId).containsExactly("m-1");
        // what the alert dispatcher is given: a mute rule of that one finding, with its reason, owner and expiry
        assertThat(view.muteRules(NOW)).singleElement().satisfies(rule -> {
            assertThat(rule.matches(missing)).isTrue();
            assertThat(rule.matches(unmapped)).isFalse();
            assertThat(rule.owner()).isEqualTo("sec-team");
            assertThat(rule.activeAt(NOW.plus(Duration.ofDays(8)))).isFalse();
        });
        // expired: the finding needs a new decision, so it is back
        assertThat(view.status(missing, NOW.plus(Duration.ofDays(8)))).isEqualTo(FindingsView.Status.OPEN);
        assertThat(view.mutes(NOW.plus(Duration.ofDays(8)))).isEmpty();

        // a resolved finding is listed only when asked for, whatever was decided about it
        Finding resolved = regression.resolved(NOW, Duration.ofMinutes(5));
        assertThat(view.select(List.of(resolved, missing), FindingsView.Query.parse(Map.of("status", "resolved")), NOW).rows())
                .extracting(r -> r.finding().id()).containsExactly("r-1");
        assertThat(view.select(List.of(resolved), FindingsView.Query.defaults(), NOW).rows()).isEmpty();

        view.apply("m-1", new FindingAction("m-1", FindingAction.Kind.REOPEN, null, null, null, NOW));
        assertThat(ids(view, Map.of())).contains("m-1");
        view.apply("u-1", null);
        assertThat(view.status(unmapped, NOW)).isEqualTo(FindingsView.Status.OPEN);
    }

    @Test
    void shouldRefuseAMuteWithoutReasonOwnerOrFutureExpiryAsTheMuteRulesDo() {
        assertThatThrownBy(() -> ConsoleRoutes.action("m-1", Map.of("action", "mute", "owner", "o", "days", "7"), NOW))
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> ConsoleRoutes.action("m-1", Map.of("action", "mute", "reason", "r", "days", "7"), NOW))
                .hasMessageContaining("owner");
        assertThatThrownBy(() -> ConsoleRoutes.action("m-1", Map.of("action", "mute", "reason", "r", "owner", "o"), NOW))
                .hasMessageContaining("expiry");
        assertThatThrownBy(() -> ConsoleRoutes.action("m-1", Map.of("action", "mute", "reason", "r", "owner", "o",
                "expires", "2020-01-01"), NOW)).hasMessageContaining("after");
        assertThat(ConsoleRoutes.action("m-1", Map.of("action", "mute", "reason", "r", "owner", "o", "days", "30"), NOW).expires())
                .isEqualTo(NOW.plus(Duration.ofDays(30)));
        assertThatThrownBy(() -> ConsoleRoutes.action("m-1", Map.of("action", "delete"), NOW)).hasMessageContaining("mute, acknowledge");
    }

    @Test
    void shouldCapAMuteAtAYearAndRefuseDaysTogetherWithExpires() {
        Map<String, String> forever = Map.of("action", "mute", "reason", "r", "owner", "o", "expires", "+99999-01-01T00:00:00Z");
        assertThatThrownBy(() -> ConsoleRoutes.action("m-1", forever, NOW)).hasMessageContaining("expires must be within 365 days");
        assertThatThrownBy(() -> ConsoleRoutes.action("m-1", Map.of("action", "mute", "reason", "r", "owner", "o",
                "expires", "2036-12-31T00:00:00Z"), NOW)).hasMessageContaining("expires");
        assertThatThrownBy(() -> ConsoleRoutes.action("m-1", Map.of("action", "mute", "reason", "r", "owner", "o",
                "days", "7", "expires", "2027-01-01"), NOW)).hasMessageContaining("days or expires, not both");
        assertThat(ConsoleRoutes.action("m-1", Map.of("action", "mute", "reason", "r", "owner", "o",
                "expires", "2027-12-05T10:00:00Z"), NOW).expires()).isEqualTo(Instant.parse("2027-12-05T10:00:00Z"));
        // to the second, as the page shows it
        assertThat(ConsoleRoutes.action("m-1", Map.of("action", "mute", "reason", "r", "owner", "o", "days", "7"),
                NOW.plusMillis(1234)).expires()).isEqualTo(Instant.parse("2026-12-12T10:00:01Z"));
        assertThatThrownBy(() -> ConsoleRoutes.action("m-1", Map.of("action", "acknowledge", "owner", "o".repeat(201)), NOW))
                .hasMessageContaining("owner is longer than 200");
    }
}
