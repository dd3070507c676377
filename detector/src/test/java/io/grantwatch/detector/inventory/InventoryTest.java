package io.grantwatch.detector.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.inventory.InventoryRecord.Kind;
import io.grantwatch.model.inventory.InventoryRecord.PolicyRef;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The newer fact wins, whichever source it came from; a record without what its kind needs changes nothing. */
class InventoryTest {
    private static final Instant SNAPSHOT = Instant.parse("2026-03-11T09:00:00Z");
    private static final PolicyRef DENY = new PolicyRef("Custom", "deny-raw-data-writes", null);

    private static InventoryRecord rec(Kind kind, Instant at, List<PolicyRef> policies) {
        return new InventoryRecord(Cloud.ALIBABA, "1358024679135790", at, "t", kind, "user", "zhao.min", policies, null, null, null, false, null,
                null);
    }

    @Test
    void shouldIgnoreATrailDetachOlderThanTheSnapshotAndApplyANewerOne() {
        Inventory i = Inventory.empty().apply(rec(Kind.HOLDS, SNAPSHOT, List.of(DENY)));

        assertThat(i.apply(rec(Kind.DETACH, SNAPSHOT.minusSeconds(60), List.of(DENY)))).as("the snapshot already says it is held").isSameAs(i);
        assertThat(i.apply(rec(Kind.DETACH, SNAPSHOT.plusSeconds(60), List.of(DENY))).attachments()).isEmpty();
        // a complete listing replaces what older facts said, keeps what newer ones did
        Inventory attachedLater = i.apply(rec(Kind.ATTACH, SNAPSHOT.plusSeconds(5), List.of(new PolicyRef("System", "AliyunOSSReadOnlyAccess",
                null))));
        assertThat(attachedLater.apply(rec(Kind.HOLDS, SNAPSHOT.plusSeconds(1), List.of())).attachments().get("user/zhao.min"))
                .containsOnlyKeys("System/AliyunOSSReadOnlyAccess");
    }

    @Test
    void shouldStoreAnInventoryTheLastDetachEmptiedAndIgnoreIncompleteRecords() {
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), CatalogLookup.of(CatalogLoader.loadBundled()));
        d.accept(rec(Kind.HOLDS, SNAPSHOT, List.of(DENY)));
        d.accept(rec(Kind.HOLDS, SNAPSHOT, null)); // another producer's record without its policies
        assertThat(d.inventory("alibaba:1358024679135790").attachments()).containsKey("user/zhao.min");

        d.accept(rec(Kind.DETACH, SNAPSHOT.plusSeconds(1), List.of(DENY)));
        assertThat(d.inventory("alibaba:1358024679135790").attachments()).isEmpty();

        // an account whose only fact goes: its inventory is stored empty, not left as it was
        OfflineDetector e = new OfflineDetector(DetectorSettings.defaults(), CatalogLookup.of(CatalogLoader.loadBundled()));
        e.accept(new InventoryRecord(Cloud.ALIBABA, "1704123456789012", SNAPSHOT, "t", Kind.JOIN, "user", "li.qiang", null, null, null, null,
                false, List.of("ml-researchers"), null));
        e.accept(new InventoryRecord(Cloud.ALIBABA, "1704123456789012", SNAPSHOT.plusSeconds(1), "t", Kind.LEAVE, "user", "li.qiang", null, null,
                null, null, false, List.of("ml-researchers"), null));
        assertThat(e.inventory("alibaba:1704123456789012").isEmpty()).as("not the stale one").isTrue();
    }

    @Test
    void shouldKeepAPolicysIdWhenANewVersionNamesItByItsNameWhereAnIdWasExpected() {
        // snapshot: GetPolicyV5 gives name obs-train and id p-1; the trail's createPolicyVersionV5 resource is the name
        PolicyRef known = new PolicyRef("Custom", "obs-train", "p-1");
        InventoryRecord policy = new InventoryRecord(Cloud.HUAWEI, "d1", SNAPSHOT, "t", Kind.POLICY, null, null, null, known, "v1", null, false,
                null, null);
        InventoryRecord version = new InventoryRecord(Cloud.HUAWEI, "d1", SNAPSHOT.plusSeconds(60), "t", Kind.POLICY_VERSION, null, null, null,
                new PolicyRef(null, null, "obs-train"), null, "{\"Version\":\"5.0\",\"Statement\":[]}", true, null, null);

        Inventory i = Inventory.empty().apply(policy).apply(version);

        assertThat(i.policy("Custom/obs-train").ref()).isEqualTo(known);
    }
}
