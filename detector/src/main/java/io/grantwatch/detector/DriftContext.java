package io.grantwatch.detector;

import io.grantwatch.detector.inventory.PolicyRemoval;
import java.util.List;

/**
 * What the account says about the principal an IAM change hits, beyond the principal's own calls.
 *
 * @param references requests that named the role or agency as what a resource runs under, within the drift horizon
 * @param signals    calls by people of the account within the activity window before the change that signal a
 *                   scenario (a training job runs under the account's agency)
 * @param removal    for a detach or deletion: what the inventory knows the policy granted and what the principal's
 *                   other policies still grant; null when it knows nothing
 */
public record DriftContext(List<RoleReference> references, List<ContextSignal> signals, PolicyRemoval removal) {
    public static final DriftContext NONE = new DriftContext(List.of(), List.of(), null);

    public DriftContext(List<RoleReference> references, List<ContextSignal> signals) {
        this(references, signals, null);
    }

    /** The same context with what the inventory knows of the removed policy. */
    public DriftContext withRemoval(PolicyRemoval r) {
        return new DriftContext(references, signals, r);
    }

    public DriftContext {
        references = references == null ? List.of() : List.copyOf(references);
        signals = signals == null ? List.of() : List.copyOf(signals);
    }
}
