package io.grantwatch.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.IamChanges;
import io.grantwatch.detector.inventory.InventoryChanges;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.systemtests.corpus.CorpusGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scenario 5's plan and oracle (no Kafka): the semantics the reliability run checks the detector against. */
class ChurnAndLatenessTest {
    private static final DetectorSettings SETTINGS = DetectorSettings.defaults();
    private static Catalog catalog;
    private static List<AuditEvent> events;
    private static ChurnAndLateness.Plan churn;
    private static ChurnAndLateness.Replay churnOracle;
    private static ChurnAndLateness.Plan late;
    private static ChurnAndLateness.Replay lateOracle;

    @BeforeAll
    static void plan() {
        catalog = CatalogLoader.loadBundled();
        CorpusGenerator.Corpus corpus = CorpusGenerator.generate(CorpusGenerator.Options.of(43, 4000).withPrincipals(400).withDelegated(false),
                catalog);
        events = Env.parse(corpus.records());
        churn = ChurnAndLateness.churn(events, catalog, SETTINGS);
        churnOracle = ChurnAndLateness.replay(churn, false, SETTINGS);
        late = ChurnAndLateness.lateness(events, catalog, SETTINGS, Duration.ofMinutes(5), 9, 5);
        lateOracle = ChurnAndLateness.replay(late, false, SETTINGS);
    }

    @Test
    void shouldCutTheCorpusIntoSegmentsInEventTimeOrder() {
        List<AuditEvent> all = new ArrayList<>();
        for (ChurnAndLateness.Segment s : churn.segments()) {
            assertThat(s.arrival()).isEqualTo(s.eventTime());
            all.addAll(s.arrival());
        }
        assertThat(all).isEqualTo(events);
    }

    @Test
    void shouldReorderOnlyWithinTheJitter() {
        List<AuditEvent> arrival = onTime(late.arrival());
        assertThat(arrival).containsExactlyInAnyOrderElementsOf(events);
        assertThat(late.inverted()).as("events overtaken within the grace").isPositive();
        Instant newest = arrival.get(0).eventTime();
        for (AuditEvent e : arrival) {
            assertThat(e.eventTime()).isAfterOrEqualTo(newest.minus(Duration.ofMinutes(5)));
            newest = e.eventTime().isAfter(newest) ? e.eventTime() : newest;
        }
    }

    @Test
    void shouldPlantLateCopiesOlderThanTheGraceRightAfterTheirAnchor() {
        assertThat(late.late()).hasSize(9);
        assertThat(late.late()).extracting(ChurnAndLateness.Late::kind).contains("denial", "success", "iam-change");
        List<AuditEvent> arrival = late.arrival();
        for (ChurnAndLateness.Late l : late.late()) {
            assertThat(l.event().eventTime()).isBefore(l.anchor().eventTime().minus(SETTINGS.grace()));
            assertThat(l.event().partitionKey()).isEqualTo(l.anchor().partitionKey());
            assertThat(arrival.indexOf(l.event())).isEqualTo(arrival.indexOf(l.anchor()) + 1);
        }
    }

    @Test
    void shouldCountEveryPlantedLateEventAndApplyNoneOfThem() {
        assertThat(lateOracle.counters().late()).isEqualTo(late.late().size());
        assertThat(lateOracle.lateInStates()).isEqualTo(late.late().size());
        // an IAM change is a detach/delete/trust change or one that only changes what the inventory knows (a new version)
        long changes = events.stream().filter(e -> IamChanges.classify(e).isPresent()
                || InventoryChanges.mayChange(e) && !InventoryChanges.of(e, Optional.empty()).isEmpty()).count();
        assertThat(lateOracle.counters().iamChanges()).as("late IAM change copies are not applied").isEqualTo(changes);
        List<String> lateIds = late.late().stream().map(l -> l.event().eventId()).toList();
        assertThat(lateOracle.emitted()).noneMatch(f -> f.evidence() != null && f.evidence().eventIds().stream().anyMatch(lateIds::contains));
    }

    @Test
    void shouldTurnTheCallUnmappedWhileItsEntriesAreMissingAndSupersedeThatWhenTheyReturn() {
        String v2 = churn.segments().get(1).catalog().version();
        String v3 = churn.segments().get(2).catalog().version();
        ChurnAndLateness.Churn c = churn.churn();
        List<Finding> oracle = churnOracle.emitted();
        assertThat(churn.segments().get(1).catalog().scenarios()).noneMatch(s -> c.removes(s.id()));
        assertThat(churn.segments().get(2).catalog().scenarios()).filteredOn(s -> c.removes(s.id())).hasSize(c.removed().size());
        assertThat(oracle).filteredOn(f -> f.kind() == FindingKind.UNMAPPED_DENIAL && f.status() == FindingStatus.OPEN
                && v2.equals(f.catalogVersion()) && c.names(f)).isNotEmpty();
        // Superseded: closed without a time to grant (nothing was granted) by the denial the returning entries explain.
        List<Finding> superseded = oracle.stream().filter(f -> f.kind() == FindingKind.UNMAPPED_DENIAL
                && f.status() == FindingStatus.RESOLVED && f.timeToGrant() == null).toList();
        // The churned call is among them; removing its entries can also un-map another call those entries alone explain
        // (a DSW AssumeRoleFailedError on the same custom-role scenario, now that no unconfirmed PaiDsw API map names it too).
        assertThat(superseded).isNotEmpty().anyMatch(c::names).allMatch(f -> f.cloud() == c.cloud());
        assertThat(ChurnAndLateness.superseded(oracle)).isEqualTo(superseded.size());
        assertThat(oracle).filteredOn(f -> c.removes(f.scenarioId())).noneMatch(f -> v2.equals(f.catalogVersion()));
        // A finding takes its title when it opens: the new ones of segment 3 carry the changed entry's new title.
        assertThat(oracle).filteredOn(f -> c.retitled().equals(f.scenarioId()) && v3.equals(f.catalogVersion())
                        && f.status() == FindingStatus.OPEN && f.evidence().count() == 1)
                .isNotEmpty().allMatch(f -> f.scenarioTitle().endsWith(ChurnAndLateness.TITLE_SUFFIX));
        assertThat(oracle).filteredOn(f -> f.scenarioTitle() != null && f.scenarioTitle().endsWith(ChurnAndLateness.TITLE_SUFFIX))
                .allMatch(f -> v3.equals(f.catalogVersion()));
    }

    @Test
    void shouldGiveTheOraclesFindingsWhenNothingArrivesOutOfOrder() {
        ChurnAndLateness.Plan inOrder = ChurnAndLateness.lateness(events, catalog, SETTINGS, Duration.ZERO, 9, 5);
        assertThat(inOrder.inverted()).isZero();
        ChurnAndLateness.Comparison cmp = ChurnAndLateness.compare(ChurnAndLateness.replay(inOrder, false, SETTINGS).emitted(),
                ChurnAndLateness.replay(inOrder, true, SETTINGS).emitted());
        assertThat(cmp.matches()).as(cmp.toString()).isTrue();
    }

    private static List<AuditEvent> onTime(List<AuditEvent> xs) {
        return xs.stream().filter(e -> !e.eventId().endsWith(ChurnAndLateness.LATE_SUFFIX)).toList();
    }
}
