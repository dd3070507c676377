package io.grantwatch.testkit;

import org.apache.kafka.common.utils.AppInfoParser;

/** The Kafka client version on the classpath; the container image follows it. */
public final class KafkaVersion {
    public static final String VERSION = AppInfoParser.getVersion();

    private KafkaVersion() {
    }
}
