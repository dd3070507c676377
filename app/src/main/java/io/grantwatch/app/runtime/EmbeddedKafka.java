package io.grantwatch.app.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node Kafka that {@code grantwatch run} starts when no cluster is configured: one KRaft
 * process in combined broker+controller mode on loopback, through the broker's own entry points
 * (the storage {@link Formatter} of {@code kafka-storage format}, then {@link KafkaRaftServer}, as
 * {@code kafka-server-start} does). Not Kafka's test kit: that is test-only API.
 *
 * <p>The data directory survives restarts: it is formatted once (a {@code meta.properties} marks it)
 * and reused; a second start finds the records of the first. Internal topics are sized for one
 * node (replication 1, few partitions) so that transactions and groups start fast.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String LOCK_FILE = ".grantwatch.lock";

    /**
     * Where and how the embedded broker runs.
     *
     * @param dataDir        log and metadata directory; created when missing, formatted once
     * @param port           client port on 127.0.0.1 ({@code --kafka-port})
     * @param controllerPort KRaft controller port on 127.0.0.1 ({@code --kafka-controller-port})
     * @param overrides      broker settings on top of ours (e.g. {@code log.retention.hours})
     */
    public record Settings(Path dataDir, int port, int controllerPort, Map<String, String> overrides) {
        /** The default client port. Not 9092: a developer machine often runs a Kafka there already. */
        public static final int DEFAULT_PORT = 19092;

        public Settings {
            Objects.requireNonNull(dataDir, "dataDir");
            overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
        }

        public static Settings of(Path dataDir, int port) {
            return new Settings(dataDir, port, port + 1, Map.of());
        }
    }

    /** The embedded broker cannot start on the configured port: someone else listens there. */
    public static final class PortInUseException extends IllegalStateException {
        private final int port;

        PortInUseException(int port, String flag, Throwable cause) {
            super("Port " + port + " on 127.0.0.1 is already in use, so the embedded Kafka cannot listen there. "
                    + "Stop whatever uses it, or choose another port with " + flag
                    + " (or connect to an existing cluster with --bootstrap-servers).", cause);
            this.port = port;
        }

        public int port() {
            return port;
        }
    }

    private final Settings settings;
    private final KafkaRaftServer server;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private volatile boolean closed;

    private EmbeddedKafka(Settings settings, KafkaRaftServer server, FileChannel lockChannel, FileLock lock) {
        this.settings = settings;
        this.server = server;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Formats the data directory if needed, starts the broker and waits until it answers. Throws
     * {@link PortInUseException} naming the port and the flag when a port is taken.
     */
    /**
     * The embedded broker stops the JVM itself when its log directory fails (a full disk, a read-only
     * data dir): say so, and where, before it does, instead of a silent exit.
     */
    private static void explainHalts(Path dataDir) {
        org.apache.kafka.common.utils.Exit.setHaltProcedure((status, message) -> {
            String text = haltMessage(status, message, dataDir);
            LOG.error(text);
            System.err.println("grantwatch: " + text);
            System.err.flush();
            Runtime.getRuntime().halt(status);
        });
    }

    /** What GrantWatch says when the embedded Kafka halts the JVM. */
    static String haltMessage(int status, String message, Path dataDir) {
        return "The embedded Kafka stopped the process (exit status " + status + ")"
                + (message == null || message.isBlank() ? "" : ": " + message)
                + ". Its data is in " + dataDir + " (check free space and permissions there: a full disk stops it). "
                + "Restart when fixed: watched folders resume from their checkpoints in the data dir.";
    }

    public static EmbeddedKafka start(Settings settings) {
        long started = System.nanoTime();
        checkPortFree(settings.port(), "--kafka-port");
        checkPortFree(settings.controllerPort(), "--kafka-controller-port");
        Path dataDir = settings.dataDir().toAbsolutePath();
        FileChannel lockChannel = null;
        FileLock lock = null;
        try {
            Files.createDirectories(dataDir);
            lockChannel = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("The Kafka data directory " + dataDir
                        + " is in use by another grantwatch process; stop it or choose another with --data-dir");
            }
            KafkaConfig config = KafkaConfig.fromProps(brokerProperties(settings, dataDir), false);
            explainHalts(dataDir);
            boolean formatted = Files.exists(dataDir.resolve("meta.properties"));
            if (formatted) {
                LOG.info("Embedded Kafka reuses its data in {}", dataDir);
            } else {
                format(config, dataDir);
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            EmbeddedKafka kafka = new EmbeddedKafka(settings, server, lockChannel, lock);
            try {
                server.startup();
                kafka.awaitReady(Duration.ofSeconds(60));
            } catch (RuntimeException e) {
                kafka.close();
                throw translateBindFailure(settings, e);
            }
            LOG.info("Embedded Kafka ready at {} (data in {}) in {} ms", kafka.bootstrapServers(), dataDir,
                    (System.nanoTime() - started) / 1_000_000);
            return kafka;
        } catch (IOException e) {
            release(lockChannel, lock);
            throw new IllegalStateException("Cannot use the Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(lockChannel, lock);
            throw e;
        }
    }

    private static Properties brokerProperties(Settings settings, Path dataDir) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + settings.controllerPort());
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + settings.port() + ",CONTROLLER://127.0.0.1:" + settings.controllerPort());
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + settings.port());
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dataDir.toString());
        // One node: internal topics cannot be replicated; few partitions start faster.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "3");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "3");
        // The cleaner's default 128 MiB buffer is sized for a dedicated broker, not a shared JVM.
        props.put("log.cleaner.dedupe.buffer.size", Long.toString(16L * 1024 * 1024));
        props.putAll(settings.overrides());
        return props;
    }

    /** What {@code kafka-storage format --cluster-id ... --config ...} does for a static quorum, in-process. */
    private static void format(KafkaConfig config, Path dataDir) {
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            Formatter formatter = new Formatter()
                    .setPrintStream(print)
                    .setNodeId(NODE_ID)
                    .setClusterId(clusterId)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(dataDir.toString())
                    .setIgnoreFormatted(true)
                    .addDirectory(dataDir.toString());
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format the Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        }
        LOG.info("Embedded Kafka formatted {} (cluster id {})", dataDir, clusterId);
        LOG.debug("Formatter said: {}", out.toString(StandardCharsets.UTF_8).trim());
    }

    private static void checkPortFree(int port, String flag) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new PortInUseException(port, flag, e);
        }
    }

    /** A bind failure that slipped past the pre-check (a race) still names the port and flag. */
    private static RuntimeException translateBindFailure(Settings settings, RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return new PortInUseException(settings.port(), "--kafka-port / --kafka-controller-port", e);
            }
        }
        return e;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Embedded Kafka did not become ready within " + timeout, e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded Kafka", e);
        }
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + settings.port();
    }

    public Settings settings() {
        return settings;
    }

    /** Stops the broker (controlled shutdown, logs flushed) and releases the data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            release(lockChannel, lock);
        }
        LOG.info("Embedded Kafka stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    private static void release(FileChannel channel, FileLock lock) {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException | OverlappingFileLockException e) {
            LOG.debug("Could not release the data directory lock", e);
        }
    }
}
