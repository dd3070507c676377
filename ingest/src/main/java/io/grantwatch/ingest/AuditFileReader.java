package io.grantwatch.ingest;

import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.CtsDigest;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads audit files and folders (recursively, in path order; or all files in time order, see
 * {@link #inTimeOrder()}) as normalized, redacted
 * {@link AuditEvent}s: what {@code grantwatch parse}, {@code grantwatch scan} and the file/watch
 * sources use. Streaming and constant memory (bounded by the largest single record). Every shape is
 * detected per file (see {@link AuditParser}); delivery paths ({@code AliyunLogs/Actiontrail/<region>/…},
 * {@code CloudTraces/<region>/…}) supply the region when records lack it. Inside folders, hidden files,
 * partial downloads ({@code .tmp}, {@code .part}, {@code .partial}) and documentation or checksum files
 * ({@code .md}, {@code .yaml}, {@code .csv}, {@code .md5}, …) are skipped; a file named explicitly is always read.
 * CTS digest files ({@link CtsDigest}: by name, or by content whatever the name) are neither events nor
 * rejections: each is handed to the {@code skipped} consumer, so callers count them.
 *
 * <p>{@link #read} reads up to {@link #threads()} files at once (gunzip and parsing are most of the
 * work) but calls its consumers on the caller's thread in exactly the sequential order, file by file
 * (see {@link OrderedFileReads}); with one thread it reads in the caller's thread.
 *
 * <pre>{@code
 * new AuditFileReader().read(List.of(Path.of("logs")), event -> ..., rejected -> ...);
 * }</pre>
 */
public final class AuditFileReader {
    private static final Pattern NOT_AUDIT = Pattern.compile(
            "(?i).*\\.(md|markdown|rst|adoc|html?|ya?ml|csv|tsv|pdf|png|jpe?g|svg|sh|py|java|md5|sha1|sha256|crc)");
    /** ActionTrail OSS delivery: {@code [<account>_]Actiontrail_<region>_<yyyyMMddHHmmss>_…}, UTC. */
    private static final Pattern ACTIONTRAIL_NAME = Pattern.compile("(?i)(?:.*_)?Actiontrail_[^_]+_(\\d{14})(?:[_.]|$).*");
    /** CTS OBS delivery: {@code <prefix>_CloudTrace_<region>[-<project>]_<yyyy-MM-ddTHH-mm-ssZ>_…}. */
    private static final Pattern CTS_NAME = Pattern.compile("(?i).*_CloudTrace_.*?_(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}Z)(?:[_.]|$).*");
    private static final DateTimeFormatter ACTIONTRAIL_TIME =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CTS_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH-mm-ss'Z'").withZone(ZoneOffset.UTC);
    private final AuditParser parser;
    private final IngestLimits limits;
    private final int threads;

    public AuditFileReader() {
        this(IngestLimits.DEFAULTS);
    }

    public AuditFileReader(IngestLimits limits) {
        this(limits, defaultThreads());
    }

    /** @param threads files read at once by {@link #read} (1: sequentially, in the caller's thread) */
    public AuditFileReader(IngestLimits limits, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.parser = new AuditParser(limits);
        this.limits = limits;
        this.threads = threads;
    }

    /**
     * The time a delivery file's name carries: ActionTrail's {@code …Actiontrail_<region>_<yyyyMMddHHmmss>_…}
     * and CTS's {@code …_CloudTrace_<region>_<yyyy-MM-ddTHH-mm-ssZ>_…}, both UTC; empty for any other name.
     */
    public static Optional<Instant> nameTime(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        try {
            Matcher m = ACTIONTRAIL_NAME.matcher(name);
            if (m.matches()) {
                return Optional.of(Instant.from(ACTIONTRAIL_TIME.parse(m.group(1))));
            }
            m = CTS_NAME.matcher(name);
            if (m.matches()) {
                return Optional.of(Instant.from(CTS_TIME.parse(m.group(1).toUpperCase(Locale.ROOT))));
            }
        } catch (DateTimeException e) {
            // digits that are no date (month 13): not a delivery name
        }
        return Optional.empty();
    }

    /** A file and the time it is read at in {@link #readInTimeOrder}, and where that time came from. */
    public record TimedFile(Path path, Instant time, String from) {
    }

    /**
     * Files sorted by start time, equal times by path: a file's start is its first event's time (the file
     * is opened and parsed up to its first event); a file without an event (empty, a digest, nothing
     * readable) falls back to the time in its name ({@link #nameTime}), then to its last-modified time.
     * The name's time is not used first: ActionTrail and CTS stamp a file when it is cut, at the end of
     * the span it covers, and a quiet service's file can cover hours. Deterministic for a given tree. A stream named
     * on the command line ({@link #named}: {@code <(…)}, a FIFO) can be read only once, so its start is unknown: streams
     * come first, in the order given (their last-modified time, the moment a writer last wrote, made the order of two
     * streams, and with it the late events and findings, depend on timing).
     */
    public List<TimedFile> inTimeOrder(List<Path> files) {
        List<Instant> firsts = firstEventTimes(files);
        List<TimedFile> streams = new ArrayList<>();
        List<TimedFile> keyed = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            if (named(f)) {
                streams.add(new TimedFile(f, Instant.EPOCH, "a stream, in the order given"));
                continue;
            }
            Instant first = firsts.get(i);
            if (first != null) {
                keyed.add(new TimedFile(f, first, "first event"));
                continue;
            }
            Optional<Instant> named = nameTime(f);
            if (named.isPresent()) {
                keyed.add(new TimedFile(f, named.get(), "name"));
                continue;
            }
            Instant modified;
            try {
                modified = Files.getLastModifiedTime(f).toInstant();
            } catch (IOException e) {
                modified = Instant.EPOCH;
            }
            keyed.add(new TimedFile(f, modified, "modified"));
        }
        keyed.sort(Comparator.comparing(TimedFile::time).thenComparing(TimedFile::path));
        streams.addAll(keyed);
        return streams;
    }

    /**
     * Each file's first event time ({@link #firstEventTime}, null for none), on up to {@link #threads()} threads: every file
     * is opened and gunzipped before the read can start, which on one thread was a sequential head to the whole scan.
     */
    private List<Instant> firstEventTimes(List<Path> files) {
        // a stream named on the command line (a FIFO, /dev/fd/N) can be read only once: not opened beforehand
        List<Instant> out = new ArrayList<>(files.size());
        if (threads == 1 || files.size() < 2) {
            for (Path f : files) {
                out.add(named(f) ? null : firstEventTime(f));
            }
            return out;
        }
        List<Callable<Instant>> tasks = new ArrayList<>(files.size());
        for (Path f : files) {
            boolean stream = named(f);
            tasks.add(() -> stream ? null : firstEventTime(f));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, files.size()), OrderedFileReads.readerThreads());
        try {
            for (Future<Instant> f : pool.invokeAll(tasks)) {
                out.add(Futures.result(f, "ordering audit files"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ordering audit files", e);
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /** Stops a parse at the first event. */
    private static final class FirstEvent extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Instant time;

        FirstEvent(Instant time) {
            super(null, null, false, false);
            this.time = time;
        }
    }

    /** The time of a file's first event, null when it has none (or cannot be read: the real read reports that). */
    Instant firstEventTime(Path file) {
        Instant streamed = CtsDigest.isDigestFileName(file) ? null : firstEventStreamed(file);
        if (streamed != null) {
            return streamed;
        }
        try {
            readFile(file, 0, -1, e -> {
                throw new FirstEvent(e.eventTime());
            }, r -> {
            }, s -> {
            });
        } catch (FirstEvent f) {
            return f.time;
        }
        return null;
    }

    /**
     * The first event of a gzip file read through a streaming gunzip, which inflates only the start of the file: the
     * parser's own gzip reader checks a whole member (the whole file, as the clouds deliver them) before it hands any of
     * it on, so ordering a folder that way inflated every file twice. Null when that finds no event within the first
     * records' bytes, the file is no gzip or gzip inside gzip, or it cannot be read: then the parser's own read decides
     * ({@link #firstEventTime}). A damaged file may be ordered by a record the real read then rejects; the order is
     * only where the file's events are expected, as a file named by its time is.
     */
    private Instant firstEventStreamed(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 8192)) {
            if (!AuditParser.gzipNext(raw)) {
                return null;
            }
            InputStream content = new BufferedInputStream(new GZIPInputStream(raw, 8192), 65536);
            if (AuditParser.gzipNext(content)) {
                return null; // compressed twice: the real read rejects it
            }
            parser.parse(limited(content, 2L * limits.maxRecordBytes() + 65536), location(file), Hints.fromPath(file.toString()), 0,
                    AuditParser.Sink.of(e -> {
                        throw new FirstEvent(e.eventTime());
                    }, r -> {
                    }, s -> {
                    }));
        } catch (FirstEvent f) {
            return f.time;
        } catch (IOException | RuntimeException e) {
            return null; // the real read decides and reports
        }
        return null;
    }

    /** One reader thread per core, at most 8 (the caller's consumer is one thread too and would be the limit). */
    public static int defaultThreads() {
        return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    }

    public int threads() {
        return threads;
    }

    /**
     * Reads every file under {@code paths}. Bad content becomes a {@link RejectedRecord} and reading goes on.
     *
     * @throws NoSuchFileException   a path does not exist (checked for all paths before anything is read)
     * @throws AccessDeniedException a path cannot be read
     */
    public void read(List<Path> paths, Consumer<AuditEvent> events, Consumer<RejectedRecord> rejected) throws IOException {
        read(paths, events, rejected, FileProgress.NONE);
    }

    /** As {@link #read(List, Consumer, Consumer)}, telling {@code progress} after each file. */
    public void read(List<Path> paths, Consumer<AuditEvent> events, Consumer<RejectedRecord> rejected, FileProgress progress)
            throws IOException {
        read(paths, events, rejected, s -> {
        }, progress);
    }

    /** As {@link #read(List, Consumer, Consumer, FileProgress)}, telling {@code skipped} of each CTS digest file. */
    public void read(List<Path> paths, Consumer<AuditEvent> events, Consumer<RejectedRecord> rejected,
                     Consumer<SkippedRecord> skipped, FileProgress progress) throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path p : check(paths)) {
            all.addAll(files(p, rejected));
        }
        readFiles(all, events, rejected, skipped, progress, i -> {
        });
    }

    /**
     * Reads every file under {@code paths} together, file by file in start-time order ({@link #inTimeOrder}),
     * not path by path: a tree laid out region by region (ActionTrail) or service by service (CTS)
     * then arrives near event-time order. After each file {@code nothingBefore} is told the next file's
     * start time: no later file starts before it, so a reorder buffer may release what it holds from before
     * (an unsorted file can still hold an earlier event; the last call is after the last file, with
     * {@link java.time.Instant#MAX}). Consumers are called on the caller's thread in the same order for any thread count.
     */
    public void readInTimeOrder(List<Path> paths, Consumer<AuditEvent> events, Consumer<RejectedRecord> rejected,
                                Consumer<SkippedRecord> skipped, FileProgress progress,
                                Consumer<Instant> nothingBefore) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path p : check(paths)) {
            found.addAll(files(p, rejected));
        }
        List<TimedFile> timed = inTimeOrder(found);
        List<Path> all = new ArrayList<>(timed.size());
        for (TimedFile t : timed) {
            all.add(t.path());
        }
        readFiles(all, events, rejected, skipped, progress,
                i -> nothingBefore.accept(i + 1 < timed.size() ? timed.get(i + 1).time() : Instant.MAX));
    }

    private void readFiles(List<Path> all, Consumer<AuditEvent> events, Consumer<RejectedRecord> rejected,
                           Consumer<SkippedRecord> skipped, FileProgress progress, OrderedFileReads.FileDone afterFile)
            throws IOException {
        long bytesTotal = 0;
        for (Path f : all) {
            bytesTotal += sizeOf(f);
        }
        long total = bytesTotal;
        long[] bytesDone = new long[1];
        OrderedFileReads.FileDone done = i -> {
            Path f = all.get(i);
            bytesDone[0] += sizeOf(f);
            progress.fileDone(f, i + 1, all.size(), bytesDone[0], total);
            afterFile.done(i);
        };
        if (threads == 1 || all.size() == 1) {
            for (int i = 0; i < all.size(); i++) {
                readFile(all.get(i), 0, events, rejected, skipped);
                done.done(i);
            }
        } else {
            OrderedFileReads.read(this, all, Math.min(threads, all.size()), events, rejected, skipped, done);
        }
    }

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0; // gone since it was listed: readFile reports it; progress only counts what is there
        }
    }

    /** All paths must exist and be readable; a usage error otherwise (exit 2 in the CLI). */
    public static List<Path> check(List<Path> paths) throws IOException {
        if (paths == null || paths.isEmpty()) {
            throw new NoSuchFileException("no path given");
        }
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new NoSuchFileException(p.toString(), null, "no such file or directory");
            }
            if (!Files.isReadable(p)) {
                throw new AccessDeniedException(p.toString(), null, "not readable");
            }
        }
        return paths;
    }

    /**
     * The regular, non-hidden files under a path, sorted (a file is itself). Fails on the first folder
     * or file that cannot be listed; special files and dangling links are left out without a word.
     * {@link #files(Path, Consumer)} skips and reports all of these instead.
     */
    public static List<Path> files(Path root) throws IOException {
        IOException[] first = new IOException[1];
        List<Path> out = walk(root, r -> {
        }, e -> {
            if (first[0] == null) {
                first[0] = e;
            }
        });
        if (first[0] != null) {
            throw first[0];
        }
        return out;
    }

    /**
     * The regular, non-hidden files under a path, sorted (a file is itself). What cannot be read inside
     * it (a folder without permission, a dangling symbolic link, a FIFO or device, which would block or
     * fail a read) is skipped and handed to {@code unreadable} as a {@link RejectedRecord} for the path
     * (position -1); the walk goes on. Symbolic links to files are read; links to folders are not followed.
     */
    public static List<Path> files(Path root, Consumer<RejectedRecord> unreadable) throws IOException {
        return walk(root, unreadable, e -> {
        });
    }

    private static List<Path> walk(Path root, Consumer<RejectedRecord> unreadable, Consumer<IOException> failed)
            throws IOException {
        if (Files.isRegularFile(root) || named(root)) {
            return List.of(root);
        }
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(root) && dir.getFileName().toString().startsWith(".")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (hidden(root, f)) {
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.isRegularFile() || (attrs.isSymbolicLink() && Files.isRegularFile(f))) {
                    out.add(f);
                } else if (attrs.isSymbolicLink() && !Files.exists(f)) {
                    unreadable.accept(skippedPath(f, "cannot read: dangling symbolic link (skipped)"));
                } else if (attrs.isOther()) {
                    unreadable.accept(skippedPath(f, "cannot read: not a regular file (a FIFO, socket or device; skipped)"));
                } else if (attrs.isSymbolicLink() && Files.isDirectory(f) && !inside(root, f)) {
                    unreadable.accept(skippedPath(f, "not following a symbolic link to a folder outside " + root + " (it leads to "
                            + realOr(f) + "; skipped: name that folder to read it)"));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                if (!hidden(root, f)) {
                    failed.accept(e);
                    unreadable.accept(skippedPath(f, "cannot read " + (Files.isDirectory(f) ? "folder" : "file") + ": "
                            + describe(e) + " (skipped)"));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                if (e != null) {
                    failed.accept(e);
                    unreadable.accept(skippedPath(dir, "cannot read folder: " + describe(e) + " (the rest of it is skipped)"));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(null);
        return out;
    }

    /** Whether the link {@code f} under {@code root} leads inside it (then what it holds is read there anyway). */
    private static boolean inside(Path root, Path f) {
        try {
            return f.toRealPath().startsWith(root.toRealPath());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String realOr(Path f) {
        try {
            return f.toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return "a path that cannot be resolved";
        }
    }

    /**
     * Whether a path named on the command line is a FIFO or character device ({@code <(cat f)} is {@code /dev/fd/N},
     * {@code /dev/stdin}): it is read once as a stream, as {@code -} is. Only inside a folder are such files skipped
     * and reported (reading one there would block on a writer that may never come).
     */
    public static boolean named(Path p) {
        return Files.exists(p) && !Files.isDirectory(p) && !Files.isRegularFile(p);
    }

    /**
     * Whether a file found under {@code root} is left out of a folder read: hidden, a partial download,
     * documentation or a checksum (the watch source lists folders itself and applies the same rule).
     */
    public static boolean leftOut(Path root, Path f) {
        return hidden(root, f);
    }

    /**
     * A file's name as events and rejections carry it: redacted, because a name can hold a secret (a file saved
     * from a presigned URL keeps {@code ?Signature=…&security-token=…}). Reading uses the path itself.
     */
    static String location(Path p) {
        return namesRedacted(p.toString());
    }

    private static final Pattern QUERY_IN_NAME = Pattern.compile("\\?[^\\s/]+");

    /**
     * Text that names files, with the query part of each name ({@code ?OSSAccessKeyId=…&Signature=…}) redacted; the
     * rest of a path is left alone (a whole path given to the redactor would be taken for a token).
     */
    public static String namesRedacted(String text) {
        if (text == null || text.indexOf('?') < 0) {
            return text;
        }
        return QUERY_IN_NAME.matcher(text).replaceAll(m -> Matcher.quoteReplacement(
                io.grantwatch.model.redact.Redactor.text(m.group())));
    }

    private static RejectedRecord skippedPath(Path p, String reason) {
        return new RejectedRecord(location(p), -1, -1, reason, new byte[0]);
    }

    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static boolean hidden(Path root, Path f) {
        String name = f.getFileName().toString();
        // Partial downloads of sync tools (ossutil, obsutil, rclone, browsers) are not audit files yet.
        if (name.endsWith(".tmp") || name.endsWith(".partial") || name.endsWith(".part") || name.endsWith(".crdownload")
                || name.endsWith(".swp") || name.endsWith("~")) {
            return true;
        }
        // Documentation, checksums and other non-audit files that sit beside exported trails
        // (a README, SOURCES.md, .md5 manifests) are not records: skipping them keeps parse/scan quiet.
        if (NOT_AUDIT.matcher(name).matches()) {
            return true;
        }
        Path rel = root.relativize(f);
        for (Path part : rel) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads one file from record {@code firstPosition} on (0 = all). An unreadable file becomes one
     * rejection for the whole file.
     */
    public void readFile(Path file, long firstPosition, Consumer<AuditEvent> events, Consumer<RejectedRecord> rejected) {
        readFile(file, firstPosition, events, rejected, s -> {
        });
    }

    /**
     * As {@link #readFile(Path, long, Consumer, Consumer)}; a CTS digest file goes to {@code skipped}
     * (one {@link SkippedRecord} for the file when its name says so: it is not even opened).
     */
    public void readFile(Path file, long firstPosition, Consumer<AuditEvent> events, Consumer<RejectedRecord> rejected,
                         Consumer<SkippedRecord> skipped) {
        readFile(file, firstPosition, -1, events, rejected, skipped);
    }

    /**
     * As {@link #readFile(Path, long, Consumer, Consumer, Consumer)}, reading only the first
     * {@code byteLimit} bytes of the file (-1: all): the watch source leaves an incomplete last line
     * of a file that may still grow for later.
     */
    public void readFile(Path file, long firstPosition, long byteLimit, Consumer<AuditEvent> events,
                         Consumer<RejectedRecord> rejected, Consumer<SkippedRecord> skipped) {
        String location = location(file);
        if (CtsDigest.isDigestFileName(file)) {
            skipped.accept(CtsDigest.skippedFile(location));
            return;
        }
        try (InputStream in = byteLimit < 0 ? open(file) : limited(open(file), byteLimit)) {
            parser.parse(in, location, Hints.fromPath(file.toString()), firstPosition, AuditParser.Sink.of(events, rejected, skipped));
        } catch (IOException e) {
            rejected.accept(new RejectedRecord(location, -1, -1, "cannot read file: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), new byte[0]));
        }
    }

    /**
     * A file's bytes; a FIFO or device named on the command line ({@link #named}) as a plain stream, which neither
     * seeks nor asks its size (a pipe answers both with "Illegal seek").
     */
    private static InputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        if (!named(file)) {
            return raw;
        }
        return new FilterInputStream(raw) {
            @Override
            public int available() {
                return 0;
            }

            @Override
            public long skip(long n) throws IOException {
                byte[] b = new byte[(int) Math.min(n, 8192)];
                int r = read(b, 0, b.length);
                return Math.max(r, 0);
            }
        };
    }

    /** The first {@code limit} bytes of a stream, then end of stream. */
    private static InputStream limited(InputStream in, long limit) {
        return new FilterInputStream(in) {
            private long left = limit;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = super.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long k = super.skip(Math.min(n, left));
                left -= k;
                return k;
            }

            @Override
            public int available() throws IOException {
                return (int) Math.min(super.available(), left);
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    public AuditParser parser() {
        return parser;
    }
}
