package io.grantwatch.app.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Applies {@code log.level} to GrantWatch's own loggers (Kafka's stay as logback.xml quiets them). */
public final class Logging {
    private Logging() {
    }

    /** Loggers of Kafka and its libraries that logback.xml keeps at ERROR unless asked. */
    private static final List<String> KAFKA = List.of("org.apache.kafka", "kafka", "state.change.logger",
            "io.micrometer");

    /** {@code --verbose}: Kafka's own WARN lines come back. */
    public static void verbose() {
        for (String name : KAFKA) {
            if (LoggerFactory.getLogger(name) instanceof Logger logger) {
                logger.setLevel(Level.WARN);
            }
        }
    }

    public static void apply(String level) {
        if (LoggerFactory.getLogger("io.grantwatch") instanceof Logger logger) {
            logger.setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
