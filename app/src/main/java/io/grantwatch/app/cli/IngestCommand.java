package io.grantwatch.app.cli;

import io.grantwatch.app.config.ConfigException;
import io.grantwatch.app.config.ConfigKeys;
import io.grantwatch.app.config.GrantWatchConfig;
import io.grantwatch.app.runtime.EmbeddedKafka;
import io.grantwatch.app.runtime.RoleEndpoints;
import io.grantwatch.app.runtime.TopicSetup;
import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.ingest.IngestRunner;
import io.grantwatch.ingest.http.HttpReceiver;
import io.grantwatch.ingest.kafka.KafkaAuditSink;
import io.grantwatch.ingest.poll.ApiPoller;
import io.grantwatch.ingest.poll.PollerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code grantwatch ingest}: runs ingest sources ({@link IngestRunner} in the ingest module) against a
 * Kafka cluster, or the embedded broker when none is configured. Files given as arguments are read
 * once; with {@code --watch}, {@code --http-port} or a poller it keeps running until Ctrl-C.
 * Exit 0 when done, 1 when Kafka did not take everything, 2 for a bad option or path.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Read ActionTrail / CTS audit records from files, watched folders, HTTP push or the cloud APIs "
                + "and produce them to the audit-events topic (bad records to audit-dlq).",
            "Secrets: prefer GRANTWATCH_HTTP_SECRET / GRANTWATCH_HTTP_HMAC_SECRET, or give --http-secret / --http-hmac-secret "
                + "a reference (env:NAME or file:/path): a literal value on the command line is visible in ps."})
