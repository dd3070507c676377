package io.grantwatch.app.cli;

import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.alerts.remediation.TrailTrustPolicies;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.OfflineDetector;
import io.grantwatch.detector.ReorderBuffer;
import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.ingest.IngestLimits;
import io.grantwatch.model.Finding;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogIndex;
import io.grantwatch.model.text.UnsafeText;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code grantwatch scan PATH…}: offline detection, no broker. Reads audit files and folders
 * (recursively, every shape {@code parse} reads) through ingest's {@link AuditFileReader}, puts the
 * events in event-time order with a bounded reorder buffer (the files of all paths are read together
 * in order of their first event's time, not path by path, so a tree laid out region by region or
 * service by service is near-ordered; after each file the buffer releases what is older than the next
 * file's start; memory is the buffer, capped by {@code --reorder-buffer}, plus one bounded state per
 * principal, never per event), runs the detector's inference
 * ({@link OfflineDetector}, the same engine as the Streams topology) and prints each finding's
 * final state as one JSON object per line on stdout, with its remediation embedded under
 * {@code "remediation"}. Malformed input goes to stderr with file and position and does not stop
 * the scan; a summary line ends stderr. Exit 0 when the scan ran, 2 when an argument, a path or the
 * catalog cannot be used. Files are read (gunzipped, parsed) {@code --threads} at a time, but their
 * events reach the buffer and the detector in the same order as a sequential read, so the output
 * does not depend on the thread count.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Offline: read audit files and folders, print findings with remediations as JSON Lines; no broker.")
