package io.grantwatch.model.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.Cloud;
import java.util.List;

/** One catalog data file: a platform area with its scenarios and matching knowledge. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record CatalogArea(
        String id,
        Cloud cloud,
        String title,
        String seed,
        List<Scenario> scenarios,
        List<ApiMapping> apis,
        List<ErrorCodeRule> errorCodes,
        List<ParameterHint> hints,
        List<ServiceFallback> fallbacks,
        List<Erratum> errata) {

    public CatalogArea {
        scenarios = scenarios == null ? List.of() : List.copyOf(scenarios);
        apis = apis == null ? List.of() : List.copyOf(apis);
        errorCodes = errorCodes == null ? List.of() : List.copyOf(errorCodes);
        hints = hints == null ? List.of() : List.copyOf(hints);
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
        errata = errata == null ? List.of() : List.copyOf(errata);
    }

    /** This area without its scenarios: what travels as the area's rules record on the catalog topic. */
    public CatalogArea rulesOnly() {
        return new CatalogArea(id, cloud, title, seed, List.of(), apis, errorCodes, hints, fallbacks, errata);
    }
}
