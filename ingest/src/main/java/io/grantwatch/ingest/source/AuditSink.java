package io.grantwatch.ingest.source;

import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.model.AuditEvent;
import java.util.concurrent.CompletableFuture;

/**
 * Where sources put what they read. The Kafka implementation produces to {@code audit-events} and
 * {@code audit-dlq}; tests use an in-memory one. A future completes when the record is durably
 * stored (Kafka: acknowledged by all in-sync replicas) and fails otherwise.
 */
public interface AuditSink {
    /** Sends one normalized event; {@code source} names the source instance for counters and headers. */
    CompletableFuture<Void> send(String source, AuditEvent event);

    /** Sends one rejected record to the dead-letter topic with its reason and location. */
    CompletableFuture<Void> deadLetter(String source, RejectedRecord rejected);

    /** Blocks until everything sent so far is acknowledged (or failed). */
    void flush();

    IngestCounters counters();
}
