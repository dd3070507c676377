package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.app.GrantWatch;
import io.grantwatch.app.console.ConsolePages;
import io.grantwatch.app.runtime.FreePorts;
import io.grantwatch.app.runtime.ShutdownSignal;
import io.grantwatch.model.FindingAction;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.testkit.Chromium;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import picocli.CommandLine;

/**
 * The findings console in a real browser (Debian's chromium through chromedriver, Selenium) against a real
 * {@code grantwatch run --demo} (embedded broker, detector, HTTP): list → filter → open a finding → copy its policy →
 * mute it → it leaves the open list, and the mute is a record on the finding-actions topic; a finding whose event
 * fields carry markup, quotes and bidi/control characters renders as inert text. Skipped where no browser or driver is
 * installed, failed under CI=true ({@link Chromium#requireDriver}). With {@code -Dconsole.screenshots=DIR} it also saves
 * the screenshots README shows.
 */
class ConsoleBrowserIT {
    private static final String HOSTILE_NAME = "<script>alert('name')</script>\"><img src=x onerror=alert(1)>\u202Eexe.txt\u0007";
    private static final String HOSTILE_MESSAGE = "</pre><svg onload=alert(2)>\u200B' onerror='alert(3)";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldFilterOpenCopyAndMuteAFindingAndRenderHostileEventTextInert(@TempDir Path dataDir) throws Exception {
        Path driverPath = Chromium.requireDriver();
        Path chromium = Chromium.require();
        Path watch = Files.createDirectories(dataDir.resolve("watch"));
        Files.writeString(watch.resolve("hostile.json"), hostileTrail());

        int kafkaPort = FreePorts.next();
        int httpPort = FreePorts.next();
        String base = "http://127.0.0.1:" + httpPort;
        CommandLine cli = GrantWatch.commandLine();
        RunCommand run = cli.getSubcommands().get("run").getCommand();
        run.installSignalHandlers = false;
        run.shutdown = new ShutdownSignal();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("run", "--demo", "--quiet",
                "--data-dir", dataDir.resolve("data").toString(), "--watch", watch.toString(),
                "--kafka-port", Integer.toString(kafkaPort), "--kafka-controller-port", Integer.toString(FreePorts.next()),
                "--http-port", Integer.toString(httpPort)));
        WebDriver driver = null;
        try {
            await("readyz").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> exit.isDone() || get(base + "/readyz").statusCode() == 200);
            assertThat(exit).as("run ended early: %s", err).isNotDone();
            await("demo and hostile findings").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> get(base + "/api/findings?cloud=huawei").body().contains("\"cloud\":\"huawei\"")
                            && get(base + "/api/findings").body().contains("onerror"));
            String hostileId = null;
            for (JsonNode f : Json.wire().readTree(get(base + "/api/findings").body())) {
                if (f.path("principal").path("name").asText().contains("<script>")) {
                    hostileId = f.path("id").asText();
                }
            }
            assertThat(hostileId).isNotNull();

            driver = chrome(driverPath, chromium);
            WebDriver browser = driver;
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
            // a page replaced between finding an element and reading it (after a POST's redirect) is read again
            wait.ignoring(StaleElementReferenceException.class);

            // the banner's address is the list
            driver.get(base + "/");
            List<WebElement> rows = driver.findElements(By.cssSelector("#findings tbody tr"));
            assertThat(rows).isNotEmpty();
            assertThat(texts(driver, "#findings tbody td:nth-child(5)")).contains("alibaba", "huawei");
            screenshot(driver, "console-list.png");

            // filter: choosing a cloud applies at once, and the address says so
            new Select(driver.findElement(By.id("cloud"))).selectByValue("alibaba");
            wait.until(d -> d.getCurrentUrl().endsWith("/findings?cloud=alibaba"));
            assertThat(texts(driver, "#findings tbody td:nth-child(5)")).isNotEmpty().containsOnly("alibaba");
            new Select(driver.findElement(By.id("kind"))).selectByValue("missing_grant");
            wait.until(d -> d.getCurrentUrl().endsWith("/findings?cloud=alibaba&kind=missing_grant"));
            assertThat(texts(driver, "#findings tbody td:nth-child(2) .badge")).isNotEmpty().containsOnly("MISSING_GRANT");

            // a filter keeps the order and the page size
            driver.get(base + "/findings?size=5&sort=updated&dir=asc");
            new Select(driver.findElement(By.id("cloud"))).selectByValue("huawei");
            wait.until(d -> d.getCurrentUrl().endsWith("/findings?cloud=huawei&sort=updated&dir=asc&size=5"));
            // the whole list, long names and all, fits a 1280 px window
            driver.manage().window().setSize(new Dimension(1280, 900));
            driver.get(base + "/findings?status=all&size=200");
            Object widths = ((ChromeDriver) driver).executeScript(
                    "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];");
            assertThat((List<?>) widths).satisfies(w -> assertThat(((Number) w.get(0)).longValue())
                    .as("page width at 1280 px").isLessThanOrEqualTo(((Number) w.get(1)).longValue()));
            driver.manage().window().setSize(new Dimension(1440, 1000));

            // open the first finding that has a policy to copy
            driver.get(base + "/findings?cloud=alibaba&kind=missing_grant");
            List<String> links = driver.findElements(By.cssSelector("#findings a.finding-link")).stream()
                    .map(a -> a.getAttribute("href")).toList();
            String findingUrl = null;
            for (String link : links) {
                driver.get(link);
                if (!driver.findElements(By.id("policy-0")).isEmpty()) {
                    findingUrl = link;
                    break;
                }
            }
            assertThat(findingUrl).as("an Alibaba MISSING_GRANT finding with a policy among %s", links).isNotNull();
            String id = driver.findElement(By.id("finding-id")).getText();
            assertThat(driver.findElement(By.id("timeline")).getText()).containsPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            // each missing grant with its certainty and its source
            assertThat(driver.findElements(By.cssSelector("#missing tbody tr"))).isNotEmpty().allSatisfy(tr -> assertThat(tr.getText())
                    .containsPattern("CERTAIN|LIKELY|POSSIBLE").containsPattern("seed|vendor reference"));
            screenshot(driver, "console-finding.png");

            // copy the policy: what lands on the clipboard is the policy document, as JSON
            String policy = driver.findElement(By.id("policy-0")).getAttribute("textContent");
            ((ChromeDriver) driver).executeCdpCommand("Browser.grantPermissions", Map.of("origin", base,
                    "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
            driver.findElement(By.id("copy-policy-0")).click();
            wait.until(d -> "true".equals(d.findElement(By.id("copy-policy-0")).getAttribute("data-copied")));
            Object copied = ((ChromeDriver) driver).executeAsyncScript(
                    "var done = arguments[arguments.length - 1]; navigator.clipboard.readText().then(done, e => done('error: ' + e));");
            assertThat(copied).isEqualTo(policy);
            assertThat(Json.wire().readTree((String) copied).path("Statement").isArray()).isTrue();

            // mute it with a reason: the page says so, and it leaves the open list
            driver.findElement(By.id("mute-reason")).sendKeys("accepted in the sandbox account");
            driver.findElement(By.id("mute-owner")).sendKeys("platform-team");
            driver.findElement(By.id("mute")).click();
            wait.withMessage(() -> "the page after the mute: " + browser.getCurrentUrl() + " " + browser.findElement(By.tagName("body")).getText())
                    .until(d -> d.findElement(By.id("status")).getText().equals("MUTED"));
            assertThat(driver.findElement(By.id("decision")).getText()).contains("platform-team", "accepted in the sandbox account");
            driver.get(base + "/findings?cloud=alibaba");
            assertThat(rowIds(driver)).isNotEmpty().doesNotContain(id);
            driver.get(base + "/findings?status=muted");
            assertThat(rowIds(driver)).contains(id);
            // through Kafka: the decision is a record on the compacted topic, keyed by the finding
            FindingAction recorded = lastAction("127.0.0.1:" + kafkaPort, Topics.defaults().findingActions(), id);
            assertThat(recorded.action()).isEqualTo(FindingAction.Kind.MUTE);
            assertThat(recorded.reason()).isEqualTo("accepted in the sandbox account");
            assertThat(recorded.expires()).isAfter(recorded.at());
            // re-open brings it back; acknowledged, it stays in the active list
            driver.get(findingUrl);
            driver.findElement(By.id("reopen")).click();
            wait.until(d -> d.findElement(By.id("status")).getText().equals("OPEN"));
            driver.findElement(By.id("acknowledge")).click();
            wait.until(d -> d.findElement(By.id("status")).getText().equals("ACKNOWLEDGED"));
            driver.get(base + "/findings?cloud=alibaba");
            assertThat(rowIds(driver)).contains(id);

            // hostile event text: shown as text, nothing injected, nothing run
            driver.get(base + "/findings?q=" + URLEncoder.encode("onerror", StandardCharsets.UTF_8));
            assertThat(rowIds(driver)).contains(hostileId);
            assertInert(driver);
            driver.get(base + ConsolePages.findingHref(hostileId));
            assertThat(driver.findElement(By.tagName("h1")).getText()).contains("<script>alert('name')</script>");
            assertThat(driver.findElement(By.tagName("body")).getText()).doesNotContain("\u202E", "\u0007", "\u200B");
            assertInert(driver);
        } finally {
            if (driver != null) {
                driver.quit();
            }
            run.shutdown.trigger("test");
        }
        assertThat(exit.get(60, TimeUnit.SECONDS)).as(err.toString()).isZero();
    }

    /** No alert opened, no element or handler the event text tried to inject. */
    private static void assertInert(WebDriver driver) {
        try {
            driver.switchTo().alert();
            throw new AssertionError("an alert opened on " + driver.getCurrentUrl());
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
        assertThat(driver.findElements(By.cssSelector("img, svg, script:not([src]), [onerror], [onload]"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("script"))).hasSize(1);
    }

    private static WebDriver chrome(Path driverPath, Path chromium) {
        // Selenium Manager never runs: the driver is Debian's, named explicitly
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, driverPath.toString());
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,1000",
                        "--disable-search-engine-choice-screen");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverPath.toFile()).build();
        return new ChromeDriver(service, options);
    }

    private static List<String> texts(WebDriver driver, String css) {
        return driver.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    private static List<String> rowIds(WebDriver driver) {
        return driver.findElements(By.cssSelector("#findings tbody tr")).stream().map(r -> r.getAttribute("data-finding-id")).toList();
    }

    private static void screenshot(WebDriver driver, String name) throws Exception {
        String dir = System.getProperty("console.screenshots");
        if (dir != null) {
            Files.createDirectories(Path.of(dir));
            // the whole page, not the first screen of it
            Dimension before = driver.manage().window().getSize();
            long height = (Long) ((ChromeDriver) driver).executeScript("return document.documentElement.scrollHeight");
            driver.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.min(4000, height + 140)));
            Files.write(Path.of(dir, name), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
            driver.manage().window().setSize(before);
        }
    }

    /** bob's denied CreateService from the demo trail, as another user whose name and message are markup. */
    private static String hostileTrail() throws Exception {
        JsonNode demo;
        try (var in = ConsoleBrowserIT.class.getResourceAsStream("/demo/alibaba-actiontrail.json")) {
            demo = Json.wire().readTree(in);
        }
        for (JsonNode event : demo) {
            if (event.path("eventId").asText().equals("c11ea8d0-1333-3fcc-f256-8bccde86f199")) {
                var copy = (com.fasterxml.jackson.databind.node.ObjectNode) event.deepCopy();
                copy.put("eventId", "0badc0de-0000-4000-8000-00000000b1d1");
                var who = (com.fasterxml.jackson.databind.node.ObjectNode) copy.path("userIdentity");
                who.put("userName", HOSTILE_NAME);
                who.put("principalId", "203845712345670666");
                copy.put("errorMessage", HOSTILE_MESSAGE);
                return Json.wire().writeValueAsString(List.of(copy));
            }
        }
        throw new IllegalStateException("the demo trail no longer has bob's denied CreateService");
    }

    private static FindingAction lastAction(String bootstrap, TopicSpec<String, FindingAction> topic, String id) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, FindingAction> consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<FindingAction> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, FindingAction> r : consumer.poll(Duration.ofMillis(500))) {
                    if (id.equals(r.key())) {
                        seen.add(r.value());
                    }
                }
            }
            assertThat(seen).as("records for %s on %s", id, topic.name()).isNotEmpty();
            return seen.get(seen.size() - 1);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
