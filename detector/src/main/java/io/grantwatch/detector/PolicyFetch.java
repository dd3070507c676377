package io.grantwatch.detector;

import io.grantwatch.model.Cloud;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The command that prints a policy's document, for a drift finding whose removed policy GrantWatch cannot read
 * (a custom policy, or one named only by id). Operations and parameters as the CLIs take them: RAM GetPolicy,
 * IAM GetPolicyV5, ListPoliciesV5 and ShowCustomPolicy are rows of the tables the remediation commands are checked
 * against ({@code alerts/src/main/resources/cli/*.tsv}); GetPolicyVersionV5 is the SDK's operation
 * ({@code GET /v5/policies/{policy_id}/versions/{version_id}}, huaweicloud-sdk-go-v3 {@code services/iam/v5}) whose
 * KooCLI name, like every v5 name in those tables, is not verified:
 * <ul>
 *   <li>RAM: {@code aliyun ram GetPolicy --PolicyName N --PolicyType Custom|System} (its DefaultPolicyVersion holds
 *       the document);</li>
 *   <li>Huawei IAM v5 identity policy by id: {@code hcloud IAM GetPolicyV5 --policy_id=ID} gives
 *       {@code policy.default_version_id}, {@code hcloud IAM GetPolicyVersionV5 --policy_id=ID --version_id=V} the
 *       document (there is no {@code ShowPolicyV5}); by name only: {@code hcloud IAM ListPoliciesV5} finds the id;</li>
 *   <li>Huawei IAM v3 custom policy (a role, {@code role_id}): {@code hcloud IAM ShowCustomPolicy --role_id=ID}.</li>
 * </ul>
 * Only identifiers that are safe to paste into a shell are printed; otherwise null.
 */
final class PolicyFetch {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.+=,@-]{1,128}");

    private PolicyFetch() {
    }

    /** The command for the policy a change removed, or null when none can be printed. */
    static String command(IamChangeEvent change) {
        Cloud cloud = change.event().cloud();
        String name = change.policyName();
        String id = change.policyId();
        if (cloud == Cloud.ALIBABA) {
            return name != null && NAME.matcher(name).matches()
                    ? "aliyun ram GetPolicy --PolicyName " + name + " --PolicyType " + ("system".equalsIgnoreCase(change.policyType()) ? "System"
                            : "Custom")
                    : null;
        }
        boolean v5 = change.event().action() != null && change.event().action().toLowerCase(Locale.ROOT).endsWith("v5");
        if (id != null && ID.matcher(id).matches()) {
            return v5
                    ? "V=$(hcloud IAM GetPolicyV5 --policy_id=" + id + " --cli-query=\"policy.default_version_id\" --cli-output=tsv)"
                            + " && hcloud IAM GetPolicyVersionV5 --policy_id=" + id + " --version_id=\"$V\""
                    : "hcloud IAM ShowCustomPolicy --role_id=" + id;
        }
        if (v5 && name != null && NAME.matcher(name).matches()) {
            return "hcloud IAM ListPoliciesV5 --policy_type=" + ("system".equalsIgnoreCase(change.policyType()) ? "system" : "custom")
                    + " --cli-query=\"policies[?policy_name=='" + name + "']\" (then GetPolicyVersionV5 with its policy_id and default_version_id)";
        }
        return null;
    }
}
