package io.grantwatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.app.runtime.FreePorts;
import io.grantwatch.model.json.Json;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each GrantWatch service of docker-compose.yml started as its own process with the command line the file gives
 * (the cluster, folders and ports mapped onto this test's broker and temporary folders, the environment the file
 * sets), and each answers {@code /readyz} with 200 once its work runs: ingest watching, detect's Streams RUNNING,
 * alert's dispatcher consuming. What a container orchestrator's health check would see.
 */
@WithKafka(brokers = 1)
class ComposeRolesIT {
    private static final Path COMPOSE = Path.of("..", "docker-compose.yml");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroy(); // SIGTERM: the roles' shutdown hooks run
        }
        for (Process p : processes) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void shouldAnswerReadyzFromEverySplitRoleStartedWithItsComposeCommand(KafkaBroker kafka, KafkaTestScope scope) throws Exception {
        String compose = Files.readString(COMPOSE);
        JsonNode services = Json.strictYaml().readTree(compose).path("services");
        // the health check every role shares (a YAML anchor, which the YAML reader here does not expand) asks /readyz
        assertThat(compose).containsPattern("x-grantwatch-health: &grantwatch-health\\n  test: \\[[^\\]]*/readyz");
        Map<String, String> readyComponent = Map.of("ingest", "ingest", "detect-1", "detector", "alert", "dispatcher");
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String service : readyComponent.keySet()) {
            JsonNode definition = services.path(service);
            assertThat(compose).as(service + " healthcheck")
                    .containsPattern("(?m)^  " + service + ":\\n(    .*\\n)*?    healthcheck: \\*grantwatch-health");
            int port = FreePorts.next();
            ports.put(service, port);
            processes.add(start(service, definition, kafka.bootstrapServers(), scope, port));
        }
        for (Map.Entry<String, Integer> role : ports.entrySet()) {
            Awaitility.await(role.getKey() + " ready").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> status(role.getValue(), "/readyz") == 200);
            HttpResponse<String> ready = get(role.getValue(), "/readyz");
            JsonNode body = Json.strict().readTree(ready.body());
            assertThat(body.path("components").path("kafka").asBoolean()).as(role.getKey()).isTrue();
            assertThat(body.path("components").path(readyComponent.get(role.getKey())).asBoolean()).as(role.getKey()).isTrue();
            assertThat(get(role.getValue(), "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(role.getValue(), "/metrics").body()).as(role.getKey() + " metrics").contains("kafka_admin_client");
        }
        assertThat(get(ports.get("detect-1"), "/metrics").body()).contains("kafka_stream");
        // detect serves the findings API and console as run does (here on loopback; beyond it only with http.auth.token);
        // ingest and alert serve nothing beyond the operations endpoints
        Awaitility.await("detect's findings API").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> status(ports.get("detect-1"), "/api/findings") == 200);
        assertThat(Json.strict().readTree(get(ports.get("detect-1"), "/api/findings").body()).isArray()).isTrue();
        assertThat(get(ports.get("detect-1"), "/").body()).contains("<form");
        assertThat(status(ports.get("alert"), "/api/findings")).isEqualTo(404);
        assertThat(status(ports.get("ingest"), "/api/findings")).isEqualTo(404);
    }

    private Process start(String service, JsonNode definition, String bootstrap, KafkaTestScope scope, int port) throws Exception {
        Path home = Files.createDirectories(dir.resolve(service));
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Duser.home=" + home, GrantWatch.class.getName()));
        int receiverPort = FreePorts.next();
        for (JsonNode arg : definition.path("command")) {
            command.add(arg.asText()
                    .replace("kafka-1:9092,kafka-2:9092,kafka-3:9092", bootstrap)
                    .replace("/var/lib/grantwatch/inbox", inbox.toString())
                    .replace("/var/lib/grantwatch", home.toString())
                    .replace("/etc/grantwatch/alerts.yaml", Path.of("..", "deploy", "alerts.yaml").toAbsolutePath().toString())
                    .replace("18081", String.valueOf(receiverPort))
                    .replace("0.0.0.0", "127.0.0.1"));
        }
        if (service.equals("alert")) {
            command.addAll(List.of("--group-id", scope.name("alerts")));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(service + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("GRANTWATCH_"));
        // the environment the compose file gives every GrantWatch service, on this test's broker and ports
        env.put("GRANTWATCH_CONFIG", Path.of("..", "deploy", "grantwatch.yaml").toAbsolutePath().toString());
        env.put("GRANTWATCH_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("GRANTWATCH_HTTP_HOST", "127.0.0.1");
        env.put("GRANTWATCH_HTTP_PORT", String.valueOf(port));
        env.put("GRANTWATCH_HTTP_HMAC_SECRET", "compose-roles-it");
        env.put("GRANTWATCH_DATA_DIR", home.toString());
        // one broker here, three in the compose file; this test's own topics and application id on the shared broker
        env.put("GRANTWATCH_TOPICS_REPLICATION", "1");
        env.put("GRANTWATCH_TOPICS_PREFIX", scope.prefix());
        env.put("GRANTWATCH_DETECTOR_APPLICATION_ID", scope.name("detector"));
        return pb.start();
    }

    private static int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
