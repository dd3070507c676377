package io.grantwatch.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogArea;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.catalog.Scenario;
import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** Publishes to a real broker, republishes a changed catalog, and reads what a global table would see. */
@WithKafka(createTopics = false)
class CatalogPublisherIT {

    @Test
    void shouldSeeNewVersionAndTombstonesWhenRepublishedWithFewerEntries(KafkaBroker kafka, KafkaTestScope scope) throws Exception {
        TopicSpec<String, CatalogEntry> topic = scope.topics().catalog();
        CatalogPublisher publisher = new CatalogPublisher(kafka.clientConfig());
        Catalog v1 = CatalogLoader.loadBundled();

        CatalogPublisher.Result first = publisher.publish(v1, topic);
        assertThat(first.previousVersion()).isEmpty();
        assertThat(first.written()).isEqualTo(v1.toEntries().size());
        try (Admin admin = kafka.admin()) {
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
            Config cfg = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
            assertThat(cfg.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(admin.describeTopics(List.of(topic.name())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic.name()).partitions()).hasSize(1);
        }

        // The same catalog again: nothing to write.
        assertThat(publisher.publish(CatalogLoader.loadBundled(), topic).upToDate()).isTrue();

        Catalog v2 = withoutDswRoleAccessAndAgencyArea(v1);
        CatalogPublisher.Result second = publisher.publish(v2, topic);
        assertThat(second.previousVersion()).contains(v1.version());
        assertThat(second.tombstoned()).contains("scenario/pai.dsw-role.access", "rules/modelarts-agency",
                "scenario/modelarts.agency.training");

        // A plain consumer reading the topic from the start sees the tombstones and the new manifest last.
        List<ConsumerRecord<String, CatalogEntry>> all = kafka.readAll(topic, Duration.ofSeconds(30));
        assertThat(all.get(all.size() - 1).key()).isEqualTo(CatalogEntry.MANIFEST_KEY);
        assertThat(all.get(all.size() - 1).value().version()).isEqualTo(v2.version());
        assertThat(all).filteredOn(r -> r.value() == null).extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrderElementsOf(second.tombstoned());
        Map<String, CatalogEntry> live = new HashMap<>();
        for (ConsumerRecord<String, CatalogEntry> r : all) {
            if (r.value() == null) {
                live.remove(r.key());
            } else {
                live.put(r.key(), r.value());
            }
        }
        assertThat(live.keySet()).isEqualTo(v2.toEntries().keySet());
        Catalog rebuilt = Catalog.fromEntries(live.values());
        assertThat(rebuilt.version()).isEqualTo(v2.version());
        assertThat(rebuilt.scenarios()).extracting(Scenario::id).doesNotContain("pai.dsw-role.access")
                .contains("pai.dsw-role.custom", "modelarts.training");
        assertThat(publisher.readCurrent(topic).keySet()).isEqualTo(v2.toEntries().keySet());
    }

    private static Catalog withoutDswRoleAccessAndAgencyArea(Catalog v1) {
        List<CatalogArea> areas = new ArrayList<>();
        for (CatalogArea a : v1.areas()) {
            if (a.id().equals("modelarts-agency")) {
                continue;
            }
            if (a.id().equals("pai-dsw-role")) {
                List<Scenario> kept = a.scenarios().stream().filter(s -> !s.id().equals("pai.dsw-role.access")).toList();
                a = new CatalogArea(a.id(), a.cloud(), a.title(), a.seed(), kept, a.apis(), a.errorCodes(), a.hints(),
                        a.fallbacks(), a.errata());
            }
            areas.add(a);
        }
        Catalog v2 = new Catalog(CatalogVersion.of(areas, LocalDate.of(2026, 11, 23)), areas);
        assertThat(v2.version()).isNotEqualTo(v1.version());
        assertThat(Set.copyOf(v2.scenarios())).hasSizeLessThan(v1.scenarios().size());
        return v2;
    }
}
