package io.grantwatch.model.policy;

import java.util.Objects;

/**
 * The result of {@link PolicyEvaluator#evaluate}.
 *
 * @param decision  the decision
 * @param document  index in the list of policies of the deciding statement's document, -1 if none decided
 * @param statement index of the deciding statement in its document's Statement list (0 for a single statement
 *                  object), -1 if none decided
 * @param reason    a sentence for humans and logs; not for parsing
 */
public record Evaluation(Decision decision, int document, int statement, String reason) {
    public Evaluation {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(reason, "reason");
    }
}
