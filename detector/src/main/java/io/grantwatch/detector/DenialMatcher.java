package io.grantwatch.detector;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.catalog.Qualifier;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the catalog requirements a denied call touches, in the order of how directly the event
 * names them: the extracted IAM action (exact, then wildcard), the error code, the API or trace
 * name through the catalog's API mappings, request-parameter hints, and last the service fallback
 * (only when nothing more precise matched). One requirement appears once, with its strongest match.
 * Exact action lookups also find the other spelling an erratum records ({@code dli:jobs:listAll} /
 * {@code dli:jobs:list_all}).
 */
public final class DenialMatcher {

    private DenialMatcher() {
    }

    public static List<Match> match(AuditEvent event, CatalogLookup catalog) {
        Cloud cloud = event.cloud();
        Map<String, Match> found = new LinkedHashMap<>();
        // A requirement the seed needs only when deleting (删除工作空间时) answers delete calls only.
        boolean deleting = GrantInference.isDelete(event);
        String action = event.iamAction();
        if (action != null && !action.isBlank()) {
            for (Requirement r : catalog.index().byExactAction(cloud, action)) {
                add(found, catalog, deleting, r, Match.How.EXACT_ACTION, Match.How.EXACT_ACTION.strength(), action);
            }
            for (Requirement r : catalog.index().byWildcardAction(cloud, action)) {
                add(found, catalog, deleting, r, Match.How.WILDCARD_ACTION, Match.How.WILDCARD_ACTION.strength(), action);
            }
        }
        if (event.errorCode() != null) {
            for (Requirement r : catalog.index().byErrorCode(cloud, event.errorCode())) {
                add(found, catalog, deleting, r, Match.How.ERROR_CODE, Match.How.ERROR_CODE.strength(), event.errorCode());
            }
        }
        // The API mapping names the denied action when the trail did not; when it did, the mapping
        // only says which feature was being used, so it counts for less.
        boolean actionKnown = !found.isEmpty();
        String api = apiLabel(event);
        for (String mapped : catalog.actionsForApi(cloud, event.service(), event.action())) {
            for (Requirement r : catalog.byAction(cloud, mapped)) {
                double s = actionKnown ? 0.5 : Match.How.API_MAPPING.strength();
                add(found, catalog, deleting, r, Match.How.API_MAPPING, s, api + " → " + mapped);
            }
        }
        for (Requirement r : catalog.index().byHints(cloud, event.service(), event.action(), event.parameters())) {
            add(found, catalog, deleting, r, Match.How.HINT, Match.How.HINT.strength(), hintLabel(event));
        }
        if (found.isEmpty()) {
            for (Requirement r : catalog.index().byServiceFallback(cloud, event.service())) {
                add(found, catalog, deleting, r, Match.How.FALLBACK, Match.How.FALLBACK.strength(), event.service());
            }
        }
        List<Match> out = new ArrayList<>(found.values());
        out.sort((a, b) -> Double.compare(b.strength(), a.strength()));
        return out;
    }

    private static void add(Map<String, Match> found, CatalogLookup catalog, boolean deleting, Requirement r, Match.How how, double strength,
            String detail) {
        if (r.qualified(Qualifier.ONLY_WHEN_DELETING) && !deleting) {
            return;
        }
        Optional<Scenario> scenario = catalog.index().scenarioOf(r.id());
        if (scenario.isEmpty()) {
            return;
        }
        Match existing = found.get(r.id());
        if (existing == null || existing.strength() < strength) {
            found.put(r.id(), new Match(r, scenario.get(), how, strength, detail));
        }
    }

    static String apiLabel(AuditEvent event) {
        return (event.service() == null ? "?" : event.service()) + "/" + (event.action() == null ? "?" : event.action());
    }

    private static String hintLabel(AuditEvent event) {
        StringBuilder sb = new StringBuilder();
        event.parameters().forEach((k, v) -> {
            if (sb.length() < 80) {
                String value = v == null ? "" : v.length() > 40 ? v.substring(0, 40) + "…" : v;
                sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(value);
            }
        });
        return sb.toString();
    }
}
