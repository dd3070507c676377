package io.grantwatch.ingest;

import io.grantwatch.ingest.http.HttpReceiver;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.source.AuditSink;
import io.grantwatch.ingest.source.FileCheckpoint;
import io.grantwatch.ingest.source.FileSource;
import io.grantwatch.ingest.source.IngestCounters;
import io.grantwatch.ingest.source.WatchSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured ingest sources against one {@link AuditSink}: files once, then the long-running
 * ones (watched folders, the HTTP receiver, API pollers) until {@link #stop()}. What
 * {@code grantwatch ingest} runs; the CLI only builds the sink (Kafka or the embedded broker).
 */
public final class IngestRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestRunner.class);

    /**
     * @param files         read once, then done
     * @param watch         folders watched until stopped
     * @param checkpointDir where watch checkpoints live (one file per folder)
     * @param poll          watch poll interval
     * @param settle        a file is read once it is this old (not while a sync job writes it)
     * @param http          the HTTP receiver, or null; without a state folder of its own it keeps its replay ids
     *                      in {@code checkpointDir}
     * @param pollers       API pollers (LookupEvents, ListTraces), run until stopped
     * @param tailSettle    an incomplete last line of a watched file waits this long for its newline
     * @param followLinksOutside follow symlinks out of a watched folder
     * @param limits        parse limits (largest record: {@code ingest.record.max.bytes}) of files, watched folders
     *                      and pushes
     * @param checkpointRetention the watch checkpoint entry of a file that is gone is dropped once the file's last
     *                      modification is this old ({@code ingest.checkpoint.retention})
     * @param checkpointInterval a watch checkpoint is written at most this often, and after each scan
     *                      ({@code ingest.checkpoint.interval})
     */
    public record Settings(List<Path> files, List<Path> watch, Path checkpointDir, Duration poll, Duration settle,
                           HttpReceiver.Config http, List<PollerFactory> pollers, Duration tailSettle,
                           boolean followLinksOutside, IngestLimits limits, Duration checkpointRetention,
                           Duration checkpointInterval) {
        public Settings {
            files = files == null ? List.of() : List.copyOf(files);
            watch = watch == null ? List.of() : List.copyOf(watch);
            pollers = pollers == null ? List.of() : List.copyOf(pollers);
            tailSettle = tailSettle == null ? WatchSource.DEFAULT_TAIL_SETTLE : tailSettle;
            limits = limits == null ? IngestLimits.DEFAULTS : limits;
            checkpointRetention = checkpointRetention == null ? WatchSource.DEFAULT_RETENTION : checkpointRetention;
            checkpointInterval = checkpointInterval == null
                    ? Duration.ofMillis(FileCheckpoint.DEFAULT_WRITE_INTERVAL_MS) : checkpointInterval;
        }

        public Settings(List<Path> files, List<Path> watch, Path checkpointDir, Duration poll, Duration settle,
                        HttpReceiver.Config http, List<PollerFactory> pollers, Duration tailSettle, boolean followLinksOutside) {
            this(files, watch, checkpointDir, poll, settle, http, pollers, tailSettle, followLinksOutside, IngestLimits.DEFAULTS,
                    null, null);
        }

        public Settings withLimits(IngestLimits l) {
            return new Settings(files, watch, checkpointDir, poll, settle, http, pollers, tailSettle, followLinksOutside, l,
                    checkpointRetention, checkpointInterval);
        }

        public Settings withCheckpoint(Duration retention, Duration interval) {
            return new Settings(files, watch, checkpointDir, poll, settle, http, pollers, tailSettle, followLinksOutside, limits,
                    retention, interval);
        }

        public Settings(List<Path> files, List<Path> watch, Path checkpointDir, Duration poll, Duration settle,
                        HttpReceiver.Config http, List<PollerFactory> pollers) {
            this(files, watch, checkpointDir, poll, settle, http, pollers, WatchSource.DEFAULT_TAIL_SETTLE, false);
        }

        public boolean longRunning() {
            return !watch.isEmpty() || http != null || !pollers.isEmpty();
        }
    }

    /** A long-running source that stops when asked. */
    public interface Poller extends Runnable {
        void stop();

        String name();
    }

    /** Builds a poller on the runner's sink (the sink exists only once Kafka is up). */
    public interface PollerFactory {
        Poller create(AuditSink sink);
    }

    private final Settings settings;
    private final AuditSink sink;
    private final List<Thread> threads = new ArrayList<>();
    private final List<WatchSource> watchers = new ArrayList<>();
    private final List<Poller> pollers = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Throwable failure;
    private HttpReceiver http;

    public IngestRunner(Settings settings, AuditSink sink) {
        this.settings = settings;
        this.sink = sink;
    }

    /** Files first (returns once Kafka acknowledged them), then starts the long-running sources. */
    public void start() throws IOException {
        // every watch checkpoint must be writable (and its full-disk reserve held) before anything is sent: a restart
        // on a disk that is still full stops here instead of sending records it cannot record (duplicates later)
        List<FileCheckpoint> checkpoints = new ArrayList<>();
        for (Path dir : settings.watch()) {
            Files.createDirectories(settings.checkpointDir());
            FileCheckpoint cp = FileCheckpoint.load(checkpoint(settings.checkpointDir(), dir)).writeInterval(settings.checkpointInterval());
            cp.ensureWritable();
            checkpoints.add(cp);
        }
        if (!settings.files().isEmpty()) {
            new FileSource(new AuditFileReader(settings.limits()), sink, "files").run(settings.files());
        }
        for (int i = 0; i < settings.watch().size(); i++) {
            Path dir = settings.watch().get(i);
            WatchSource.Options options = new WatchSource.Options(settings.tailSettle(), settings.followLinksOutside(), this::fail,
                    settings.checkpointRetention());
            WatchSource w = new WatchSource(dir, checkpoints.get(i), sink,
                    new AuditFileReader(settings.limits()), settings.poll(), settings.settle(), 500, options);
            watchers.add(w);
            startThread(w, w.name());
        }
        if (settings.http() != null) {
            // The receiver keeps the ids of accepted signed requests with the other checkpoints, so a request
            // captured before a restart is refused after it.
            HttpReceiver.Config receiver = settings.http().stateDir() != null || settings.checkpointDir() == null
                    ? settings.http() : settings.http().withStateDir(settings.checkpointDir());
            http = new HttpReceiver(receiver, new AuditParser(settings.limits()), sink).start();
        }
        for (PollerFactory f : settings.pollers()) {
            Poller p = f.create(sink);
            pollers.add(p);
            startThread(p, p.name());
        }
    }

    /**
     * One checkpoint file per watched folder, named after the folder's canonical (real) path, so
     * {@code ./logs}, {@code /abs/logs} and a symlink to it share one checkpoint. A long path is named
     * by its SHA-256 (a prefix could be shared by two folders).
     */
    public static Path checkpointFile(Path checkpointDir, Path dir) {
        Path canonical;
        try {
            canonical = dir.toRealPath();
        } catch (IOException e) {
            canonical = dir.toAbsolutePath().normalize(); // not there yet
        }
        byte[] name = canonical.toString().getBytes(StandardCharsets.UTF_8);
        String id = HexFormat.of().formatHex(name);
        if (id.length() > 64) {
            try {
                id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return checkpointDir.resolve("watch-" + id + ".json");
    }

    /** How earlier versions named the checkpoint (absolute path, hex, cut at 64 characters). */
    public static Path legacyCheckpointFile(Path checkpointDir, Path dir) {
        String id = HexFormat.of().formatHex(dir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
        return checkpointDir.resolve("watch-" + (id.length() > 64 ? id.substring(0, 64) : id) + ".json");
    }

    /** The checkpoint of a folder, carried over from an earlier version's name if need be. */
    private static Path checkpoint(Path checkpointDir, Path dir) throws IOException {
        Path file = checkpointFile(checkpointDir, dir);
        Path legacy = legacyCheckpointFile(checkpointDir, dir);
        if (!Files.exists(file) && !legacy.equals(file) && Files.exists(legacy)) {
            Files.copy(legacy, file);
            LOG.info("Watch checkpoint of {} carried over from {} to {}", dir, legacy, file);
        }
        return file;
    }

    /** A long-running source stopped on its own: the runner stops, {@link #failure()} says why. */
    private void fail(Throwable t) {
        failure = t;
        stopped.countDown();
    }

    /** Why the runner stopped on its own (a watch checkpoint could not be written), or null. */
    public Throwable failure() {
        return failure;
    }

    private void startThread(Runnable r, String name) {
        Thread t = new Thread(r, "grantwatch-ingest-" + name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** Blocks until {@link #stop()} (or the timeout). */
    public boolean await(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void stop() {
        stopped.countDown();
    }

    public Map<String, IngestCounters.Snapshot> counters() {
        return sink.counters().snapshot();
    }

    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Stops the sources, waits for Kafka's answer to what was sent, and writes each watch checkpoint at what Kafka
     * acknowledged, so a restart sends neither less nor more. Idempotent (a shutdown hook and the command may both call it).
     */
    @Override
    public synchronized void close() { // a second caller (the command after the shutdown hook) waits for the first
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stop();
        if (http != null) {
            http.close();
        }
        watchers.forEach(WatchSource::stop);
        pollers.forEach(Poller::stop);
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            sink.flush();
        } finally {
            watchers.forEach(WatchSource::saveAcknowledged);
        }
        LOG.info("Ingest stopped: {}", io.grantwatch.ingest.source.IngestCounters.sentence(counters()));
    }
}
