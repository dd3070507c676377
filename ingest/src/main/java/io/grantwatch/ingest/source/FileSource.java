package io.grantwatch.ingest.source;

import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.ingest.FileProgress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files and folders, read once (recursively) into the sink: good events to {@code audit-events}, bad
 * records to the dead-letter topic, CTS digest files only counted ({@link IngestCounters.Snapshot#skipped}).
 * {@link #run} returns when Kafka acknowledged everything.
 */
public final class FileSource {
    private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);

    private final AuditFileReader reader;
    private final AuditSink sink;
    private final String name;
    private final RejectionLog rejections;

    public FileSource(AuditFileReader reader, AuditSink sink, String name) {
        this.reader = reader;
        this.sink = sink;
        this.name = name;
        this.rejections = new RejectionLog(name);
    }

    /**
     * @throws IOException a path cannot be used, or Kafka did not acknowledge a record (then nothing is
     *                     known to be lost only if the caller re-runs: event ids make that harmless)
     */
    public IngestCounters.Snapshot run(List<Path> paths) throws IOException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        reader.read(paths,
                e -> watch(sink.send(name, e), failure),
                r -> {
                    rejections.rejected(r);
                    watch(sink.deadLetter(name, r), failure);
                },
                s -> sink.counters().skipped(name), FileProgress.NONE);
        rejections.flush();
        sink.flush();
        if (failure.get() != null) {
            throw new IOException("Kafka did not acknowledge every record: " + failure.get().getMessage(), failure.get());
        }
        IngestCounters.Snapshot s = sink.counters().get(name);
        LOG.info("Ingested {}: read {}, produced {}, dead-lettered {}, skipped {} CTS digest files", paths, s.read(), s.produced(),
                s.deadLettered(), s.skipped());
        return s;
    }

    static void watch(CompletableFuture<Void> f, AtomicReference<Throwable> failure) {
        f.whenComplete((v, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
    }
}
