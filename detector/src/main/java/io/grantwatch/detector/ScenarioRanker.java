package io.grantwatch.detector;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.PrincipalType;
import io.grantwatch.model.ScenarioCandidate;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Picks the scenario a principal is working in when several need the same grant (on ModelArts,
 * {@code obs:object:GetObject} is needed by notebooks, training, workflows, data management...).
 *
 * <p>Score = how directly the denial names the scenario's requirement (0.3..1.0)
 * + recent activity that signals the scenario (up to +0.8, more for more and for more recent calls)
 * + the denied call itself signals it (+0.4)
 * + the scenario was matched through a grant needed only when deleting a workspace and recent calls signal it (+0.8)
 * + identity: an agency (or role) session and a scenario whose requirements that agency (role) holds (+0.5, +0.3);
 *   a plain user and a scenario that only an agency holds (−0.4)
 * + for an agency or role session: a person of the same account started it shortly before (+0.5, {@link ContextSignal})
 * + the principal already has an open finding in it (+0.1).
 * Confidence = the best score's share against the runner-up (1.0 when alone, 0.5 for a tie), damped
 * when the best match is indirect (hint, fallback).
 */
public final class ScenarioRanker {
    private static final Duration VERY_RECENT = Duration.ofMinutes(10);

    private ScenarioRanker() {
    }

    public static Ranking rank(AuditEvent event, List<Match> matches, PrincipalState state, CatalogLookup catalog, DetectorSettings settings) {
        return rank(event, matches, state, catalog, settings, List.of());
    }

    /**
     * @param context calls by people of the same account that signal scenarios (see {@link ContextSignal});
     *                used for agency and role sessions only: +0.5 for a scenario a person started within the window
     */
    public static Ranking rank(AuditEvent event, List<Match> matches, PrincipalState state, CatalogLookup catalog, DetectorSettings settings,
                               List<ContextSignal> context) {
        Map<String, Scenario> scenarios = new LinkedHashMap<>();
        Map<String, Double> base = new LinkedHashMap<>();
        Map<String, List<String>> reasons = new LinkedHashMap<>();
        for (Match m : matches) {
            String id = m.scenario().id();
            scenarios.putIfAbsent(id, m.scenario());
            if (m.strength() > base.getOrDefault(id, 0.0)) {
                base.put(id, m.strength());
                List<String> r = new ArrayList<>();
                r.add(m.describe());
                reasons.put(id, r);
            }
        }
        Instant now = event.eventTime();
        Map<String, Integer> signalCount = new LinkedHashMap<>();
        Set<String> veryRecent = new HashSet<>();
        long nowMs = now.toEpochMilli();
        long from = now.minus(settings.activityWindow()).toEpochMilli();
        long veryRecentFrom = now.minus(VERY_RECENT).toEpochMilli();
        for (Activity a : state.recent()) {
            if (a.at() > nowMs || a.at() < from) {
                continue;
            }
            List<String> byAction = catalog.signalled(event.cloud(), a.action());
            List<String> byApi = catalog.signalled(event.cloud(), a.api());
            if (byAction.isEmpty() && byApi.isEmpty()) {
                continue;
            }
            Set<String> hit = new HashSet<>(byAction);
            hit.addAll(byApi);
            for (String id : hit) {
                if (scenarios.containsKey(id)) {
                    signalCount.merge(id, 1, Integer::sum);
                    if (a.at() >= veryRecentFrom && a.outcome() != Outcome.DENIED) {
                        veryRecent.add(id);
                    }
                }
            }
        }
        Set<String> own = new HashSet<>();
        own.addAll(catalog.signalled(event.cloud(), event.iamAction()));
        own.addAll(catalog.signalled(event.cloud(), DenialMatcher.apiLabel(event)));
        Set<String> openIn = new HashSet<>();
        for (FindingRef f : state.findings()) {
            if (f.open() && f.scenarioId() != null) {
                openIn.add(f.scenarioId());
            }
        }
        PrincipalType type = event.principal().type();

        List<ScenarioCandidate> ranked = new ArrayList<>();
        for (Map.Entry<String, Scenario> e : scenarios.entrySet()) {
            String id = e.getKey();
            Scenario s = e.getValue();
            double score = base.get(id);
            List<String> why = reasons.get(id);
            int n = signalCount.getOrDefault(id, 0);
            if (n > 0) {
                double bonus = 0.6 * (1 - Math.pow(0.5, n)) + (veryRecent.contains(id) ? 0.2 : 0.0);
                score += bonus;
                why.add(n + " recent call(s) of this principal signal it" + (veryRecent.contains(id) ? ", one within 10 minutes" : ""));
            }
            if (n > 0 && deleteOnly(matches, id)) {
                // The seed needs it only while a workspace is deleted: with the deletion in the principal's recent
                // calls, this denial is the clean-up, whichever scenario names the deleted resource's own action.
                score += 0.8;
                why.add("the seed needs this grant only when a workspace is deleted, and the principal's recent calls delete one");
            }
            if (own.contains(id)) {
                score += 0.4;
                why.add("the denied call " + DenialMatcher.apiLabel(event) + " itself belongs to it");
            }
            double identity = identityBonus(type, s);
            if (identity != 0) {
                score += identity;
                why.add(identity > 0 ? "the caller is a " + typeLabel(type) + " and this scenario's grants sit on one"
                        : "the caller is a user and this scenario's grants sit on an agency");
            }
            for (ContextSignal c : context) {
                if (c.scenarioId().equals(id) && delegated(type)) {
                    score += 0.5;
                    why.add(c.who() + " called " + c.api() + " at " + c.time() + ", which the service runs under this "
                            + (type == PrincipalType.ASSUMED_AGENCY ? "agency" : "role"));
                    break;
                }
            }
            if (openIn.contains(id)) {
                score += 0.1;
                why.add("the principal already has an open finding in it");
            }
            ranked.add(new ScenarioCandidate(id, round(Math.max(0.05, score)), why));
        }
        ranked.sort((a, b) -> {
            int c = Double.compare(b.score(), a.score());
            return c != 0 ? c : a.scenarioId().compareTo(b.scenarioId());
        });
        ScenarioCandidate top = ranked.get(0);
        double second = ranked.size() > 1 ? ranked.get(1).score() : 0.0;
        double damp = Math.min(1.0, base.get(top.scenarioId()) / 0.8);
        double confidence = round(top.score() / (top.score() + second) * damp);
        return new Ranking(scenarios.get(top.scenarioId()), ranked, confidence);
    }

