package io.grantwatch.ingest.source;

import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.model.AuditEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory sink for broker-free tests; can be told to fail. */
public final class MemorySink implements AuditSink {
    public final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    public final List<RejectedRecord> dead = new CopyOnWriteArrayList<>();
    public volatile boolean failing;
    private final IngestCounters counters = new IngestCounters();

    @Override
    public CompletableFuture<Void> send(String source, AuditEvent event) {
        counters.read(source);
        if (failing) {
            counters.failed(source);
            return CompletableFuture.failedFuture(new IllegalStateException("broker down"));
        }
        events.add(event);
        counters.produced(source);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deadLetter(String source, RejectedRecord rejected) {
        counters.read(source);
        if (failing) {
            counters.failed(source);
            return CompletableFuture.failedFuture(new IllegalStateException("broker down"));
        }
        dead.add(rejected);
        counters.deadLettered(source);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void flush() {
    }

    @Override
    public IngestCounters counters() {
        return counters;
    }
}
