package io.grantwatch.app.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import io.grantwatch.alerts.Severity;
import io.grantwatch.model.Citation;
import io.grantwatch.model.CitationKind;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Evidence;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingAction;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.IamChange;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.PolicyDocument;
import io.grantwatch.model.Principal;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.ScenarioCandidate;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.text.UnsafeText;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The console's HTML, rendered from mustache templates ({@code io/grantwatch/app/console/*.mustache}). Every value from
 * a finding is event text (attacker-controlled): it goes through {@link #text} (control, bidi and zero-width
 * characters become U+FFFD) and then mustache's {@code {{ }}} HTML escaping, which also covers attribute values; the
 * addresses this class builds are percent-encoded; a citation becomes a link only with an http(s) address. Times are
 * ISO-8601 UTC to the second.
 */
public final class ConsolePages {
    private static final DefaultMustacheFactory TEMPLATES = new DefaultMustacheFactory("io/grantwatch/app/console");
    private static final Mustache LIST = TEMPLATES.compile("list.mustache");
    private static final Mustache FINDING = TEMPLATES.compile("finding.mustache");
    private static final Mustache MESSAGE = TEMPLATES.compile("message.mustache");
    /** How long a mute lasts when the form does not say (the mute rules always need an expiry). */
    public static final List<Integer> MUTE_DAYS = List.of(1, 7, 30, 90, 365);

    private ConsolePages() {
    }

    /** The findings list: filters, sortable columns, one page of rows, links to the other pages. */
    public static String list(FindingsView.Page page, List<String> problems) {
        FindingsView.Query q = page.query();
        Map<String, Object> m = new HashMap<>();
        m.put("problems", problems.stream().map(ConsolePages::text).toList());
        m.put("q", text(q.q()));
        m.put("account", text(q.account()));
        m.put("principal", text(q.principal()));
        m.put("scenario", text(q.scenario()));
        m.put("clouds", options(q.cloud() == null ? "" : q.cloud().wire(), "any cloud",
                Arrays.stream(Cloud.values()).map(Cloud::wire).toList()));
        m.put("kinds", options(q.kind() == null ? "" : q.kind().name(), "any kind",
                Arrays.stream(FindingKind.values()).map(Enum::name).toList()));
        m.put("severities", options(q.severity() == null ? "" : q.severity().name(), "any severity",
                Arrays.stream(Severity.values()).sorted(Comparator.reverseOrder()).map(Enum::name).toList()));
        // the filter form keeps the order and page size (a new filter starts at page 1)
        m.put("keep", q.parameters().entrySet().stream().filter(e -> List.of("sort", "dir", "size").contains(e.getKey()))
                .map(e -> Map.of("name", e.getKey(), "value", text(e.getValue()))).toList());
        m.put("statuses", options(q.status() == FindingsView.StatusFilter.ACTIVE ? "" : lower(q.status()), "active (open, acknowledged)",
                Arrays.stream(FindingsView.StatusFilter.values()).filter(s -> s != FindingsView.StatusFilter.ACTIVE)
                        .map(ConsolePages::lower).toList()));
        List<Map<String, Object>> columns = new ArrayList<>();
        column(columns, q, "Severity", FindingsView.Sort.SEVERITY);
        column(columns, q, "Kind", FindingsView.Sort.KIND);
        column(columns, q, "Principal", FindingsView.Sort.PRINCIPAL);
        column(columns, q, "Scenario", FindingsView.Sort.SCENARIO);
        column(columns, q, "Cloud", FindingsView.Sort.CLOUD);
        column(columns, q, "Denied / change", null);
        column(columns, q, "Events", FindingsView.Sort.EVENTS);
        column(columns, q, "Updated", FindingsView.Sort.UPDATED);
        column(columns, q, "Status", null);
        m.put("columns", columns);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (FindingsView.Row r : page.rows()) {
            Finding f = r.finding();
            Principal p = FindingsView.principalOf(f);
            Evidence e = f.evidence();
            Map<String, Object> row = new HashMap<>();
            row.put("id", text(f.id()));
            row.put("href", findingHref(f.id()));
            row.put("severity", r.severity().name());
            row.put("severityClass", lower(r.severity()));
            row.put("kind", f.kind().name());
            row.put("principal", text(p.display()));
            row.put("account", text(p.accountId()));
            row.put("scenario", text(f.scenarioId() == null ? "(unmapped)" : f.scenarioId()));
            row.put("cloud", f.cloud() == null ? "" : f.cloud().wire());
            row.put("denied", text(e == null ? "" : (denial(f) ? "" : evidenceLabel(f) + ": ") + call(e)));
            row.put("count", e == null ? 0 : e.count());
            row.put("updated", time(f.updatedAt()));
            row.put("status", r.status().name());
            row.put("statusClass", lower(r.status()));
            rows.add(row);
        }
        m.put("rows", rows);
        m.put("total", page.total());
        m.put("page", page.page());
        m.put("pages", page.pages());
        if (page.page() > 1) {
            m.put("prev", listHref(q.withPage(page.page() - 1)));
        }
        if (page.page() < page.pages()) {
            m.put("next", listHref(q.withPage(page.page() + 1)));
        }
        return render(LIST, m);
    }

