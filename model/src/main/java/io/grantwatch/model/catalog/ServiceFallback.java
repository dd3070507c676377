package io.grantwatch.model.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import java.util.List;

/** When nothing more precise matches: any denial on this service points at these requirements. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ServiceFallback(Cloud cloud, String service, List<String> requirements, Citation citation) {
    public ServiceFallback {
        requirements = requirements == null ? List.of() : List.copyOf(requirements);
    }
}
