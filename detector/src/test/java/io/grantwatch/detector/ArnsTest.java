package io.grantwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.Outcome;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArnsTest {

    @Test
    void shouldDropTheSentencesFullStopWhenTheMessageEndsWithTheRoleArn() {
        var e = Events.event(Events.ramUser("alice"), Instant.parse("2026-11-22T09:20:07Z"), "PaiDsw", "CreateInstance", null,
                Outcome.DENIED, "AssumeRoleFailedError",
                "Failed to assume role acs:ram::1704123456789012:role/pai-dsw-data. Please check the trust policy.", null, Map.of());
        assertThat(Arns.roleArn(e)).isEqualTo("acs:ram::1704123456789012:role/pai-dsw-data");
        assertThat(Arns.roleName(Arns.roleArn(e))).isEqualTo("pai-dsw-data");
    }

    @Test
    void shouldKeepDotsInsideARoleName() {
        var e = Events.event(Events.ramUser("alice"), Instant.parse("2026-11-22T09:20:07Z"), "PaiDsw", "CreateInstance", null,
                Outcome.DENIED, "NoPermission", "Resource: acs:ram:*:1:role/team.dsw-data Action: ram:PassRole", null, Map.of());
        assertThat(Arns.roleArn(e)).isEqualTo("acs:ram:*:1:role/team.dsw-data");
    }

    @Test
    void shouldTakeNoRoleFromANameThatRunsOnIntoCharactersNoRoleNameHas() {
        // "role/r$(touch …)" is not role r: a prefix would grant PassRole on a different role
        var e = Events.event(Events.ramUser("bob"), Instant.parse("2026-12-05T01:12:00Z"), "PaiDsw", "CreateInstance", "ram:PassRole",
                Outcome.DENIED, "NoPermission", "You are not authorized to do this action. Resource: acs:ram:*:1:role/r$(touch /tmp/x) "
                        + "Action: ram:PassRole", "acs:ram:*:1:role/r$(touch", Map.of());
        assertThat(Arns.roleArn(e)).isNull();
        assertThat(Arns.roleArns("{\"RoleArn\": \"acs:ram::1:role/ok-role\"} and (acs:ram::1:role/in-parens) and acs:ram::1:role/bad`id`"))
                .containsExactly("acs:ram::1:role/ok-role", "acs:ram::1:role/in-parens");
    }
}
