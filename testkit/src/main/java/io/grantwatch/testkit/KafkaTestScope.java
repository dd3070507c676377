package io.grantwatch.testkit;

import io.grantwatch.model.topic.Topics;

/**
 * What one test owns on the shared cluster: a unique prefix, the GrantWatch topics under it, and
 * names derived from it for consumer groups and Streams application ids, so tests never see each
 * other's records or offsets.
 *
 * @param prefix unique per test, ends with {@code -}, e.g. {@code t7-shouldFindXWhenY-}
 * @param topics {@link Topics#withPrefix} of that prefix
 */
public record KafkaTestScope(String prefix, Topics topics) {

    public static KafkaTestScope of(String prefix) {
        return new KafkaTestScope(prefix, Topics.withPrefix(prefix));
    }

    /** A Streams {@code application.id} / consumer group id unique to this test. */
    public String name(String suffix) {
        return prefix + suffix;
    }
}
