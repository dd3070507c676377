package io.grantwatch.model;

import java.util.List;

/** One scenario the inference considered, with its score and why. Kept in the finding for review. */
public record ScenarioCandidate(String scenarioId, double score, List<String> reasons) {
    public ScenarioCandidate {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
}
