package io.grantwatch.detector.streams;

import io.grantwatch.detector.DetectorCounters;
import io.grantwatch.model.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the detector runs (the topology says what it is): one KafkaStreams instance, its state
 * listener and uncaught-exception policy, start and close. Used by {@code grantwatch detect} and
 * {@code grantwatch run}.
 *
 * <p>Uncaught-exception policy: a failed stream thread is replaced (its uncommitted work is redone
 * under exactly-once, nothing is dropped); more than {@value #MAX_REPLACEMENTS} replacements within
 * a minute means the failure is not transient and the client shuts down rather than spin.
 */
public final class DetectorRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorRunner.class);
    static final int MAX_REPLACEMENTS = 5;

    private final KafkaStreams streams;
    private final DetectorCounters counters;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Deque<Instant> replacements = new ArrayDeque<>();
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;

    public DetectorRunner(Topics topics, DetectorConfig config) {
        Objects.requireNonNull(topics, "topics");
        this.counters = new DetectorCounters();
        Topology topology = DetectorTopology.build(topics, config, counters);
        LOG.debug("Detector topology:\n{}", topology.describe());
        this.streams = new KafkaStreams(topology, config.toProperties(topics));
        streams.setStateListener((now, before) -> {
            state = now;
            LOG.info("Detector {} → {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(this::onUncaught);
    }

    private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onUncaught(Throwable t) {
        Instant now = Instant.now();
        synchronized (replacements) {
            replacements.addLast(now);
            while (!replacements.isEmpty() && replacements.peekFirst().isBefore(now.minus(Duration.ofMinutes(1)))) {
                replacements.removeFirst();
            }
            if (replacements.size() > MAX_REPLACEMENTS) {
                LOG.error("Detector stream thread failed {} times within a minute; shutting down", replacements.size(), t);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
        }
        LOG.warn("Detector stream thread failed; replacing it", t);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return state;
    }

    public boolean running() {
        return state == KafkaStreams.State.RUNNING;
    }

    /** Blocks until the instance stops (close, shutdown or fatal error), or the timeout passes. */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public DetectorCounters counters() {
        return counters;
    }

    /** Interactive queries over this instance's open findings (once RUNNING). */
    public OpenFindings openFindings() {
        return OpenFindings.of(streams);
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        LOG.info("Detector closed: {}", counters.snapshot());
    }
}
