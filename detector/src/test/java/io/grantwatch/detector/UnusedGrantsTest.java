package io.grantwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.inventory.InventoryRecord.PolicyRef;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unused grants: a policy held through a group is judged by what any member used, once, for the group. */
class UnusedGrantsTest {
    private static final PolicyRef ECS = new PolicyRef("Custom", "p-ecs", null);

    private static InventoryRecord record(InventoryRecord.Kind kind, String holderType, String holder, List<PolicyRef> policies,
                                          PolicyRef policy, String document, List<String> groups) {
        return new InventoryRecord(Cloud.ALIBABA, Events.ACCOUNT, Events.T0.minusSeconds(3600), "test", kind, holderType, holder, policies,
                policy, document == null ? null : "v1", document, document != null, groups, null);
    }

    @Test
    void shouldJudgeAGroupPolicyByWhatAnyMemberUsedAndReportItOnceForTheGroup() {
        CatalogLookup catalog = CatalogLookup.of(CatalogLoader.loadBundled());
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        d.accept(record(InventoryRecord.Kind.POLICY_VERSION, null, null, null, ECS, "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":[\"ecs:DescribeInstances\",\"ecs:DeleteInstance\"],\"Resource\":\"*\"}]}", null));
        d.accept(record(InventoryRecord.Kind.HOLDS, "group", "ops", List.of(ECS), null, null, null));
        d.accept(record(InventoryRecord.Kind.GROUPS, "user", "alice", null, null, null, List.of("ops")));
        d.accept(record(InventoryRecord.Kind.GROUPS, "user", "bob", null, null, null, List.of("ops")));
        UnusedGrants usage = new UnusedGrants(catalog);
        usage.observe(Events.ok(Events.ramUser("bob"), Events.T0, "Ecs", "DescribeInstances", "ecs:DescribeInstances"));

        List<UnusedGrants.Held> out = usage.report(d.inventories(), Duration.ofDays(90));

        assertThat(out).singleElement().satisfies(h -> {
            assertThat(h.principal()).isEqualTo("group ops (its members)");
            assertThat(h.used()).containsExactly("ecs:DescribeInstances");
            assertThat(h.unused()).containsExactly("ecs:DeleteInstance");
            assertThat(h.smaller()).as("bob's use keeps it: no 'detach it'").isNotNull().contains("ecs:DescribeInstances")
                    .doesNotContain("DeleteInstance");
        });
    }

    @Test
    void shouldReportAWildcardSomeCallsUsedAsGrantingMoreAndNarrowItToTheirActions() {
        CatalogLookup catalog = CatalogLookup.of(CatalogLoader.loadBundled());
        OfflineDetector d = new OfflineDetector(DetectorSettings.defaults(), catalog);
        PolicyRef wild = new PolicyRef("Custom", "p-wild", null);
        d.accept(record(InventoryRecord.Kind.POLICY_VERSION, null, null, null, wild, "{\"Version\":\"1\",\"Statement\":[{\"Effect\":"
                + "\"Allow\",\"Action\":[\"eas:*\"],\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":\"eas:Delete*\",\"Resource\":\"*\"}]}",
                null));
        d.accept(record(InventoryRecord.Kind.HOLDS, "user", "bob", List.of(wild), null, null, null));
        UnusedGrants usage = new UnusedGrants(catalog);
        usage.observe(Events.ok(Events.ramUser("bob"), Events.T0, "eas", "CreateService", null));

        List<UnusedGrants.Held> out = usage.report(d.inventories(), Duration.ofDays(90));

        assertThat(out).singleElement().satisfies(h -> {
            assertThat(h.unused()).containsExactly("eas:* (beyond the actions used)");
            assertThat(h.smaller()).containsIgnoringCase("eas:CreateService").contains("eas:Delete*").doesNotContain("\"eas:*\"");
        });
    }
}
