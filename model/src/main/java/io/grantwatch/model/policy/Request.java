package io.grantwatch.model.policy;

import java.util.Objects;

/**
 * One call to authorise.
 *
 * @param action   the action as the cloud names it ({@code oss:GetObject}, {@code modelarts:trainJob:create}); required
 * @param resource the resource ARN/URN, or {@code null} for "any or unknown resource": then a statement matches
 *                 only if its Resource is {@code "*"} or, where the language allows it, absent. A {@code *} inside
 *                 the resource (an event that did not give the region or account) is a literal character that only
 *                 a wildcard in the pattern matches.
 */
public record Request(String action, String resource) {
    public Request {
        Objects.requireNonNull(action, "action");
        if (action.isBlank()) {
            throw new IllegalArgumentException("action is blank");
        }
    }
}
