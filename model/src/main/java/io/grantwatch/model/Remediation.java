package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * How to fix a finding, per cloud.
 *
 * @param findingId      the finding it answers
 * @param cloud          alibaba | huawei
 * @param summary        one line a person reads first
 * @param policies       least-privilege policy documents (custom policy, trust policy, agency policy)
 * @param systemPolicies the documented system policies as the labelled coarse alternative (broader than the policies);
 *                       a system policy that is itself the fix appears in the summary, commands and steps
 * @param cliCommands    aliyun / hcloud commands, in order
 * @param terraform      optional Terraform snippet
 * @param steps          human steps (console steps, reviews of an explicit deny)
 * @param citations      the seed sections behind it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Remediation(
        String findingId,
        Cloud cloud,
        String summary,
        List<PolicyDocument> policies,
        List<String> systemPolicies,
        List<String> cliCommands,
        String terraform,
        List<String> steps,
        List<Citation> citations) {

    public Remediation {
        policies = policies == null ? List.of() : List.copyOf(policies);
        systemPolicies = systemPolicies == null ? List.of() : List.copyOf(systemPolicies);
        cliCommands = cliCommands == null ? List.of() : List.copyOf(cliCommands);
        steps = steps == null ? List.of() : List.copyOf(steps);
        citations = citations == null ? List.of() : List.copyOf(citations);
    }
}
