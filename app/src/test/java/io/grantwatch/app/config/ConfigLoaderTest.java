package io.grantwatch.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.ingest.http.HttpReceiver;
import io.grantwatch.ingest.http.ServerLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("grantwatch.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void shouldUseTheEmbeddedBrokerWhenNothingIsConfigured() {
        GrantWatchConfig config = ConfigLoader.builder().load();

        assertThat(config.kafka().embedded()).isTrue();
        assertThat(config.embedded().port()).isEqualTo(19092);
        assertThat(config.embedded().dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".grantwatch", "kafka"));
        assertThat(config.http().port()).isEqualTo(18080);
        assertThat(config.report().interval()).isEqualTo(Duration.ofHours(24));
        assertThat(config.topics().registry().auditEvents().name()).isEqualTo("audit-events");
    }

    @Test
    void shouldLetFlagsWinOverEnvironmentAndEnvironmentOverFileWhenAllSetTheSameKey() throws IOException {
        Path file = yaml("http:\n  port: 1111\ndetector:\n  threads: 2\ntopics: {partitions: 6}\n");

        GrantWatchConfig config = ConfigLoader.builder().file(file)
                .env(Map.of("GRANTWATCH_HTTP_PORT", "2222", "GRANTWATCH_DETECTOR_THREADS", "3", "PATH", "/usr/bin"))
                .flag("http.port", 3333)
                .load();

        assertThat(config.http().port()).isEqualTo(3333);
        assertThat(config.detector().threads()).isEqualTo(3);
        assertThat(config.topics().partitions()).isEqualTo(6);
    }

    @Test
    void shouldPassKafkaClientSettingsThroughWhenPrefixedWithKafka() throws IOException {
        Path file = yaml("kafka:\n  bootstrap.servers: b1:9092,b2:9092\n  security.protocol: SASL_SSL\n"
                + "  sasl:\n    mechanism: SCRAM-SHA-512\n");

        GrantWatchConfig config = ConfigLoader.builder().file(file)
                .env(Map.of("GRANTWATCH_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/ts.jks")).load();

        assertThat(config.kafka().embedded()).isFalse();
        assertThat(config.kafka().bootstrapServers()).contains("b1:9092,b2:9092");
        assertThat(config.kafka().client()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/ts.jks")
                .doesNotContainKey("bootstrap.servers");
    }

    @Test
    void shouldAcceptTheShortBootstrapVariableWhenSet() {
        GrantWatchConfig config = ConfigLoader.builder().env(Map.of("GRANTWATCH_BOOTSTRAP_SERVERS", "k:9092")).load();

        assertThat(config.kafka().bootstrapServers()).contains("k:9092");
    }

    @Test
    void shouldNameTheKeyWhenTheFileHasAnUnknownKey() throws IOException {
        Path file = yaml("http:\n  prot: 8080\n");

        assertThatThrownBy(() -> ConfigLoader.builder().file(file).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'http.prot'")
                .hasMessageContaining(file.toString())
                .extracting(e -> ((ConfigException) e).key()).isEqualTo("http.prot");
    }

    @Test
    void shouldNameTheVariableWhenAnEnvironmentValueIsBad() {
        assertThatThrownBy(() -> ConfigLoader.builder().env(Map.of("GRANTWATCH_HTTP_PORT", "eighty")).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'http.port'")
                .hasMessageContaining("GRANTWATCH_HTTP_PORT")
                .hasMessageContaining("not a whole number");
    }

    @Test
    void shouldRejectAnUnknownKafkaClientSettingWhenMisspelled() {
        assertThatThrownBy(() -> ConfigLoader.builder().sets(Map.of("kafka.security.protocl", "SSL")).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("security.protocl");
    }

    @Test
    void shouldNotEchoTheValueWhenASecretKeyIsWrong() {
        assertThatThrownBy(() -> ConfigLoader.builder()
                .sets(Map.of("kafka.sasl.jaas.config", "x", "kafka.ssl.key.password", "hunter2", "http.port", "99999"))
                .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.port")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldRejectAListWhereOneValueIsExpected() throws IOException {
        Path file = yaml("http:\n  host: [a, b]\n");

        assertThatThrownBy(() -> ConfigLoader.builder().file(file).load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("'http.host'");
    }

    @Test
    void shouldReadListsAndDurationsWhenGivenInEitherForm() throws IOException {
        Path file = yaml("ingest:\n  watch: [/a, /b]\nreport:\n  interval: PT6H\n");

        GrantWatchConfig fromFile = ConfigLoader.builder().file(file).load();
        GrantWatchConfig fromEnv = ConfigLoader.builder()
                .env(Map.of("GRANTWATCH_INGEST_WATCH", "/a,/b", "GRANTWATCH_REPORT_INTERVAL", "6h")).load();

        assertThat(fromFile.ingest().watch()).containsExactly(Path.of("/a"), Path.of("/b"));
        assertThat(fromEnv.ingest()).isEqualTo(fromFile.ingest());
        assertThat(fromEnv.report().interval()).isEqualTo(Duration.ofHours(6)).isEqualTo(fromFile.report().interval());
    }

    @Test
    void shouldReadTheWatchTailSettleAndLinkPolicyWhenSetAndDefaultToThirtySecondsAndNotFollowing() throws IOException {
        Path file = yaml("ingest:\n  tail:\n    settle: 2m\n  follow:\n    links:\n      outside: true\n");

        GrantWatchConfig fromFile = ConfigLoader.builder().file(file).load();
        GrantWatchConfig defaults = ConfigLoader.builder().load();

        assertThat(fromFile.ingest().tailSettle()).isEqualTo(Duration.ofMinutes(2));
        assertThat(fromFile.ingest().followLinksOutside()).isTrue();
        assertThat(defaults.ingest().tailSettle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.ingest().followLinksOutside()).isFalse();
    }

    @Test
    void shouldRejectAnUnknownGrantWatchVariableWhenSet() {
        assertThatThrownBy(() -> ConfigLoader.builder().env(Map.of("GRANTWATCH_HTTP_PROT", "1")).load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("GRANTWATCH_HTTP_PROT");
    }

    @Test
    void shouldLeaveReceiverSecretsOutOfTheConfigurationWhenSetInTheEnvironment() {
        GrantWatchConfig config = ConfigLoader.builder()
                .env(Map.of("GRANTWATCH_HTTP_SECRET", "s3cr3t", "GRANTWATCH_HTTP_HMAC_SECRET", "k3y")).load();

        assertThat(config.toString()).doesNotContain("s3cr3t", "k3y");
    }

    @Test
    void shouldPointAtTheLineWhenTheYamlIsBroken() throws IOException {
        Path file = yaml("http:\n  port: [1\n");

        assertThatThrownBy(() -> ConfigLoader.builder().file(file).load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("line");
    }

    @Test
    void shouldDocumentEveryKeyInTheReadmeWhenTheTableIsGenerated() throws IOException {
        Path readme = Path.of("..", "README.md");
        String table = ConfigKeys.markdownTable();

        assertThat(readme).exists();
        assertThat(Files.readString(readme)).as("README.md configuration table; regenerate with "
                + "`java -jar app/target/grantwatch.jar config keys --markdown`").contains(table);
    }

    @Test
    void shouldReportEveryProblemAtOnceWithItsLineAndANearKnownName() throws IOException {
        Path file = yaml("""
                http:
                  prot: 8080
                detector:
                  threads: many
                kafka:
                  bootstrap.servers: k:9092
                  sasl.mechansim: PLAIN
                report:
                  interval: tomorrow
                """);

        assertThatThrownBy(() -> ConfigLoader.builder().file(file).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("4 problems:")
                .hasMessageContaining("Unknown configuration key 'http.prot' (" + file + " (line 2)); did you mean 'http.port'?")
                .hasMessageContaining("Unknown Kafka client setting 'sasl.mechansim' in key 'kafka.sasl.mechansim' (" + file
                        + " (line 7)); did you mean 'kafka.sasl.mechanism'?")
                .hasMessageContaining("'detector.threads' 'many' (" + file + " (line 4)) is not a whole number")
                .hasMessageContaining("'report.interval' 'tomorrow' (" + file + " (line 9)) is not a duration");
    }

    @Test
    void shouldCheckAlertChannelsAsRunWouldBuildThemWhenAskedTo() throws IOException {
        Path file = yaml("""
                alerts:
                  channels:
                    - name: ops-slack
                      type: slack
                      url: https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX
                    - name: pager
                      type: webhok
                      url: env:PAGER_URL
                    - name: team
                      type: webhook
                      url: env:GRANTWATCH_TEST_SURELY_UNSET_VARIABLE
                    - name: mail
                      type: email
                      colour: red
                """);

        assertThat(ConfigLoader.builder().file(file).load().alerts().channels()).hasSize(4); // ingest and detect do not build them
        assertThatThrownBy(() -> ConfigLoader.builder().file(file).checkChannels(true).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("4 problems:")
                .hasMessageContaining("alerts.channels[0] (ops-slack): url: secrets must be given as env:NAME or file:/path")
                .hasMessageContaining("alerts.channels[1] (pager): type: unknown type webhok (one of webhook, slack,")
                .hasMessageContaining("alerts.channels[2] (team): url: ")
                .hasMessageContaining("GRANTWATCH_TEST_SURELY_UNSET_VARIABLE")
                .hasMessageContaining("alerts.channels[3] (mail): unknown field 'colour'")
                .hasMessageContaining("(line 2)")
                .hasMessageNotContaining("XXXXSECRETXXXX");
    }

    @Test
    void shouldGiveTheReceiverItsOwnDefaultsWhenNoIngestHttpKeyIsSet() {
        GrantWatchConfig config = ConfigLoader.builder().load();

        // the documented defaults are the receiver's own: a key cannot drift from the code it configures
        assertThat(config.ingest().receiver().receiverConfig("127.0.0.1", 0, "/events", "s", null))
                .isEqualTo(HttpReceiver.Config.of(0, "s", null));
    }

    @Test
    void shouldApplyReceiverCapsAndTimeoutsFromFileAndEnvironment() throws IOException {
        Path file = yaml("ingest:\n  http:\n    max.body.bytes: 1024\n    max.records: 50\n    body.timeout: 3s\n"
                + "    max.connections.per.client: 8\n");

        GrantWatchConfig config = ConfigLoader.builder().file(file)
                .env(Map.of("GRANTWATCH_INGEST_HTTP_HEADER_TIMEOUT", "2s", "GRANTWATCH_INGEST_HTTP_MAX_DEAD_LETTERS", "7",
                        "GRANTWATCH_INGEST_HTTP_MAX_REQUESTS_PER_CLIENT", "2", "GRANTWATCH_INGEST_HTTP_MAX_CONNECTIONS", "64",
                        "GRANTWATCH_INGEST_HTTP_IDLE_TIMEOUT", "1m", "GRANTWATCH_INGEST_HTTP_ACK_TIMEOUT", "PT45S"))
                .load();
        HttpReceiver.Config receiver = config.ingest().receiver().receiverConfig("0.0.0.0", 8088, "/push", null, "k");

        assertThat(receiver.maxBodyBytes()).isEqualTo(1024);
        assertThat(receiver.maxRecords()).isEqualTo(50);
        assertThat(receiver.maxDeadLetters()).isEqualTo(7);
        assertThat(receiver.maxPerClient()).isEqualTo(2);
        assertThat(receiver.ackTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(receiver.limits()).isEqualTo(new ServerLimits(Duration.ofMinutes(1), Duration.ofSeconds(2),
                Duration.ofSeconds(3), ServerLimits.DEFAULT_MAX_HEADER_BYTES, 64, 8, ServerLimits.DEFAULT_MAX_THREADS));
        assertThat(receiver.host()).isEqualTo("0.0.0.0");
        assertThat(receiver.path()).isEqualTo("/push");
    }

    @Test
    void shouldNameTheKeyWhenAReceiverCapIsNotPositive() {
        assertThatThrownBy(() -> ConfigLoader.builder().env(Map.of("GRANTWATCH_INGEST_HTTP_BODY_TIMEOUT", "0")).load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("ingest.http.body.timeout")
                .hasMessageContaining("GRANTWATCH_INGEST_HTTP_BODY_TIMEOUT").hasMessageContaining("longer than 0");
        assertThatThrownBy(() -> ConfigLoader.builder().flag("ingest.http.max.records", 0).load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("ingest.http.max.records").hasMessageContaining("at least 1");
        assertThatThrownBy(() -> ConfigLoader.builder().flag("ingest.http.max.connections.per.client", "many").load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("ingest.http.max.connections.per.client");
    }
}
