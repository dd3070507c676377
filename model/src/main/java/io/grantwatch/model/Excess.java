package io.grantwatch.model;

import java.util.List;

/**
 * Allow actions a principal holds beyond what its features need ({@link FindingKind#OVER_REACH}).
 *
 * @param policy  the policy that grants them, with its version: {@code ma-agency-all (Custom) version v2}
 * @param via     how it is held: {@code agency ma-train-agency}
 * @param actions the Action patterns beyond the need, as the document writes them
 */
public record Excess(String policy, String via, List<String> actions) {
    public Excess {
        actions = actions == null ? List.of() : List.copyOf(actions);
    }
}
