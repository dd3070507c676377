package io.grantwatch.alerts.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import io.grantwatch.alerts.channel.Payloads;
import io.grantwatch.alerts.channel.WebhookChannel;
import io.grantwatch.alerts.escape.Escaper;
import io.grantwatch.alerts.escape.Sanitizer;
import io.grantwatch.model.IamChange;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Renders a {@link DriftReport} as Markdown, JSON or one self-contained HTML file. HTML: a
 * mustache.java template ({{ }} HTML-escapes every value, which is also sanitized and capped first),
 * charts by Chart.js inlined from the org.webjars.npm:chart.js jar, chart data as HTML-safe JSON
 * (no {@code </script>} can close the data block), and a CSP that allows no network access.
 */
public final class ReportRenderer {
    private static final int CELL = 200;
    /** A policy document is printed whole (RAM caps one at 6,144 characters, Huawei v5 at 6,144 too). */
    private static final int POLICY = 20_000;
    private static final int MAX_ROWS = 500;
    private static final Mustache TEMPLATE = new DefaultMustacheFactory("io/grantwatch/alerts/report").compile("report.html.mustache");

    private ReportRenderer() {
    }

    public enum Format {
        MD, HTML, JSON;

        public static Format parse(String s) {
            String v = s.trim().toUpperCase(Locale.ROOT);
            return v.equals("MARKDOWN") ? MD : valueOf(v);
        }
    }

    public static String render(DriftReport r, Format f) {
        return switch (f) {
            case MD -> markdown(r);
            case HTML -> html(r);
            case JSON -> json(r);
        };
    }

