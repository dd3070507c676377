package io.grantwatch.detector.streams;

import io.grantwatch.detector.DetectorCounters;
import io.grantwatch.model.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
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
 *
 * <p>Close leaves the consumer group, so the other detectors take over its partitions at once
 * instead of after the session timeout (45 s; Streams otherwise stays in the group on close,
 * betting on a quick restart). With static membership — {@code group.instance.id} passed through
 * {@link DetectorConfig#kafka()} (one distinct id per detector process; Streams adds the thread
 * number) — close keeps the membership instead: a restart within {@code session.timeout.ms} gets
 * its partitions back without a rebalance, and a detector that does not come back is replaced
 * after that timeout.
 */
public final class DetectorRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorRunner.class);
    static final int MAX_REPLACEMENTS = 5;

    private final KafkaStreams streams;
    private final DetectorCounters counters;
    private final boolean staticMember;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Deque<Instant> replacements = new ArrayDeque<>();
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;

    public DetectorRunner(Topics topics, DetectorConfig config) {
        Objects.requireNonNull(topics, "topics");
        this.counters = new DetectorCounters();
        this.staticMember = isStaticMember(config);
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
    public StoredFindings storedFindings() {
        return StoredFindings.of(streams);
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Whether this detector has a static group membership ({@code group.instance.id}, plain or consumer-prefixed). */
    static boolean isStaticMember(DetectorConfig config) {
        for (String key : List.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))) {
            String id = config.kafka().get(key);
            if (id != null && !id.isBlank()) {
                return true;
            }
        }
        return false;
    }

    /** Stops processing, commits, and leaves the group (keeps a static membership; see the class comment). */
    @Override
    public void close() {
        CloseOptions.GroupMembershipOperation membership = staticMember
                ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP : CloseOptions.GroupMembershipOperation.LEAVE_GROUP;
        boolean clean = streams.close(CloseOptions.groupMembershipOperation(membership).withTimeout(Duration.ofSeconds(30)));
        LOG.info("Detector closed{} ({}): {}", clean ? "" : " (timed out after 30 s)",
                staticMember ? "static member: kept its membership" : "left the group", counters.snapshot());
    }
}
