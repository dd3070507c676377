package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The current trust policy (AssumeRolePolicyDocument) of a RAM role, when GrantWatch knows it
 * (from an {@code aliyun ram GetRole} export or a CreateRole/UpdateRole audit event). With it, the
 * planner prints the complete merged document; without it, a minimal document plus the step to
 * keep the principals already trusted.
 */
@FunctionalInterface
public interface TrustPolicySource {
    TrustPolicySource NONE = (account, role) -> Optional.empty();

    /**
     * @param accountId the role's account (a role name is unique only inside its account); null when unknown,
     *                  then nothing is known
     * @param roleName  the role
     */
    Optional<JsonNode> current(String accountId, String roleName);
}