    /** JSON with every string sanitized (control, bidi, mentions, 2000 code points) and HTML-safe escapes. */
    public static String json(DriftReport r) {
        try {
            return Payloads.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(WebhookChannel.sanitize(Payloads.tree(r), 2000)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- Markdown

    public static String markdown(DriftReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# GrantWatch drift report\n\n");
        sb.append("Period ").append(r.from()).append(" – ").append(r.to()).append(" · generated ").append(r.generatedAt())
                .append(" · ").append(comparison(r)).append("\n\n");
        DriftReport.Totals t = r.totals();
        table(sb, List.of("open", "resolved", "muted", "new since last", "regressed", "predicted breakages"),
                List.of(List.of(t.open(), t.resolved(), t.muted(), r.newSinceLast().size(), r.regressedSinceLast().size(),
                        r.predictedBreakages().size())));
        counts(sb, "cloud", r.openByCloud());
        counts(sb, "account", r.openByAccount());
        counts(sb, "scenario", r.openByScenario());
        counts(sb, "principal", r.openByPrincipal());
        items(sb, "New since the last report", r.newSinceLast());
        items(sb, "Resolved since the last report", r.resolvedSinceLast());
        items(sb, "Regressed since the last report", r.regressedSinceLast());
        sb.append("## Time to grant\n\n");
        table(sb, List.of("scenario", "resolved", "median", "p90"), r.timeToGrant().stream()
                .map(x -> List.<Object>of(x.scenario(), x.resolved(), human(x.medianSeconds()), human(x.p90Seconds()))).toList());
        sb.append("## Predicted breakages and the IAM changes behind them\n\n");
        table(sb, List.of("principal", "scenario", "IAM change", "by", "when", "fix"), r.predictedBreakages().stream()
                .map(b -> List.<Object>of(b.finding().principal(), nz(b.finding().scenario()), change(b.change()),
                        b.change() == null ? "" : nz(b.change().actor()), b.change() == null ? "" : String.valueOf(b.change().time()),
                        b.finding().fix())).toList());
        sb.append("## Noisiest denials\n\n");
        table(sb, List.of("cloud", "service", "API", "action", "principal", "events"), r.noisiestDenials().stream()
                .map(n -> List.<Object>of(n.cloud(), n.service(), n.api(), n.action(), n.principal(), n.events())).toList());
        sb.append("## Unmapped denials (catalog gaps)\n\n");
        table(sb, List.of("cloud", "service", "API", "action", "error code", "findings", "events"), r.unmappedDenials().stream()
                .map(u -> List.<Object>of(u.cloud(), u.service(), u.api(), u.action(), u.errorCode(), u.findings(), u.events())).toList());
        if (r.unusedGrants() != null) {
            sb.append("## Unused grants (held, not used)\n\n");
            if (r.unusedNote() != null) {
                sb.append(Escaper.MARKDOWN.escape(r.unusedNote(), 2_000)).append("\n\n");
            }
            table(sb, List.of("principal", "account", "policy", "held through", "unused actions", "used", "smaller policy"), r.unusedGrants().stream()
                    .map(u -> List.<Object>of(u.principal(), u.account(), u.policy(), u.via(), String.join(", ", u.unused()),
                            String.join(", ", u.used()), u.smallerPolicy() == null ? "none used: detach it" : "below")).toList());
            // the documents as code blocks, so they can be copied as they are (a table cell would escape the JSON)
            r.unusedGrants().stream().filter(u -> u.smallerPolicy() != null).limit(MAX_ROWS).forEach(u -> {
                sb.append("### ").append(Escaper.MARKDOWN.escape(u.principal() + ": " + u.policy(), CELL)).append("\n\n");
                if (u.note() != null) {
                    sb.append(Escaper.MARKDOWN.escape(u.note(), 2_000)).append("\n\n");
                }
                String doc = Sanitizer.clean(u.smallerPolicy(), POLICY);
                String fence = "`".repeat(Math.max(3, longestRun(doc, '`') + 1));
                sb.append(fence).append("json\n").append(doc).append('\n').append(fence).append("\n\n");
            });
        }
        sb.append("## Muted (accepted risks)\n\n");
        table(sb, List.of("finding", "rule", "reason", "owner", "expires"), mutedRows(r.muted()));
        sb.append("## Expired mutes still matching open findings\n\n");
        table(sb, List.of("finding", "rule", "reason", "owner", "expired"), mutedRows(r.expiredMutes()));
        sb.append("## Trend\n\n");
        table(sb, List.of("from (UTC)", "opened", "resolved", "open at end"), r.trend().stream()
                .map(p -> List.<Object>of(p.bucket(), p.opened(), p.resolved(), p.openAtEnd())).toList());
        items(sb, "All open findings", r.open());
        return sb.toString();
    }

    private static void counts(StringBuilder sb, String what, Map<String, Long> m) {
        sb.append("## Open findings by ").append(what).append("\n\n");
        table(sb, List.of(what, "open"), m.entrySet().stream().map(e -> List.<Object>of(e.getKey(), e.getValue())).toList());
    }

    private static void items(StringBuilder sb, String title, List<DriftReport.Item> items) {
        sb.append("## ").append(title).append("\n\n");
        table(sb, List.of("severity", "kind", "principal", "account", "scenario", "events", "fix", "finding"), items.stream()
                .map(i -> List.<Object>of(i.severity(), i.kind(), i.principal(), nz(i.account()), nz(i.scenario()), i.events(),
                        i.fix() + (i.mutedBy() == null ? "" : " (muted: " + i.mutedBy() + ")"), i.id())).toList());
    }

    /** What "new since last" is measured against: a previous report (--previous, the scheduler's last) or the period alone. */
    static String comparison(DriftReport r) {
        return "previous report".equals(r.baseline()) ? "compared with the previous report"
                : "no previous report to compare with: \"new\" counts the findings opened in the period";
    }

    private static List<List<Object>> mutedRows(List<DriftReport.Muted> m) {
        return m.stream().map(x -> List.<Object>of(x.findingId(), x.rule(), x.reason(), x.owner(), String.valueOf(x.expires()))).toList();
    }

    private static void table(StringBuilder sb, List<String> head, List<List<Object>> rows) {
        if (rows.isEmpty()) {
            sb.append("_none_\n\n");
            return;
        }
        sb.append('|');
        head.forEach(h -> sb.append(' ').append(h).append(" |"));
        sb.append("\n|");
        head.forEach(h -> sb.append("---|"));
        sb.append('\n');
        rows.stream().limit(MAX_ROWS).forEach(row -> {
            sb.append('|');
            row.forEach(c -> sb.append(' ').append(Escaper.MARKDOWN.escape(String.valueOf(c), CELL)).append(" |"));
            sb.append('\n');
        });
        if (rows.size() > MAX_ROWS) {
            sb.append("\n… ").append(rows.size() - MAX_ROWS).append(" more rows in the JSON report\n");
        }
        sb.append('\n');
    }

    // ---------------------------------------------------------------- HTML

    public static String html(DriftReport r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("period", r.from() + " – " + r.to());
        v.put("generatedAt", String.valueOf(r.generatedAt()));
        v.put("comparison", comparison(r));
        v.put("totals", r.totals());
        v.put("newCount", r.newSinceLast().size());
        v.put("regressedCount", r.regressedSinceLast().size());
        v.put("breakageCount", r.predictedBreakages().size());
        v.put("groups", List.of(group("cloud", r.openByCloud()), group("account", r.openByAccount()),
                group("scenario", r.openByScenario()), group("principal", r.openByPrincipal())));
        v.put("sections", List.of(section("New since the last report", r.newSinceLast()),
                section("Resolved since the last report", r.resolvedSinceLast()),
                section("Regressed since the last report", r.regressedSinceLast()),
                section("All open findings", r.open())));
        v.put("timeToGrant", r.timeToGrant().stream().map(x -> Map.of("scenario", s(x.scenario()), "resolved", x.resolved(),
                "median", human(x.medianSeconds()), "p90", human(x.p90Seconds()))).toList());
        v.put("breakages", r.predictedBreakages().stream().map(b -> Map.of("principal", s(b.finding().principal()),
                "scenario", s(b.finding().scenario()), "change", s(change(b.change())),
                "actor", s(b.change() == null ? null : b.change().actor()),
                "time", b.change() == null ? "" : String.valueOf(b.change().time()), "fix", s(b.finding().fix()))).toList());
        v.put("noisy", r.noisiestDenials().stream().map(n -> Map.of("cloud", s(n.cloud()), "service", s(n.service()), "api", s(n.api()),
                "action", s(n.action()), "principal", s(n.principal()), "events", n.events())).toList());
        v.put("unmapped", r.unmappedDenials().stream().map(u -> Map.of("cloud", s(u.cloud()), "service", s(u.service()),
                "api", s(u.api()), "action", s(u.action()), "errorCode", s(u.errorCode()), "findings", u.findings(),
                "events", u.events())).toList());
        v.put("hasUnused", r.unusedGrants() != null);
        v.put("unusedNote", s(r.unusedNote()));
        v.put("unused", r.unusedGrants() == null ? List.of() : r.unusedGrants().stream().limit(MAX_ROWS).map(u -> Map.of(
                "principal", s(u.principal()), "account", s(u.account()), "policy", s(u.policy()), "via", s(u.via()),
                "unused", s(String.join(", ", u.unused())), "used", s(String.join(", ", u.used())),
                "smaller", u.smallerPolicy() == null ? "none used: detach it" : Sanitizer.clean(u.smallerPolicy(), POLICY),
                "note", s(u.note()))).toList());
        v.put("muted", mutedView(r.muted()));
        v.put("expired", mutedView(r.expiredMutes()));
        v.put("chartJs", chartJs());
        v.put("chartData", new String(Payloads.bytes(chartData(r)), StandardCharsets.UTF_8));
        StringWriter w = new StringWriter();
        TEMPLATE.execute(w, v);
        return w.toString();
    }

    private static Map<String, Object> chartData(DriftReport r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("buckets", r.trend().stream().map(DriftReport.TrendPoint::bucket).toList());
        d.put("opened", r.trend().stream().map(DriftReport.TrendPoint::opened).toList());
        d.put("resolved", r.trend().stream().map(DriftReport.TrendPoint::resolved).toList());
        d.put("openAtEnd", r.trend().stream().map(DriftReport.TrendPoint::openAtEnd).toList());
        d.put("scenarioLabels", r.openByScenario().keySet().stream().map(k -> Sanitizer.clean(k, 60)).toList());
        d.put("scenarioValues", new ArrayList<>(r.openByScenario().values()));
        d.put("cloudLabels", r.openByCloud().keySet().stream().map(k -> Sanitizer.clean(k, 20)).toList());
        d.put("cloudValues", new ArrayList<>(r.openByCloud().values()));
        return d;
    }

    private static Map<String, Object> group(String title, Map<String, Long> m) {
        return Map.of("title", title, "rows", m.entrySet().stream().map(e -> Map.of("key", s(e.getKey()), "value", e.getValue())).toList());
    }

    private static Map<String, Object> section(String title, List<DriftReport.Item> items) {
        return Map.of("title", title, "items", items.stream().limit(MAX_ROWS).map(i -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("severity", s(i.severity()));
            m.put("kind", s(i.kind()));
            m.put("principal", s(i.principal()));
            m.put("account", s(i.account()));
            m.put("scenario", s(i.scenario()));
            m.put("events", i.events());
            m.put("fix", s(i.fix()));
            m.put("mutedBy", i.mutedBy() == null ? null : s(i.mutedBy()));
            m.put("id", s(i.id()));
            return m;
        }).toList());
    }

    private static List<Map<String, Object>> mutedView(List<DriftReport.Muted> m) {
        return m.stream().map(x -> Map.<String, Object>of("findingId", s(x.findingId()), "rule", s(x.rule()), "reason", s(x.reason()),
                "owner", s(x.owner()), "expires", String.valueOf(x.expires()))).toList();
    }

    /** Sanitized and capped; mustache's {{ }} then HTML-escapes it. */
    private static int longestRun(String text, char c) {
        int best = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == c ? run + 1 : 0;
            best = Math.max(best, run);
        }
        return best;
    }

    private static String s(String text) {
        return Sanitizer.clean(text, CELL);
    }

    static String chartJs() {
        String version;
        try (InputStream in = ReportRenderer.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
            Properties p = new Properties();
            if (in == null) {
                throw new IllegalStateException("org.webjars.npm:chart.js is not on the classpath");
            }
            p.load(in);
            version = p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (InputStream in = ReportRenderer.class.getResourceAsStream("/META-INF/resources/webjars/chart.js/" + version + "/dist/chart.umd.js")) {
            if (in == null) {
                throw new IllegalStateException("chart.umd.js " + version + " missing from the webjar");
            }
            String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // keep the inline script unbreakable: no literal end tag, drop the source-map pointer
            return js.replace("</script", "<\\/script").replaceAll("(?m)^//# sourceMappingURL=.*$", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String change(IamChange c) {
        if (c == null) {
            return "";
        }
        // an attach (of a policy whose Deny blocks a feature) names what it attached, not a removal
        boolean attach = c.action() != null && c.action().toLowerCase(Locale.ROOT).startsWith("attach");
        return nz(c.action()) + " " + nz(c.target()) + (c.removed() == null ? "" : (attach ? " attached " : " removed ") + c.removed());
    }

    public static String human(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        if (d.toDays() > 0) {
            return d.toDays() + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
