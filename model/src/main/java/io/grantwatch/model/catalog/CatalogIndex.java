package io.grantwatch.model.catalog;

import io.grantwatch.model.Cloud;
import io.grantwatch.model.GrantType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Read-only lookups over one catalog version: by action (exact, then wildcard), error code,
 * API/trace name, request hint, service fallback, system policy and scenario. Immutable and
 * cheap to share between threads; the detector rebuilds it when the catalog topic changes.
 */
public final class CatalogIndex {
    private final Catalog catalog;
    private final Map<String, Scenario> scenarios = new LinkedHashMap<>();
    private final Map<String, Requirement> requirements = new LinkedHashMap<>();
    private final Map<String, Scenario> scenarioOfRequirement = new LinkedHashMap<>();
    /** cloud|lower(action) → requirements whose grant names exactly this action. */
    private final Map<String, List<Requirement>> exactAction = new LinkedHashMap<>();
    /** requirements whose grant or covered actions are patterns. */
    private final List<Map.Entry<ActionPattern, Requirement>> wildcard = new ArrayList<>();
    private final Map<String, List<Requirement>> byPolicy = new LinkedHashMap<>();
    private final Map<String, ErrorCodeRule> errorCodes = new LinkedHashMap<>();
    private final List<ApiMapping> apis = new ArrayList<>();
    private final List<ParameterHint> hints = new ArrayList<>();
    private final Map<String, ServiceFallback> fallbacks = new LinkedHashMap<>();
    private final List<Map.Entry<ActionPattern, Scenario>> signals = new ArrayList<>();
    /** lower(action as a seed misspells or respells it) → lower(the other spelling), both ways, from the errata. */
    private final Map<String, String> aliases = new LinkedHashMap<>();

    /** seed spelling → printed spelling, for errata that only change case. */
    private final Map<String, String> corrections = new HashMap<>();

    public CatalogIndex(Catalog catalog) {
        this.catalog = catalog;
        for (CatalogArea area : catalog.areas()) {
            for (Scenario s : area.scenarios()) {
                scenarios.put(s.id(), s);
                for (String signal : s.signals()) {
                    signals.add(Map.entry(ActionPattern.of(signal), s));
                }
                for (Requirement r : s.requirements()) {
                    requirements.put(r.id(), r);
                    scenarioOfRequirement.put(r.id(), s);
                    indexRequirement(s.cloud(), r);
                }
            }
            for (ErrorCodeRule rule : area.errorCodes()) {
                errorCodes.put(key(rule.cloud(), rule.errorCode()), rule);
            }
            apis.addAll(area.apis());
            hints.addAll(area.hints());
            for (ServiceFallback f : area.fallbacks()) {
                fallbacks.put(key(f.cloud(), f.service()), f);
            }
            for (Erratum e : area.errata()) {
                if (isSingleAction(e.says()) && isSingleAction(e.means())) {
                    String says = e.says().trim().toLowerCase(Locale.ROOT);
                    String means = e.means().trim().toLowerCase(Locale.ROOT);
                    if (!says.equals(means)) {
                        aliases.putIfAbsent(says, means);
                        aliases.putIfAbsent(means, says);
                    } else {
                        corrections.putIfAbsent(e.says().trim(), e.means().trim());
                    }
                }
            }
        }
    }

    /** An erratum applies to matching when both sides are one IAM action ({@code dli:jobs:listAll} / {@code dli:jobs:list_all}). */
    static boolean isSingleAction(String s) {
        return s != null && s.trim().matches("[A-Za-z0-9-]+(:[A-Za-z0-9_*-]+){1,2}");
    }

    /**
     * The action as it should be printed: the erratum's spelling where a seed mis-cases it
     * ({@code obs:bucket:ListAllMybuckets} → {@code obs:bucket:ListAllMyBuckets}), else the action itself.
     */
    public String corrected(String action) {
        return action == null ? null : corrections.getOrDefault(action, action);
    }

    /** The other spelling of an action that an erratum records, or null. */
    public String alias(String action) {
        return action == null ? null : aliases.get(action.toLowerCase(Locale.ROOT));
    }