    /** One finding: facts, the decision in force with its forms, ranking, timeline, missing grants, every form of the fix. */
    public static String finding(Finding f, FindingsView.Status status, FindingAction action, Remediation fix, String csrf,
            Instant now) {
        Principal p = FindingsView.principalOf(f);
        Evidence e = f.evidence();
        Severity severity = Severity.of(f);
        Map<String, Object> m = new HashMap<>();
        m.put("id", text(f.id()));
        m.put("action", findingHref(f.id()));
        m.put("csrf", csrf);
        m.put("kind", f.kind().name());
        m.put("principal", text(p.display()));
        m.put("principalKey", f.principal() == null ? "" : text(p.key()));
        m.put("account", text(p.accountId()));
        m.put("cloud", f.cloud() == null ? "" : f.cloud().wire());
        m.put("scenario", text(f.scenarioId() == null ? "(unmapped)" : f.scenarioId()));
        m.put("scenarioTitle", text(f.scenarioTitle()));
        m.put("severity", severity.name());
        m.put("severityClass", lower(severity));
        m.put("severityWhy", Severity.why(f));
        m.put("confidence", String.format(Locale.ROOT, "%.2f", f.confidence()));
        m.put("status", status.name());
        m.put("statusClass", lower(status));
        m.put("catalogVersion", text(f.catalogVersion()));
        m.put("updated", time(f.updatedAt()));
        m.put("resolvedAt", time(f.resolvedAt()));
        m.put("muteDays", MUTE_DAYS.stream().map(d -> Map.of("days", d, "selected", d == 30)).toList());
        m.put("canMute", status == FindingsView.Status.OPEN || status == FindingsView.Status.ACKNOWLEDGED);
        m.put("canAcknowledge", status == FindingsView.Status.OPEN);
        m.put("canReopen", status == FindingsView.Status.MUTED || status == FindingsView.Status.ACKNOWLEDGED);
        if (action != null) {
            Map<String, Object> a = new HashMap<>();
            a.put("what", switch (action.action()) {
                case MUTE -> action.mutes(now) ? "Muted" : "Mute expired";
                case ACKNOWLEDGE -> "Acknowledged";
                case REOPEN -> "Re-opened";
            });
            a.put("owner", text(action.owner()));
            a.put("reason", text(action.reason()));
            a.put("at", time(action.at()));
            a.put("expires", time(action.expires()));
            m.put("decision", a);
        }
        m.put("ranking", f.ranking().stream().map(c -> candidate(c, f.scenarioId())).toList());
        m.put("timeline", timeline(f));
        if (e != null) {
            m.put("evidence", List.of(fact("Service", e.service()), fact("API", e.api()), fact("Denied action", e.deniedAction()),
                    fact("Resource", e.resource()), fact("Error code", e.errorCode()), fact("Error message", e.errorMessage()))
                    .stream().filter(x -> !((String) x.get("value")).isEmpty()).toList());
        }
        m.put("missing", f.missing().stream().map(ConsolePages::missing).toList());
        m.put("hasKnownDenies", !f.knownDenies().isEmpty());
        m.put("knownDenies", f.knownDenies().stream().map(d -> text(d.policy() + " (" + d.policyType() + ")")).toList());
        m.put("remediation", remediation(fix));
        return render(FINDING, m);
    }

    /** A short page for an error (no such finding, a refused form). */
    public static String message(String title, String detail) {
        return render(MESSAGE, Map.of("title", text(title), "detail", text(detail)));
    }

