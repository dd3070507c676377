package io.grantwatch.ingest.source;

import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.text.UnsafeText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a folder that a sync job fills from OSS ({@code AliyunLogs/Actiontrail/…}) or OBS
 * ({@code CloudTraces/…}): every poll, new files and files that grew are read from their checkpoint.
 *
 * <p>Delivery: the checkpoint ({@link FileCheckpoint}) follows Kafka's acknowledgements ({@link AckedPositions}):
 * every {@code checkpointEvery} records (the entry; the file is written at most every {@code ingest.checkpoint.interval},
 * see {@link FileCheckpoint#writeInterval}), when Kafka fails a send (after the sends in flight settled) and when the
 * watch stops (again once the runner flushed the sink, {@link #saveAcknowledged()}), it records the first record
 * not acknowledged and which later ones were, so the restart sends exactly the records Kafka does not have.
 * Only a crash (kill -9, power) re-sends, at most the records acknowledged since the last checkpoint; they carry
 * the same {@code eventId} (the cloud's id, or a content hash when the record has none), and the detector keys
 * its state by event id, so a duplicate changes no finding. Nothing is skipped.
 *
 * <p>A file is read only once its modification time is {@code settle} old, so a file being written
 * is not read half-way. An incomplete last line (no newline yet) of a JSON Lines file is not read while
 * the file may still grow: it is read once it ends with a newline, or once the file is unchanged for
 * {@code tailSettle} (then it is read as it is; a broken last record is logged and counted, not dead-lettered,
 * while the file may still grow, and dead-lettered once the file is deleted, renamed away or replaced). Other files that do
 * not end with a newline (a JSON array or object being written) wait for {@code tailSettle} too.
 *
 * <p>Files are identified by their canonical path, file key (inode) and a hash of their first
 * {@link FileCheckpoint#HEAD_BYTES} bytes: a file replaced by another with the same name (rotation,
 * rewrite) is a new file and read from its start, unless it holds the bytes read so far unchanged (the SHA-256 of all
 * bytes before where the reading stopped, {@link FileCheckpoint.Entry#prefix}; entries of earlier versions: the hash of
 * the last {@link FileCheckpoint#TAIL_BYTES} bytes, {@link FileCheckpoint.Entry#tail}): a file replaced by a superset of
 * itself goes on from its checkpoint. A file under a new name continues an entry only when the entry's file is gone
 * from its name (or the name holds another file) and the prefix hash matches: an equal first KiB alone identifies nothing.
 * Symlinks that resolve outside the watched folder are
 * not followed unless {@link Options#followLinksOutside}; each is reported once. A subfolder or file
 * that cannot be read is reported (once, then a periodic count) and the rest of the folder is read.
 * A checkpoint that cannot be written (disk full) stops the watch with an error naming the checkpoint
 * file, and {@link Options#onFatal} is told; the restart resumes from the last checkpoint.
 */
public final class WatchSource implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchSource.class);
    /** Default time an incomplete last line waits for its newline. */
    public static final Duration DEFAULT_TAIL_SETTLE = Duration.ofSeconds(30);
    /** A JSON Lines test reads at most this much of a first line. */
    private static final int FIRST_LINE_MAX = 1024 * 1024;

    /**
     * @param tailSettle         how long an incomplete last line (or a file not ending with a newline) is
     *                           left unread while the file does not change
     * @param followLinksOutside follow symlinks that resolve outside the watched folder
     * @param onFatal            told when the watch stops on its own (the checkpoint cannot be written)
     * @param retention          the checkpoint entry of a file that is gone is dropped once the file's last
     *                           modification is this old ({@code ingest.checkpoint.retention})
     */
    public record Options(Duration tailSettle, boolean followLinksOutside, Consumer<Throwable> onFatal, Duration retention) {
        public Options {
            tailSettle = tailSettle == null ? DEFAULT_TAIL_SETTLE : tailSettle;
            onFatal = onFatal == null ? t -> { } : onFatal;
            retention = retention == null ? DEFAULT_RETENTION : retention;
        }

        public Options(Duration tailSettle, boolean followLinksOutside, Consumer<Throwable> onFatal) {
            this(tailSettle, followLinksOutside, onFatal, DEFAULT_RETENTION);
        }

        public static Options defaults() {
            return new Options(DEFAULT_TAIL_SETTLE, false, null);
        }

        public Options withTailSettle(Duration d) {
            return new Options(d, followLinksOutside, onFatal, retention);
        }

        public Options withFollowLinksOutside(boolean b) {
            return new Options(tailSettle, b, onFatal, retention);
        }

        public Options withOnFatal(Consumer<Throwable> f) {
            return new Options(tailSettle, followLinksOutside, f, retention);
        }

        public Options withRetention(Duration d) {
            return new Options(tailSettle, followLinksOutside, onFatal, d);
        }
    }

    /** Default {@link Options#retention}. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    private final Path dir;
    private final FileCheckpoint checkpoint;
    private final AuditSink sink;
    private final AuditFileReader reader;
    private final Duration poll;
    private final Duration settle;
    private final int checkpointEvery;
    private final Options options;
    private final String name;
    private final RejectionLog rejections;
    private final Reported unreadable;
    private final Reported links;
    private final Reported incomplete;
    private volatile boolean stopped;

    /** Thrown inside a read to abandon it at once: what a crash would do (no flush, no checkpoint). */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super("stopped", null, false, false);
        }
    }

    /** A checkpoint write failed inside a read: carried out of the reader's callbacks. */
    private static final class CheckpointFailed extends RuntimeException {
        CheckpointFailed(FileCheckpoint.WriteFailed cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    public WatchSource(Path dir, FileCheckpoint checkpoint, AuditSink sink, AuditFileReader reader,
                       Duration poll, Duration settle, int checkpointEvery) {
        this(dir, checkpoint, sink, reader, poll, settle, checkpointEvery, Options.defaults());
    }

    public WatchSource(Path dir, FileCheckpoint checkpoint, AuditSink sink, AuditFileReader reader,
                       Duration poll, Duration settle, int checkpointEvery, Options options) {
        this.dir = dir;
        this.checkpoint = checkpoint;
        this.sink = sink;
        this.reader = reader;
        this.poll = poll;
        this.settle = settle;
        this.checkpointEvery = Math.max(1, checkpointEvery);
        this.options = options == null ? Options.defaults() : options;
        this.name = "watch:" + dir;
        this.rejections = new RejectionLog(name);
        this.unreadable = new Reported(LOG, "cannot read", Duration.ofMinutes(10));
        this.links = new Reported(LOG, "not following symlinks out of the watched folder:", Duration.ofHours(1));
        this.incomplete = new Reported(LOG, "waiting for the incomplete last record of", Duration.ofMinutes(10));
    }

    public String name() {
        return name;
    }

    /** Polls until {@link #stop()} or until the checkpoint cannot be written. Other errors are logged and retried. */
    @Override
    public void run() {
        LOG.info("Watching {} every {}", dir, poll);
        long lastWarn = 0;
        while (!stopped) {
            try {
                scanOnce();
                rejections.tick();
            } catch (Abandoned e) {
                break;
            } catch (FileCheckpoint.WriteFailed e) {
                fatal(e);
                return;
            } catch (IOException | RuntimeException e) {
                long now = System.currentTimeMillis();
                if (now - lastWarn >= 60_000) { // one unusable folder must not flood the log every poll
                    LOG.warn("Watch of {} failed, retrying every {}: {}", dir, poll, e.toString());
                    lastWarn = now;
                }
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        rejections.flush();
        LOG.info("Stopped watching {}", dir);
    }

    private void fatal(FileCheckpoint.WriteFailed e) {
        LOG.error("Stopped watching {}: {}. Nothing after the last checkpoint is lost: free space (or make the data dir "
                + "writable) and restart, reading resumes from the last checkpoint in {}", dir, e.getMessage(), e.checkpoint());
        stopped = true;
        options.onFatal().accept(e);
    }

    /**
     * Stops at once, mid-file if need be: the checkpoint is written at what Kafka acknowledged so far, and once more
     * by {@link #saveAcknowledged()} after the sink was flushed.
     */
    public void stop() {
        stopped = true;
    }

    /** One pass over the folder: every new or grown file, from its checkpoint. */
    public void scanOnce() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(Files.exists(dir) ? "not a folder: " + dir
                    : "the watched folder " + dir + " does not exist (any more): waiting for it");
        }
        Path root = dir.toRealPath();
        Set<Path> files = list(root);
        try {
            for (Path f : files) {
                if (stopped) {
                    throw new Abandoned();
                }
                try {
                    scanFile(f);
                } catch (CheckpointFailed e) {
                    throw (FileCheckpoint.WriteFailed) e.getCause();
                }
            }
            finalizePending(files);
            int dropped = checkpoint.prune(files, options.retention());
            if (dropped > 0) {
                LOG.info("Dropped the checkpoint entries of {} file(s) gone from {} and last modified more than {} ago",
                        dropped, dir, options.retention());
            }
        } finally {
            checkpoint.flush(); // the batch boundary: what the scan did is written once, not per file
        }
    }

    private void scanFile(Path f) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(f, BasicFileAttributes.class);
        } catch (NoSuchFileException gone) {
            return;
        }
        long size = a.size();
        long modified = a.lastModifiedTime().toMillis();
        long now = System.currentTimeMillis();
        if (!settle.isZero() && now - modified < settle.toMillis()) {
            return;
        }
        if (size == 0) {
            return; // nothing yet (logrotate's create, a writer that has not written): read once it has content
        }
        String key = a.fileKey() == null ? null : a.fileKey().toString();
        FileCheckpoint.Entry e = checkpoint.get(f);
        if (e != null && e.done() && e.size() == size && e.modified() == modified
                && (e.fileKey() == null || e.fileKey().equals(key))) {
            return;
        }
        byte[] head;
        try {
            head = head(f, size);
        } catch (IOException ex) {
            unreadable.report(f.toString(), "Cannot read " + f + " (skipped until it can be read): " + ex);
            return;
        }
        unreadable.cleared(f.toString());
        FileCheckpoint.Entry resumed = e != null && sameFile(e, key, head) ? e : null;
        if (resumed != null && resumed.done() && size >= resumed.size() && Boolean.FALSE.equals(holdsWhatWasRead(resumed, f, key, head))) {
            resumed = null; // same start, other bytes before where the reading stopped: rewritten, read from the start
        } else if (resumed == null && e != null && e.done() && size >= e.size() && sameFile(e, null, head)
                && Boolean.TRUE.equals(holdsWhatWasRead(e, f, key, head))) {
            // replaced (a new inode) by a superset of itself, as a writer that rewrites old content + new records into a
            // temp file and renames it over: the bytes up to where the reading stopped are the same, go on from there
            resumed = e;
            LOG.info("{} was replaced by a file that holds what was read of it and more: reading from record {}",
                    UnsafeText.escaped(f.toString()), e.nextPosition());
        }
        if (resumed == null) {
            // rotated here from another name (rename, copytruncate), also onto a name an older file had (a.log.1
            // in a chain): go on where that file's reading was, only when that file is gone from its name and this one
            // holds exactly the bytes read of it
            resumed = checkpoint.movedFrom(f, key, (path, m) -> continues(path, m, f, key, head, size));
            if (resumed != null) {
                LOG.info("{} continues a file read before under another name (rotation): reading from record {}",
                        UnsafeText.escaped(f.toString()), resumed.nextPosition());
            }
        }
        // grown (appended JSON Lines) or interrupted: go on from the checkpoint; shrunk: a new file
        long from = resumed == null ? 0 : (!resumed.done() || size >= resumed.size()) ? resumed.nextPosition() : 0;
        long limit = -1;
        boolean gzip = head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
        boolean wide = head.length >= 2 && (((head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe)
                || ((head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff)); // UTF-16/32 BOM: lines end "0A 00"
        if (!gzip && !wide && size > 0 && now - modified < options.tailSettle().toMillis() && lastByte(f, size) != '\n') {
            // the last line is incomplete and the writer may come back: read only whole lines of JSON Lines
            long complete = completeLines(f, size);
            if (complete <= 0) {
                return;
            }
            if (resumed != null && resumed.done() && resumed.size() == complete) {
                return; // nothing new before the incomplete line
            }
            limit = complete;
        }
        // read as it is after tailSettle without a final newline: its last record may be a line still being written
        boolean incompleteTail = !gzip && !wide && limit < 0 && size > 0 && lastByte(f, size) != '\n';
        // read only the bytes seen now: a line appended after the size was taken is read next time, whole
        readFile(f, from, gzip || wide || limit >= 0 ? limit : size, limit < 0 ? size : limit, modified, key, head, incompleteTail,
                resumed != null && !resumed.done() && from == resumed.nextPosition() ? resumed : null);
    }

    /** Same file as the checkpoint's: same file key (when both know one; not compared when {@code key} is null) and first bytes. */
    private static boolean sameFile(FileCheckpoint.Entry e, String key, byte[] head) {
        if (e.fileKey() != null && key != null && !e.fileKey().equals(key)) {
            return false;
        }
        if (e.head() == null || e.headLength() == null) {
            return true; // an old checkpoint: name and size are all there is
        }
        int n = e.headLength();
        if (head.length < n) {
            return false; // shorter than what was read before: another file
        }
        return e.head().equals(sha256(head, n));
    }

    /**
     * Whether {@code f} (a file without an entry of its own) continues the entry {@code e} that was {@code path}'s
     * ({@code path} null: an entry whose name another file took): the entry's file is gone from its name (or the name
     * holds another file now), {@code f} starts the same and holds the very bytes that were read (the hash of all of
     * them, {@link FileCheckpoint.Entry#prefix}). Entries of an earlier version (no prefix hash) and reads that were
     * interrupted are recognised by their start, which must be a real fingerprint (not NUL bytes or blanks) unless the
     * file key is the same (a rename).
     */
    private boolean continues(String path, FileCheckpoint.Entry e, Path f, String key, byte[] head, long size) {
        if (!sameFile(e, null, head)) {
            return false;
        }
        boolean sameKey = key != null && key.equals(e.fileKey());
        if (path != null && stillThere(Path.of(path), e)) {
            return false; // the earlier file is still there: this one only starts like it
        }
        if (e.done() && e.prefix() != null) {
            return size >= e.size() && holdsPrefix(e, f, key);
        }
        return sameKey || !blank(head, e.headLength());
    }

    /** Whether {@code p} still holds the file entry {@code e} was made of (same file key, not shorter, same start). */
    private static boolean stillThere(Path p, FileCheckpoint.Entry e) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            String k = a.fileKey() == null ? null : a.fileKey().toString();
            if (k != null && e.fileKey() != null && !k.equals(e.fileKey())) {
                return false;
            }
            if (e.done() && a.size() < e.size()) {
                return false;
            }
            return sameFile(e, null, head(p, a.size()));
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /** A start made only of NUL bytes and white space (copytruncate with a writer not in append mode) identifies nothing. */
    static boolean blank(byte[] head, int n) {
        for (int i = 0; i < Math.min(n, head.length); i++) {
            byte b = head[i];
            if (b != 0 && b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Running hashes of the files read, by path: a file that grows is hashed from where it was, not from its start. */
    private final LinkedHashMap<String, Hashed> hashed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Hashed> eldest) {
            return size() > 4096;
        }
    };

    private record Hashed(String fileKey, long length, MessageDigest digest) {
    }

    /**
     * SHA-256 (hex) of {@code f}'s first {@code end} bytes, null when they cannot be read. Continues the running hash of
     * the same file (same path and file key) when it covered fewer bytes.
     */
    String prefixHash(Path f, String key, long end) {
        try {
            Hashed h = key == null ? null : hashed.get(f.toString());
            MessageDigest md;
            long at;
            if (h != null && key.equals(h.fileKey()) && h.length() <= end) {
                md = (MessageDigest) h.digest().clone();
                at = h.length();
            } else {
                md = MessageDigest.getInstance("SHA-256");
                at = 0;
            }
            try (SeekableByteChannel ch = Files.newByteChannel(f)) {
                ch.position(at);
                ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                while (at < end) {
                    b.clear().limit((int) Math.min(b.capacity(), end - at));
                    int n = ch.read(b);
                    if (n <= 0) {
                        return null; // shorter than that now
                    }
                    md.update(b.array(), 0, n);
                    at += n;
                }
            }
            if (key != null) {
                hashed.put(f.toString(), new Hashed(key, end, (MessageDigest) md.clone()));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException | CloneNotSupportedException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {@link FileCheckpoint.Entry#prefix}: {@code <sha256 hex>:<length>}, the hash of the file's first {@code length}
     * bytes: all that was read, except that for a JSON array the closing {@code ]} (and the white space around it) is
     * left out, so the same array rewritten with more elements (temp file + rename) still starts with it.
     */
    private String prefixOf(Path f, String key, long size, boolean gzip) {
        long n = gzip ? size : elementsEnd(f, size);
        String h = prefixHash(f, key, n);
        return h == null ? null : h + ":" + n;
    }

    /** Whether {@code f} starts with the bytes the entry's prefix hash covers. */
    private boolean holdsPrefix(FileCheckpoint.Entry e, Path f, String key) {
        String p = e.prefix();
        int colon = p.indexOf(':');
        long n = colon < 0 ? e.size() : Long.parseLong(p.substring(colon + 1));
        String h = colon < 0 ? p : p.substring(0, colon);
        return h.equals(prefixHash(f, key, n));
    }

    /** The end of the last element of a file that ends as a JSON array does ({@code ]}, white space, NUL), else {@code size}. */
    static long elementsEnd(Path f, long size) {
        int n = (int) Math.min(size, 65536);
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            ByteBuffer b = ByteBuffer.allocate(n);
            ch.position(size - n);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // fill
            }
            byte[] a = b.array();
            int i = b.position() - 1;
            while (i >= 0 && (a[i] == 0 || a[i] == ' ' || a[i] == '\n' || a[i] == '\r' || a[i] == '\t')) {
                i--;
            }
            if (i < 0 || a[i] != ']') {
                return size;
            }
            i--;
            while (i >= 0 && (a[i] == ' ' || a[i] == '\n' || a[i] == '\r' || a[i] == '\t')) {
                i--;
            }
            return i < 0 ? size : size - n + i + 1;
        } catch (IOException | RuntimeException e) {
            return size;
        }
    }

    /**
     * Whether {@code f} (as big as what was read, or bigger) holds the bytes the done entry {@code e} read: by the
     * hash of all of them when the entry has it; else (an earlier version's entry) by the head hash when the head
     * covered all of it, else by the tail hash; null when the entry cannot say.
     */
    private Boolean holdsWhatWasRead(FileCheckpoint.Entry e, Path f, String key, byte[] head) {
        if (e.prefix() != null) {
            return holdsPrefix(e, f, key);
        }
        if (e.headLength() != null && e.head() != null && e.size() == e.headLength()) {
            return sameFile(e, null, head);
        }
        return e.tail() == null ? null : e.tail().equals(tail(f, e.size()));
    }

    /**
     * {@link FileCheckpoint.Entry#tail}: a hash of the {@link FileCheckpoint#TAIL_BYTES} bytes before {@code end}
     * (all of them when fewer), null when they cannot be read.
     */
    static String tail(Path f, long end) {
        int n = (int) Math.min(end, FileCheckpoint.TAIL_BYTES);
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            ByteBuffer b = ByteBuffer.allocate(n);
            ch.position(end - n);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // fill
            }
            return b.hasRemaining() ? null : sha256(b.array(), n).substring(0, 32) + ":" + n;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] head(Path f, long size) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            return in.readNBytes((int) Math.min(size, FileCheckpoint.HEAD_BYTES));
        }
    }

    private static String sha256(byte[] b, int n) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int lastByte(Path f, long size) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            ch.position(size - 1);
            ByteBuffer b = ByteBuffer.allocate(1);
            return ch.read(b) == 1 ? b.get(0) : -1;
        }
    }

    /**
     * Bytes up to and including the last newline when the file is JSON Lines (its first line is a whole
     * JSON object); 0 when nothing may be read yet (no whole line, or not JSON Lines: wait for the file).
     */
    private static long completeLines(Path f, long size) throws IOException {
        long lastNewline = -1;
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            ByteBuffer b = ByteBuffer.allocate(8192);
            long end = size;
            while (end > 0 && lastNewline < 0) {
                long start = Math.max(0, end - b.capacity());
                b.clear().limit((int) (end - start));
                ch.position(start);
                while (b.hasRemaining() && ch.read(b) > 0) {
                    // fill
                }
                for (int i = b.position() - 1; i >= 0; i--) {
                    if (b.get(i) == '\n') {
                        lastNewline = start + i;
                        break;
                    }
                }
                end = start;
            }
        }
        if (lastNewline < 0) {
            return 0;
        }
        byte[] first;
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = in.readNBytes((int) Math.min(lastNewline + 1, FIRST_LINE_MAX));
            int nl = 0;
            while (nl < buf.length && buf[nl] != '\n') {
                nl++;
            }
            if (nl == buf.length) {
                return 0;
            }
            first = Arrays.copyOf(buf, nl);
        }
        try {
            return Json.wire().readTree(first) instanceof com.fasterxml.jackson.databind.node.ObjectNode ? lastNewline + 1 : 0;
        } catch (IOException notJson) {
            return 0;
        }
    }

    /**
     * The audit files under the (canonical) root, as canonical paths, sorted and without duplicates
     * (a symlink inside the folder to a file inside it is the same file). Symlinks out of the folder are
     * left out unless allowed; what cannot be read is reported and left out.
     */
    private TreeSet<Path> list(Path root) throws IOException {
        TreeSet<Path> out = new TreeSet<>();
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (d.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                if (d.getFileName().toString().startsWith(".")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Path real = real(d);
                if (real == null || !allowed(root, d, real)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (!real.equals(d) && real.startsWith(root)) {
                    return FileVisitResult.SKIP_SUBTREE; // a link to a folder inside: walked as itself
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (AuditFileReader.leftOut(root, f)) {
                    return FileVisitResult.CONTINUE;
                }
                if (!attrs.isRegularFile()) {
                    if (attrs.isOther()) { // reading a FIFO would block the watch; say so once, as parse and scan do
                        unreadable.report(f.toString(), "Not reading " + f + " in the watched folder " + dir
                                + ": not a regular file (a FIFO, socket or device)");
                    } else if (attrs.isSymbolicLink() && Files.notExists(f)) { // the walk hands a dangling link over as the link itself
                        unreadable.report(f.toString(), "Not reading " + f + " in the watched folder " + dir
                                + ": dangling symbolic link (it leads to " + linkTarget(f) + ", which does not exist)");
                    }
                    return FileVisitResult.CONTINUE;
                }
                Path real = real(f);
                if (real != null && allowed(root, f, real)) {
                    out.add(real);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                if (e instanceof FileSystemLoopException) {
                    links.report(f.toString(), "Not following " + f + ": a symlink loop");
                } else {
                    unreadable.report(f.toString(), "Cannot read " + f + " in the watched folder " + dir
                            + " (skipped, the rest is read): " + e);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) {
                if (e != null) {
                    unreadable.report(d.toString(), "Cannot read all of " + d + " in the watched folder " + dir
                            + " (skipped, the rest is read): " + e);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | RuntimeException e) {
            return "a path that cannot be read";
        }
    }

    private Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return null; // gone or a dangling link
        }
    }

    private boolean allowed(Path root, Path p, Path real) {
        if (real.startsWith(root) || options.followLinksOutside()) {
            return true;
        }
        links.report(p.toString(), "Not following " + p + ": it leads to " + real + ", outside the watched folder " + root
                + " (set ingest.follow.links.outside to follow such links)");
        return false;
    }

    /**
     * @param incompleteTail the file does not end with a newline and is read anyway (unchanged for tailSettle):
     *                       when its last record is rejected, the checkpoint stays on it, so that if the writer
     *                       comes back and completes the line, the record is read again and delivered
     * @param prior          the checkpoint this read resumes (what it says Kafka acknowledged is not sent again), or null
     */
    private void readFile(Path f, long from, long limit, long size, long modified, String key, byte[] head,
                          boolean incompleteTail, FileCheckpoint.Entry prior) throws IOException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] state = {from, 0, from}; // [highest position handed to Kafka + 1, records since checkpoint, checkpointed]
        String headHash = sha256(head, head.length);
        AckedPositions acked = new AckedPositions(prior);
        FileCheckpoint.Entry partial = new FileCheckpoint.Entry(0, false, 0, modified, key, headHash, head.length);
        // with an incomplete tail, a rejection is held until the next record shows it was not the last one
        io.grantwatch.ingest.RejectedRecord[] held = {null};
        Consumer<io.grantwatch.ingest.RejectedRecord> deadLetter = rej -> {
            rejections.rejected(rej);
            track(rej.position(), sink.deadLetter(name, rej), acked, failure);
        };
        Reading reading = new Reading(f, partial, acked, state, failure);
        synchronized (this) {
            current = reading; // not written by saveAcknowledged() until a stop or failure sets its readTo
        }
        try {
            reader.readFile(f, from, limit, ev -> {
                long pos = ev.source() == null ? -1 : ev.source().position();
                advance(reading, pos, held);
                if (held[0] != null) {
                    deadLetter.accept(held[0]);
                    held[0] = null;
                }
                if (!acked.alreadyAcknowledged(pos)) {
                    track(pos, sink.send(name, ev), acked, failure);
                }
            }, rej -> {
                advance(reading, rej.position(), held);
                if (held[0] != null) {
                    deadLetter.accept(held[0]);
                    held[0] = null;
                }
                if (!acked.alreadyAcknowledged(rej.position())) {
                    held[0] = rej; // sent with the next record, or at the end (the last record's stays re-readable)
                }
            }, skip -> {
                // a digest read by content moves the checkpoint past it like any record; one skipped by name has no position
                advance(reading, skip.position(), held);
                sink.counters().skipped(name);
            });
        } catch (Stop e) {
            // Kafka failed or the watch stops: the checkpoint goes to what Kafka acknowledged (after the in-flight
            // sends settled, when Kafka failed), so the restart sends neither less nor more than what is missing
            boolean kafkaFailed = e instanceof SendFailed;
            if (kafkaFailed) {
                sink.flush();
            }
            saveAcknowledged(reading, e.readTo);
            if (kafkaFailed) {
                throw new IOException("Kafka did not acknowledge records of " + f + " (the checkpoint is at the first one "
                        + "not acknowledged: " + reading.saved + "): " + failure.get().getMessage(), failure.get());
            }
            throw new Abandoned();
        }
        long next = Math.max(state[0], from);
        if (stopped) {
            saveAcknowledged(reading, held[0] != null && held[0].position() >= 0 ? Math.min(next, held[0].position()) : next);
            throw new Abandoned();
        }
        pending.remove(f.toString()); // read again: still incomplete, it is held again below
        if (held[0] != null) {
            io.grantwatch.ingest.RejectedRecord last = held[0];
            boolean lastRecord = last.position() >= 0 && last.position() == state[0] - 1;
            boolean gzipCut = last.reason() != null && last.reason().startsWith("gzip stream truncated");
            if (lastRecord && (incompleteTail || gzipCut)) {
                // the file may still grow (a writer paused mid-line, a .gz still being uploaded): not a loss yet, so not
                // dead-lettered; the checkpoint stays on it and it is read again when the file changes. Dead-lettered only
                // once it can no longer complete (the file deleted, renamed away or replaced, see finalizePending)
                String why = incompleteTail ? "incomplete last line (no newline for " + options.tailSettle().toSeconds() + " s)"
                        : "gzip stream cut off (still being written?)";
                pending.put(f.toString(), new Pending(key, new io.grantwatch.ingest.RejectedRecord(last.source(),
                        last.position(), last.line(), why + ": " + last.reason(), last.bytes())));
                incompleteTails++;
                incomplete.report(f.toString(), "Not yet complete: " + f + "#" + last.position() + " (" + why + "); not "
                        + "dead-lettered while the file may still grow: read again when it changes, dead-lettered if it is "
                        + "deleted, renamed away or replaced first");
            } else {
                deadLetter.accept(last);
            }
            if (lastRecord) {
                next = last.position();
            }
        }
        sink.flush();
        if (failure.get() != null) {
            saveAcknowledged(reading, next);
            throw new IOException("Kafka did not acknowledge records of " + f + " (the checkpoint is at the first one not "
                    + "acknowledged: " + reading.saved + "): " + failure.get().getMessage(), failure.get());
        }
        synchronized (this) {
            current = null;
        }
        // a file that fits in the head is known by the head alone; a bigger one also by what was read last
        checkpoint.put(f, new FileCheckpoint.Entry(next, true, size, modified, key, headHash, head.length,
                size == head.length ? null : tail(f, size), null, null,
                prefixOf(f, key, size, head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b)));
    }

    /** An incomplete last record held back from the dead-letter topic while its file may still grow. */
    private record Pending(String fileKey, io.grantwatch.ingest.RejectedRecord rejected) {
    }

    /** Incomplete last records by the file's canonical path (watch thread only). */
    private final Map<String, Pending> pending = new HashMap<>();
    private long incompleteTails;

    /** How many times a file's incomplete last record was held back instead of dead-lettered (counted, logged once per file). */
    public long incompleteTails() {
        return incompleteTails;
    }

    /**
     * The held-back incomplete records whose file can no longer complete them are dead-lettered now: the file is gone
     * (and not renamed to another name in the folder, whose read holds the record again) or another file took its name.
     */
    private void finalizePending(Set<Path> files) throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        Set<String> keys = new HashSet<>();
        for (Path p : files) {
            try {
                Object k = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
                if (k != null) {
                    keys.add(k.toString());
                }
            } catch (IOException gone) {
                // not there any more
            }
        }
        for (Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Pending> m = it.next();
            Path p = Path.of(m.getKey());
            String now = null;
            try {
                Object k = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
                now = k == null ? null : k.toString();
            } catch (IOException gone) {
                // deleted or renamed away
            }
            Pending held = m.getValue();
            boolean there = files.contains(p) && (now == null || held.fileKey() == null || now.equals(held.fileKey()));
            if (there) {
                continue;
            }
            it.remove();
            if (!files.contains(p) && held.fileKey() != null && keys.contains(held.fileKey())) {
                continue; // renamed within the folder: its new name's read holds it
            }
            io.grantwatch.ingest.RejectedRecord r = held.rejected();
            io.grantwatch.ingest.RejectedRecord lost = new io.grantwatch.ingest.RejectedRecord(r.source(), r.position(),
                    r.line(), r.reason() + "; the file was " + (files.contains(p) ? "replaced by another" : "deleted or renamed away")
                    + " before the record was completed: lost", r.bytes());
            rejections.rejected(lost);
            sink.deadLetter(name, lost);
        }
    }

    /** One file's read under way: what its checkpoint is made of. */
    private static final class Reading {
        final Path file;
        final FileCheckpoint.Entry identity;
        final AckedPositions acked;
        final long[] state;
        final AtomicReference<Throwable> failure;
        long readTo = -1;
        AckedPositions.Progress saved;

        Reading(Path file, FileCheckpoint.Entry identity, AckedPositions acked, long[] state, AtomicReference<Throwable> failure) {
            this.file = file;
            this.identity = identity;
            this.acked = acked;
            this.state = state;
            this.failure = failure;
        }

        FileCheckpoint.Entry entry(long to) {
            AckedPositions.Progress p = acked.at(to);
            saved = p;
            return new FileCheckpoint.Entry(p.next(), false, 0, identity.modified(), identity.fileKey(), identity.head(),
                    identity.headLength(), null, p.resend(), p.readTo() > p.next() ? p.readTo() : null, null);
        }
    }

    /** Ends a read early: Kafka failed ({@link SendFailed}) or the watch stops; records below {@code readTo} were handed over. */
    private static class Stop extends RuntimeException {
        final long readTo;

        Stop(long readTo) {
            super("stopped", null, false, false);
            this.readTo = readTo;
        }
    }

    private static final class SendFailed extends Stop {
        SendFailed(long readTo) {
            super(readTo);
        }
    }

    /** The read the watch stopped in, until the last acknowledgements are in its checkpoint ({@link #saveAcknowledged()}). */
    private Reading current;

    private synchronized void saveAcknowledged(Reading r, long readTo) throws FileCheckpoint.WriteFailed {
        r.readTo = readTo;
        current = r;
        checkpoint.put(r.file, r.entry(readTo));
        checkpoint.flush();
    }

    /**
     * Writes the checkpoint of the file the watch stopped in once more, now that the sink was flushed: the records
     * Kafka acknowledged after the stop are in it, so the restart does not send them again. Called by the runner
     * after the watch thread ended and the sink was flushed.
     */
    public synchronized void saveAcknowledged() {
        Reading r = current;
        if (r == null || r.readTo < 0) {
            return;
        }
        try {
            checkpoint.put(r.file, r.entry(r.readTo));
            checkpoint.flush();
            LOG.info("Checkpoint of {} at what Kafka acknowledged: from record {}{}", UnsafeText.escaped(r.file.toString()),
                    r.saved.next(), r.saved.resend().isEmpty() ? "" : ", sending again " + r.saved.resend().size()
                            + " record(s) not acknowledged");
        } catch (FileCheckpoint.WriteFailed e) {
            LOG.error("{}", e.getMessage());
        }
    }

    /** Counts a send to its position, and the acknowledgement when it comes. */
    private static void track(long position, CompletableFuture<Void> send, AckedPositions acked,
                              AtomicReference<Throwable> failure) {
        acked.sent(position);
        send.whenComplete((v, e) -> {
            if (e == null) {
                acked.acknowledged(position);
            } else {
                failure.compareAndSet(null, e);
            }
        });
    }

    /**
     * A record at {@code position} arrived: every record before it was handed to Kafka; every N records the
     * checkpoint moves to what Kafka acknowledged by then (without waiting for the rest). Stops the read when the
     * watch stops or Kafka failed a send.
     */
    private void advance(Reading r, long position, io.grantwatch.ingest.RejectedRecord[] held) {
        long[] state = r.state;
        long readTo = position >= 0 ? position : state[0];
        if (held[0] != null && held[0].position() >= 0) {
            readTo = Math.min(readTo, held[0].position()); // a held rejection is not sent yet
        }
        if (stopped) {
            throw new Stop(readTo);
        }
        if (r.failure.get() != null) {
            throw new SendFailed(readTo);
        }
        if (position < 0 || position < state[0] - 1) {
            return;
        }
        if (position >= state[0]) {
            state[1]++;
            if (state[1] >= checkpointEvery && position > state[2]) {
                try {
                    checkpoint.put(r.file, r.entry(readTo));
                } catch (FileCheckpoint.WriteFailed e) {
                    throw new CheckpointFailed(e);
                }
                state[1] = 0;
                state[2] = position;
            }
            state[0] = position + 1;
        }
    }
}
