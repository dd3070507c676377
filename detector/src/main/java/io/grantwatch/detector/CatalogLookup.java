package io.grantwatch.detector;

import io.grantwatch.model.Cloud;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogIndex;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The detector's view of one catalog version: {@link CatalogIndex} plus memoised answers to the
 * questions asked on every event (which scenarios does this action signal, which actions does this
 * API map to). Glob matching is the costly part of a lookup; audit trails repeat a few hundred
 * distinct actions, so the caches stay small. Immutable apart from the caches; thread-safe.
 */
public final class CatalogLookup {
    private static final int CACHE_LIMIT = 20_000;
    private static final CatalogLookup EMPTY = new CatalogLookup(new CatalogIndex(new Catalog(null, List.of())));

    private final CatalogIndex index;
    private final Map<Cloud, Map<String, List<String>>> signalCache = new EnumMap<>(Map.of(
            Cloud.ALIBABA, new ConcurrentHashMap<>(), Cloud.HUAWEI, new ConcurrentHashMap<>()));
    private final Map<String, List<String>> apiCache = new ConcurrentHashMap<>();
    private final Map<String, List<Requirement>> actionCache = new ConcurrentHashMap<>();

    public CatalogLookup(CatalogIndex index) {
        this.index = index;
    }

    public static CatalogLookup of(Catalog catalog) {
        return new CatalogLookup(new CatalogIndex(catalog));
    }

    /** A catalog with nothing in it: every denial is unmapped. */
    public static CatalogLookup empty() {
        return EMPTY;
    }

    public CatalogIndex index() {
        return index;
    }

    public String version() {
        return index.version();
    }

    public boolean isEmpty() {
        return index.scenarios().isEmpty();
    }

    public Optional<Scenario> scenario(String id) {
        return id == null ? Optional.empty() : index.scenario(id);
    }

    /** Scenario ids whose activity signals match an action or a {@code Service/Api} string. */
    public List<String> signalled(Cloud cloud, String actionOrApi) {
        if (actionOrApi == null) {
            return List.of();
        }
        // Per-cloud cache keyed by the text as given: called for every recent activity of a principal on every denial.
        Map<String, List<String>> cache = signalCache.get(cloud);
        List<String> hit = cache.get(actionOrApi);
        if (hit != null) {
            return hit;
        }
        if (cache.size() > CACHE_LIMIT) {
            cache.clear();
        }
        List<String> ids = index.scenariosSignalledBy(cloud, actionOrApi).stream().map(Scenario::id).toList();
        cache.put(actionOrApi, ids);
        return ids;
    }

    /** IAM actions that an API or trace name maps to. */
    public List<String> actionsForApi(Cloud cloud, String service, String api) {
        if (api == null) {
            return List.of();
        }
        return memo(apiCache, cloud.wire() + "|" + String.valueOf(service).toLowerCase(Locale.ROOT) + "/" + api.toLowerCase(Locale.ROOT),
                k -> List.copyOf(index.actionsForApi(cloud, service, api)));
    }

    /** Requirements naming an action exactly or through a pattern (exact first). */
    public List<Requirement> byAction(Cloud cloud, String action) {
        if (action == null) {
            return List.of();
        }
        return memo(actionCache, cloud.wire() + "|" + action.toLowerCase(Locale.ROOT), k -> index.byAction(cloud, action));
    }

    private static <V> V memo(Map<String, V> cache, String key, Function<String, V> compute) {
        V hit = cache.get(key);
        if (hit != null) {
            return hit;
        }
        if (cache.size() > CACHE_LIMIT) {
            cache.clear();
        }
        V value = compute.apply(key);
        cache.put(key, value);
        return value;
    }
}
