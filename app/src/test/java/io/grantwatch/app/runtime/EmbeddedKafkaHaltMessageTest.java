package io.grantwatch.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The message only: the halt itself (the broker's reaction to a failed log dir) cannot run inside a test JVM. */
class EmbeddedKafkaHaltMessageTest {
    @Test
    void shouldNameTheDataDirAndTheStatusWhenTheEmbeddedKafkaHaltsTheProcess() {
        String text = EmbeddedKafka.haltMessage(1, "Shutdown broker because all log dirs in /d/kafka have failed",
                Path.of("/d/kafka"));

        assertThat(text).contains("exit status 1", "all log dirs in /d/kafka have failed", "Its data is in /d/kafka",
                "free space");
    }
}
