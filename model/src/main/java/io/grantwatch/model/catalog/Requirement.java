package io.grantwatch.model.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Grant;
import java.util.List;

/**
 * One row of a seed table: a scenario needs this grant.
 *
 * @param id          unique catalog id, e.g. {@code pai.eas.api-gateway}
 * @param service     the dependent service in the seed's words (OSS, NAS, API Gateway, OBS, SWR, ...)
 * @param grant       what must be granted
 * @param covers      for a system policy: action patterns it covers, only where a cited vendor page
 *                    ({@code coversCitation}) lists them; never guessed
 * @param phase       activation or use
 * @param necessity   required or may-be-needed
 * @param holder      who must hold it
 * @param purpose     what it enables, from the seed
 * @param citation    where the need comes from (the seed file + section)
 * @param qualifiers  the seed's conditions on this grant (建议配置 → RECOMMENDED, 仅管理员需要 → ADMIN_ONLY,
 *                    删除工作空间时 → ONLY_WHEN_DELETING, 例 → EXAMPLE, 若开通了工作空间功能 → IF_WORKSPACES_ENABLED)
 * @param quote       the seed's own words for the grant or its qualifier, verbatim (lint checks them against the seed)
 * @param scope       Huawei: PROJECT when the seed says the permission is granted in the IAM project view
 * @param answers     for a {@link io.grantwatch.model.GrantType#DENIED_ACTION}: action patterns of the denials
 *                    this row answers ({@code oss:*}); matching signals, not grants
 * @param nameSource  where the grant's identifier comes from when the seed names the grant only in its own
 *                    words (a workspace role's API name): a VENDOR_REFERENCE citation
 * @param coversCitation the vendor page that lists what a system policy covers
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Requirement(
        String id,
        String service,
        Grant grant,
        List<String> covers,
        Phase phase,
        Necessity necessity,
        Holder holder,
        String purpose,
        Citation citation,
        List<Qualifier> qualifiers,
        String quote,
        IamScope scope,
        List<String> answers,
        Citation nameSource,
        Citation coversCitation) {

    public Requirement {
        covers = covers == null ? List.of() : List.copyOf(covers);
        qualifiers = qualifiers == null ? List.of() : List.copyOf(qualifiers);
        answers = answers == null ? List.of() : List.copyOf(answers);
    }

    /** A requirement without qualifiers, scope or extra sources. */
    public Requirement(String id, String service, Grant grant, List<String> covers, Phase phase, Necessity necessity,
                       Holder holder, String purpose, Citation citation) {
        this(id, service, grant, covers, phase, necessity, holder, purpose, citation, List.of(), null, null, List.of(), null, null);
    }

    public boolean qualified(Qualifier q) {
        return qualifiers.contains(q);
    }

    /** Whether the seed attaches any condition that keeps this grant from being required outright. */
    public boolean conditional() {
        return !qualifiers.isEmpty();
    }
}
