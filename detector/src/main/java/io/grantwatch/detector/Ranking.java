package io.grantwatch.detector;

import io.grantwatch.model.ScenarioCandidate;
import io.grantwatch.model.catalog.Scenario;
import java.util.List;

/**
 * The scenarios a denial could belong to, best first, and how sure the pick is.
 *
 * @param chosen     the best scenario
 * @param candidates every scenario considered, best first, with score and reasons
 * @param confidence 0..1
 */
public record Ranking(Scenario chosen, List<ScenarioCandidate> candidates, double confidence) {
    public Ranking {
        candidates = List.copyOf(candidates);
    }
}
