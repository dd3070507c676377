package io.grantwatch.app.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code log.level} to GrantWatch's own loggers (Kafka's stay as logback.xml quiets them). */
public final class Logging {
    private Logging() {
    }

    public static void apply(String level) {
        if (LoggerFactory.getLogger("io.grantwatch") instanceof Logger logger) {
            logger.setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
