package io.grantwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.AuditEvent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ids the account learns so that IAM v5 bodies naming a user or agency by id reach the principal by name. */
class AccountContextIdsTest {

    @Test
    void shouldLearnAUsersIdFromItsSignallingCallAndEvictUsersBeforeAnAgencyWhenFull() {
        // dave's CreateJobV2 (CTS: user id u-dave, name dave), which signals a ModelArts scenario
        AuditEvent job = Trails.load("huawei/drift-v5-detach-user-policy-by-user-id.json").get(0);
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("a5f6c0d9e8b74f1a", "ma_agency");
        for (int i = 1; i < AccountContext.CAP; i++) {
            ids.put("user/u-" + i, "user" + i);
        }
        AccountActivity full = new AccountActivity(List.of(), List.of(), ids);

        AccountActivity next = AccountContext.learn(full, job, List.of("modelarts.training"), List.of(), Duration.ofHours(1));

        assertThat(next.agencyIds()).hasSize(AccountContext.CAP).containsEntry("user/u-dave", "dave")
                .containsEntry("a5f6c0d9e8b74f1a", "ma_agency").doesNotContainKey("user/u-1");
    }
}
