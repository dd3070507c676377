package io.grantwatch.app.cli;

import io.grantwatch.alerts.dispatch.AlertsConfig;
import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.alerts.remediation.TrustPolicySource;
import io.grantwatch.alerts.report.DriftReport;
import io.grantwatch.alerts.report.FindingsInput;
import io.grantwatch.alerts.report.ReportBuilder;
import io.grantwatch.alerts.report.ReportRenderer;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.detector.ReorderBuffer;
import io.grantwatch.detector.UnusedGrants;
import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.model.Finding;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogIndex;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.Topics;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grantwatch report}: a drift report (Markdown, HTML, JSON) from audit files (offline
 * inference, the same engine as {@code scan}), from findings JSON Lines ({@code scan} output), or
 * from the {@code findings} topic. The logic lives in the alerts module ({@link ReportBuilder},
 * {@link ReportRenderer}); this class only gathers inputs. Exit 0 when written, 2 for unusable input.
 */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Render a drift report (Markdown, HTML, JSON).")
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--input", arity = "1..*", paramLabel = "PATH",
            description = "Audit files/folders, or findings JSON Lines (scan output). Without it, the findings topic is read.")
    List<Path> inputs = new ArrayList<>();

    @picocli.CommandLine.Mixin
    ConfigOptions configOptions;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka, to read the findings topic (key kafka.bootstrap.servers, also from --config / GRANTWATCH_* / --set).")
    String bootstrapServers;

    @Option(names = "--topic-prefix", description = "Prefix of every GrantWatch topic (key topics.prefix; default: none).")
    String topicPrefix;

    @Option(names = "--from", paramLabel = "INSTANT", description = "Period start, ISO-8601 (default: earliest finding).")
    Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "Period end, ISO-8601 (default: now; with --input, the trail's last event).")
    Instant to;

    @Option(names = "--format", defaultValue = "md", description = "md, html or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of standard output.")
    Path out;

    @Option(names = "--previous", paramLabel = "REPORT.json", description = "The previous JSON report: new/resolved/regressed compare with it.")
    Path previous;

    @Option(names = "--alerts-config", paramLabel = "FILE", description = "Alerts YAML whose mute rules the report lists.")
    Path alertsConfig;

    @Option(names = "--catalog", paramLabel = "DIR", description = "Catalog folder for audit-file input (default: the bundled catalog).")
    Path catalogDir;

    @Option(names = "--inventory", arity = "1..*", paramLabel = "FILE",
            description = "Snapshots of what principals hold (as `inventory import` reads them); with audit files as --input, the "
                    + "report lists the grants held that no call used (Unused grants).")
    List<Path> inventory = List.of();

    @Option(names = "--unused-days", defaultValue = "90", paramLabel = "N",
            description = "Unused grants: calls within N days before the last event count as use (default: ${DEFAULT-VALUE}).")
    int unusedDays;

    /** Unused grants, when audit files and an inventory were read; else null. */
    private DriftReport.Unused[] unused;
    private String unusedNote;

    @Override
    public Integer call() {
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        return run(stdout, err);
    }

    int run(PrintStream stdout, PrintStream err) {
        ReportRenderer.Format fmt;
        try {
            fmt = ReportRenderer.Format.parse(format);
        } catch (IllegalArgumentException e) {
            err.println("grantwatch report: --format must be md, html or json");
            return ScanCommand.USAGE;
        }
        if (!inventory.isEmpty() && inputs.isEmpty()) {
            err.println("grantwatch report: --inventory needs audit files as --input (what principals used comes from the trail)");
            return ScanCommand.USAGE;
        }
        if (unusedDays < 1) {
            err.println("grantwatch report: --unused-days must be 1 or more");
            return ScanCommand.USAGE;
        }
        String configured;
        try {
            configured = inputs.isEmpty() && bootstrapServers == null ? kafkaFromConfig() : null;
        } catch (io.grantwatch.app.config.ConfigException e) {
            err.println("grantwatch report: " + e.getMessage());
            return ScanCommand.USAGE;
        }
        if (inputs.isEmpty() && bootstrapServers == null && configured == null) {
            err.println("grantwatch report: give --input PATH... or --bootstrap-servers to read the findings topic");
            return ScanCommand.USAGE;
        }
        try {
            MuteRules mutes = alertsConfig == null ? MuteRules.none() : new MuteRules(AlertsConfig.load(alertsConfig).mutes());
            Map<String, String> baseline = previous == null ? null : baseline(previous);
            List<Finding> findings = inputs.isEmpty() ? fromTopic() : fromInputs(err);
            if (findings == null) {
                return ScanCommand.USAGE;
            }
            // the same planner as scan and run: the catalog's qualifiers, scopes and errata
            Catalog catalog = catalogDir == null ? CatalogLoader.loadBundled() : CatalogLoader.load(catalogDir);
            RemediationPlanner planner = new RemediationPlanner(TrustPolicySource.NONE, new CatalogIndex(catalog));
            // audit files end where their last event is: a period up to today would pad the trend with empty days
            Instant end = to != null || inputs.isEmpty() ? to
                    : findings.stream().map(Finding::updatedAt).filter(Objects::nonNull).max(Instant::compareTo).orElse(null);
            DriftReport report = new ReportBuilder(planner, mutes).build(findings, from, end, baseline,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS));
            if (unused != null) {
                report = report.withUnused(List.of(unused), unusedNote);
            }
            String text = ReportRenderer.render(report, fmt);
            if (out == null) {
                stdout.print(text);
                stdout.flush();
            } else {
                Files.writeString(out, text, StandardCharsets.UTF_8);
                err.println("grantwatch report: " + report.totals().open() + " open, " + report.totals().resolved() + " resolved; wrote "
                        + out);
            }
            return 0;
        } catch (FindingsInput.Unreachable e) {
            err.println("grantwatch report: " + e.getMessage() + " (set by -b/--bootstrap-servers or kafka.bootstrap.servers)");
            return 1;
        } catch (io.grantwatch.app.config.ConfigException e) {
            err.println("grantwatch report: " + e.getMessage());
            return ScanCommand.USAGE;
        } catch (IllegalArgumentException e) {
            err.println("grantwatch report: " + io.grantwatch.model.text.UnsafeText.escaped(e.getMessage()));
            return ScanCommand.USAGE;
        } catch (IOException | RuntimeException e) {
            err.println("grantwatch report: " + e.getClass().getSimpleName() + ": "
                    + io.grantwatch.model.text.UnsafeText.escaped(String.valueOf(e.getMessage())));
            return ScanCommand.USAGE;
        }
    }

    /** The configuration (file, GRANTWATCH_*, --set) with -b and --topic-prefix on top: the Kafka client settings every command shares. */
    private io.grantwatch.app.config.GrantWatchConfig config() {
        io.grantwatch.app.config.ConfigLoader loader = configOptions == null ? io.grantwatch.app.config.ConfigLoader.builder()
                : configOptions.loader();
        loader.flag(io.grantwatch.app.config.ConfigKeys.BOOTSTRAP_SERVERS.name(), bootstrapServers)
                .flag(io.grantwatch.app.config.ConfigKeys.TOPICS_PREFIX.name(), topicPrefix);
        return loader.load();
    }

    /** The bootstrap servers the configuration names beyond the default, or null (then -b is needed). */
    private String kafkaFromConfig() {
        if (configOptions == null || configOptions.file == null && System.getenv("GRANTWATCH_KAFKA_BOOTSTRAP_SERVERS") == null
                && System.getenv("GRANTWATCH_BOOTSTRAP_SERVERS") == null && configOptions.sets.keySet().stream()
                .noneMatch(k -> k.equals("kafka.bootstrap.servers"))) {
            return null;
        }
        return config().kafka().bootstrapServers().orElse(null);
    }

    private List<Finding> fromTopic() {
        io.grantwatch.app.config.GrantWatchConfig c = config();
        Map<String, Object> client = new HashMap<>(c.kafka().client());
        String servers = c.kafka().bootstrapServers().orElseThrow(() -> new IllegalArgumentException(
                "no Kafka to read the findings topic from: give -b/--bootstrap-servers or kafka.bootstrap.servers"));
        return FindingsInput.readTopic(servers, Topics.withPrefix(c.topics().prefix()).findings(), client,
                Duration.ofSeconds(60));
    }

    /** The unused grants of everyone the inventory names, and the sentence that says over which period they were measured. */
    private void unused(UnusedGrants usage, OfflineDetector detector) {
        Duration window = Duration.ofDays(unusedDays);
        unused = usage.report(detector.inventories(), window).stream().map(h -> new DriftReport.Unused(h.cloud().wire(), h.account(),
                h.principal(), h.policy(), h.via(), h.unused(), h.used(), h.smaller(), h.note())).toArray(DriftReport.Unused[]::new);
        Instant first = usage.first();
        Instant last = usage.last();
        String span = first == null ? "no event" : first + " to " + last;
        boolean shorter = first != null && Duration.between(first, last).compareTo(window) < 0;
        unusedNote = "Allow actions of the policies the inventory says each user, role and agency holds that no successful call of it"
                + " used in the " + unusedDays + " days before the last event (audit input: " + span + ")"
                + (shorter ? "; the input covers less than that, so 'unused' means unused in the input" : "")
                + ". Use is by action, not resource; session and resource policies are not read.";
    }

    /** Findings files are read as they are; every other path goes through offline inference. */
    /** The finding states of an earlier JSON report; an unusable file is named with what is wrong. */
    private static Map<String, String> baseline(Path previous) {
        try {
            DriftReport r = Json.wire().readValue(previous.toFile(), DriftReport.class);
            if (r == null || r.states() == null) {
                throw new IllegalArgumentException("--previous " + previous + " is not a GrantWatch JSON drift report (no states)");
            }
            return r.states();
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.toString();
            throw new IllegalArgumentException("--previous " + previous + " is not a GrantWatch JSON drift report (write one with "
                    + "--format json): " + why);
        }
    }

    private List<Finding> fromInputs(PrintStream err) throws IOException {
        List<Finding> findings = new ArrayList<>();
        List<Path> audit = new ArrayList<>();
        for (Path p : inputs) {
            if (FindingsInput.looksLikeFindings(p)) {
                findings.addAll(FindingsInput.readJsonLines(p, (line, why) -> err.println("skipped " + p + ":" + line + ": " + why)));
            } else {
                audit.add(p);
            }
        }
        if (!audit.isEmpty()) {
            AuditFileReader.check(audit);
            Catalog catalog = catalogDir == null ? CatalogLoader.loadBundled() : CatalogLoader.load(catalogDir);
            CatalogLookup lookup = CatalogLookup.of(catalog);
            OfflineDetector detector = new OfflineDetector(DetectorSettings.defaults(), lookup);
            InventoryFiles.Read snapshots = InventoryFiles.read(inventory, null, null);
            snapshots.problems().forEach(p -> err.println("inventory: not read " + ScanCommand.printable(p)));
            snapshots.records().forEach(detector::accept);
            UnusedGrants usage = new UnusedGrants(lookup);
            ReorderBuffer buffer = new ReorderBuffer(10_000);
            try (TerminalProgress progress = TerminalProgress.onStderr("report", err)) {
                new AuditFileReader().read(audit, e -> {
                    progress.event();
                    buffer.offer(e).forEach(detector::accept);
                    usage.observe(e);
                }, r -> err.println("rejected " + ScanCommand.printable(r.location()) + ": " + ScanCommand.printable(r.reason())), progress);
            }
            buffer.drain().forEach(detector::accept);
            if (!inventory.isEmpty()) {
                unused(usage, detector);
            }
            Map<String, Finding> byId = new LinkedHashMap<>();
            detector.findings().forEach(f -> byId.put(f.id(), f));
            findings.addAll(byId.values());
        }
        return findings;
    }
}
