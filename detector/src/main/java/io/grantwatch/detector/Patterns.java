package io.grantwatch.detector;

import io.grantwatch.model.catalog.ActionPattern;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Compiled action globs, shared: compiling a pattern costs far more than matching it. */
final class Patterns {
    private static final Map<String, ActionPattern> CACHE = new ConcurrentHashMap<>();

    private Patterns() {
    }

    static ActionPattern of(String text) {
        if (CACHE.size() > 10_000) {
            CACHE.clear();
        }
        return CACHE.computeIfAbsent(text, ActionPattern::of);
    }

    /** Whether {@code candidate} (an action or api key) is named by {@code patternOrAction}. */
    static boolean matches(String patternOrAction, String candidate) {
        if (patternOrAction == null || candidate == null) {
            return false;
        }
        if (!ActionPattern.isWildcard(patternOrAction)) {
            return patternOrAction.toLowerCase(Locale.ROOT).equals(candidate.toLowerCase(Locale.ROOT));
        }
        return of(patternOrAction).matches(candidate);
    }
}
