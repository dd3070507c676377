package io.grantwatch.ingest.source;

import io.grantwatch.ingest.AuditFileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a folder that a sync job fills from OSS ({@code AliyunLogs/Actiontrail/…}) or OBS
 * ({@code CloudTraces/…}): every poll, new files and files that grew are read from their checkpoint.
 *
 * <p>Delivery: at least once. The checkpoint ({@link FileCheckpoint}) moves only after Kafka
 * acknowledged every record before it (flush every {@code checkpointEvery} records and at the end of
 * each file). After a crash, the records between the last checkpoint and the crash are sent again;
 * they carry the same {@code eventId} (the cloud's id, or a content hash when the record has none),
 * and the detector keys its state by event id, so a duplicate changes no finding. Nothing is skipped.
 *
 * <p>A file is read only once its modification time is {@code settle} old, so a file being written
 * is not read half-way.
 */
public final class WatchSource implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchSource.class);

    private final Path dir;
    private final FileCheckpoint checkpoint;
    private final AuditSink sink;
    private final AuditFileReader reader;
    private final Duration poll;
    private final Duration settle;
    private final int checkpointEvery;
    private final String name;
    private volatile boolean stopped;

    /** Thrown inside a read to abandon it at once: what a crash would do (no flush, no checkpoint). */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super("stopped", null, false, false);
        }
    }

    public WatchSource(Path dir, FileCheckpoint checkpoint, AuditSink sink, AuditFileReader reader,
                       Duration poll, Duration settle, int checkpointEvery) {
        this.dir = dir;
        this.checkpoint = checkpoint;
        this.sink = sink;
        this.reader = reader;
        this.poll = poll;
        this.settle = settle;
        this.checkpointEvery = Math.max(1, checkpointEvery);
        this.name = "watch:" + dir;
    }

    public String name() {
        return name;
    }

    /** Polls until {@link #stop()}. Errors are logged and retried at the next poll. */
    @Override
    public void run() {
        LOG.info("Watching {} every {}", dir, poll);
        while (!stopped) {
            try {
                scanOnce();
            } catch (Abandoned e) {
                break;
            } catch (IOException | RuntimeException e) {
                LOG.warn("Watch of {} failed, retrying at the next poll: {}", dir, e.toString());
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.info("Stopped watching {}", dir);
    }

    /** Stops at once, mid-file if need be, without a last checkpoint: the restart resumes from the last one. */
    public void stop() {
        stopped = true;
    }

    /** One pass over the folder: every new or grown file, from its checkpoint. */
    public void scanOnce() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a folder: " + dir);
        }
        for (Path f : AuditFileReader.files(dir)) {
            if (stopped) {
                throw new Abandoned();
            }
            long size = Files.size(f);
            long modified = Files.getLastModifiedTime(f).toMillis();
            if (!settle.isZero() && System.currentTimeMillis() - modified < settle.toMillis()) {
                continue;
            }
            FileCheckpoint.Entry e = checkpoint.get(f);
            long from = 0;
            if (e != null) {
                if (e.done() && e.size() == size && e.modified() == modified) {
                    continue;
                }
                // Grown (appended JSON Lines) or interrupted: go on from the checkpoint; shrunk: a new file.
                from = (!e.done() || size >= e.size()) ? e.nextPosition() : 0;
            }
            readFile(f, from, size, modified);
        }
    }

    private void readFile(Path f, long from, long size, long modified) throws IOException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] state = {from, 0, from}; // [highest position handed to Kafka + 1, records since checkpoint, checkpointed]
        reader.readFile(f, from, ev -> {
            advance(f, ev.source() == null ? -1 : ev.source().position(), state, failure);
            FileSource.watch(sink.send(name, ev), failure);
        }, rej -> {
            advance(f, rej.position(), state, failure);
            FileSource.watch(sink.deadLetter(name, rej), failure);
        }, skip -> {
            // a digest read by content moves the checkpoint past it like any record; one skipped by name has no position
            advance(f, skip.position(), state, failure);
            sink.counters().skipped(name);
        });
        if (stopped) {
            throw new Abandoned();
        }
        sink.flush();
        if (failure.get() != null) {
            throw new IOException("Kafka did not acknowledge records of " + f + ": " + failure.get().getMessage(), failure.get());
        }
        checkpoint.put(f, new FileCheckpoint.Entry(Math.max(state[0], from), true, size, modified));
    }

    /** A record at {@code position} arrived: everything before it was handed to Kafka; checkpoint every N. */
    private void advance(Path f, long position, long[] state, AtomicReference<Throwable> failure) {
        if (stopped) {
            throw new Abandoned();
        }
        if (position < 0 || position < state[0] - 1) {
            return;
        }
        if (position >= state[0]) {
            state[1]++;
            if (state[1] >= checkpointEvery && position > state[2]) {
                sink.flush();
                if (failure.get() != null) {
                    throw new IllegalStateException("Kafka did not acknowledge records of " + f, failure.get());
                }
                try {
                    checkpoint.put(f, new FileCheckpoint.Entry(position, false, 0, 0));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                state[1] = 0;
                state[2] = position;
            }
            state[0] = position + 1;
        }
    }
}
