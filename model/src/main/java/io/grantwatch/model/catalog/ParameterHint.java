package io.grantwatch.model.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import java.util.List;

/** A request parameter that tells what a call is for: a BSS order with {@code ProductCode=odps} activates MaxCompute. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ParameterHint(Cloud cloud, String service, String api, String parameter, String value,
                            List<String> requirements, Citation citation) {
    public ParameterHint {
        requirements = requirements == null ? List.of() : List.copyOf(requirements);
    }
}
