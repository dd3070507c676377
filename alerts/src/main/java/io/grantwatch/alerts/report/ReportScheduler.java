package io.grantwatch.alerts.report;

import io.grantwatch.alerts.channel.ChannelSender;
import io.grantwatch.alerts.channel.DeliveryDeferred;
import io.grantwatch.alerts.channel.Summary;
import io.grantwatch.model.Finding;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic drift reports (daily, weekly: any interval): writes {@code drift-<time>.md|html|json}
 * into a folder, compares with the newest earlier JSON report there (new / resolved / regressed)
 * and sends a short summary to the channels. A failed channel never stops the report.
 */
public final class ReportScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReportScheduler.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Duration interval;
    private final Path dir;
    private final Set<ReportRenderer.Format> formats;
    private final Supplier<List<Finding>> findings;
    private final ReportBuilder builder;
    private final List<ChannelSender> senders;
    private final Supplier<Instant> clock;
    private ScheduledExecutorService timer;

    public ReportScheduler(Duration interval, Path dir, Set<ReportRenderer.Format> formats, Supplier<List<Finding>> findings,
            ReportBuilder builder, List<ChannelSender> senders, Supplier<Instant> clock) {
        this.interval = interval;
        this.dir = dir;
        this.formats = Set.copyOf(formats);
        this.findings = findings;
        this.builder = builder;
        this.senders = List.copyOf(senders);
        this.clock = clock;
    }

    /** Thrown by the findings supplier while the findings cannot be read yet (the detector is starting). */
    public static final class NotReady extends RuntimeException {
        public NotReady(String why) {
            super(why, null, false, false);
        }
    }

    public ReportScheduler start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grantwatch-report-scheduler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            try {
                runOnce();
            } catch (NotReady e) {
                LOG.info("Drift report skipped: {}; next in {}", e.getMessage(), interval);
            } catch (IOException | RuntimeException e) {
                LOG.error("scheduled drift report failed; next run in {}", interval, e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One report now: files written, summary sent; returns the files. */
    public List<Path> runOnce() throws IOException {
        Instant now = clock.get();
        Files.createDirectories(dir);
        Optional<DriftReport> previous = latestJson();
        DriftReport r = builder.build(findings.get(), now.minus(interval), now, previous.map(DriftReport::states).orElse(null), now);
        List<Path> written = new ArrayList<>();
        String base = "drift-" + STAMP.format(now);
        for (ReportRenderer.Format f : formats) {
            Path p = dir.resolve(base + "." + f.name().toLowerCase(Locale.ROOT));
            Files.writeString(p, ReportRenderer.render(r, f), StandardCharsets.UTF_8);
            written.add(p);
        }
        if (!formats.contains(ReportRenderer.Format.JSON)) {
            // the next report's baseline
            Path p = dir.resolve(base + ".json");
            Files.writeString(p, ReportRenderer.json(r), StandardCharsets.UTF_8);
            written.add(p);
        }
        Summary summary = summary(r, base);
        for (ChannelSender s : senders) {
            try {
                s.deliverSummary(summary);
            } catch (DeliveryDeferred e) {
                LOG.warn("drift report summary not delivered to {}: {}", s.channel().name(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.info("drift report {} written: {} open, {} new, {} resolved", base, r.totals().open(), r.newSinceLast().size(),
                r.resolvedSinceLast().size());
        return written;
    }

    static Summary summary(DriftReport r, String name) {
        List<String> lines = new ArrayList<>();
        lines.add("Period " + r.from() + " – " + r.to());
        lines.add(r.totals().open() + " open: " + r.newSinceLast().size() + " new, " + r.resolvedSinceLast().size() + " resolved, "
                + r.regressedSinceLast().size() + " regressed since the last report");
        lines.add(r.predictedBreakages().size() + " predicted breakage(s), " + r.unmappedDenials().size() + " unmapped denial pattern(s), "
                + r.totals().muted() + " muted, " + r.expiredMutes().size() + " expired mute(s)");
        if (!r.openByScenario().isEmpty()) {
            lines.add("Top scenarios: " + r.openByScenario().entrySet().stream().limit(5)
                    .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", ")));
        }
        r.timeToGrant().stream().limit(3).forEach(t -> lines.add("Time to grant " + t.scenario() + ": median "
                + ReportRenderer.human(t.medianSeconds()) + ", p90 " + ReportRenderer.human(t.p90Seconds())));
        lines.add("Report: " + name);
        return new Summary("GrantWatch drift report: " + r.totals().open() + " open findings", lines, name);
    }

    private Optional<DriftReport> latestJson() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            Optional<Path> p = s.filter(x -> x.getFileName().toString().matches("drift-\\d{8}T\\d{6}Z\\.json"))
                    .max(Path::compareTo);
            return p.isEmpty() ? Optional.empty() : Optional.of(Json.wire().readValue(p.get().toFile(), DriftReport.class));
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
