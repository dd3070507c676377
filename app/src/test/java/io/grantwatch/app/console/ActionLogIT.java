package io.grantwatch.app.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.model.FindingAction;
import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/** The console's decisions on a real broker: read back before record() returns, kept across a restart, junk skipped. */
@WithKafka
class ActionLogIT {
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    @Test
    void shouldApplyADecisionBeforeRecordReturnsAndFindItAgainAfterARestart(KafkaBroker kafka, KafkaTestScope scope) throws Exception {
        TopicSpec<String, FindingAction> topic = scope.topics().findingActions();
        // a record that is not a finding action (another writer's mistake) must not stop the reader
        try (KafkaProducer<String, byte[]> junk = new KafkaProducer<>(kafka.clientConfig(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer())) {
            junk.send(new ProducerRecord<>(topic.name(), "f-1", "{not json".getBytes(StandardCharsets.UTF_8))).get();
        }
        FindingsView first = new FindingsView();
        try (ActionLog log = new ActionLog(kafka.clientConfig(), topic, first)) {
            log.start();
            log.record(new FindingAction("f-1", FindingAction.Kind.MUTE, "accepted", "sec", NOW.plus(Duration.ofDays(7)), NOW));
            // no waiting: record() returned after this view applied it
            assertThat(first.action("f-1")).hasValueSatisfying(a -> assertThat(a.owner()).isEqualTo("sec"));
            log.record(new FindingAction("f-2", FindingAction.Kind.ACKNOWLEDGE, null, "ops", null, NOW));
            log.record(new FindingAction("f-2", FindingAction.Kind.REOPEN, "not done", "ops", null, NOW.plusSeconds(1)));
        }

        FindingsView restarted = new FindingsView();
        try (ActionLog log = new ActionLog(kafka.clientConfig(), topic, restarted)) {
            log.start();
            await("decisions read from the beginning").atMost(Duration.ofSeconds(30))
                    .until(() -> restarted.action("f-2").map(a -> a.action() == FindingAction.Kind.REOPEN).orElse(false));
            assertThat(restarted.mutes(NOW)).extracting(FindingAction::findingId).containsExactly("f-1");
        }
    }
}
