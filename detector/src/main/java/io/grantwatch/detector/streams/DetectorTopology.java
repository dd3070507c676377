package io.grantwatch.detector.streams;

import io.grantwatch.detector.DetectionEngine;
import io.grantwatch.detector.DetectorCounters;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.topic.Topics;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The detector topology.
 *
 * <p>Reads {@code audit-events} (key: {@link AuditEvent#routingKey()}, the account; value: AuditEvent
 * JSON, Streams time = the event's time) and the compacted {@code catalog} topic (key: {@code scenario/<id>},
 * {@code rules/<area>}, {@code manifest}; value: CatalogEntry JSON). Writes {@code findings}
 * (compacted; key: finding id; value: Finding JSON, only when a finding changes) and
 * {@code unmapped-denials} (key: principal; value: the AuditEvent no catalog entry explains).
 * Poison records go to {@code detector-dlq} through Kafka's built-in handlers (see {@link DetectorConfig}).
 *
 * <pre>
 * audit-events ─► read-audit-events ─┬─► keep-account-keyed-events ──────────────────────┐
 *                                    └─► route-to-account ─► by-account (repartition) ───┴─► merge-by-account ─┐
 * inventory ─► read-inventory ─────────────────────────────────────────────────────────────────────────────────┴─► merge-inventory
 *   ─► detect-missing-grants [principal-state, principal-findings, account-activity, account-inventory, catalog-entries(global)]
 *   ─► split-output-
 *        ├─► take-finding ─► write-findings ─► findings
 *        └─► take-unmapped ─► write-unmapped-denials ─► unmapped-denials
 * catalog ─► read-catalog ─► update-catalog [catalog-entries]
 * </pre>
 *
 * <p>The compacted {@code inventory} topic (key: one fact, {@link io.grantwatch.model.inventory.InventoryRecord#key()};
 * partitioned by the account, {@link io.grantwatch.model.inventory.InventoryRecord#partition}; value: InventoryRecord JSON)
 * is read into the same processor, which keeps {@code account-inventory} (what each account's principals hold, also fed by
 * the IAM changes in the trail). Its records are taken as soon as they are read (Streams time 0), so a snapshot imported
 * before a trail is replayed applies to all of it, as {@code scan --inventory} does. It must have as many partitions as
 * {@code audit-events} (GrantWatch creates both with {@code topics.partitions}).
 *
 * <p>Why the catalog is a global store read through the Processor API and not a GlobalKTable join:
 * a denial is matched by exact action, then by action patterns, error code, API name, request
 * hints and service fallback, and ranked against the activity signals of every scenario. That is a
 * lookup over the whole catalog, not one key, so the detect processor reads the global store
 * through an index rebuilt whenever the catalog changes ({@link CatalogHolder}); a single-key
 * KStream–GlobalKTable join could only answer "the entry under this one key".
 *
 * <p>Why the account is the partition: everything that relates two principals stays inside one
 * account. An IAM change is logged under the administrator who made it but hits another principal
 * of the account; ModelArts runs a user's training job under the user's agency and PAI runs a DSW
 * instance under its role, so an agency's or role's denial is explained by what a person of the
 * account started minutes before ({@code account-activity}). With the account's events in one
 * partition, in the order ingest wrote them, each of these meets the state it needs without a
 * repartition, and no event can overtake another of its account on a shorter path (the detector
 * gives the same findings as {@link io.grantwatch.detector.OfflineDetector} over the same order).
 * The state stays keyed by principal. Records keyed otherwise (another producer) are re-keyed by
 * account through one repartition ({@code by-account}). The cost: one account's events are
 * processed by one task, so a single account scales to one stream thread.
 */
public final class DetectorTopology {
    public static final String PRINCIPAL_STATE = "principal-state";
    /** Every finding a principal's state still references, open or resolved (a later denial reopens the same one); by finding id. */
    public static final String PRINCIPAL_FINDINGS = "principal-findings";
    public static final String CATALOG_ENTRIES = "catalog-entries";
    public static final String ACCOUNT_ACTIVITY = "account-activity";
    public static final String BY_ACCOUNT = "by-account";
    public static final String ACCOUNT_INVENTORY = "account-inventory";

    private DetectorTopology() {
    }

    public static Topology build(Topics topics, DetectorConfig config) {
        return build(topics, config, new DetectorCounters());
    }

    public static Topology build(Topics topics, DetectorConfig config, DetectorCounters counters) {
        Properties props = config.toProperties(topics);
        props.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // Built with the runtime config so that explicit naming of every internal resource is enforced here.
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        Serde<String> keys = Topics.STRING;
        Serde<AuditEvent> events = AuditEventReader.serde(topics.auditEvents().valueSerde()); // the model's JSON, times parsed fast
        Serde<CatalogEntry> entries = topics.catalog().valueSerde();

        CatalogHolder holder = new CatalogHolder();
        StoreBuilder<KeyValueStore<String, CatalogEntry>> catalogStore =
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CATALOG_ENTRIES), keys, entries).withLoggingDisabled();
        builder.addGlobalStore(catalogStore, topics.catalog().name(),
                Consumed.with(keys, entries).withName("read-catalog"),
                () -> new Processors.UpdateCatalog(CATALOG_ENTRIES, holder));

        // Cached: a busy principal's many updates within one commit interval reach RocksDB and the changelog once.
        // Binary values (StateSerdes): every event writes a state.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRINCIPAL_STATE), keys,
                StateSerdes.principalState()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRINCIPAL_FINDINGS), keys,
                StateSerdes.openFinding()));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ACCOUNT_ACTIVITY), keys,
                StateSerdes.accountActivity()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ACCOUNT_INVENTORY), keys,
                StateSerdes.inventory()).withCachingEnabled());
        KStream<String, AuditEvent> in = builder.stream(topics.auditEvents().name(),
                Consumed.with(keys, events).withTimestampExtractor(new EventTimeExtractor()).withName("read-audit-events"));
        KStream<String, AuditEvent> keyed = in.process(Processors.KeepAccountKeyed::new, Named.as("keep-account-keyed-events"));
        KStream<String, AuditEvent> rekeyed = in.process(Processors.RouteToAccount::new, Named.as("route-to-account"))
                .repartition(Repartitioned.<String, AuditEvent>as(BY_ACCOUNT).withKeySerde(keys).withValueSerde(events));

        KStream<String, InventoryRecord> facts = builder.stream(topics.inventory().name(),
                Consumed.with(keys, topics.inventory().valueSerde()).withTimestampExtractor((r, partitionTime) -> 0L)
                        .withName("read-inventory"));

        DetectionEngine engine = new DetectionEngine(config.settings());
        // one processor takes both (events and inventory facts), so that it alone owns the stores it caches
        @SuppressWarnings("unchecked")
        KStream<String, Object> accountEvents = (KStream<String, Object>) (KStream<String, ?>) keyed.merge(rekeyed, Named.as("merge-by-account"));
        @SuppressWarnings("unchecked")
        KStream<String, Object> inventoryFacts = (KStream<String, Object>) (KStream<String, ?>) facts;
        KStream<String, DetectorOutput> out = accountEvents.merge(inventoryFacts, Named.as("merge-inventory"))
                .process(() -> new Processors.Detect(engine, holder, counters, PRINCIPAL_STATE, PRINCIPAL_FINDINGS, CATALOG_ENTRIES,
                        ACCOUNT_ACTIVITY, ACCOUNT_INVENTORY), Named.as("detect-missing-grants"), PRINCIPAL_STATE, PRINCIPAL_FINDINGS,
                        ACCOUNT_ACTIVITY, ACCOUNT_INVENTORY);

        out.split(Named.as("split-output-"))
                .branch((k, v) -> v.finding() != null, Branched.withConsumer(s -> s
                        .mapValues(DetectorOutput::finding, Named.as("take-finding"))
                        .to(topics.findings().name(), Produced.with(keys, topics.findings().valueSerde()).withName("write-findings")),
                        "findings"))
                .branch((k, v) -> v.unmapped() != null, Branched.withConsumer(s -> s
                        .mapValues(DetectorOutput::unmapped, Named.as("take-unmapped"))
                        .to(topics.unmappedDenials().name(), Produced.with(keys, topics.unmappedDenials().valueSerde())
                                .withName("write-unmapped-denials")),
                        "unmapped"));
        return builder.build(props);
    }
}
