package io.grantwatch.app.cli;

import io.grantwatch.app.config.ConfigException;
import io.grantwatch.app.config.ConfigKeys;
import io.grantwatch.app.config.GrantWatchConfig;
import io.grantwatch.app.runtime.EmbeddedKafka;
import io.grantwatch.app.runtime.FindingsConsole;
import io.grantwatch.app.runtime.GrantWatchRuntime;
import io.grantwatch.app.runtime.Logging;
import io.grantwatch.app.runtime.ShutdownSignal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code grantwatch run}: everything in one process ({@link GrantWatchRuntime}) until SIGTERM or
 * Ctrl-C, then a graceful shutdown and exit 0. Exit 1 when it cannot start (a port in use, Kafka
 * unreachable) with the reason on stderr; 2 for a bad configuration or option.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run everything in one process: embedded Kafka (unless --bootstrap-servers), catalog, ingest, "
                + "detector, alerts, HTTP.",
            "Stops cleanly on Ctrl-C / SIGTERM (exit 0)."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = "Join this Kafka cluster instead of starting the embedded one (key kafka.bootstrap.servers).")
    String bootstrapServers;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Local state: embedded Kafka, Streams state, checkpoints (key data.dir, default ~/.grantwatch).")
    Path dataDir;

    @Option(names = "--kafka-port", paramLabel = "PORT",
            description = "Client port of the embedded Kafka on 127.0.0.1 (key embedded.port, default 19092).")
    Integer kafkaPort;

    @Option(names = "--kafka-controller-port", paramLabel = "PORT",
            description = "Controller port of the embedded Kafka (key embedded.controller.port, default 19093).")
    Integer kafkaControllerPort;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "HTTP port for /healthz, /readyz, /metrics; 0 any, -1 off (key http.port, default 18080).")
    Integer httpPort;

    @Option(names = "--watch", paramLabel = "DIR", split = ",",
            description = "Folders to watch for audit files (key ingest.watch).")
    List<Path> watch;

    @Option(names = "--demo", description = "Replay the bundled demo events (a team onboarding onto PAI and ModelArts).")
    boolean demo;

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
            description = "How findings are printed: text for people, json for machines (one object per line).")
    FindingsConsole.Format output;

    @Option(names = "--quiet", description = "Do not print findings on the console.")
    boolean quiet;

    /** Tests replace it to stop the command without a signal, and turn signal handlers off. */
    ShutdownSignal shutdown = new ShutdownSignal();
    boolean installSignalHandlers = true;

    @Override
    public Integer call() throws InterruptedException {
        GrantWatchConfig config;
        try {
            config = configOptions.loader().checkChannels(true)
                    .flag(ConfigKeys.BOOTSTRAP_SERVERS.name(), bootstrapServers)
                    .flag(ConfigKeys.DATA_DIR.name(), dataDir)
                    .flag(ConfigKeys.EMBEDDED_PORT.name(), kafkaPort)
                    .flag(ConfigKeys.EMBEDDED_CONTROLLER_PORT.name(), kafkaControllerPort)
                    .flag(ConfigKeys.HTTP_PORT.name(), httpPort)
                    .flag(ConfigKeys.INGEST_WATCH.name(), watch == null ? null
                            : String.join(",", watch.stream().map(Path::toString).toList()))
                    .load();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("grantwatch run: " + e.getMessage());
            return 2;
        }
        if (config.ingest().httpPort() >= 0) {
            // the receiver's secrets are checked now (a whsec_ key that is not one), not after Kafka has started
            try {
                config.ingest().receiver().receiverConfig(config.ingest().httpHost(), config.ingest().httpPort(), "/events",
                        System.getenv("GRANTWATCH_HTTP_SECRET"), System.getenv("GRANTWATCH_HTTP_HMAC_SECRET"));
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("grantwatch run: ingest.http.port: " + e.getMessage());
                return 2;
            }
        }
        if (kafkaPort != null && kafkaControllerPort == null
                && String.valueOf(config.embedded().controllerPort()).equals(ConfigKeys.EMBEDDED_CONTROLLER_PORT.defaultValue())) {
            // One flag moves both ports, so --kafka-port 29092 does not collide with the default controller port.
            config = withControllerPort(config, kafkaPort + 1);
        }
        Logging.apply(config.logLevel());
        boolean signals = installSignalHandlers && shutdown.install();
        GrantWatchRuntime runtime;
        try {
            runtime = GrantWatchRuntime.start(config, new GrantWatchRuntime.Options(demo,
                    quiet || !config.alerts().console() ? null : System.out, output), () -> shutdown.reason() != null);
        } catch (GrantWatchRuntime.StartAborted e) {
            spec.commandLine().getErr().println("grantwatch run: stopped (" + shutdown.reason() + ") before Kafka answered");
            return 0;
        } catch (EmbeddedKafka.PortInUseException e) {
            spec.commandLine().getErr().println("grantwatch run: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            LOG.debug("Cannot start", e); // the one line below says what; the trace is for --verbose debugging
            spec.commandLine().getErr().println("grantwatch run: cannot start: " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(runtime::close, "grantwatch-shutdown");
        if (!signals) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        running = runtime;
        String host = config.http().host();
        spec.commandLine().getErr().println("GrantWatch is running on Kafka " + runtime.bootstrapServers()
                + runtime.httpPort().map(p -> ", HTTP http://" + host + ":" + p + "/").orElse("")
                + ". Ctrl-C to stop.");
        long nextDetectorCheck = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        // ingest is checked every 2 s (a checkpoint it cannot write stops it), the detector every minute as before
        while (!shutdown.await(Duration.ofSeconds(2))) {
            if (runtime.ingestFailure().isPresent()) {
                spec.commandLine().getErr().println("grantwatch run: ingest stopped: " + runtime.ingestFailure().get().getMessage());
                runtime.close();
                if (!signals) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
                return 1;
            }
            if (System.nanoTime() - nextDetectorCheck < 0) {
                continue;
            }
            nextDetectorCheck = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            if (runtime.detector().map(d -> !d.running()).orElse(false)) {
                spec.commandLine().getErr().println("grantwatch run: the detector stopped: "
                        + runtime.detector().get().state());
                runtime.close();
                if (!signals) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
                return 1;
            }
        }
        runtime.close();
        if (!signals) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return 0;
    }

    /** The runtime while the command runs; for tests. */
    volatile GrantWatchRuntime running;

    private static GrantWatchConfig withControllerPort(GrantWatchConfig c, int controllerPort) {
        return new GrantWatchConfig(c.dataDir(), c.kafka(),
                new GrantWatchConfig.Embedded(c.embedded().dataDir(), c.embedded().port(), controllerPort),
                c.topics(), c.http(), c.detector(), c.ingest(), c.alerts(), c.report(), c.catalog(), c.logLevel());
    }
}
