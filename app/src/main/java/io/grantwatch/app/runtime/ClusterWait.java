package io.grantwatch.app.runtime;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;

/**
 * The one rule for a command that needs Kafka before it can do anything ({@code run}, {@code ingest}): wait
 * for the cluster up to {@link #CLUSTER_WAIT}, and when it has not answered after
 * {@link #CLUSTER_FIRST_WARNING}, say once which address does not answer (Kafka's own per-attempt warnings
 * are off unless --verbose, so without this the command printed nothing for two minutes).
 */
public final class ClusterWait {
    /** How long start-up waits for Kafka. */
    public static final Duration CLUSTER_WAIT = Duration.ofSeconds(120);
    /** When it says, once, that Kafka does not answer. */
    public static final Duration CLUSTER_FIRST_WARNING = Duration.ofSeconds(8);

    private ClusterWait() {
    }

    /**
     * Returns once {@code admin} reached the cluster.
     *
     * @param warn          where the one warning goes (a logger, or a command's error stream)
     * @param stopRequested ends the wait with {@link GrantWatchRuntime.StartAborted}
     * @throws IllegalStateException the cluster did not answer within {@link #CLUSTER_WAIT}, or the thread was interrupted
     */
    public static void await(Admin admin, String bootstrapServers, Consumer<String> warn, BooleanSupplier stopRequested) {
        long deadline = System.nanoTime() + CLUSTER_WAIT.toNanos();
        boolean warned = false;
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                var nodes = admin.describeCluster().nodes();
                long slice = System.nanoTime() + (warned ? Duration.ofSeconds(10) : CLUSTER_FIRST_WARNING).toNanos();
                while (!nodes.isDone() && System.nanoTime() < slice) {
                    if (stopRequested.getAsBoolean()) {
                        throw new GrantWatchRuntime.StartAborted();
                    }
                    try {
                        nodes.get(250, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException notYet) {
                        // keep waiting, checking for a stop request
                    }
                }
                nodes.get(0, TimeUnit.MILLISECONDS);
                if (warned) {
                    warn.accept("Reached Kafka at " + bootstrapServers);
                }
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while connecting to Kafka", e);
            } catch (GrantWatchRuntime.StartAborted e) {
                throw e;
            } catch (Exception e) {
                last = e;
                if (!warned) {
                    warn.accept("Cannot reach Kafka at " + bootstrapServers + " (set by --bootstrap-servers, "
                            + "kafka.bootstrap.servers or GRANTWATCH_BOOTSTRAP_SERVERS): still trying for "
                            + CLUSTER_WAIT.toSeconds() + " s; check the address and the kafka.* security settings");
                    warned = true;
                }
            }
        }
        throw new IllegalStateException("Cannot reach Kafka at " + bootstrapServers + " within " + CLUSTER_WAIT.toSeconds()
                + " s (" + (last == null || last.getMessage() == null ? "no answer" : last.getMessage())
                        + "); check --bootstrap-servers and the kafka.* "
                + "security settings", last);
    }

    /** Whether the cluster answers now (a readiness check): its nodes within 2 s. */
    public static boolean reachable(Admin admin) {
        try {
            return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }
}
