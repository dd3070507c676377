package io.grantwatch.app.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Set;
import org.slf4j.Marker;

/**
 * Drops the embedded broker's ERROR lines about a request error that it also returns to the client,
 * which recovers on its own: an idempotent or transactional producer's batch that arrives out of
 * sequence while its first batches are retried (topics still being created) is answered
 * {@code OUT_OF_ORDER_SEQUENCE_NUMBER}, and the producer resends. Everything else the broker logs stays.
 */
public final class KafkaNoiseFilter extends TurboFilter {
    private static final Set<String> CLIENT_RECOVERS = Set.of(
            "org.apache.kafka.common.errors.OutOfOrderSequenceException");

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        Throwable thrown = t;
        if (thrown == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
            thrown = last;
        }
        if (thrown != null && "kafka.server.ReplicaManager".equals(logger.getName())
                && CLIENT_RECOVERS.contains(thrown.getClass().getName())) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
