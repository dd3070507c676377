package io.grantwatch.ingest;

import io.grantwatch.model.AuditEvent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Reads (opens, gunzips, parses, normalizes) several files at once on a small pool while the caller
 * receives every event, rejection and skipped digest on its own thread in exactly the sequential order: file by
 * file in list order, each file's items in the order its parser produced them. So a consumer that
 * is not thread-safe (a reorder buffer, a detector, a printer) sees what a sequential read gives.
 *
 * <p>Memory is bounded: at most {@code 2 × threads} files are read ahead of the one being delivered,
 * and each holds at most {@value #CHUNKS_PER_FILE} chunks of {@value #CHUNK} items (plus the chunk its
 * reader is filling) before its reader waits for the caller.
 */
final class OrderedFileReads {
    static final int CHUNK = 256;
    static final int CHUNKS_PER_FILE = 4;

    /** Ends a file's queue. */
    private static final Object END = new Object();

    /** What a reader thread threw; rethrown on the caller's thread at the point the sequential read would have thrown it. */
    private record Failure(Throwable cause) {
    }

    /** A reader thread stops here when the read was abandoned (the caller failed or was interrupted). */
    private static final class Abandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abandoned() {
            super(null, null, false, false);
        }
    }

    /** The caller's side after each file, as {@link FileProgress}. */
    interface FileDone {
        void done(int index);
    }

    private OrderedFileReads() {
    }

    static void read(AuditFileReader reader, List<Path> files, int threads, Consumer<AuditEvent> events,
                     Consumer<RejectedRecord> rejected, Consumer<SkippedRecord> skipped, FileDone fileDone) throws IOException {
        if (files.isEmpty()) {
            return; // nothing left to read (an empty folder, only FIFOs): no pool of zero threads
        }
        int ahead = 2 * Math.max(1, threads);
        List<BlockingQueue<Object>> outputs = new ArrayList<>(files.size());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), readerThreads());
        boolean finished = false;
        try {
            int submitted = 0;
            for (int i = 0; i < files.size(); i++) {
                while (submitted < files.size() && submitted <= i + ahead) {
                    BlockingQueue<Object> output = new ArrayBlockingQueue<>(CHUNKS_PER_FILE);
                    outputs.add(output);
                    Path file = files.get(submitted);
                    pool.execute(() -> readInto(reader, file, output));
                    submitted++;
                }
                deliver(outputs.get(i), events, rejected, skipped);
                outputs.set(i, null); // delivered: let it go
                fileDone.done(i);
            }
            finished = true;
        } finally {
            if (finished) {
                pool.shutdown();
            } else {
                // The caller failed: stop the readers (a waiting reader gets interrupted and ends).
                pool.shutdownNow();
                try {
                    pool.awaitTermination(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void deliver(BlockingQueue<Object> output, Consumer<AuditEvent> events, Consumer<RejectedRecord> rejected,
                                Consumer<SkippedRecord> skipped) throws IOException {
        while (true) {
            Object next;
            try {
                next = output.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading audit files");
            }
            if (next == END) {
                return;
            }
            if (next instanceof Failure f) {
                throw Futures.rethrown(f.cause());
            }
            for (Object item : (Object[]) next) {
                if (item instanceof AuditEvent e) {
                    events.accept(e);
                } else if (item instanceof SkippedRecord sk) {
                    skipped.accept(sk);
                } else {
                    rejected.accept((RejectedRecord) item);
                }
            }
        }
    }

    /** On a reader thread: the file's items in chunks, then END (or the Failure that ended it). */
    private static void readInto(AuditFileReader reader, Path file, BlockingQueue<Object> output) {
        List<Object> chunk = new ArrayList<>(CHUNK);
        Consumer<Object> collect = item -> {
            chunk.add(item);
            if (chunk.size() == CHUNK) {
                put(output, chunk.toArray());
                chunk.clear();
            }
        };
        try {
            reader.readFile(file, 0, collect::accept, collect::accept, collect::accept);
            if (!chunk.isEmpty()) {
                put(output, chunk.toArray());
            }
            put(output, END);
        } catch (Abandoned e) {
            // nobody is waiting for this file any more
        } catch (Throwable t) {
            try {
                put(output, new Failure(t));
            } catch (Abandoned e) {
                // as above
            }
        }
    }

    private static void put(BlockingQueue<Object> output, Object item) {
        try {
            output.put(item);
        } catch (InterruptedException e) {
            throw new Abandoned();
        }
    }

    static ThreadFactory readerThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "grantwatch-file-reader-" + n.incrementAndGet());
            t.setDaemon(true); // never keeps a CLI alive
            return t;
        };
    }
}
