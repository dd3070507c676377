package io.grantwatch.ingest.source;

import com.fasterxml.jackson.core.type.TypeReference;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;

/**
 * The watch source's durable progress: per file the next record position to read and, once a file is
 * done, its size, modification time and identity. Written atomically (temp file + rename) after the
 * records before the position were acknowledged by Kafka, so a crash can re-send records after the last
 * checkpoint but never skip one.
 *
 * <p>Entries are keyed by the file's canonical (real) path, so the same folder spelled another way
 * ({@code ./logs}, {@code /abs/logs}, a symlink to it) finds the same entries. Checkpoints written
 * before that (keyed as the folder was spelled) are re-keyed on load when the file still exists.
 *
 * <p>A write that fails (disk full, read-only data dir) throws {@link WriteFailed}, which names the
 * checkpoint file: the watch stops rather than read on without being able to record its progress.
 *
 * <p>Bounded: {@link #put} writes the file at most every {@link #writeInterval} (default
 * {@value #DEFAULT_WRITE_INTERVAL_MS} ms); {@link #flush} writes what is pending (the watch does after each scan,
 * when it stops and when Kafka fails). {@link #prune} drops the entries of files that are gone and were last
 * modified longer than a retention ago. The reserve beside the file grows with it.
 */
public final class FileCheckpoint {
    /**
     * @param nextPosition records below this position are acknowledged
     * @param done         every complete record up to {@code size} bytes was read and acknowledged
     * @param size         bytes covered when done: the file size, or less when an incomplete last line
     *                     was left for later (a larger file later = appended, resume at nextPosition)
     * @param modified     file modification time (epoch ms) when done
     * @param fileKey      the file system's identity of the file ({@code BasicFileAttributes.fileKey()}:
     *                     device and inode on Unix), null where there is none
     * @param head         SHA-256 (hex) of the file's first {@code headLength} bytes, null when unknown
     * @param headLength   how many bytes {@code head} covers (at most {@link #HEAD_BYTES})
     * @param tail         when done: a hash of the last {@link #TAIL_BYTES} bytes (all, when fewer) before
     *                     {@code size}, so a file that now holds more can be told to start with exactly what
     *                     was read (appended, or replaced by a superset of itself) or not; null when unknown
     * @param resend       when not done: the positions from {@code nextPosition} below {@code readTo} that Kafka
     *                     did not acknowledge (sent again on resume); null when none
     * @param readTo       when not done: records from {@code nextPosition} below this that are not in
     *                     {@code resend} were acknowledged and are not sent again; null: none beyond nextPosition
     * @param prefix       when done: SHA-256 (hex) of ALL the file's bytes before {@code size}, so a file under another
     *                     name (rotation) or a file renamed over this one is taken to continue what was read only when it
     *                     holds exactly those bytes; null when unknown (an entry written by an earlier version)
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Entry(long nextPosition, boolean done, long size, long modified, String fileKey, String head,
                        Integer headLength, String tail, List<Long> resend, Long readTo, String prefix) {
        public Entry {
            resend = resend == null || resend.isEmpty() ? null : List.copyOf(resend);
        }

        public Entry(long nextPosition, boolean done, long size, long modified, String fileKey, String head,
                     Integer headLength, String tail, List<Long> resend, Long readTo) {
            this(nextPosition, done, size, modified, fileKey, head, headLength, tail, resend, readTo, null);
        }

        public Entry(long nextPosition, boolean done, long size, long modified) {
            this(nextPosition, done, size, modified, null, null, null, null, null, null, null);
        }

        public Entry(long nextPosition, boolean done, long size, long modified, String fileKey, String head,
                     Integer headLength) {
            this(nextPosition, done, size, modified, fileKey, head, headLength, null, null, null, null);
        }

        public Entry(long nextPosition, boolean done, long size, long modified, String fileKey, String head,
                     Integer headLength, String tail) {
            this(nextPosition, done, size, modified, fileKey, head, headLength, tail, null, null, null);
        }
    }

    /** How much of a file's start identifies it (a rotated file with the same name starts differently). */
    public static final int HEAD_BYTES = 1024;
    /** How many bytes before the end of what was read tell that a bigger file still holds it ({@link Entry#tail}). */
    public static final int TAIL_BYTES = 1024;
    /** A file is taken for a copy of another only when at least this many of their first bytes are equal. */
    public static final int COPY_HEAD_MIN = 256;

