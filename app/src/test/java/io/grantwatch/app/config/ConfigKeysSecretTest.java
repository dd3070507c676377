package io.grantwatch.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Configuration secrets are decided by the redactor's vocabulary; nothing the old copy masked is shown now. */
class ConfigKeysSecretTest {
    /** The copy ConfigKeys had before it used the vocabulary: a regression oracle only. */
    private static final Pattern OLD = Pattern.compile("(?i).*(password|secret|jaas|token|credential|\\.key$|apikey).*");

    static Set<String> kafkaNames() {
        Set<String> names = new TreeSet<>();
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        names.addAll(StreamsConfig.configDef().names());
        return names;
    }

    @ParameterizedTest
    @MethodSource("kafkaNames")
    void shouldMaskEveryKafkaSettingTheOldRuleMasked(String name) {
        if (OLD.matcher(name).matches() && !name.endsWith(".id") && !name.endsWith(".type") && !name.endsWith(".algorithm")) {
            assertThat(ConfigKeys.isSecret(name)).as(name).isTrue();
            assertThat(ConfigKeys.isSecret("kafka." + name)).as(name).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kafka.ssl.key.password", "kafka.sasl.jaas.config", "kafka.ssl.keystore.key", "kafka.ssl.truststore.password",
        "ingest.http.secret", "ingest.http.hmac.secret", "alerts.smtp.password", "alerts.api_key", "kafka.sasl.oauthbearer.token",
        "db.credential", "otp", "mfacode", "sk"})
    void shouldTreatVocabularyNamesAsSecret(String name) {
        assertThat(ConfigKeys.isSecret(name)).as(name).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"data.dir", "kafka.bootstrap.servers", "http.port", "topics.prefix", "kafka.security.protocol",
        "kafka.sasl.mechanism", "kafka.ssl.truststore.location", "kafka.ssl.keystore.type", "log.level", "task.count"})
    void shouldShowOrdinaryNames(String name) {
        assertThat(ConfigKeys.isSecret(name)).as(name).isFalse();
    }
}
