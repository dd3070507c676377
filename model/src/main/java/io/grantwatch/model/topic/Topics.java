package io.grantwatch.model.topic;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingAction;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.json.JsonSerde;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topic registry: every topic GrantWatch reads or writes, with its serdes. Production code and
 * tests build their topics from here. {@link #withPrefix} gives a deployment (or a test) its own set.
 */
public record Topics(
        TopicSpec<String, AuditEvent> auditEvents,
        TopicSpec<byte[], byte[]> auditDlq,
        TopicSpec<String, CatalogEntry> catalog,
        TopicSpec<String, Finding> findings,
        TopicSpec<String, AuditEvent> unmappedDenials,
        TopicSpec<String, Remediation> remediations,
        TopicSpec<byte[], byte[]> detectorDlq,
        TopicSpec<String, InventoryRecord> inventory,
        TopicSpec<String, FindingAction> findingActions) {

    private static final Map<String, String> COMPACT = Map.of("cleanup.policy", "compact");
    /**
     * For time-retained topics the detector writes with the event's time: a backfill of trails older
     * than the retention would be deleted as soon as it is written. The broker's append time makes
     * retention count from when the record was written; the event time stays in the value.
     */
    private static final Map<String, String> APPEND_TIME = Map.of("message.timestamp.type", "LogAppendTime");
    /**
     * The findings topic is compacted and written with the event's time: with a backfill's old times every append would roll a
     * segment (its age counts from the first record's timestamp), and the cleaner would compact a finding's versions away
     * minutes after they were written (an OPEN seen by no reader, only the RESOLVED after it). Append time keeps segments and
     * compaction on the broker's clock.
     */
    private static final Map<String, String> COMPACT_APPEND_TIME = Map.of("cleanup.policy", "compact", "message.timestamp.type",
            "LogAppendTime");

    public static final Serde<String> STRING = Serdes.String();
    public static final Serde<byte[]> BYTES = Serdes.ByteArray();

    /** The default names: {@code audit-events}, {@code audit-dlq}, {@code catalog}, {@code findings}, ..., {@code finding-actions}. */
    public static Topics defaults() {
        return withPrefix("");
    }

    public static Topics withPrefix(String prefix) {
        return new Topics(
                new TopicSpec<>(prefix + "audit-events", STRING, JsonSerde.of(AuditEvent.class), Map.of()),
                new TopicSpec<>(prefix + "audit-dlq", BYTES, BYTES, Map.of()),
                new TopicSpec<>(prefix + "catalog", STRING, JsonSerde.of(CatalogEntry.class), COMPACT),
                new TopicSpec<>(prefix + "findings", STRING, JsonSerde.of(Finding.class), COMPACT_APPEND_TIME),
                new TopicSpec<>(prefix + "unmapped-denials", STRING, JsonSerde.of(AuditEvent.class), APPEND_TIME),
                new TopicSpec<>(prefix + "remediations", STRING, JsonSerde.of(Remediation.class), Map.of()),
                new TopicSpec<>(prefix + "detector-dlq", BYTES, BYTES, APPEND_TIME),
                // keyed by fact (InventoryRecord.key), partitioned by account (InventoryRecord.partition): compaction keeps the
                // newest of each fact, and an account's facts meet its audit-events in one detector task
                new TopicSpec<>(prefix + "inventory", STRING, JsonSerde.of(InventoryRecord.class), COMPACT),
                // the console's mute / acknowledge / re-open decisions, keyed by finding id: the newest per finding is in force
                new TopicSpec<>(prefix + "finding-actions", STRING, JsonSerde.of(FindingAction.class), COMPACT));
    }

    public List<TopicSpec<?, ?>> all() {
        return List.of(auditEvents, auditDlq, catalog, findings, unmappedDenials, remediations, detectorDlq, inventory, findingActions);
    }
}
