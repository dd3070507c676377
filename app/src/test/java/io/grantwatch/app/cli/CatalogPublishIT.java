package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.app.GrantWatch;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code grantwatch catalog publish} on a real broker: what it prints the first time and when the topic is current. */
@WithKafka
class CatalogPublishIT {

    @Test
    void shouldPublishOnceAndThenSayTheTopicIsCurrent(KafkaBroker kafka, KafkaTestScope scope) {
        String version = CatalogLoader.loadBundled().version();
        String topic = scope.topics().catalog().name();

        String first = publish(kafka, scope);
        assertThat(first).startsWith("published catalog " + version + " to " + topic + ": ").contains(" records, 0 tombstones");

        assertThat(publish(kafka, scope)).isEqualTo("catalog " + version + " is already on " + topic + "\n");
    }

    private static String publish(KafkaBroker kafka, KafkaTestScope scope) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = GrantWatch.commandLine();
        CatalogCommand catalog = cli.getSubcommands().get("catalog").getCommand();
        catalog.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        catalog.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code = cli.execute("catalog", "publish", "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", scope.prefix());
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