    /** Whether the scenario was matched through a requirement the seed needs only when deleting (删除工作空间时). */
    private static boolean deleteOnly(List<Match> matches, String scenarioId) {
        for (Match m : matches) {
            if (m.scenario().id().equals(scenarioId) && m.requirement().qualified(io.grantwatch.model.catalog.Qualifier.ONLY_WHEN_DELETING)) {
                return true;
            }
        }
        return false;
    }

    private static boolean delegated(PrincipalType type) {
        return type == PrincipalType.ASSUMED_AGENCY || type == PrincipalType.ASSUMED_ROLE;
    }

    private static double identityBonus(PrincipalType type, Scenario s) {
        boolean agencyHeld = holds(s, Holder.AGENCY);
        boolean roleHeld = holds(s, Holder.ROLE);
        if (type == PrincipalType.ASSUMED_AGENCY) {
            return agencyHeld ? 0.5 : 0.0;
        }
        if (type == PrincipalType.ASSUMED_ROLE) {
            return roleHeld ? 0.3 : 0.0;
        }
        if (type == PrincipalType.USER && agencyHeld && s.requirements().stream().allMatch(r -> r.holder() == Holder.AGENCY)) {
            return -0.4;
        }
        return 0.0;
    }

    private static boolean holds(Scenario s, Holder holder) {
        for (Requirement r : s.requirements()) {
            if (r.holder() == holder) {
                return true;
            }
        }
        return false;
    }

    private static String typeLabel(PrincipalType type) {
        return type == PrincipalType.ASSUMED_AGENCY ? "ModelArts agency session" : "role session";
    }

    static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
