package io.grantwatch.ingest.source;

import com.fasterxml.jackson.core.type.TypeReference;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Entry(long nextPosition, boolean done, long size, long modified, String fileKey, String head,
                        Integer headLength, String tail, List<Long> resend, Long readTo) {
        public Entry {
            resend = resend == null || resend.isEmpty() ? null : List.copyOf(resend);
        }

        public Entry(long nextPosition, boolean done, long size, long modified) {
            this(nextPosition, done, size, modified, null, null, null, null, null, null);
        }

        public Entry(long nextPosition, boolean done, long size, long modified, String fileKey, String head,
                     Integer headLength) {
            this(nextPosition, done, size, modified, fileKey, head, headLength, null, null, null);
        }

        public Entry(long nextPosition, boolean done, long size, long modified, String fileKey, String head,
                     Integer headLength, String tail) {
            this(nextPosition, done, size, modified, fileKey, head, headLength, tail, null, null);
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

        public Path checkpoint() {
            return checkpoint;
        }
    }

    private static final Writer JSON = (f, entries) -> Json.wire().writeValue(f.toFile(), entries);
    /** Space held beside the checkpoint (a file of zeros) and freed when the disk is full, so the last write succeeds. */
    static final int RESERVE_MIN_BYTES = 256 * 1024;

    /** Entries replaced because another file took their path (rotation), kept to recognise a copy of that file. */
    private static final int RETIRED_MAX = 1024;

    private final Path file;
    private final Map<String, Entry> entries;
    private final Writer writer;
    private final java.util.LinkedHashMap<String, Entry> retired = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > RETIRED_MAX;
        }
    };

    private FileCheckpoint(Path file, Map<String, Entry> entries, Writer writer) {
        this.file = file;
        this.entries = entries;
        this.writer = writer;
    }

    public static FileCheckpoint load(Path file) throws IOException {
        return load(file, JSON);
    }

    public static FileCheckpoint load(Path file, Writer writer) throws IOException {
        reserve(file);
        if (!Files.exists(file)) {
            return new FileCheckpoint(file, new TreeMap<>(), writer);
        }
        Map<String, Entry> m = Json.wire().readValue(file.toFile(), new TypeReference<TreeMap<String, Entry>>() { });
        Map<String, Entry> canonical = new TreeMap<>();
        if (m != null) {
            m.forEach((k, v) -> canonical.putIfAbsent(canonical(k), v));
        }
        return new FileCheckpoint(file, canonical, writer);
    }

    private static Path reserveOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".reserve");
    }

    /** Holds {@link #RESERVE_MIN_BYTES} (or four times the checkpoint, if bigger) unless the disk is already full. */
    private static void reserve(Path file) {
        Path reserve = reserveOf(file);
        try {
            long want = Math.max(RESERVE_MIN_BYTES, 4 * (Files.exists(file) ? Files.size(file) : 0));
            if (Files.exists(reserve) && Files.size(reserve) >= want) {
                return;
            }
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            byte[] zeros = new byte[(int) want]; // written, not sparse: the blocks must really be held
            Files.write(reserve, zeros);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(reserve); // a partial reserve holds nothing useful
            } catch (IOException ignored) {
                // best effort
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
     * The progress {@code p}'s file had under another name: an entry with the same file key and first
     * bytes (a rename, as logrotate's {@code a.log -> a.log.1}, or a hard link), else one with the same
     * first {@value #COPY_HEAD_MIN}+ bytes (a copy, as logrotate's copytruncate; audit records carry their
     * ids and times, so two different audit files do not share their first kilobyte), looked up among
     * the current entries and the ones a rotation replaced. Null when {@code p} is a new file.
     *
     * @param p        the file's canonical path (which has no entry)
     * @param fileKey  its file key, or null
     * @param sameHead whether an entry's head hash is this file's start
     */
    public synchronized Entry movedFrom(Path p, String fileKey, java.util.function.Predicate<Entry> sameHead) {
        Entry copied = null;
        for (Map.Entry<String, Entry> m : entries.entrySet()) {
            Entry e = m.getValue();
            if (m.getKey().equals(p.toString()) || e.head() == null || e.headLength() == null || !sameHead.test(e)) {
                continue;
            }
            if (fileKey != null && fileKey.equals(e.fileKey())) {
                return e;
            }
            if (copied == null && e.headLength() >= COPY_HEAD_MIN) {
                copied = e;
            }
        }
        if (copied != null) {
            return copied;
        }
        for (Entry e : retired.values()) {
            if (e.headLength() != null && sameHead.test(e)
                    && (e.headLength() >= COPY_HEAD_MIN || (fileKey != null && fileKey.equals(e.fileKey())))) {
                copied = copied == null || (fileKey != null && fileKey.equals(e.fileKey())) ? e : copied;
            }
        }
        return copied;
    }

    /** @param p the file's canonical path */
    public synchronized void put(Path p, Entry e) throws WriteFailed {
        Entry before = entries.get(p.toString());
        entries.put(p.toString(), e);
        if (before != null && before.head() != null && !java.util.Objects.equals(before.head(), e.head())) {
            retired.put(before.head() + "@" + before.fileKey(), before);
        }
        try {
            save();
        } catch (IOException ex) {
            // the disk is full: free the reserve and write once more, so the restart resumes exactly here
            if (Files.exists(reserveOf(file))) {
                try {
                    Files.delete(reserveOf(file));
                    save();
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
        writer.write(tmp, entries);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
