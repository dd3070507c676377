package io.grantwatch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every GrantWatch service in docker-compose.yml starts with a command line the jar's own parser
 * accepts: an option the command does not have fails here, not when the container starts.
 */
class DeployCommandsTest {
    private static final Path COMPOSE = Path.of("..", "docker-compose.yml");
    private static final List<String> SUBCOMMANDS = List.of("run", "ingest", "detect", "alert", "scan", "parse", "report",
            "catalog", "config");

    @Test
    void shouldParseTheCommandOfEveryGrantWatchServiceWithTheJarsParser() throws Exception {
        JsonNode services = Json.strictYaml().readTree(Files.readString(COMPOSE)).path("services");
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            JsonNode command = service.getValue().path("command");
            if (!command.isArray() || command.isEmpty() || !SUBCOMMANDS.contains(command.get(0).asText())) {
                continue; // Kafka, the topic set-up shell
            }
            List<String> args = new ArrayList<>();
            command.forEach(a -> args.add(a.asText()));
            assertThatCode(() -> GrantWatch.commandLine().parseArgs(args.toArray(String[]::new)))
                    .as("service %s: grantwatch %s", service.getKey(), String.join(" ", args))
                    .doesNotThrowAnyException();
            checked.add(service.getKey());
        }
        assertThat(checked).contains("ingest", "detect-1", "detect-2", "alert");
    }

    @Test
    void shouldFailOnAnOptionACommandDoesNotHaveAsTheOldComposeFileHad() {
        assertThatCode(() -> GrantWatch.commandLine().parseArgs("detect", "--partitions", "6"))
                .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
    }

    @Test
    void shouldTakeKafkaSettingsTheSameWayInEveryLongRunningCommand() {
        // one spelling everywhere: --config FILE and --set kafka.KEY=VALUE (plus GRANTWATCH_* in the environment)
        for (String command : List.of("run", "ingest", "detect", "alert")) {
            assertThatCode(() -> GrantWatch.commandLine().parseArgs(command, "--config", "grantwatch.yaml",
                    "--set", "kafka.security.protocol=SSL", "-b", "k:9092"))
                    .as(command).doesNotThrowAnyException();
        }
    }
}
