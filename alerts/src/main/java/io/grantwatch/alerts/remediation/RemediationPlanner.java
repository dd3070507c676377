package io.grantwatch.alerts.remediation;

import io.grantwatch.model.Finding;
import io.grantwatch.model.PolicyDocument;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.catalog.CatalogIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finding → Remediation: one {@link Plan} ({@link Planner}) rendered for its cloud
 * ({@link RamRenderer}, {@link HuaweiRenderer}). Pure: the same finding always gives the same
 * remediation, so {@code scan}, the dispatcher, the console and the reports show identical text.
 *
 * <p>Contract: every policy document passes {@link PolicyGrammar} before it is emitted (a document
 * that does not is withheld and the steps say so); the denied call goes to the principal that was
 * denied; no trust policy is replaced without merging what it held; an explicit deny never yields an
 * Allow; event-derived names enter documents and commands only when they match the cloud's naming
 * rules ({@link Identifiers}), otherwise a named input asks for them.
 */
public final class RemediationPlanner {
    private final Planner planner;
    private final RamRenderer ram = new RamRenderer();
    private final HuaweiRenderer huawei = new HuaweiRenderer();

    /** A planner that knows no current trust policies: trust changes are printed as fetch → merge → update. */
    public RemediationPlanner() {
        this(TrustPolicySource.NONE);
    }

    /** @param trustPolicies current role trust policies, merged into rather than replaced */
    public RemediationPlanner(TrustPolicySource trustPolicies) {
        this(trustPolicies, null);
    }

    /**
     * @param trustPolicies current role trust policies, merged into rather than replaced
     * @param catalog       the catalog the findings were made with, or null: its requirements' qualifiers are named in the
     *                      notes, their IAM project scope decides where a Huawei policy is granted, and its errata
     *                      correct what is printed
     */
    public RemediationPlanner(TrustPolicySource trustPolicies, CatalogIndex catalog) {
        this.planner = new Planner(Objects.requireNonNull(trustPolicies, "trustPolicies"),
                catalog == null ? id -> Optional.empty() : catalog::requirement,
                catalog == null ? a -> a : catalog::corrected);
    }

    /** The cloud-neutral plan behind {@link #plan(Finding)}. */
    public Plan decide(Finding finding) {
        Objects.requireNonNull(finding, "finding");
        if (finding.cloud() == null) {
            throw new IllegalArgumentException("finding " + finding.id() + " has no cloud");
        }
        return planner.plan(finding);
    }

    public Remediation plan(Finding finding) {
        Plan p = decide(finding);
        Remediation r = switch (p.cloud()) {
            case ALIBABA -> ram.render(p);
            case HUAWEI -> huawei.render(p);
        };
        return checked(r);
    }

    /**
     * The last gate before anything is printed: a document that fails its grammar, or a command line
     * that fails {@link CliGrammar}, withholds the commands as a whole (they are one script; half of
     * it is worse than none) and says why. The tests keep this at zero; it guards what they missed.
     */
    private static Remediation checked(Remediation r) {
        List<PolicyDocument> valid = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (PolicyDocument d : r.policies()) {
            List<String> errors = PolicyGrammar.check(d);
            if (errors.isEmpty()) {
                valid.add(d);
            } else {
                problems.add("policy " + d.name() + " failed the " + d.kind() + " grammar (" + errors.get(0) + ")");
            }
        }
        List<String> cli = CliGrammar.checkScript(r.cliCommands());
        if (!cli.isEmpty()) {
            problems.add("a command failed the CLI check (" + cli.get(0) + ")");
        }
        if (problems.isEmpty()) {
            return r;
        }
        List<String> steps = new ArrayList<>(r.steps());
        steps.add("GrantWatch withheld the commands: " + String.join("; ", problems) + ". Apply the fix from the steps and the valid "
                + "documents by hand, and report this finding.");
        return new Remediation(r.findingId(), r.cloud(), r.summary(), valid, r.systemPolicies(), List.of(), null, steps, r.citations());
    }
}
