package io.grantwatch.alerts.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.alerts.TestFindings;
import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** {@code grantwatch report} without --input: the findings topic read to its end, newest version per id. */
@WithKafka
class FindingsTopicIT {
    @Test
    void shouldReportNewestVersionPerFindingWhenReadFromTopic(KafkaBroker kafka, KafkaTestScope scope) throws Exception {
        kafka.createTopics(scope.topics().findings());
        List<Finding> findings = TestFindings.many(12);
        Finding first = findings.get(0);
        Finding resolved = ReportFixtures.resolved(first, Duration.ofMinutes(3));
        Finding deleted = findings.get(1);
        try (KafkaProducer<String, Finding> p = kafka.producer(scope.topics().findings())) {
            findings.forEach(f -> p.send(new ProducerRecord<>(scope.topics().findings().name(), f.id(), f)));
            p.send(new ProducerRecord<>(scope.topics().findings().name(), resolved.id(), resolved));
            p.send(new ProducerRecord<>(scope.topics().findings().name(), deleted.id(), null));
            p.flush();
        }
        List<Finding> read = FindingsInput.readTopic(kafka.bootstrapServers(), scope.topics().findings(), Map.of(), Duration.ofSeconds(30));
        assertThat(read).hasSize(11);
        assertThat(read).filteredOn(f -> f.id().equals(first.id())).singleElement()
                .satisfies(f -> assertThat(f.status()).isEqualTo(FindingStatus.RESOLVED));
        DriftReport r = new ReportBuilder(new RemediationPlanner(), MuteRules.none()).build(read, null, null, null, Instant.now());
        assertThat(r.totals().resolved()).isEqualTo(1);
        assertThat(r.timeToGrant()).singleElement().satisfies(t -> assertThat(t.medianSeconds()).isEqualTo(180));
    }
}
