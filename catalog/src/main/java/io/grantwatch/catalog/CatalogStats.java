package io.grantwatch.catalog;

import io.grantwatch.model.Cloud;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogArea;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts per cloud: areas, scenarios, requirements (grants), API mappings, error codes, hints,
 * fallbacks, errata.
 */
public record CatalogStats(int areas, int scenarios, int requirements, int apis, int errorCodes, int hints, int fallbacks,
                           int errata) {

    public static Map<Cloud, CatalogStats> perCloud(Catalog catalog) {
        Map<Cloud, CatalogStats> out = new EnumMap<>(Cloud.class);
        for (Cloud cloud : Cloud.values()) {
            CatalogStats s = new CatalogStats(0, 0, 0, 0, 0, 0, 0, 0);
            for (CatalogArea a : catalog.areas()) {
                if (a.cloud() == cloud) {
                    s = s.plus(of(a));
                }
            }
            out.put(cloud, s);
        }
        return out;
    }

    public static CatalogStats total(Catalog catalog) {
        CatalogStats s = new CatalogStats(0, 0, 0, 0, 0, 0, 0, 0);
        for (CatalogArea a : catalog.areas()) {
            s = s.plus(of(a));
        }
        return s;
    }

    static CatalogStats of(CatalogArea a) {
        int reqs = a.scenarios().stream().mapToInt(s -> s.requirements().size()).sum();
        return new CatalogStats(1, a.scenarios().size(), reqs, a.apis().size(), a.errorCodes().size(), a.hints().size(),
                a.fallbacks().size(), a.errata().size());
    }

    CatalogStats plus(CatalogStats o) {
        return new CatalogStats(areas + o.areas, scenarios + o.scenarios, requirements + o.requirements, apis + o.apis,
                errorCodes + o.errorCodes, hints + o.hints, fallbacks + o.fallbacks, errata + o.errata);
    }

    public String summary() {
        return areas + " areas, " + scenarios + " scenarios, " + requirements + " requirements, " + apis + " API mappings, "
                + errorCodes + " error codes, " + hints + " hints, " + fallbacks + " fallbacks, " + errata + " errata";
    }
}