    private static Map<String, Object> remediation(Remediation r) {
        Map<String, Object> m = new HashMap<>();
        m.put("summary", text(r.summary()));
        List<Map<String, Object>> blocks = new ArrayList<>();
        int n = 0;
        for (PolicyDocument d : r.policies()) {
            String title = "Policy JSON: " + d.name() + " (" + d.kind() + (d.attachTo() == null ? "" : ", attach to " + d.attachTo()) + ")";
            blocks.add(block("policy-" + n++, "policy", title, pretty(d)));
        }
        if (!r.cliCommands().isEmpty()) {
            blocks.add(block("cli", "cli", f(r) + " CLI", String.join("\n", r.cliCommands())));
        }
        if (r.terraform() != null && !r.terraform().isBlank()) {
            blocks.add(block("terraform", "terraform", "Terraform", r.terraform()));
        }
        if (!r.steps().isEmpty()) {
            List<String> steps = new ArrayList<>();
            for (int i = 0; i < r.steps().size(); i++) {
                steps.add((i + 1) + ". " + r.steps().get(i));
            }
            blocks.add(block("steps", "steps", "Console steps", String.join("\n", steps)));
        }
        m.put("blocks", blocks);
        m.put("hasSystemPolicies", !r.systemPolicies().isEmpty());
        m.put("hasCitations", !r.citations().isEmpty());
        m.put("systemPolicies", r.systemPolicies().stream().map(ConsolePages::text).toList());
        m.put("citations", r.citations().stream().map(ConsolePages::citation).toList());
        return m;
    }

    private static String f(Remediation r) {
        return r.cloud() == null ? "" : switch (r.cloud()) {
            case ALIBABA -> "aliyun";
            case HUAWEI -> "hcloud";
        };
    }

    private static String pretty(PolicyDocument d) {
        try {
            return Json.wire().writerWithDefaultPrettyPrinter().writeValueAsString(d.document());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot print policy " + d.name(), e);
        }
    }

    private static Map<String, Object> block(String id, String kind, String title, String body) {
        return Map.of("blockId", id, "blockKind", kind, "title", text(title), "body", multiline(body));
    }

    private static Map<String, Object> candidate(ScenarioCandidate c, String chosen) {
        return Map.of("scenario", text(c.scenarioId()), "score", String.format(Locale.ROOT, "%.2f", c.score()),
                "chosen", c.scenarioId() != null && c.scenarioId().equals(chosen),
                "reasons", c.reasons().stream().map(ConsolePages::text).toList());
    }

    /** What the finding carries about when things happened, oldest first. */
    private static List<Map<String, Object>> timeline(Finding f) {
        record Entry(Instant at, String what, List<String> events) {
        }
        List<Entry> entries = new ArrayList<>();
        IamChange c = f.change();
        if (c != null) {
            entries.add(new Entry(c.time(), "IAM change " + c.action() + " by " + c.actor() + " on " + c.target()
                    + (c.removed() == null ? "" : ", removed " + c.removed()), c.eventId() == null ? List.of() : List.of(c.eventId())));
        }
        Evidence e = f.evidence();
        if (e != null && !denial(f)) {
            // the evidence of a drift or scope finding is the event that caused it, not a denial (nothing was denied yet)
            boolean sameAsChange = c != null && c.eventId() != null && e.eventIds().equals(List.of(c.eventId()));
            if (!sameAsChange) {
                entries.add(new Entry(e.firstSeen(), evidenceLabel(f) + ": " + call(e), e.eventIds()));
            }
            if (f.kind() == FindingKind.PREDICTED_BREAKAGE) {
                entries.add(new Entry(e.firstSeen(), "Predicted breakage: nothing has been denied yet", List.of()));
            }
        } else if (e != null) {
            String call = call(e);
            boolean one = e.count() <= 1 || e.firstSeen() == null || e.firstSeen().equals(e.lastSeen());
            entries.add(new Entry(e.firstSeen(), (one ? "Denied: " : "First denial: ") + call
                    + (e.errorCode() == null ? "" : " (" + e.errorCode() + ")"), one ? e.eventIds() : List.of()));
            if (!one) {
                entries.add(new Entry(e.lastSeen(), "Latest denial, " + e.count() + " events in all; the most recent event ids:",
                        e.eventIds()));
            }
        }
        if (f.resolvedAt() != null) {
            entries.add(new Entry(f.resolvedAt(), "Resolved" + (f.timeToGrant() == null ? ""
                    : " " + f.timeToGrant().truncatedTo(ChronoUnit.SECONDS).toString().substring(2).toLowerCase(Locale.ROOT)
                    + " after the first denial"), List.of()));
        }
        return entries.stream()
                .sorted(Comparator.comparing(Entry::at, Comparator.nullsLast(Comparator.naturalOrder())))
                .map(x -> Map.<String, Object>of("at", time(x.at()), "what", text(x.what()),
                        "events", x.events().stream().map(ConsolePages::text).toList(), "hasEvents", !x.events().isEmpty()))
                .toList();
    }

