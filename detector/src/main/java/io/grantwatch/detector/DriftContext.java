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
 * @param replacedVersion for a new document in force: the version that was in force ({@code v1}; {@code @<time>} when
 *                   the trail gave no id, {@code -} for a policy without versions); else null
 */
public record DriftContext(List<RoleReference> references, List<ContextSignal> signals, PolicyRemoval removal, String replacedVersion) {
    public static final DriftContext NONE = new DriftContext(List.of(), List.of(), null, null);

    public DriftContext(List<RoleReference> references, List<ContextSignal> signals) {
        this(references, signals, null, null);
    }

    public DriftContext(List<RoleReference> references, List<ContextSignal> signals, PolicyRemoval removal) {
        this(references, signals, removal, null);
    }

    /** The same context with what the inventory knows of the removed policy. */
    public DriftContext withRemoval(PolicyRemoval r) {
        return new DriftContext(references, signals, r, replacedVersion);
    }

    /** The same context for a new document in force that replaced {@code version}. */
    public DriftContext withReplacedVersion(String version) {
        return new DriftContext(references, signals, removal, version);
    }

    public DriftContext {
        references = references == null ? List.of() : List.copyOf(references);
        signals = signals == null ? List.of() : List.copyOf(signals);
    }
}
