package io.grantwatch.detector;

import java.util.List;
import java.util.Map;

/**
 * What the detector keeps per account, as stored and as carried in a record header. Each part is bounded
 * ({@link AccountContext#CAP} entries, oldest dropped first).
 *
 * @param signals    recent calls by people of the account that signal a scenario (read for a role's or agency's denial)
 * @param references roles and agencies named by create/update requests of ML platform resources, newest last
 *                   (read when an IAM change hits one: it is in use)
 * @param agencyIds  Huawei agency id → agency name, learned from agency sessions ({@code principal_id} is
 *                   {@code <agency-id>:<session>}): IAM v5 changes name an agency by id only; and {@code user/<id>} →
 *                   user name, learned from the calls of users that signal a scenario (v5 bodies name a user by id only)
 */
public record AccountActivity(List<ContextSignal> signals, List<RoleReference> references, Map<String, String> agencyIds) {
    private static final AccountActivity EMPTY = new AccountActivity(List.of(), List.of(), Map.of());

    public AccountActivity {
        signals = signals == null ? List.of() : List.copyOf(signals);
        references = references == null ? List.of() : List.copyOf(references);
        agencyIds = agencyIds == null || agencyIds.isEmpty() ? Map.of() : SealedMap.of(agencyIds);
    }

    public AccountActivity(List<ContextSignal> signals) {
        this(signals, List.of(), Map.of());
    }

    public static AccountActivity empty() {
        return EMPTY;
    }
}