    /** Whether a finding's evidence is denied calls; a PREDICTED_BREAKAGE's is the IAM change, an OVER_REACH's the agency's event. */
    static boolean denial(Finding f) {
        return f.kind() != FindingKind.PREDICTED_BREAKAGE && f.kind() != FindingKind.OVER_REACH;
    }

    /** What the evidence event is, for a finding whose evidence is not a denial. */
    private static String evidenceLabel(Finding f) {
        return f.kind() == FindingKind.PREDICTED_BREAKAGE ? "IAM change" : "Agency event";
    }

    private static String call(Evidence e) {
        return e.deniedAction() != null ? e.deniedAction() : e.api();
    }

    private static Map<String, Object> missing(MissingGrant g) {
        Map<String, Object> m = new HashMap<>();
        m.put("type", g.grant().type().name());
        m.put("value", text(g.grant().value()));
        m.put("resource", text(g.grant().resource()));
        m.put("certainty", g.certainty() == null ? "" : g.certainty().name());
        m.put("certaintyClass", g.certainty() == null ? "" : lower(g.certainty()));
        m.put("holder", g.holder() == null ? "" : g.holder().name());
        m.put("reason", text(g.reason()));
        m.put("systemPolicy", text(g.systemPolicy()));
        m.put("source", g.citation() == null ? null : citation(g.citation()));
        return m;
    }

    private static Map<String, Object> citation(Citation c) {
        Map<String, Object> m = new HashMap<>();
        m.put("kind", switch (c.kind()) {
            case SEED -> "seed";
            case VENDOR_REFERENCE -> "vendor reference";
            case NONE -> "no documented source";
        });
        m.put("label", text(c.seed() + (c.section() == null ? "" : " § " + c.section())));
        String url = c.url();
        if (c.kind() != CitationKind.NONE && url != null && (url.startsWith("https://") || url.startsWith("http://"))) {
            m.put("url", text(url));
        }
        return m;
    }

    private static Map<String, Object> fact(String label, String value) {
        return Map.of("label", label, "value", text(value));
    }

    private static void column(List<Map<String, Object>> columns, FindingsView.Query q, String label, FindingsView.Sort sort) {
        Map<String, Object> c = new HashMap<>();
        c.put("label", label);
        if (sort != null) {
            c.put("href", listHref(q.sortedBy(sort)));
            c.put("arrow", q.sort() == sort ? (q.ascending() ? " ▲" : " ▼") : "");
        }
        columns.add(c);
    }

    private static List<Map<String, Object>> options(String selected, String anyLabel, List<String> values) {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(Map.of("value", "", "label", anyLabel, "selected", selected.isEmpty()));
        for (String v : values) {
            out.add(Map.of("value", v.toLowerCase(Locale.ROOT), "label", v, "selected", v.equalsIgnoreCase(selected)));
        }
        return out;
    }

    /** The stable address of a list: {@code /findings} and the query's non-default parameters in a fixed order. */
    public static String listHref(FindingsView.Query q) {
        String query = q.parameters().entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return "/findings" + (query.isEmpty() ? "" : "?" + query);
    }

    public static String findingHref(String id) {
        return "/findings/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** ISO-8601 UTC to the second; empty for none. */
    static String time(Instant t) {
        return t == null ? "" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Event text for one line of a page: unsafe code points become U+FFFD (mustache then HTML-escapes it). */
    static String text(String s) {
        return UnsafeText.oneLine(s);
    }

    /** As {@link #text}, line by line, keeping the line breaks of a policy, a script or a list of steps. */
    static String multiline(String s) {
        return s == null ? "" : s.lines().map(UnsafeText::oneLine).collect(Collectors.joining("\n"));
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String render(Mustache template, Object scope) {
        StringWriter out = new StringWriter();
        template.execute(out, scope);
        return out.toString();
    }
}