    /** Writes the entries to a file; replaced in tests to simulate a full disk. */
    @FunctionalInterface
    public interface Writer {
        void write(Path file, Map<String, Entry> entries) throws IOException;
    }

    /** The checkpoint could not be written: names the checkpoint file. */
    public static final class WriteFailed extends IOException {
        private final Path checkpoint;

        WriteFailed(Path checkpoint, IOException cause) {
            super("cannot write the watch checkpoint " + checkpoint + ": " + cause
                    + " (disk full or data dir not writable?)", cause);
            this.checkpoint = checkpoint;
        }

        /** The last write went into the space held in reserve: the progress is saved, and the watch stops. */
        WriteFailed(Path checkpoint, IOException cause, boolean savedFromReserve) {
            super("cannot go on writing the watch checkpoint " + checkpoint + ": " + cause + " (disk full?); the progress "
                    + "up to here was saved into the space GrantWatch keeps in reserve for this, so nothing is read twice "
                    + "after the restart", cause);
            this.checkpoint = checkpoint;
        }

        /** Cannot be written at the start: says how much free space the checkpoint and its reserve need. */
        WriteFailed(Path checkpoint, IOException cause, long needBytes) {
            super("cannot write the watch checkpoint " + checkpoint + ": " + cause.getMessage() + "; nothing was read or "
                    + "sent. The checkpoint and the reserve kept for its last write on a full disk need about "
                    + (needBytes + 1023) / 1024 + " KiB free in " + checkpoint.getParent() + " (disk full or data dir not "
                    + "writable?)", cause);
            this.checkpoint = checkpoint;
        }

        public Path checkpoint() {
            return checkpoint;
        }
    }

    private static final Writer JSON = (f, entries) -> Json.wire().writeValue(f.toFile(), entries);
    /** Space held beside the checkpoint (a file of zeros) and freed when the disk is full, so the last write succeeds. */
    static final int RESERVE_MIN_BYTES = 256 * 1024;
    /** Default {@link #writeInterval}. */
    public static final long DEFAULT_WRITE_INTERVAL_MS = 1000;

    /** Entries replaced because another file took their path (rotation), kept to recognise a copy of that file. */
    private static final int RETIRED_MAX = 1024;

