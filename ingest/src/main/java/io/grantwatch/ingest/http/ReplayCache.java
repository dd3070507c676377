package io.grantwatch.ingest.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ids of signed requests accepted within the signature tolerance, so that a captured request cannot be
 * accepted twice. Bounded: expired ids are dropped first; when still full, the oldest goes (a request that
 * old is near the end of its window anyway). Ids are remembered only after their signature was verified,
 * so only a holder of the key can fill it.
 *
 * <p>{@link #persistent} also keeps them in a journal file, so that a request captured before a restart
 * is still refused after it: each accepted id is appended ({@code <expiry epoch seconds> <id>}, one line,
 * written to the file before the request is answered; not forced to the disk, so it survives the process
 * but not a power cut), unexpired ids are read back at start, and the file is rewritten with the live ids
 * whenever it holds more dead lines than live ones. A lock file keeps a second receiver off the same
 * journal.
 *
 * <p>An id can be remembered as <em>accepted late</em>: its records were stored after the sender had been
 * answered 503, so the sender retries it, and the retry is answered 2xx without storing them again (the journal
 * marks such a line {@code <expiry>+ <id>}).
 */
final class ReplayCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayCache.class);
    static final String JOURNAL = "http-replay-ids.log";
    private static final String LOCK = "http-replay-ids.lock";
    private static final int MIN_COMPACT_LINES = 1024;

    private final int capacity;
    private final LinkedHashMap<String, Long> expiries = new LinkedHashMap<>();
    /** The ids of {@link #expiries} accepted late. */
    private final Set<String> late = new HashSet<>();
    private final Path journal;
    private FileChannel out;
    private FileChannel lockChannel;
    private FileLock lock;
    private long lines;
    private long nextCompaction = MIN_COMPACT_LINES;

    ReplayCache(int capacity) {
        this.capacity = capacity;
        this.journal = null;
    }

    private ReplayCache(int capacity, Path dir) {
        this.capacity = capacity;
        this.journal = dir.resolve(JOURNAL);
    }

    /**
     * A cache kept in {@code dir}: reads the ids of an earlier run that are still valid at {@code nowSeconds}.
     *
     * @throws IOException the folder cannot be written, or another receiver keeps its ids there
     */
    static ReplayCache persistent(Path dir, int capacity, long nowSeconds) throws IOException {
        Files.createDirectories(dir);
        ReplayCache cache = new ReplayCache(capacity, dir);
        try {
            cache.lock(dir.resolve(LOCK));
            cache.load(nowSeconds);
            cache.rewrite();
        } catch (IOException | RuntimeException e) {
            cache.close();
            throw e;
        }
        return cache;
    }

    private void lock(Path file) throws IOException {
        lockChannel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IOException("another HTTP receiver keeps its replay ids in " + file.getParent()
                    + "; give each receiver its own data folder");
        }
    }

    private void load(long nowSeconds) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                int space = line.indexOf(' ');
                if (space <= 0 || space == line.length() - 1) {
                    continue; // a line cut by a crash while it was written
                }
                long until;
                String expiry = line.substring(0, space);
                boolean accepted503 = expiry.endsWith("+");
                try {
                    until = Long.parseLong(accepted503 ? expiry.substring(0, expiry.length() - 1) : expiry);
                } catch (NumberFormatException e) {
                    continue;
                }
                String id = line.substring(space + 1);
                expiries.remove(id);
                late.remove(id);
                if (until >= nowSeconds) {
                    expiries.put(id, until); // a later line for the id wins: "0 id" is a forgotten one
                    if (accepted503) {
                        late.add(id);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return;
        }
        while (expiries.size() > capacity) {
            Iterator<String> oldest = expiries.keySet().iterator();
            late.remove(oldest.next());
            oldest.remove();
        }
    }

    /** Writes the live ids to a new journal and appends from there on. */
    private void rewrite() throws IOException {
        Path tmp = journal.resolveSibling(JOURNAL + ".tmp");
        StringBuilder text = new StringBuilder(expiries.size() * 48);
        for (Map.Entry<String, Long> e : expiries.entrySet()) {
            text.append(e.getValue()).append(late.contains(e.getKey()) ? "+ " : " ").append(e.getKey()).append('\n');
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, text.toString());
            ch.force(true);
        }
        try {
            Files.move(tmp, journal, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, journal, StandardCopyOption.REPLACE_EXISTING);
        }
        FileChannel old = out;
        // The old channel writes to the replaced file from now on: without a new one, nothing is remembered.
        out = null;
        if (old != null) {
            old.close();
        }
        out = FileChannel.open(journal, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        lines = expiries.size();
        nextCompaction = Math.max(MIN_COMPACT_LINES, 2L * lines);
    }

    private static void writeFully(FileChannel ch, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    synchronized boolean seen(String id, long nowSeconds) {
        Long until = expiries.get(id);
        return until != null && until >= nowSeconds;
    }

    /** Until when {@code id} is remembered (epoch seconds), or null when it is not. */
    synchronized Long until(String id, long nowSeconds) {
        Long until = expiries.get(id);
        return until != null && until >= nowSeconds ? until : null;
    }

    /** Whether {@code id} is remembered and was accepted late (see the class comment). */
    synchronized boolean acceptedLate(String id, long nowSeconds) {
        return late.contains(id) && seen(id, nowSeconds);
    }

    synchronized boolean remember(String id, long untilSeconds, long nowSeconds) {
        return remember(id, untilSeconds, nowSeconds, false);
    }

    /**
     * @param acceptedLate the sender was answered 503 before the records were stored: its retry gets 2xx
     * @return false if the id was already remembered and not expired (a replay)
     * @throws UncheckedIOException the journal could not be written (the id is then not remembered either)
     */
    synchronized boolean remember(String id, long untilSeconds, long nowSeconds, boolean acceptedLate) {
        if (seen(id, nowSeconds)) {
            return false;
        }
        if (journal != null) {
            try {
                if (out == null) {
                    out = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                }
                writeFully(out, untilSeconds + (acceptedLate ? "+ " : " ") + id + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + journal + ": " + e.getMessage(), e);
            }
            lines++;
        }
        for (Iterator<Map.Entry<String, Long>> it = expiries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() < nowSeconds || expiries.size() >= capacity) {
                late.remove(e.getKey());
                it.remove();
            } else {
                break;
            }
        }
        expiries.remove(id);
        expiries.put(id, untilSeconds);
        if (acceptedLate) {
            late.add(id);
        }
        if (journal != null && lines > nextCompaction && lines > 2L * expiries.size()) {
            try {
                rewrite();
            } catch (IOException e) {
                // The id is in the journal already: the request stands; compaction is tried again later.
                nextCompaction = 2 * lines;
                LOG.warn("Cannot rewrite {} (it keeps growing until it can): {}", journal, e.toString());
            }
        }
        return true;
    }

    /**
     * Forgets an id remembered for a request that was then not stored (Kafka did not acknowledge): the
     * sender's retry with the same id must be taken, not refused as a replay.
     */
    synchronized void forget(String id) {
        late.remove(id);
        if (expiries.remove(id) == null || journal == null) {
            return;
        }
        try {
            if (out != null) {
                writeFully(out, "0 " + id + "\n");
                lines++;
            }
        } catch (IOException e) {
            LOG.warn("Cannot write {}: a retry of request {} after a restart would be taken for a replay: {}", journal, id,
                    e.toString());
        }
    }

    synchronized int size() {
        return expiries.size();
    }

    @Override
    public synchronized void close() {
        try {
            if (out != null) {
                out.close();
            }
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        out = null;
        lock = null;
        lockChannel = null;
    }
}
