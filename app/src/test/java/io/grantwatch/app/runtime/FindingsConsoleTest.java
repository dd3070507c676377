package io.grantwatch.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.Grant;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.Principal;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FindingsConsoleTest {

    @Test
    void shouldReplaceTerminalControlSequencesWhenEventTextCarriesThem() {
        String hostile = "alice\u001b[2J\u001b]0;pwned\u0007\rroot\u202e\u009b";

        String safe = FindingsConsole.safe(hostile);

        assertThat(safe).doesNotContain("\u001b", "\u0007", "\r", "\u202e", "\u009b").startsWith("alice");
    }

    @Test
    void shouldKeepOneFindingOnItsOwnLinesWhenTextHasNewlines() {
        assertThat(FindingsConsole.safe("a\nb\tc")).isEqualTo("a b c");
        assertThat(FindingsConsole.safe(null)).isEmpty();
    }

    @Test
    void shouldPrintOneParsableJsonObjectPerFindingWhenAskedForJson() throws Exception {
        Finding finding = new Finding("f-1", FindingKind.MISSING_GRANT, FindingStatus.OPEN, Cloud.ALIBABA,
                Principal.user("1704123456789012", "1", "alice\nrm -rf"), "pai.dsw-role.custom", "DSW instance",
                List.of(), 0.9, List.of(), null, null, "v1", null, null, Instant.parse("2026-03-02T08:15:30Z"));

        String line = FindingsConsole.json(finding, null);

        assertThat(line).doesNotContain("\n");
        JsonNode node = Json.wire().readTree(line);
        assertThat(node.path("finding").path("id").asText()).isEqualTo("f-1");
        assertThat(node.path("finding").path("principal").path("name").asText()).isEqualTo("alice\nrm -rf");
    }

    @Test
    void shouldNameWhoAndWhatWhenPrintingForPeople() {
        Finding finding = new Finding("f-2", FindingKind.MISSING_GRANT, FindingStatus.OPEN, Cloud.HUAWEI,
                Principal.user("acme", "2", "erin"), "modelarts.devenv.ssh", "Development environment: SSH access",
                List.of(), 0.9, List.of(), null, null, "v1", null, null, Instant.parse("2026-03-02T08:15:30Z"));

        String text = FindingsConsole.text(finding, null);

        assertThat(text).startsWith("[huawei] MISSING_GRANT OPEN  erin (account acme)")
                .contains("scenario: Development environment: SSH access");
    }
    @Test
    void shouldCollapseMayBeNeededGrantsIntoOneLineWhenPrintingForPeople() {
        var certain = new MissingGrant(Grant.action("eas:CreateService"),
                Certainty.CERTAIN, Holder.USER, "r1", "denied", null, null);
        var possible1 = new MissingGrant(Grant.systemPolicy("AliyunLogFullAccess"),
                Certainty.POSSIBLE, Holder.USER, "r2", "may be needed", null, null);
        var possible2 = new MissingGrant(Grant.action("vpc:*"),
                Certainty.POSSIBLE, Holder.USER, "r3", "may be needed", null, null);
        var asTheWorkNeeds = new MissingGrant(new Grant(io.grantwatch.model.GrantType.DENIED_ACTION, "oss", null),
                Certainty.POSSIBLE, Holder.USER, "r4", "as the work needs", null, null);
        var activation = new MissingGrant(new Grant(io.grantwatch.model.GrantType.SERVICE_ACTIVATION, "apigateway", null),
                Certainty.POSSIBLE, Holder.USER, "r5", "activate it first", null, null);
        Finding finding = new Finding("f-3", FindingKind.MISSING_GRANT, FindingStatus.OPEN, Cloud.ALIBABA,
                Principal.user("1704", "3", "bob"), "pai.eas", "EAS", List.of(certain, possible1, possible2, asTheWorkNeeds, activation),
                0.9, List.of(),
                null, null, "v1", null, null, Instant.parse("2026-03-02T08:15:30Z"));

        String text = FindingsConsole.text(finding, null);

        assertThat(text).contains("missing:  ACTION eas:CreateService — denied")
                .contains("may also need: AliyunLogFullAccess, vpc:*\n")
                .contains("if not yet activated, activate: apigateway")
                .doesNotContain("missing:  SYSTEM_POLICY AliyunLogFullAccess");
    }

    @Test
    void shouldPrintOneResolutionLineNotTheFixAgainWhenAFindingIsResolved() {
        var certain = new MissingGrant(Grant.action("eas:CreateService"), Certainty.CERTAIN, Holder.USER, "r1", "denied", null, null);
        Instant opened = Instant.parse("2026-03-02T08:15:30Z");
        Finding resolved = new Finding("f-4", FindingKind.MISSING_GRANT, FindingStatus.RESOLVED, Cloud.ALIBABA,
                Principal.user("1704", "3", "bob"), "pai.eas", "EAS", List.of(certain), 0.9, List.of(),
                new io.grantwatch.model.Evidence(List.of("e1"), opened, opened, 1, "eas", "CreateService", null, null, null, null),
                null, "v1", opened.plusSeconds(7500), Duration.ofSeconds(7500), opened.plusSeconds(7500));

        String text = FindingsConsole.text(resolved, null);

        assertThat(text).startsWith("[alibaba] MISSING_GRANT RESOLVED  bob (account 1704)")
                .contains("resolved at 2026-03-02T10:20:30Z (time to grant 2 h 5 min)")
                .doesNotContain("missing:", "fix:");
    }
}