public final class ScanCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int USAGE = 2;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Audit files or folders (read recursively).")
    List<Path> paths;

    @Option(names = "--catalog", paramLabel = "DIR", description = "Catalog folder of *.yaml files (default: the bundled catalog).")
    Path catalogDir;

    @Option(names = "--reorder-buffer", defaultValue = "10000", paramLabel = "N",
            description = "Most events held to restore event-time order across files, a memory cap: past it the oldest goes on "
                    + "before its time (default: ${DEFAULT-VALUE}).")
    int reorderBuffer;

    @Option(names = "--grace", defaultValue = "PT30M", paramLabel = "DURATION",
            description = "Events older than a principal's newest minus this are counted, not used (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--window", defaultValue = "PT1H", paramLabel = "DURATION",
            description = "How far back activity names the scenario a principal works in (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--inventory", arity = "1..*", paramLabel = "FILE",
            description = "Snapshots of what principals hold (the official CLIs' JSON, as `inventory import` reads them), fed "
                    + "to the detector before the first event.")
    List<Path> inventory = List.of();

    @Option(names = "--no-remediation", description = "Print findings without embedded remediations.")
    boolean noRemediation;

    @Option(names = "--threads", paramLabel = "N",
            description = "Files read (gunzip, parse) at once, and findings rendered at once after the read; the output is the same for "
                    + "any N (default: the cores, at most 8).")
    int threads = AuditFileReader.defaultThreads();

    @Option(names = "--fail-on", paramLabel = "SEVERITY|KIND[,...]", split = ",",
            description = "Exit 1 when an open finding is at or above a severity (INFO, LOW, MEDIUM, HIGH) or of a kind "
                    + "(MISSING_GRANT, REGRESSION, PREDICTED_BREAKAGE, EXPLICIT_DENY, UNMAPPED_DENIAL, ...): for CI.")
    List<String> failOn = List.of();

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        try {
            return run(out, err);
        } finally {
            out.flush();
        }
    }

    int run(PrintStream out, PrintStream err) {
        if (reorderBuffer < 1) {
            err.println("grantwatch scan: --reorder-buffer must be at least 1");
            return USAGE;
        }
        if (threads < 1) {
            err.println("grantwatch scan: --threads must be at least 1");
            return USAGE;
        }
        Predicate<Finding> failing;
        try {
            failing = failOn(failOn);
        } catch (IllegalArgumentException e) {
            err.println("grantwatch scan: --fail-on: " + e.getMessage());
            return USAGE;
        }
        if (grace.isNegative() || window.isNegative() || window.isZero()) {
            err.println("grantwatch scan: --grace must not be negative and --window must be positive");
            return USAGE;
        }
        try {
            AuditFileReader.check(paths);
        } catch (IOException e) {
            err.println("grantwatch scan: cannot use " + printable(String.valueOf(e.getMessage())));
            return USAGE;
        }
        Catalog catalog;
        try {
            catalog = catalogDir == null ? CatalogLoader.loadBundled() : CatalogLoader.load(catalogDir);
        } catch (RuntimeException e) {
            err.println("grantwatch scan: cannot use the catalog: " + printable(String.valueOf(e.getMessage())));
            return USAGE;
        }
        InventoryFiles.Read snapshots;
        try {
            snapshots = InventoryFiles.read(inventory, null, null);
        } catch (IOException e) {
            err.println("grantwatch scan: cannot use --inventory " + printable(String.valueOf(e.getMessage())));
            return USAGE;
        }
        snapshots.problems().forEach(p -> err.println("inventory: not read " + printable(p)));
        DetectorSettings settings = DetectorSettings.defaults().withGrace(grace).withActivityWindow(window);
        OfflineDetector detector = new OfflineDetector(settings, CatalogLookup.of(catalog));
        // as the detector applies an inventory record as soon as it reads it: the snapshot stands before the first event
        snapshots.records().forEach(detector::accept);
        ReorderBuffer buffer = new ReorderBuffer(reorderBuffer);
        long[] rejected = new long[1];
        long[] skippedDigests = new long[1];
        TrailTrustPolicies trust = new TrailTrustPolicies();
        LateInput late = new LateInput(detector);
        try (TerminalProgress progress = TerminalProgress.onStderr("scan", err)) {
            new AuditFileReader(IngestLimits.DEFAULTS, threads).readInTimeOrder(paths, e -> {
                progress.event();
                trust.accept(e);
                buffer.offer(e).forEach(late::accept);
            }, r -> {
                rejected[0]++;
                err.println("rejected " + printable(r.location()) + ": " + printable(r.reason()));
            }, skipped -> skippedDigests[0]++, progress, t -> buffer.releaseBefore(t).forEach(late::accept));
        } catch (IOException e) {
            err.println("grantwatch scan: cannot use " + printable(String.valueOf(e.getMessage())));
            return USAGE;
        }
        buffer.drain().forEach(late::accept);

        RemediationPlanner planner = noRemediation ? null : new RemediationPlanner(trust, new CatalogIndex(catalog));
        long failed = detector.findings().stream().filter(f -> f.open() && failing.test(f)).count();
        long printed = new FindingLines(planner).write(detector.findings(), threads, out::println);
        out.flush();
        var c = detector.counters();
        err.println("scanned " + c.events() + " events (" + c.denials() + " denials, " + c.unmappedDenials() + " unmapped, "
                + c.late() + " later than the grace, " + c.iamChanges() + " IAM changes) from " + detector.principals()
                + " principals, rejected " + rejected[0] + " records" + ParseCommand.skippedDigests(skippedDigests[0]) + "; " + printed
                        + " findings; catalog " + catalog.version()
                + (inventory.isEmpty() ? "" : "; inventory " + snapshots.records().size() + " records read, " + snapshots.problems().size()
                        + " not"));
        if (!late.byFile.isEmpty()) {
            err.println("grantwatch scan: " + c.late() + " events came later than the grace (" + grace + ") behind their principal's "
                    + "newest and were not used, from " + late.byFile.size() + " file" + (late.byFile.size() == 1 ? "" : "s")
                    + " (a file out of time order, or more input at once than --reorder-buffer " + reorderBuffer + " holds):");
            late.byFile.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(20)
                    .forEach(f -> err.println("  " + f.getValue() + " from " + printable(f.getKey())));
            if (late.byFile.size() > 20) {
                err.println("  … and " + (late.byFile.size() - 20) + " more files");
            }
        }
        if (failed > 0) {
            err.println("grantwatch scan: " + failed + " open finding" + (failed == 1 ? "" : "s") + " match --fail-on "
                    + String.join(",", failOn));
            return 1;
        }
        return OK;
    }

    /** Feeds the detector and counts, per source file, the events it found later than the grace. */
    static final class LateInput {
        private final OfflineDetector detector;
        final Map<String, Long> byFile = new HashMap<>();

        LateInput(OfflineDetector detector) {
            this.detector = detector;
        }

        void accept(io.grantwatch.model.AuditEvent e) {
            long before = detector.counters().late();
            detector.accept(e);
            long now = detector.counters().late();
            if (now > before) {
                byFile.merge(e.source() == null ? "(unknown source)" : e.source().location(), now - before, Long::sum);
            }
        }
    }

    /** Severities mean "at or above"; kinds match exactly; anything else is a usage error naming the allowed values. */
    static Predicate<Finding> failOn(List<String> values) {
        Predicate<Finding> p = f -> false;
        for (String raw : values) {
            String v = raw.trim().toUpperCase(Locale.ROOT);
            if (v.isEmpty()) {
                continue;
            }
            Optional<io.grantwatch.alerts.Severity> severity = Arrays.stream(io.grantwatch.alerts.Severity.values())
                    .filter(s -> s.name().equals(v)).findFirst();
            Optional<io.grantwatch.model.FindingKind> kind = Arrays.stream(io.grantwatch.model.FindingKind.values())
                    .filter(k -> k.name().equals(v)).findFirst();
            if (severity.isPresent()) {
                io.grantwatch.alerts.Severity min = severity.get();
                p = p.or(f -> io.grantwatch.alerts.Severity.of(f).compareTo(min) >= 0);
            } else if (kind.isPresent()) {
                io.grantwatch.model.FindingKind k = kind.get();
                p = p.or(f -> f.kind() == k);
            } else {
                throw new IllegalArgumentException("'" + printable(raw) + "' is neither a severity "
                        + Arrays.toString(io.grantwatch.alerts.Severity.values()) + " nor a finding kind "
                        + Arrays.toString(io.grantwatch.model.FindingKind.values()));
            }
        }
        return p;
    }

    /** Event text is attacker-controlled: no control or bidi characters reach the terminal (one rule, in ingest). */
    static String printable(String s) {
        return UnsafeText.escaped(s);
    }
}
