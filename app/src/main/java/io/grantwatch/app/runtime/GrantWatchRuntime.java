package io.grantwatch.app.runtime;

import io.grantwatch.alerts.channel.ChannelSender;
import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.SecretResolver;
import io.grantwatch.alerts.dispatch.AlertsConfig;
import io.grantwatch.alerts.dispatch.AlertsService;
import io.grantwatch.alerts.dispatch.Dispatcher;
import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.alerts.remediation.TrustPolicySource;
import io.grantwatch.alerts.report.ReportBuilder;
import io.grantwatch.alerts.report.ReportRenderer;
import io.grantwatch.alerts.report.ReportScheduler;
import io.grantwatch.app.config.ConfigKeys;
import io.grantwatch.app.config.GrantWatchConfig;
import io.grantwatch.app.console.FindingsService;
import io.grantwatch.app.console.FindingsView;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.catalog.CatalogPublisher;
import io.grantwatch.detector.DetectorCounters;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.streams.DetectorConfig;
import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.ingest.IngestRunner;
import io.grantwatch.ingest.http.HttpReceiver;
import io.grantwatch.ingest.kafka.KafkaAuditSink;
import io.grantwatch.ingest.source.FileSource;
import io.grantwatch.ingest.source.IngestCounters;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogIndex;
import io.grantwatch.model.topic.Topics;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code grantwatch run} runs, in one process, started in dependency order and closed in
 * reverse: the HTTP server, Kafka (embedded, or the configured cluster), topics, catalog publish,
 * detector (Kafka Streams), the alert dispatcher, the findings console and the ingest sources
 * (watched folders, the demo corpus). {@link #close()} is the graceful shutdown: sources stop and flush, Streams commits and
 * closes, the embedded broker shuts down in a controlled way.
 */
public final class GrantWatchRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GrantWatchRuntime.class);
    private static final List<String> DEMO_FILES = List.of("alibaba-actiontrail.json", "huawei-cts.json");

    /**
     * How this run behaves beyond the configuration.
     *
     * @param demo          replay the bundled demo corpus once the pipeline runs
     * @param console       where findings are printed; null for nowhere
     * @param consoleFormat text for people, JSON Lines for machines
     */
    public record Options(boolean demo, PrintStream console, FindingsConsole.Format consoleFormat) {
    }

    private final GrantWatchConfig config;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Metrics metrics = new Metrics();
    private final Health health = new Health();
    private volatile IngestRunner ingestRunner;
    private String bootstrapServers;
    private HttpServer http;
    private DetectorRunner detector;
    private FindingsConsole console;
    private KafkaAuditSink sink;
    private volatile boolean closed;
    private BooleanSupplier stopRequested = () -> false;

    /** A stop was asked for (a signal) while start-up waited for Kafka. */
    public static final class StartAborted extends RuntimeException {
        StartAborted() {
            super("stopped while waiting for Kafka", null, false, false);
        }
    }
    private volatile boolean startupComplete;

    private GrantWatchRuntime(GrantWatchConfig config) {
        this.config = config;
    }

    /** Starts everything; on a failure, what already started is closed and the error rethrown. */
    public static GrantWatchRuntime start(GrantWatchConfig config, Options options) {
        return start(config, options, () -> false);
    }

    /** As {@link #start(GrantWatchConfig, Options)}; {@code stopRequested} ends a wait for Kafka with {@link StartAborted}. */
    public static GrantWatchRuntime start(GrantWatchConfig config, Options options, BooleanSupplier stopRequested) {
        GrantWatchRuntime runtime = new GrantWatchRuntime(config);
        runtime.stopRequested = stopRequested;
        try {
            runtime.startAll(options);
            return runtime;
        } catch (RuntimeException | Error e) {
            // Whatever failed, the broker and the threads already started must not outlive the attempt.
            runtime.close();
            throw e;
        }
    }

    private void startAll(Options options) {
        long begin = System.nanoTime();
        started.push(metrics);
        // HTTP first: /healthz answers and /readyz says what is still starting.
        if (config.http().enabled()) {
            http = HttpServer.start(config.http().host(), config.http().port(), health, metrics, apiToken(config.http()));
            started.push(http);
        }
        health.register("startup", () -> startupComplete);
        Topics topics = config.topics().registry();
        short replication = config.topics().replication();
        if (config.kafka().embedded()) {
            GrantWatchConfig.Embedded e = config.embedded();
            EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(e.dataDir(), e.port(), e.controllerPort(), Map.of()));
            started.push(kafka);
            bootstrapServers = kafka.bootstrapServers();
            replication = 1;
        } else {
            bootstrapServers = config.kafka().bootstrapServers().orElseThrow();
        }
        Map<String, Object> client = clientConfig();
        AdminClient admin = AdminClient.create(client);
        // close() without a timeout waits for pending calls (up to a minute each against a broker that is not there)
        started.push(() -> admin.close(Duration.ofSeconds(2)));
        metrics.bindAdmin(admin, "runtime");
        awaitCluster(admin);
        TopicSetup.ensure(admin, config, replication);
        health.register("kafka", () -> ClusterWait.reachable(admin));

        publishCatalog(client, topics);

        detector = new DetectorRunner(topics, detectorConfig());
        started.push(detector);
        detector.start();
        metrics.bindStreams(detector.streams(), "detector");
        DetectorCounters counts = detector.counters();
        metrics.counter("grantwatch.events", "Audit events the detector processed", counts::events);
        metrics.counter("grantwatch.denials", "Denied events the detector processed", counts::denials);
        metrics.counter("grantwatch.unmapped.denials", "Denials no catalog entry explains", counts::unmappedDenials);
        metrics.counter("grantwatch.late.events", "Events too late for the principal's window", counts::late);
        metrics.counter("grantwatch.iam.changes", "IAM changes seen", counts::iamChanges);
        metrics.counter("grantwatch.findings.emitted", "Findings the detector wrote", counts::findingsEmitted);
        DetectorRunner gaugeSource = detector;
        metrics.openFindingsGauge(() -> gaugeSource.storedFindings().open(100_000), Duration.ofSeconds(15));
        health.register("detector", detector::running);
        // the console's decisions: written to finding-actions, read back into this view by the console and the dispatcher
        FindingsService findings = new FindingsService(client, topics);
        started.push(findings);
        findings.start();
        FindingsView view = findings.view();
        if (http != null) {
            findings.serve(http, detector, advertised(), apiToken(config.http()), planner, new MuteRules(alertsConfig().mutes()));
        }

        startAlerts(client, topics, view);
        startReports(view);

        console = new FindingsConsole(client, topics.findings(), options.console(), options.consoleFormat(), options.demo(),
                metrics.registry(), planner);
        started.push(console);
        console.start();

        boolean receiver = config.ingest().httpPort() >= 0;
        if (options.demo() || !config.ingest().watch().isEmpty() || receiver) {
            sink = KafkaAuditSink.create(config.ingest().producerSettings(client), topics);
            started.push(sink);
            IngestCounters ingest = sink.counters();
            metrics.counter("grantwatch.ingest.read", "Audit records read by ingest",
                    () -> ingest.snapshot().values().stream().mapToLong(IngestCounters.Snapshot::read).sum());
            metrics.counter("grantwatch.ingest.produced", "Audit events ingest produced to audit-events",
                    () -> ingest.snapshot().values().stream().mapToLong(IngestCounters.Snapshot::produced).sum());
            metrics.counter("grantwatch.ingest.dead.lettered", "Records ingest sent to audit-dlq",
                    () -> ingest.snapshot().values().stream().mapToLong(IngestCounters.Snapshot::deadLettered).sum());
            metrics.counter("grantwatch.ingest.skipped", "CTS digest files ingest recognised and skipped (neither produced nor dead-lettered)",
                    () -> ingest.snapshot().values().stream().mapToLong(IngestCounters.Snapshot::skipped).sum());
        }
        if (!config.ingest().watch().isEmpty() || receiver) {
            startIngest();
        }
        if (options.demo()) {
            replayDemo();
        }

        startupComplete = true;
        LOG.info("GrantWatch running on Kafka {} in {} ms", bootstrapServers, (System.nanoTime() - begin) / 1_000_000);
    }

    /** Kafka settings for every client: bootstrap servers and the {@code kafka.*} pass-through. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> client = new HashMap<>(config.kafka().client());
        client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return client;
    }

    /** Waits for Kafka by {@link ClusterWait}'s rule (one warning after 8 s, then up to 2 minutes). */
    private void awaitCluster(Admin admin) {
        ClusterWait.await(admin, bootstrapServers, LOG::warn, stopRequested);
    }

    /** Set when the catalog is loaded (before the detector, console and alerts start). */
    private RemediationPlanner planner = new RemediationPlanner();

    private void publishCatalog(Map<String, Object> client, Topics topics) {
        Optional<Path> dir = config.catalog().dir();
        Catalog catalog = dir.map(CatalogLoader::load).orElseGet(CatalogLoader::loadBundled);
        // one planner on the catalog in force: console, API, channels and reports print the same remediation
        planner = new RemediationPlanner(TrustPolicySource.NONE, new CatalogIndex(catalog));
        CatalogPublisher.Result result = new CatalogPublisher(client).publish(catalog, topics.catalog());
        LOG.info("Catalog {} {} ({} entries written)", result.version(), result.upToDate() ? "already published" : "published",
                result.written());
    }

    /**
     * The alert dispatcher: findings become remediations (topic {@code remediations}) and, when
     * {@code alerts.channels} lists any, deliveries with retries; progress in group grantwatch-alerts. Findings muted
     * in the console are not notified, like those the configured mute rules match.
     */
    /** {@code alerts.channels} (channels, routes, mutes, retry) as the alerts module reads it. */
    private AlertsConfig alertsConfig() {
        try {
            return AlertsService.fromChannelsNode(config.alerts().channels());
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("alerts.channels: " + e.getMessage(), e);
        }
    }

    private void startAlerts(Map<String, Object> client, Topics topics, FindingsView console) {
        AlertsConfig alerts = alertsConfig();
        DeliveryCounters deliveries = new DeliveryCounters();
        Map<String, Object> overrides = new HashMap<>(client);
        overrides.remove(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        Dispatcher dispatcher = AlertsService.start(bootstrapServers, topics, "grantwatch-alerts", alerts,
                SecretResolver.system(), overrides, deliveries, planner, () -> console.muteRules(Instant.now()));
        started.push(dispatcher);
        // one series per configured channel (channel="none" when there is none, so the counters always exist)
        List<String> names = alerts.channels().stream().map(c -> c.name()).distinct().toList();
        for (String counter : List.of("delivered", "retried", "failed", "deferred", "digests")) {
            for (String channel : names.isEmpty() ? List.of("none") : names) {
                metrics.counter("grantwatch.alerts." + counter, "Alert deliveries: " + counter + ", by channel",
                        Tags.of("channel", channel), () -> deliveries.get(channel, counter));
            }
        }
        LOG.info("Alerts: {} channel(s)", alerts.channels().size());
    }

    /**
     * Drift reports every {@code report.interval} into {@code report.dir} (Markdown, HTML, JSON), from
     * the detector's open findings; each compares with the previous one in the folder.
     */
    private void startReports(FindingsView console) {
        Duration interval = config.report().interval();
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        DetectorRunner runner = detector;
        AlertsConfig alerts = alertsConfig();
        // Each report's summary also goes to the alert channels (their own senders: one message per interval).
        List<ChannelSender> senders = AlertsService.senders(alerts, SecretResolver.system(), new DeliveryCounters());
        ReportScheduler reports = new ReportScheduler(interval, config.report().dir(),
                EnumSet.allOf(ReportRenderer.Format.class), () -> {
                    try {
                        return runner.storedFindings().open(10_000);
                    } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
                        throw new ReportScheduler.NotReady("the detector's store is not queryable yet (" + e.getMessage() + ")");
                    }
                },
                new ReportBuilder(planner, new MuteRules(alerts.mutes()), console::muteRules), senders, Instant::now);
        started.push(reports);
        reports.start();
        LOG.info("Drift reports every {} into {}, summaries to {} channel(s)", interval, config.report().dir(), senders.size());
    }

    private DetectorConfig detectorConfig() {
        GrantWatchConfig.Detector d = config.detector();
        Map<String, String> kafka = new HashMap<>(config.kafka().client());
        if (http != null) {
            // where other instances reach this one's findings API (kafka.application.server overrides it)
            kafka.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised().host() + ":" + advertised().port());
        }
        return new DetectorConfig(d.applicationId(), bootstrapServers, d.stateDir(), d.exactlyOnce(), d.threads(),
                DetectorSettings.defaults(), kafka);
    }

    /** This instance's HTTP address as other instances reach it: {@code application.server} when set, else the bound one. */
    private HostInfo advertised() {
        return ClusterFindings.advertised(config, http.port());
    }

    /** The resolved {@code http.auth.token}, or null when none is configured. */
    public static String apiToken(GrantWatchConfig.Http http) {
        if (http.authToken().isBlank()) {
            return null;
        }
        try {
            return SecretResolver.system().resolve(http.authToken()).reveal();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(ConfigKeys.HTTP_AUTH_TOKEN.name() + ": " + e.getMessage(), e);
        }
    }

    /** Watched folders and the push receiver, run by ingest's own {@link IngestRunner}. */
    private void startIngest() {
        HttpReceiver.Config receiver = null;
        GrantWatchConfig.Ingest ingest = config.ingest();
        if (ingest.httpPort() >= 0) {
            try {
                receiver = ingest.receiver().receiverConfig(ingest.httpHost(), ingest.httpPort(), "/events",
                        System.getenv("GRANTWATCH_HTTP_SECRET"), System.getenv("GRANTWATCH_HTTP_HMAC_SECRET"));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("ingest.http.port: " + e.getMessage()
                        + " (set GRANTWATCH_HTTP_SECRET or GRANTWATCH_HTTP_HMAC_SECRET)", e);
            }
        }
        IngestRunner runner = new IngestRunner(new IngestRunner.Settings(List.of(), ingest.watch(), ingest.checkpointDir(),
                Duration.ofSeconds(2), Duration.ofSeconds(1), receiver, List.of(), ingest.tailSettle(),
                ingest.followLinksOutside()).withLimits(ingest.limits())
                .withCheckpoint(ingest.checkpointRetention(), ingest.checkpointInterval()), sink);
        started.push(runner);
        ingestRunner = runner;
        health.register("ingest", () -> runner.failure() == null);
        try {
            runner.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start ingest: " + e.getMessage(), e);
        }
        LOG.info("Ingest: watching {}{}", ingest.watch(), runner.httpPort() > 0 ? ", receiver on port " + runner.httpPort() : "");
    }

    /** Copies the bundled demo files out of the jar and reads them once through ingest. */
    private void replayDemo() {
        try {
            Path demoDir = config.dataDir().resolve("demo");
            Files.createDirectories(demoDir);
            List<Path> files = new ArrayList<>();
            for (String name : DEMO_FILES) {
                try (InputStream in = GrantWatchRuntime.class.getResourceAsStream("/demo/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException("The demo file " + name + " is missing from the jar");
                    }
                    Path target = demoDir.resolve(name);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    files.add(target);
                }
            }
            IngestCounters.Snapshot counts = new FileSource(new AuditFileReader(), sink, "demo").run(files);
            sink.flush();
            LOG.info("Demo: replayed {} ({})", files, counts.sentence());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot replay the demo events: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Optional<Integer> httpPort() {
        return Optional.ofNullable(http).map(HttpServer::port);
    }

    /**
     * Why ingest stopped on its own (a watch checkpoint could not be written: disk full, read-only data
     * dir), or empty; {@code run} then exits non-zero.
     */
    public Optional<Throwable> ingestFailure() {
        IngestRunner r = ingestRunner;
        return r == null ? Optional.empty() : Optional.ofNullable(r.failure());
    }

    public Health health() {
        return health;
    }

    public Metrics metrics() {
        return metrics;
    }

    public Optional<DetectorRunner> detector() {
        return Optional.ofNullable(detector);
    }

    public Optional<FindingsConsole> console() {
        return Optional.ofNullable(console);
    }

    /** Graceful shutdown, in reverse start order. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long begin = System.nanoTime();
        LOG.info("GrantWatch stopping");
        if (sink != null) {
            try {
                sink.flush();
            } catch (RuntimeException e) {
                LOG.warn("Flushing ingest failed", e);
            }
        }
        while (!started.isEmpty()) {
            AutoCloseable component = started.pop();
            try {
                component.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed", component.getClass().getSimpleName(), e);
            }
        }
        LOG.info("GrantWatch stopped in {} ms", (System.nanoTime() - begin) / 1_000_000);
    }
}