public final class IngestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "Audit files or folders to ingest once (recursively).")
    List<Path> files = new ArrayList<>();

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka cluster (key kafka.bootstrap.servers); without it the embedded broker is started.")
    String bootstrapServers;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Local state: embedded Kafka, checkpoints (key data.dir).")
    Path dataDir;

    @Option(names = "--watch", paramLabel = "DIR", split = ",", description = "Folders a sync job fills from OSS/OBS; "
            + "watched with a durable checkpoint (key ingest.watch).")
    List<Path> watch;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Start the HTTP receiver on this port (0 = any).")
    Integer httpPort;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "HTTP receiver bind address.")
    String httpHost;

    @Option(names = "--http-path", paramLabel = "PATH", defaultValue = "/events", description = "HTTP receiver path.")
    String httpPath;

    @Option(names = "--http-secret", paramLabel = "SECRET|env:NAME|file:PATH", description = "Shared secret (Authorization: Bearer or "
            + "X-GrantWatch-Token; ?token= only on SMN messages); default GRANTWATCH_HTTP_SECRET. A literal value is visible in ps: "
            + "give a reference.")
    String httpSecret;

    @Option(names = "--http-hmac-secret", paramLabel = "SECRET|env:NAME|file:PATH", description = "HMAC-SHA256 key for Standard "
            + "Webhooks signatures (webhook-id, webhook-timestamp, webhook-signature: v1,...); whsec_<base64> of at least 16 bytes, "
            + "or any text; default GRANTWATCH_HTTP_HMAC_SECRET. A literal value is visible in ps: give a reference.")
    String httpHmacSecret;

    @Option(names = "--http-max-body", paramLabel = "BYTES", description = "Largest accepted body (key ingest.http.max.body.bytes, "
            + "default 5242880); the receiver's other caps and timeouts are the ingest.http.* keys.")
    Integer httpMaxBody;

    @Option(names = "--poll-actiontrail", paramLabel = "REGION", split = ",",
            description = "Poll ActionTrail LookupEvents in these regions (ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET from the environment).")
    List<String> actionTrailRegions = new ArrayList<>();

    @Option(names = "--actiontrail-endpoint", paramLabel = "URL", description = "Override the LookupEvents endpoint.")
    URI actionTrailEndpoint;

    @Option(names = "--poll-cts", paramLabel = "REGION:PROJECT_ID", split = ",",
            description = "Poll CTS ListTraces of these projects (HUAWEICLOUD_SDK_AK/_SK from the environment).")
    List<String> ctsProjects = new ArrayList<>();

    @Option(names = "--cts-endpoint", paramLabel = "URL", description = "Override the ListTraces endpoint.")
    URI ctsEndpoint;

    @Option(names = "--tail-settle", paramLabel = "DURATION", description = "How long a watched file's incomplete last "
            + "line waits for its newline, e.g. 30s (key ingest.tail.settle).")
    String tailSettle;

    @Option(names = "--follow-links-outside", description = "Follow symlinks that lead out of a watched folder "
            + "(key ingest.follow.links.outside).")
    Boolean followLinksOutside;

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "PT1M", description = "Time between API polls (ISO-8601).")
    Duration pollInterval;

    @Override
    public Integer call() throws InterruptedException {
        GrantWatchConfig config;
        try {
            config = configOptions.loader()
                    .flag(ConfigKeys.BOOTSTRAP_SERVERS.name(), bootstrapServers)
                    .flag(ConfigKeys.DATA_DIR.name(), dataDir)
                    .flag(ConfigKeys.INGEST_WATCH.name(), watch == null ? null
                            : String.join(",", watch.stream().map(Path::toString).toList()))
                    .flag(ConfigKeys.INGEST_TAIL_SETTLE.name(), tailSettle)
                    .flag(ConfigKeys.INGEST_FOLLOW_LINKS_OUTSIDE.name(), followLinksOutside == null ? null : String.valueOf(followLinksOutside))
                    .flag(ConfigKeys.INGEST_HTTP_MAX_BODY_BYTES.name(), httpMaxBody)
                    .load();
            if (!files.isEmpty()) {
                AuditFileReader.check(files);
            }
        } catch (ConfigException | IOException e) {
            spec.commandLine().getErr().println("grantwatch ingest: " + e.getMessage());
            return 2;
        }
        HttpReceiver.Config http = null;
        if (httpPort != null) {
            try {
                PrintWriter err = spec.commandLine().getErr();
                String secret = SecretFlags.option(err, "ingest", "--http-secret", httpSecret, "GRANTWATCH_HTTP_SECRET", System::getenv);
                String hmac = SecretFlags.option(err, "ingest", "--http-hmac-secret", httpHmacSecret, "GRANTWATCH_HTTP_HMAC_SECRET",
                        System::getenv);
                http = config.ingest().receiver().receiverConfig(httpHost, httpPort, httpPath, secret, hmac);
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("grantwatch ingest: " + e.getMessage());
                return 2;
            }
        }
        List<IngestRunner.PollerFactory> pollerList = new ArrayList<>();
        try {
            ApiPoller.Timing d = ApiPoller.Timing.defaults();
            ApiPoller.Timing timing = new ApiPoller.Timing(pollInterval, d.overlap(), d.lag(), d.firstStart());
            for (String region : actionTrailRegions) {
                pollerList.add(PollerConfig.actionTrail(region, actionTrailEndpoint, System.getenv(), config.ingest().checkpointDir(), timing));
            }
            for (String rp : ctsProjects) {
                int colon = rp.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("--poll-cts wants REGION:PROJECT_ID, got " + rp);
                }
                pollerList.add(PollerConfig.cts(rp.substring(0, colon), rp.substring(colon + 1), ctsEndpoint, System.getenv(),
                        config.ingest().checkpointDir(), timing));
            }
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("grantwatch ingest: " + e.getMessage());
            return 2;
        }
        IngestRunner.Settings settings = new IngestRunner.Settings(files, config.ingest().watch(), config.ingest().checkpointDir(),
                Duration.ofSeconds(2), Duration.ofSeconds(1), http, pollerList, config.ingest().tailSettle(),
                config.ingest().followLinksOutside()).withLimits(config.ingest().limits())
                .withCheckpoint(config.ingest().checkpointRetention(), config.ingest().checkpointInterval());
        for (Path dir : settings.watch()) {
            // a typo must not start a watch that waits for a folder that will never come (nothing in the README
            // promises that a watched folder may be created later); one that disappears later is waited for
            String opt = watch != null && !watch.isEmpty() ? "--watch" : "ingest.watch";
            if (!Files.exists(dir)) {
                spec.commandLine().getErr().println("grantwatch ingest: " + opt + " " + dir + ": the folder does not exist");
                return 2;
            }
            if (!Files.isDirectory(dir)) {
                spec.commandLine().getErr().println("grantwatch ingest: " + opt + " " + dir + ": not a folder");
                return 2;
            }
        }
        if (settings.files().isEmpty() && !settings.longRunning()) {
            spec.commandLine().getErr().println("grantwatch ingest: nothing to ingest: give PATHs, --watch, --http-port or a poller");
            return 2;
        }
        List<AutoCloseable> started = new ArrayList<>();
        try {
            String bootstrap;
            short replication = config.topics().replication();
            if (config.kafka().embedded()) {
                GrantWatchConfig.Embedded e = config.embedded();
                EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(e.dataDir(), e.port(), e.controllerPort(), Map.of()));
                started.add(0, kafka);
                bootstrap = kafka.bootstrapServers();
                replication = 1;
            } else {
                bootstrap = config.kafka().bootstrapServers().orElseThrow();
            }
            Map<String, Object> client = new HashMap<>(config.kafka().client());
            client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            Admin admin = Admin.create(client);
            try {
                // run's rule: one line after 8 s when Kafka does not answer, not two minutes of silence
                io.grantwatch.app.runtime.ClusterWait.await(admin, bootstrap, line -> {
                    spec.commandLine().getErr().println("grantwatch ingest: " + line);
                    spec.commandLine().getErr().flush();
                }, () -> false);
                TopicSetup.ensure(admin, config, replication);
            } finally {
                admin.close(Duration.ofSeconds(2)); // close() alone waits for calls pending on a Kafka that is not there
            }
            KafkaAuditSink sink = KafkaAuditSink.create(config.ingest().producerSettings(client), config.topics().registry());
            started.add(0, sink);
            IngestRunner runner = new IngestRunner(settings, sink);
            started.add(0, runner);
            // close, not only stop: the JVM does not wait for this thread's finally once the hooks are done, and closing
            // is what writes the watch checkpoints at what Kafka acknowledged
            Thread hook = new Thread(runner::close, "grantwatch-ingest-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            runner.start();
            if (settings.longRunning()) {
                // /healthz, /readyz, /metrics on http.port (--http-port is the receiver's here: --set http.port=N moves these)
                try {
                    RoleEndpoints.start(config, "ingest", bootstrap).ifPresent(e -> {
                        started.add(0, e.ready("ingest", () -> runner.failure() == null));
                    });
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(e.getMessage().replace("with --http-port", "with --set http.port=PORT"), e);
                }
                spec.commandLine().getErr().println("grantwatch ingest: running on Kafka " + bootstrap
                        + (runner.httpPort() > 0 ? ", HTTP receiver on port " + runner.httpPort() : "") + ". Ctrl-C to stop.");
                while (!runner.await(Duration.ofMinutes(1))) {
                    spec.commandLine().getErr().println("grantwatch ingest: "
                            + io.grantwatch.ingest.source.IngestCounters.sentence(runner.counters()));
                }
            }
            if (runner.failure() != null) {
                spec.commandLine().getErr().println("grantwatch ingest: stopped: " + runner.failure().getMessage()
                        + "; the restart resumes from the last checkpoint");
                spec.commandLine().getErr().println("grantwatch ingest: " + io.grantwatch.ingest.source.IngestCounters.sentence(runner.counters()));
                return 1;
            }
            spec.commandLine().getErr().println("grantwatch ingest: " + io.grantwatch.ingest.source.IngestCounters.sentence(runner.counters()));
            return 0;
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("grantwatch ingest: " + e.getMessage());
            return 1;
        } finally {
            for (AutoCloseable c : started) {
                try {
                    c.close();
                } catch (Exception e) {
                    spec.commandLine().getErr().println("grantwatch ingest: while stopping: " + e.getMessage());
                }
            }
        }
    }
}
