package io.grantwatch.detector;

import java.util.List;

/**
 * What the account says about the principal an IAM change hits, beyond the principal's own calls.
 *
 * @param references requests that named the role or agency as what a resource runs under, within the drift horizon
 * @param signals    calls by people of the account within the activity window before the change that signal a
 *                   scenario (a training job runs under the account's agency)
 */
public record DriftContext(List<RoleReference> references, List<ContextSignal> signals) {
    public static final DriftContext NONE = new DriftContext(List.of(), List.of());

    public DriftContext {
        references = references == null ? List.of() : List.copyOf(references);
        signals = signals == null ? List.of() : List.copyOf(signals);
    }
}
