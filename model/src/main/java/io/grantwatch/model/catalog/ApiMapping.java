package io.grantwatch.model.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import java.util.List;

/**
 * The API or trace name as the audit trail logs it, mapped to IAM actions: ActionTrail
 * {@code PaiDsw/CreateInstance} → {@code paidsw:CreateInstance}; CTS {@code ModelArts/CreateJobV2} →
 * {@code modelarts:trainJob:create}. Service and api compare case-insensitively; {@code api} may be a glob.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ApiMapping(Cloud cloud, String service, String api, List<String> actions, Citation citation) {
    public ApiMapping {
        actions = actions == null ? List.of() : List.copyOf(actions);
    }
}
