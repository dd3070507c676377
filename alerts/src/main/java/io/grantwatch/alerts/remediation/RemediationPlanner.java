package io.grantwatch.alerts.remediation;

import io.grantwatch.model.Finding;
import io.grantwatch.model.Remediation;
import java.util.Objects;

/**
 * Finding → Remediation, per cloud. Pure: no I/O, the same finding always gives the same
 * remediation, so {@code scan}, the dispatcher and the reports embed identical text.
 *
 * <p>Contract: every remediation cites at least one seed section; policy documents are complete,
 * valid JSON in the cloud's grammar (RAM {@code "Version": "1"}, Huawei IAM {@code "Version": "1.1"});
 * an explicit deny never yields an Allow; event-derived names enter documents and commands only when
 * they match the cloud's naming rules ({@link Identifiers}), else a {@code ${Placeholder}} stands in.
 */
public final class RemediationPlanner {
    private final AlibabaPlanner alibaba;
    private final HuaweiPlanner huawei;

    /** A planner that knows no current trust policies: trust documents are built from scratch. */
    public RemediationPlanner() {
        this(TrustPolicySource.NONE);
    }

    /** @param trustPolicies current role trust policies, merged into rather than replaced */
    public RemediationPlanner(TrustPolicySource trustPolicies) {
        Objects.requireNonNull(trustPolicies, "trustPolicies");
        this.alibaba = new AlibabaPlanner(trustPolicies);
        this.huawei = new HuaweiPlanner();
    }

    public Remediation plan(Finding finding) {
        Objects.requireNonNull(finding, "finding");
        if (finding.cloud() == null) {
            throw new IllegalArgumentException("finding " + finding.id() + " has no cloud");
        }
        return switch (finding.cloud()) {
            case ALIBABA -> alibaba.plan(finding);
            case HUAWEI -> huawei.plan(finding);
        };
    }
}
