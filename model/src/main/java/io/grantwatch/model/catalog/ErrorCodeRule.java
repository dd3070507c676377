package io.grantwatch.model.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import java.util.List;

/** An error code that by itself names the requirements behind it ({@code PassRoleFailedError}). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ErrorCodeRule(Cloud cloud, String errorCode, List<String> requirements, String explanation, Citation citation) {
    public ErrorCodeRule {
        requirements = requirements == null ? List.of() : List.copyOf(requirements);
    }
}
