package io.grantwatch.model.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import java.util.List;

/**
 * A platform feature or business scenario (a PAI module, a ModelArts scenario, an agency scope).
 *
 * @param id                unique id, e.g. {@code pai.dsw}, {@code modelarts.training}, {@code modelarts.agency.training}
 * @param cloud             alibaba | huawei
 * @param area              the catalog file (area) it belongs to
 * @param title             English title
 * @param originalTitle     the title as the seed writes it (Japanese / Chinese)
 * @param dependentServices services the seed says it depends on
 * @param requirements      every grant it needs
 * @param signals           action or API patterns that show a principal works in this scenario
 *                          ({@code modelarts:trainJob:*}, {@code ModelArts/CreateJobV2})
 * @param citation          seed section
 * @param notes             the seed's caveats (restarts, who should act, risks)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Scenario(
        String id,
        Cloud cloud,
        String area,
        String title,
        String originalTitle,
        List<String> dependentServices,
        List<Requirement> requirements,
        List<String> signals,
        Citation citation,
        String notes) {

    public Scenario {
        dependentServices = dependentServices == null ? List.of() : List.copyOf(dependentServices);
        requirements = requirements == null ? List.of() : List.copyOf(requirements);
        signals = signals == null ? List.of() : List.copyOf(signals);
    }
}
