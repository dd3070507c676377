package io.grantwatch.app.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.grantwatch.alerts.dispatch.MuteRule;
import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.alerts.report.DriftReport;
import io.grantwatch.alerts.report.ReportBuilder;
import io.grantwatch.alerts.report.ReportRenderer;
import io.grantwatch.detector.streams.StoredFindings;
import io.grantwatch.model.Finding;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The read-only findings API and the live dashboard, served from the detector's {@code principal-findings}
 * state store of this process:
 *
 * <ul>
 *   <li>{@code GET /api/findings} — open findings as a JSON array; filters {@code principal} (a user,
 *   role or agency name such as {@code alice}, or a principal key such as {@code 1704.../user/alice}),
 *   {@code account}, {@code scenario}, {@code cloud} ({@code alibaba}, {@code huawei}), {@code kind} (a
 *   finding kind); {@code limit} (default 500, at most 5000). An unknown parameter or value is a 400
 *   that says what is allowed.</li>
 *   <li>{@code GET /api/findings/<id>} — one finding, or 404</li>
 *   <li>{@code GET /dashboard} — the drift report of the open findings (alerts' HTML renderer), live</li>
 * </ul>
 *
 * While the store is not queryable (starting, rebalancing) the answer is 503 with Retry-After.
 * With several detectors, each holds the findings of the partitions it owns and asks the others
 * ({@link ClusterFindings}), so any instance answers for all; {@code scope=local} keeps a query on one.
 */
public final class FindingsApi {
    private static final int DEFAULT_LIMIT = 500;
    private static final int MAX_LIMIT = 5000;

    private final ClusterFindings findings;
    private final ReportBuilder reports;

    public FindingsApi(Supplier<StoredFindings> store) {
        this(ClusterFindings.localOnly(store), new RemediationPlanner());
    }

    /**
     * @param findings this instance's store and the other instances' (each answers for its partitions)
     * @param planner  the planner every other output uses, so the dashboard shows the same remediation
     */
    public FindingsApi(ClusterFindings findings, RemediationPlanner planner) {
        this(findings, planner, MuteRules.none(), now -> List.of());
    }

    /** With the mutes the dashboard marks: the configured ones and those decided in the console. */
    public FindingsApi(ClusterFindings findings, RemediationPlanner planner, MuteRules configured, Function<Instant, List<MuteRule>> decided) {
        this.findings = findings;
        this.reports = new ReportBuilder(planner, configured, decided);
    }

    /** Adds the routes to the server. */
    public void register(HttpServer http) {
        http.routeAuthenticated("/api/findings", true, this::findings);
        http.routeAuthenticated("/dashboard", false, this::dashboard);
    }

    private void findings(HttpServer.Exchange exchange) throws IOException {
        String path = exchange.path();
        Map<String, String> query;
        String twice;
        try {
            query = query(exchange.rawQuery());
            twice = repeated(exchange.rawQuery());
        } catch (IllegalArgumentException e) {
            HttpServer.respond(exchange, 400, "application/json", "{\"error\":\"malformed query string\"}\n");
            return;
        }
        if (twice != null) {
            HttpServer.respond(exchange, 400, "application/json", json(Map.of("error", "parameter " + twice + " is given more than once")));
            return;
        }
        boolean localOnly = "local".equals(query.get(ClusterFindings.SCOPE));
        try {
            if (path.startsWith("/api/findings/") && path.length() > "/api/findings/".length()) {
                String id = path.substring("/api/findings/".length());
                Optional<Finding> finding = findings.get(id, localOnly);
                if (finding.isEmpty()) {
                    HttpServer.respond(exchange, 404, "application/json", "{\"error\":\"no open finding with this id\"}\n");
                } else {
                    HttpServer.respond(exchange, 200, "application/json", json(finding.get()));
                }
                return;
            }
            if (!path.equals("/api/findings") && !path.equals("/api/findings/")) {
                HttpServer.respond(exchange, 404, "application/json", "{\"error\":\"not found\"}\n");
                return;
            }
            int limit;
            try {
                limit = Math.min(MAX_LIMIT, Math.max(1, Integer.parseInt(query.getOrDefault("limit", "" + DEFAULT_LIMIT))));
            } catch (NumberFormatException e) {
                HttpServer.respond(exchange, 400, "application/json", "{\"error\":\"limit must be a number\"}\n");
                return;
            }
            String invalid = invalid(query);
            if (invalid != null) {
                HttpServer.respond(exchange, 400, "application/json", json(Map.of("error", invalid)));
                return;
            }
            Predicate<Finding> filter = filter(query);
            String principal = query.get("principal");
            ClusterFindings.Answer answer = findings.query(store -> (principal != null && principal.contains("/")
                    ? store.ofPrincipal(principal, MAX_LIMIT) : store.open(MAX_LIMIT)).stream().filter(filter).limit(limit).toList(),
                    exchange.rawQuery(), localOnly);
            List<Finding> selected = answer.findings().stream().filter(filter).limit(limit).toList();
            if (!answer.unavailable().isEmpty()) {
                // a partial list says so: the instances that hold the rest did not answer
                exchange.setHeader("X-GrantWatch-Unavailable", String.join(",", answer.unavailable()));
            }
            HttpServer.respond(exchange, 200, "application/json", json(selected));
        } catch (InvalidStateStoreException e) {
            notReady(exchange);
        }
    }

    private static final List<String> PARAMETERS = List.of("principal", "account", "scenario", "cloud", "kind", "limit",
            ClusterFindings.SCOPE);

    /** What is wrong with the query (an unknown parameter or value), or null. */
    private static String invalid(Map<String, String> query) {
        for (String name : query.keySet()) {
            if (!PARAMETERS.contains(name)) {
                return "unknown parameter '" + io.grantwatch.model.text.UnsafeText.oneLine(name) + "'; the filters are " + PARAMETERS;
            }
        }
        String scope = query.get(ClusterFindings.SCOPE);
        if (scope != null && !scope.equals("local")) {
            return "scope must be local (this instance's partitions only; without it every instance answers)";
        }
        String cloud = query.get("cloud");
        if (cloud != null && Arrays.stream(io.grantwatch.model.Cloud.values()).noneMatch(c -> c.wire().equalsIgnoreCase(cloud))) {
            return "cloud must be one of " + Arrays.stream(io.grantwatch.model.Cloud.values()).map(io.grantwatch.model.Cloud::wire).toList();
        }
        String kind = query.get("kind");
        if (kind != null && Arrays.stream(io.grantwatch.model.FindingKind.values()).noneMatch(k -> k.name().equalsIgnoreCase(kind))) {
            return "kind must be one of " + Arrays.stream(io.grantwatch.model.FindingKind.values()).map(Enum::name).toList();
        }
        return null;
    }

    private static Predicate<Finding> filter(Map<String, String> query) {
        Predicate<Finding> filter = f -> true;
        String principal = query.get("principal");
        if (principal != null && !principal.contains("/")) {
            // a name: the user's name, or the role's / agency's name (with or without its session)
            filter = filter.and(f -> f.principal() != null && (principal.equals(f.principal().name())
                    || principal.equals(f.principal().roleName())));
        }
        String account = query.get("account");
        if (account != null) {
            filter = filter.and(f -> f.principal() != null && account.equals(f.principal().accountId()));
        }
        String scenario = query.get("scenario");
        if (scenario != null) {
            filter = filter.and(f -> scenario.equals(f.scenarioId()));
        }
        String cloud = query.get("cloud");
        if (cloud != null) {
            filter = filter.and(f -> f.cloud().wire().equalsIgnoreCase(cloud));
        }
        String kind = query.get("kind");
        if (kind != null) {
            filter = filter.and(f -> f.kind().name().equalsIgnoreCase(kind));
        }
        return filter;
    }

    private void dashboard(HttpServer.Exchange exchange) throws IOException {
        if (!exchange.path().equals("/dashboard")) {
            HttpServer.respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            return;
        }
        try {
            Instant now = Instant.now();
            List<Finding> open = findings.query(store -> store.open(MAX_LIMIT), "limit=" + MAX_LIMIT, false).findings();
            DriftReport report = reports.build(open, now.minus(Duration.ofDays(7)), now, Map.of(), now);
            exchange.setHeader("X-Frame-Options", "DENY");
            exchange.setHeader("Refresh", "30");
            HttpServer.respond(exchange, 200, "text/html; charset=utf-8", ReportRenderer.html(report));
        } catch (InvalidStateStoreException e) {
            notReady(exchange);
        }
    }

    private static void notReady(HttpServer.Exchange exchange) throws IOException {
        exchange.setHeader("Retry-After", "2");
        HttpServer.respond(exchange, 503, "application/json", "{\"error\":\"the detector's state store is not ready yet\"}\n");
    }

    private static String json(Object value) {
        try {
            return Json.wire().writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write findings as JSON", e);
        }
    }

    /** The first parameter a query string gives more than once (decoded), or null: taking one of them silently would mislead. */
    public static String repeated(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        Set<String> seen = new HashSet<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (!key.isEmpty() && !seen.add(key)) {
                return key;
            }
        }
        return null;
    }

    public static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(key, value);
        }
        return out;
    }
}
