package io.grantwatch.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.app.config.ConfigLoader;
import io.grantwatch.app.config.GrantWatchConfig;
import io.grantwatch.model.json.Json;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code run} processes on one cluster share the detector's partitions; each holds the open findings of its own,
 * and each answers {@code /api/findings} for all: it asks the other (Kafka Streams' application.server metadata).
 * {@code scope=local} shows what each holds itself.
 */
@WithKafka(partitions = 3)
class FindingsForwardingIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private GrantWatchRuntime first;
    private GrantWatchRuntime second;

    @AfterEach
    void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    @Test
    void shouldAnswerForEveryInstanceFromAnyInstance(KafkaBroker kafka, KafkaTestScope scope) throws Exception {
        int portA = FreePorts.next();
        int portB = FreePorts.next();
        first = GrantWatchRuntime.start(config(kafka, scope, "a", portA), new GrantWatchRuntime.Options(true, null,
                FindingsConsole.Format.JSON));
        second = GrantWatchRuntime.start(config(kafka, scope, "b", portB), new GrantWatchRuntime.Options(false, null,
                FindingsConsole.Format.JSON));

        // both answer, with the same list, and the partitions are shared: what each holds itself adds up to that list
        // (the accounts of the demo may all hash to one instance's partitions: then the other holds none and forwards all)
        Awaitility.await("both instances own partitions and answer").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    Set<String> a = ids(portA, "");
                    Set<String> b = ids(portB, "");
                    Set<String> localA = ids(portA, "scope=local");
                    Set<String> localB = ids(portB, "scope=local");
                    if (a == null || a.size() < 5 || !a.equals(b) || localA == null || localB == null) {
                        return false;
                    }
                    Set<String> union = new TreeSet<>(localA);
                    union.addAll(localB);
                    return union.equals(a) && localA.size() + localB.size() == a.size();
                });
        Set<String> all = ids(portA, "");
        Set<String> localA = ids(portA, "scope=local");
        Set<String> localB = ids(portB, "scope=local");
        assertThat(localA).allSatisfy(id -> assertThat(localB).doesNotContain(id));
        // at least one instance answers with findings it does not hold itself
        assertThat(localA.size() < all.size() || localB.size() < all.size()).isTrue();
        // a finding one holds, by id, from the other instance
        boolean aHolds = !localA.isEmpty();
        String held = (aHolds ? localA : localB).iterator().next();
        int other = aHolds ? portB : portA;
        assertThat(get(other, "/api/findings/" + held).statusCode()).isEqualTo(200);
        assertThat(Json.strict().readTree(get(other, "/api/findings/" + held).body()).path("id").asText()).isEqualTo(held);
        assertThat(get(other, "/api/findings/" + held + "?scope=local").statusCode()).isEqualTo(404);
        // filters travel with the query
        JsonNode huawei = Json.strict().readTree(get(portB, "/api/findings?cloud=huawei").body());
        assertThat(huawei).isNotEmpty().allSatisfy(f -> assertThat(f.path("cloud").asText()).isEqualTo("huawei"));
        assertThat(get(portA, "/api/findings?scope=everywhere").statusCode()).isEqualTo(400);
        // the console too: each lists every finding and opens one the other holds
        for (int port : new int[] {portA, portB}) {
            String list = get(port, "/findings?size=200").body();
            assertThat(all).allSatisfy(id -> assertThat(list).contains("data-finding-id=\"" + id + "\""));
        }
        assertThat(get(other, "/findings/" + held).body()).contains("id=\"finding-id\">" + held + "<");
    }

    private GrantWatchConfig config(KafkaBroker kafka, KafkaTestScope scope, String name, int port) {
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        sets.put("data.dir", dir.resolve(name).toString());
        sets.put("topics.prefix", scope.prefix());
        sets.put("topics.partitions", "3");
        sets.put("topics.replication", "1");
        sets.put("detector.application.id", scope.name("detector"));
        sets.put("http.port", String.valueOf(port));
        sets.put("report.interval", "PT24H");
        return ConfigLoader.builder().env(Map.of()).sets(sets).load();
    }

    private static Set<String> ids(int port, String query) {
        try {
            HttpResponse<String> response = get(port, "/api/findings" + (query.isEmpty() ? "" : "?" + query));
            if (response.statusCode() != 200 || response.headers().firstValue("X-GrantWatch-Unavailable").isPresent()) {
                return null;
            }
            Set<String> ids = new HashSet<>();
            Json.strict().readTree(response.body()).forEach(f -> ids.add(f.path("id").asText()));
            return new TreeSet<>(ids);
        } catch (Exception e) {
            return null;
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