    private void indexRequirement(Cloud cloud, Requirement r) {
        GrantType type = r.grant().type();
        String value = r.grant().value();
        if (type == GrantType.SYSTEM_POLICY) {
            byPolicy.computeIfAbsent(value.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(r);
        } else if (type == GrantType.ACTION || type == GrantType.AGENCY_ACTION || type == GrantType.PASS_ROLE) {
            addAction(cloud, value, r);
        }
        for (String covered : r.covers()) {
            addAction(cloud, covered, r);
        }
        for (String answered : r.answers()) {
            addAction(cloud, answered, r);
        }
    }

    private void addAction(Cloud cloud, String action, Requirement r) {
        if (ActionPattern.isWildcard(action)) {
            wildcard.add(Map.entry(ActionPattern.of(action), r));
        } else {
            exactAction.computeIfAbsent(key(cloud, action), k -> new ArrayList<>()).add(r);
        }
    }

    private static String key(Cloud cloud, String text) {
        return cloud.wire() + "|" + text.toLowerCase(Locale.ROOT);
    }

    public Catalog catalog() {
        return catalog;
    }

    public String version() {
        return catalog.version();
    }

    public Optional<Scenario> scenario(String id) {
        return Optional.ofNullable(scenarios.get(id));
    }

    public Optional<Requirement> requirement(String id) {
        return Optional.ofNullable(requirements.get(id));
    }

    /** The scenario a requirement belongs to. */
    public Optional<Scenario> scenarioOf(String requirementId) {
        return Optional.ofNullable(scenarioOfRequirement.get(requirementId));
    }

    public List<Scenario> scenarios() {
        return List.copyOf(scenarios.values());
    }

    /** Requirements naming exactly this action, or its other spelling recorded in an erratum. */
    public List<Requirement> byExactAction(Cloud cloud, String action) {
        if (action == null) {
            return List.of();
        }
        List<Requirement> direct = exactAction.getOrDefault(key(cloud, action), List.of());
        String other = alias(action);
        if (other == null) {
            return direct;
        }
        Set<Requirement> out = new LinkedHashSet<>(direct);
        out.addAll(exactAction.getOrDefault(key(cloud, other), List.of()));
        return List.copyOf(out);
    }

    /** Requirements whose action patterns (or system-policy coverage) match this action. */
    public List<Requirement> byWildcardAction(Cloud cloud, String action) {
        List<Requirement> out = new ArrayList<>();
        for (Map.Entry<ActionPattern, Requirement> e : wildcard) {
            Scenario s = scenarioOfRequirement.get(e.getValue().id());
            if (s != null && s.cloud() == cloud && e.getKey().matches(action)) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    /** Exact matches first, then wildcard matches; no duplicates. */
    public List<Requirement> byAction(Cloud cloud, String action) {
        Set<Requirement> out = new LinkedHashSet<>(byExactAction(cloud, action));
        out.addAll(byWildcardAction(cloud, action));
        return List.copyOf(out);
    }

    public Optional<ErrorCodeRule> errorCode(Cloud cloud, String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(errorCodes.get(key(cloud, code)));
    }

    public List<Requirement> byErrorCode(Cloud cloud, String code) {
        return errorCode(cloud, code).map(r -> resolve(r.requirements())).orElse(List.of());
    }

    /** IAM actions for an API or trace name as logged (service and api case-insensitive; api may be a glob). */
    public List<String> actionsForApi(Cloud cloud, String service, String api) {
        if (api == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (ApiMapping m : apis) {
            if (m.cloud() == cloud && (service == null || m.service().equalsIgnoreCase(service))
                    && ActionPattern.of(m.api()).matches(api)) {
                out.addAll(m.actions());
            }
        }
        return out;
    }

    /** Requirements that request parameters point at (case-insensitive on names and values). */
    public List<Requirement> byHints(Cloud cloud, String service, String api, Map<String, String> parameters) {
        List<Requirement> out = new ArrayList<>();
        for (ParameterHint h : hints) {
            if (h.cloud() != cloud || (h.service() != null && !h.service().equalsIgnoreCase(String.valueOf(service)))
                    || (h.api() != null && !ActionPattern.of(h.api()).matches(api))) {
                continue;
            }
            for (Map.Entry<String, String> p : parameters.entrySet()) {
                if (p.getKey().equalsIgnoreCase(h.parameter())
                        && (h.value() == null || ActionPattern.of(h.value()).matches(p.getValue()))) {
                    out.addAll(resolve(h.requirements()));
                }
            }
        }
        return out;
    }

    public List<Requirement> byServiceFallback(Cloud cloud, String service) {
        if (service == null) {
            return List.of();
        }
        ServiceFallback f = fallbacks.get(key(cloud, service));
        return f == null ? List.of() : resolve(f.requirements());
    }

    public List<Requirement> bySystemPolicy(String policy) {
        return policy == null ? List.of() : byPolicy.getOrDefault(policy.toLowerCase(Locale.ROOT), List.of());
    }

    /** Scenarios whose activity signals match an action or {@code Service/Api} string. */
    public List<Scenario> scenariosSignalledBy(Cloud cloud, String actionOrApi) {
        if (actionOrApi == null) {
            return List.of();
        }
        Set<Scenario> out = new LinkedHashSet<>();
        for (Map.Entry<ActionPattern, Scenario> e : signals) {
            if (e.getValue().cloud() == cloud && e.getKey().matches(actionOrApi)) {
                out.add(e.getValue());
            }
        }
        return List.copyOf(out);
    }

    /** "Which scenarios need X": scenarios with a requirement matching an action, error code or policy. */
    public List<Scenario> scenariosNeeding(String actionCodeOrPolicy) {
        Set<Scenario> out = new LinkedHashSet<>();
        for (Cloud cloud : Cloud.values()) {
            byAction(cloud, actionCodeOrPolicy).forEach(r -> out.add(scenarioOfRequirement.get(r.id())));
            byErrorCode(cloud, actionCodeOrPolicy).forEach(r -> out.add(scenarioOfRequirement.get(r.id())));
        }
        bySystemPolicy(actionCodeOrPolicy).forEach(r -> out.add(scenarioOfRequirement.get(r.id())));
        return List.copyOf(out);
    }

    private List<Requirement> resolve(List<String> ids) {
        List<Requirement> out = new ArrayList<>();
        for (String id : ids) {
            Requirement r = requirements.get(id);
            if (r != null) {
                out.add(r);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
