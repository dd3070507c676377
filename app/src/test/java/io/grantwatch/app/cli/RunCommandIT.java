package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.app.GrantWatch;
import io.grantwatch.app.runtime.FreePorts;
import io.grantwatch.app.runtime.ShutdownSignal;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.model.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code grantwatch run --demo} as a user runs it, in-process: the embedded broker starts, the demo
 * events become Alibaba and Huawei findings with remediations, the HTTP endpoints (health, metrics,
 * findings API, dashboard rendered in headless Chromium) answer, a drift
 * report is written on schedule, a stop request ends the
 * command with exit code 0, and a second run on the same data directory finds the first one's records.
 */
class RunCommandIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServeFindingsThenExitZeroAndFindThemAgainWhenRestartedOnTheSameDataDirectory(@TempDir Path dataDir) throws Exception {
        int kafkaPort = FreePorts.next();
        int httpPort = FreePorts.next();
        CommandLine cli = GrantWatch.commandLine();
        RunCommand run = cli.getSubcommands().get("run").getCommand();
        run.installSignalHandlers = false;
        run.shutdown = new ShutdownSignal();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        // a healthy run is quiet: no WARN or ERROR line from GrantWatch, Kafka or the libraries (Kafka's own come back with --verbose)
        // with the logging configuration a user's run has (logback.xml), not the tests' own
        useLogbackConfiguration("logback.xml");
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        root.addAppender(logged);

        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("run", "--demo", "--quiet",
                "--set", "report.interval=3s", "--data-dir", dataDir.toString(), "--kafka-port", Integer.toString(kafkaPort),
                "--kafka-controller-port", Integer.toString(FreePorts.next()), "--http-port", Integer.toString(httpPort)));
        try {
            await("readyz").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> exit.isDone() || get(httpPort, "/readyz").statusCode() == 200);
            assertThat(exit).as("run ended early: %s", err).isNotDone();

            assertThat(get(httpPort, "/healthz").body()).isEqualTo("ok\n");
            // the banner's address answers with where everything is
            assertThat(get(httpPort, "/").body()).contains("href=\"/dashboard\"", "href=\"/api/findings\"");
            assertThat(get(httpPort, "/readyz").body()).contains("\"kafka\":true", "\"detector\":true");
            List<Finding> findings = readFindings("127.0.0.1:" + kafkaPort, Topics.defaults().findings());
            assertThat(findings).extracting(Finding::cloud).contains(Cloud.ALIBABA, Cloud.HUAWEI);
            List<Remediation> remediations = readAtLeastOne("127.0.0.1:" + kafkaPort, Topics.defaults().remediations());
            assertThat(remediations).allSatisfy(r -> assertThat(r.findingId()).isNotBlank());
            HttpResponse<String> metrics = get(httpPort, "/metrics");
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(metrics.body()).contains("grantwatch_events_total", "grantwatch_denials_total",
                    "grantwatch_ingest_produced_total", "grantwatch_findings_total", "grantwatch_alerts_delivered_total",
                    "kafka_consumer_fetch_manager_records_consumed_total");
            assertThat(metrics.body()).containsPattern("grantwatch_events_total\\{application=\"grantwatch\"} [1-9][0-9]*\\.0")
                    .containsPattern("grantwatch_findings_total\\{[^}]*kind=\"MISSING_GRANT\"[^}]*} [1-9]");
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(405);
            await("open findings gauge").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> get(httpPort, "/metrics").body().matches(
                            "(?s).*grantwatch_findings_open\\{[^}]*cloud=\"huawei\"[^}]*kind=\"[A-Z_]+\"[^}]*} [1-9].*"));
                        await("open findings in the API").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> get(httpPort, "/api/findings?cloud=huawei").body().contains("\"cloud\":\"huawei\""));
            String alibaba = get(httpPort, "/api/findings?cloud=alibaba").body();
            assertThat(alibaba).startsWith("[").contains("\"cloud\":\"alibaba\"").doesNotContain("\"cloud\":\"huawei\"");
            String id = io.grantwatch.model.json.Json.wire().readTree(alibaba).get(0).get("id").asText();
            assertThat(get(httpPort, "/api/findings/" + id).body()).contains("\"id\":\"" + id + "\"");
            assertThat(get(httpPort, "/api/findings/no-such-finding").statusCode()).isEqualTo(404);
            // filters take names, as a user types them; a value or parameter the API does not know is a 400 saying why
            com.fasterxml.jackson.databind.JsonNode first = io.grantwatch.model.json.Json.wire().readTree(alibaba).get(0);
            String name = first.path("principal").path("roleName").asText(first.path("principal").path("name").asText());
            assertThat(get(httpPort, "/api/findings?principal=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                    + "&account=" + first.path("principal").path("accountId").asText()).body()).contains("\"id\":\"" + id + "\"");
            HttpResponse<String> bogus = get(httpPort, "/api/findings?kind=BOGUS");
            assertThat(bogus.statusCode()).isEqualTo(400);
            assertThat(bogus.body()).contains("kind must be one of", "MISSING_GRANT");
            assertThat(get(httpPort, "/api/findings?user=alice").statusCode()).isEqualTo(400);
            HttpResponse<String> dashboard = get(httpPort, "/dashboard");
            assertThat(dashboard.statusCode()).isEqualTo(200);
            assertThat(dashboard.body()).contains("<canvas");
            assertChartsRenderInChromium("http://127.0.0.1:" + httpPort + "/dashboard");
            await("scheduled drift report").atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(dataDir.resolve("reports")) && Files.list(dataDir.resolve("reports"))
                            .anyMatch(p -> p.getFileName().toString().endsWith(".html")));
        } finally {
            run.shutdown.trigger("test");
        }
        assertThat(exit.get(60, TimeUnit.SECONDS)).as(err.toString()).isZero();
        root.detachAppender(logged);
        useLogbackConfiguration("logback-test.xml");
        assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .extracting(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).isEmpty();

        // A second run on the same data directory finds the first run's records (no demo this time).
        CommandLine again = GrantWatch.commandLine();
        RunCommand second = again.getSubcommands().get("run").getCommand();
        second.installSignalHandlers = false;
        second.shutdown = new ShutdownSignal();
        again.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> secondExit = CompletableFuture.supplyAsync(() -> again.execute("run", "--quiet",
                "--data-dir", dataDir.toString(), "--kafka-port", Integer.toString(kafkaPort),
                "--kafka-controller-port", Integer.toString(FreePorts.next()), "--http-port", Integer.toString(httpPort)));
        try {
            await("second run ready").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> secondExit.isDone() || get(httpPort, "/readyz").statusCode() == 200);
            assertThat(secondExit).as("second run ended early: %s", err).isNotDone();
            List<AuditEvent> events = readAtLeastOne("127.0.0.1:" + kafkaPort, Topics.defaults().auditEvents());
            assertThat(events).extracting(AuditEvent::eventId).hasSizeGreaterThanOrEqualTo(1);
            assertThat(readFindings("127.0.0.1:" + kafkaPort, Topics.defaults().findings()))
                    .extracting(Finding::cloud).contains(Cloud.ALIBABA, Cloud.HUAWEI);
        } finally {
            second.shutdown.trigger("test");
        }
        assertThat(secondExit.get(60, TimeUnit.SECONDS)).as(err.toString()).isZero();
    }

    private static void useLogbackConfiguration(String resource) throws Exception {
        ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.joran.JoranConfigurator configurator = new ch.qos.logback.classic.joran.JoranConfigurator();
        configurator.setContext(context);
        context.reset();
        configurator.doConfigure(RunCommandIT.class.getClassLoader().getResource(resource));
    }

    /** Headless Chromium loads the live dashboard; Chart.js sizing the canvases shows the scripts ran. */
    private static void assertChartsRenderInChromium(String url) throws Exception {
        Path chromium = io.grantwatch.testkit.Chromium.require();
        Process process = new ProcessBuilder(chromium.toString(), "--headless", "--disable-gpu", "--no-sandbox",
                "--dump-dom", url).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(dom).containsPattern("<canvas id=\"chart-[a-z]+\"[^>]*style=\"[^\"]*box-sizing: border-box");
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <V> List<V> readAtLeastOne(String bootstrap, TopicSpec<String, V> topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<V> values = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, V> consumer =
                new KafkaConsumer<>(config, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            await(topic.name()).atMost(Duration.ofSeconds(90)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return !values.isEmpty();
            });
        }
        return values;
    }

    /** Waits until findings of both clouds are on the topic. */
    private static List<Finding> readFindings(String bootstrap, TopicSpec<String, Finding> topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Finding> findings = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, Finding> consumer =
                new KafkaConsumer<>(config, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            await("findings of both clouds").atMost(Duration.ofSeconds(90)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> findings.add(r.value()));
                return findings.stream().map(Finding::cloud).distinct().count() == 2;
            });
        }
        return findings;
    }
}
