package io.grantwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.topic.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

/** The three-broker cluster the scale-out tests use: topics are replicated three times. */
@WithKafka(brokers = 3)
class ThreeBrokerClusterIT {

    @Test
    void shouldReplicateEveryPartitionThreeTimesWhenTheClusterHasThreeBrokers(KafkaBroker kafka, Topics topics)
            throws Exception {
        assertThat(kafka.brokerCount()).isEqualTo(3);
        try (Admin admin = kafka.admin()) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
            Map<String, TopicDescription> described = admin.describeTopics(List.of(topics.auditEvents().name()))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(described.get(topics.auditEvents().name()).partitions())
                    .hasSize(KafkaBroker.DEFAULT_PARTITIONS)
                    .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
        }
    }
}
