package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A Deny statement of a policy GrantWatch's inventory says the principal holds (attached to it, to a group it is in,
 * to its role or agency), carried on a finding so that the remediation can check its Allow against it and a review can
 * name it.
 *
 * @param policy     the policy's name (its id when only that is known)
 * @param policyType {@code System} / {@code Custom}, when known
 * @param policyId   the policy's id (Huawei), when known
 * @param version    the version whose document holds the statement ({@code v2}); null for a policy without versions
 *                   (Huawei v3 custom policies); {@code @<time>} for a version the trail created without saying its id
 * @param via        how the principal holds it: {@code user alice}, {@code group data-sci}, {@code role R}, {@code agency A}
 * @param sid        the statement's {@code Sid}, when it has one
 * @param index      the statement's position in the document's Statement list (0-based)
 * @param statement  the statement as compact JSON
 * @param language   the document's {@code Version}: {@code 1} (RAM), {@code 1.1} (Huawei IAM), {@code 5.0} (Huawei IAM v5)
 * @param conditional the statement has a Condition, which GrantWatch does not evaluate
 * @param matched    the statement matches the denied call itself (action and resource): it explains the refusal
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KnownDeny(
        String policy,
        String policyType,
        String policyId,
        String version,
        String via,
        String sid,
        int index,
        String statement,
        String language,
        boolean conditional,
        boolean matched) {

    /** {@code statement "DenyProdDelete" (#2) of policy deny-prod (Custom) version v2, attached to group data-sci}. */
    @JsonIgnore
    public String label() {
        String which = sid != null && !sid.isBlank() ? "statement \"" + sid + "\" (#" + (index + 1) + ")" : "statement #" + (index + 1);
        String v = version == null ? "" : version.startsWith("@") ? " version created at " + version.substring(1) : " version " + version;
        return which + " of policy " + policy + (policyType == null ? "" : " (" + policyType + ")") + v
                + (via == null ? "" : ", attached to " + via);
    }
}
