package io.grantwatch.model.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The whole catalog at one version. Converts to and from the records on the catalog topic. */
public record Catalog(String version, List<CatalogArea> areas) {

    public Catalog {
        areas = areas == null ? List.of() : List.copyOf(areas);
    }

    public List<Scenario> scenarios() {
        return areas.stream().flatMap(a -> a.scenarios().stream()).toList();
    }

    /** Topic records keyed as {@link CatalogEntry} documents, the manifest last. */
    public Map<String, CatalogEntry> toEntries() {
        Map<String, CatalogEntry> out = new LinkedHashMap<>();
        for (CatalogArea area : areas) {
            out.put(CatalogEntry.rulesKey(area.id()), new CatalogEntry(version, area.id(), null, area.rulesOnly(), null));
            for (Scenario s : area.scenarios()) {
                out.put(CatalogEntry.scenarioKey(s.id()), new CatalogEntry(version, area.id(), s, null, null));
            }
        }
        out.put(CatalogEntry.MANIFEST_KEY, new CatalogEntry(version, null, null, null, List.copyOf(out.keySet())));
        return out;
    }

    /** Rebuilds a catalog from topic records (tombstones already removed); scenarios join their area's rules. */
    public static Catalog fromEntries(Collection<CatalogEntry> entries) {
        String version = null;
        Map<String, CatalogArea> rules = new LinkedHashMap<>();
        Map<String, List<Scenario>> scenarios = new LinkedHashMap<>();
        for (CatalogEntry e : entries) {
            if (e.manifest() != null) {
                version = e.version();
            } else if (e.rules() != null) {
                rules.put(e.rules().id(), e.rules());
            } else if (e.scenario() != null) {
                scenarios.computeIfAbsent(e.area(), k -> new ArrayList<>()).add(e.scenario());
            }
        }
        List<CatalogArea> areas = new ArrayList<>();
        for (CatalogArea r : rules.values()) {
            areas.add(new CatalogArea(r.id(), r.cloud(), r.title(), r.seed(), scenarios.getOrDefault(r.id(), List.of()),
                    r.apis(), r.errorCodes(), r.hints(), r.fallbacks(), r.errata()));
        }
        return new Catalog(version, areas);
    }
}