    private final Path file;
    private final Map<String, Entry> entries;
    private final Writer writer;
    private final LinkedHashMap<String, Entry> retired = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > RETIRED_MAX;
        }
    };

    private long writeIntervalMs = DEFAULT_WRITE_INTERVAL_MS;
    private long lastWrite;
    private boolean dirty;
    private long reserved;
    private long writes;

    private FileCheckpoint(Path file, Map<String, Entry> entries, Writer writer, long reserved) {
        this.file = file;
        this.entries = entries;
        this.writer = writer;
        this.reserved = reserved;
    }

    /**
     * Writes the file at most this often ({@code ingest.checkpoint.interval}); 0: on every {@link #put}. A crash
     * between two writes re-sends at most what was acknowledged in between (same event ids).
     */
    public synchronized FileCheckpoint writeInterval(Duration every) {
        this.writeIntervalMs = every == null ? DEFAULT_WRITE_INTERVAL_MS : Math.max(0, every.toMillis());
        return this;
    }

    /** How many times the file was written (for the measurements in tests and logs). */
    public synchronized long writes() {
        return writes;
    }

    /** How many entries there are. */
    public synchronized int size() {
        return entries.size();
    }

    public static FileCheckpoint load(Path file) throws IOException {
        return load(file, JSON);
    }

    public static FileCheckpoint load(Path file, Writer writer) throws IOException {
        long reserved = reserve(file);
        if (!Files.exists(file)) {
            return new FileCheckpoint(file, new TreeMap<>(), writer, reserved);
        }
        Map<String, Entry> m = Json.wire().readValue(file.toFile(), new TypeReference<TreeMap<String, Entry>>() { });
        Map<String, Entry> canonical = new TreeMap<>();
        if (m != null) {
            m.forEach((k, v) -> canonical.putIfAbsent(canonical(k), v));
        }
        return new FileCheckpoint(file, canonical, writer, reserved);
    }

    private static Path reserveOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".reserve");
    }

    /** Room a checkpoint may grow by between two writes and still fit into the reserve (it is rewritten whole). */
    static final int RESERVE_SLACK_BYTES = 64 * 1024;

    /**
     * The reserve for a checkpoint of {@code size} bytes: enough for the temp copy an atomic save writes while the
     * old file still exists (the checkpoint plus what it may grow by), at least {@link #RESERVE_MIN_BYTES}.
     */
    static long reserveFor(long size) {
        return Math.max(RESERVE_MIN_BYTES, size + size / 4 + RESERVE_SLACK_BYTES);
    }

    /**
     * Holds {@link #reserveFor} the checkpoint's size unless the disk is already full. Called at load and whenever
     * the checkpoint plus {@link #RESERVE_SLACK_BYTES} outgrows it. Returns the bytes held (0: none).
     */
    private static long reserve(Path file) {
        Path reserve = reserveOf(file);
        try {
            long want = reserveFor(Files.exists(file) ? Files.size(file) : 0);
            if (Files.exists(reserve) && Files.size(reserve) >= want) {
                return Files.size(reserve);
            }
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            byte[] zeros = new byte[(int) want]; // written, not sparse: the blocks must really be held
            Files.write(reserve, zeros);
            return want;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(reserve); // a partial reserve holds nothing useful
            } catch (IOException ignored) {
                // best effort
            }
            return 0;
        }
    }

    /**
     * Checks, before anything is read and sent, that progress can be recorded: the checkpoint is written once and the
     * reserve for its last write on a full disk is held. A restart on a disk that is still full then stops here
     * instead of sending records whose progress it could not save (sent again after the next restart).
     *
     * @throws WriteFailed naming the checkpoint, the cause and how much free space it needs
     */
    public synchronized void ensureWritable() throws WriteFailed {
        long size = 0;
        try {
            size = Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException ignored) {
            // 0
        }
        long need = reserveFor(size) + size + RESERVE_SLACK_BYTES;
        try {
            save();
        } catch (IOException e) {
            throw new WriteFailed(file.toAbsolutePath(), e, need);
        }
        if (reserved <= 0) {
            reserved = reserve(file);
            if (reserved <= 0) {
                throw new WriteFailed(file.toAbsolutePath(), new IOException("cannot hold the reserve "
                        + reserveOf(file).getFileName() + " of " + reserveFor(size) + " bytes (No space left on device?)"), need);
            }
        }
    }

    private static String canonical(String key) {
        try {
            return Path.of(key).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return key;
        }
    }

    public Path file() {
        return file;
    }

    /** @param p the file's canonical path */
    public synchronized Entry get(Path p) {
        return entries.get(p.toString());
    }

    /**
     * The progress {@code p}'s file had under another name (a rename, as logrotate's {@code a.log -> a.log.1}, a hard
     * link, or a copy, as logrotate's copytruncate), looked up among the current entries and the ones a rotation
     * replaced. A first-KiB match alone never identifies a file: {@code continues} decides, and must require that the
     * entry's own file is gone (or its name now holds another file) and that {@code p} holds exactly the bytes that
     * were read ({@link Entry#prefix}). An entry with {@code p}'s file key is preferred. Null when {@code p} is a new file.
     *
     * @param p         the file's canonical path (which has no entry)
     * @param fileKey   its file key, or null
     * @param continues whether {@code p} continues the entry (given the entry's path, null for a replaced entry)
     */
    public synchronized Entry movedFrom(Path p, String fileKey, BiPredicate<String, Entry> continues) {
        Entry found = null;
        for (Map.Entry<String, Entry> m : entries.entrySet()) {
            Entry e = m.getValue();
            if (m.getKey().equals(p.toString()) || e.head() == null || e.headLength() == null
                    || (found != null && (fileKey == null || !fileKey.equals(e.fileKey())))) {
                continue;
            }
            if ((fileKey != null && fileKey.equals(e.fileKey())) || e.headLength() >= COPY_HEAD_MIN) {
                if (continues.test(m.getKey(), e)) {
                    if (fileKey != null && fileKey.equals(e.fileKey())) {
                        return e;
                    }
                    found = e;
                }
            }
        }
        if (found != null) {
            return found;
        }
        for (Entry e : retired.values()) {
            if (e.headLength() != null && (e.headLength() >= COPY_HEAD_MIN || (fileKey != null && fileKey.equals(e.fileKey())))
                    && (found == null || (fileKey != null && fileKey.equals(e.fileKey()))) && continues.test(null, e)) {
                found = e;
            }
        }
        return found;
    }

    /** @param p the file's canonical path */
    public synchronized void put(Path p, Entry e) throws WriteFailed {
        Entry before = entries.get(p.toString());
        entries.put(p.toString(), e);
        if (before != null && before.head() != null && !Objects.equals(before.head(), e.head())) {
            retired.put(before.head() + "@" + before.fileKey(), before);
        }
        dirty = true;
        if (System.currentTimeMillis() - lastWrite >= writeIntervalMs) {
            flush();
        }
    }

    /**
     * Drops the entries of files that are gone ({@code present} does not hold them and they do not exist) and
     * were last modified more than {@code retention} ago: a file that comes back within the retention (a sync job
     * that deletes and downloads again) keeps its progress; the checkpoint does not grow with every file ever seen.
     *
     * @param present the canonical paths of the files there now
     * @return how many entries were dropped
     */
    public synchronized int prune(Set<Path> present, Duration retention) {
        long before = System.currentTimeMillis() - retention.toMillis();
        int dropped = 0;
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry> m = it.next();
            Path p = Path.of(m.getKey());
            if (m.getValue().modified() < before && !present.contains(p) && Files.notExists(p)) {
                it.remove();
                dropped++;
            }
        }
        if (dropped > 0) {
            dirty = true;
        }
        return dropped;
    }

    /** Writes the entries now if anything changed since the last write. */
    public synchronized void flush() throws WriteFailed {
        if (!dirty) {
            return;
        }
        try {
            save();
            dirty = false;
        } catch (IOException ex) {
            // the disk is full: free the reserve and write once more, so the restart resumes exactly here
            if (Files.exists(reserveOf(file))) {
                try {
                    Files.delete(reserveOf(file));
                    reserved = 0;
                    save();
                    dirty = false;
                    throw new WriteFailed(file.toAbsolutePath(), ex, true);
                } catch (WriteFailed saved) {
                    throw saved;
                } catch (IOException again) {
                    throw new WriteFailed(file.toAbsolutePath(), again);
                }
            }
            throw new WriteFailed(file.toAbsolutePath(), ex);
        }
    }

    private void save() throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        writes++;
        lastWrite = System.currentTimeMillis();
        writer.write(tmp, entries);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        if (reserved > 0 && Files.size(file) + RESERVE_SLACK_BYTES > reserved) {
            reserved = reserve(file); // grown: the last write on a full disk must still fit
        }
    }
}
