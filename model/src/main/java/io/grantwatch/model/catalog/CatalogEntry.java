package io.grantwatch.model.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A record on the compacted catalog topic. Keys: {@code scenario/<id>} (a scenario),
 * {@code rules/<areaId>} (an area's matching rules, scenarios left out) and {@code manifest}
 * (the version and the full key list, written last so a reader knows the set is complete).
 * A removed scenario or area gets a tombstone under its key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CatalogEntry(String version, String area, Scenario scenario, CatalogArea rules, List<String> manifest) {

    public static final String MANIFEST_KEY = "manifest";

    public static String scenarioKey(String scenarioId) {
        return "scenario/" + scenarioId;
    }

    public static String rulesKey(String areaId) {
        return "rules/" + areaId;
    }
}
