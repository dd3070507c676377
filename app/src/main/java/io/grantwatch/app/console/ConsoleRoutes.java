package io.grantwatch.app.console;

import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.app.runtime.ClusterFindings;
import io.grantwatch.app.runtime.FindingsApi;
import io.grantwatch.app.runtime.HttpServer;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingAction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The findings console's routes on {@link HttpServer}:
 *
 * <ul>
 *   <li>{@code GET /} and {@code GET /findings} — the list ({@link FindingsView.Query} parameters)</li>
 *   <li>{@code GET /findings/<id>} — one finding with its fix</li>
 *   <li>{@code POST /findings/<id>} — a decision: {@code action=mute} (with {@code reason}, {@code owner} and
 *   {@code days} or {@code expires}), {@code action=acknowledge} or {@code action=reopen} ({@code reason} and
 *   {@code owner} optional); written to the actions topic ({@link ActionLog}), then 303 to the finding</li>
 *   <li>{@code GET /console/console.css}, {@code /console/console.js} — the only assets (no CDN)</li>
 * </ul>
 *
 * With several {@code run} instances, any one shows all findings ({@link ClusterFindings}: the others are asked for
 * their open ones; a resolved finding is listed by the instance that holds it) and decisions apply everywhere (each
 * instance reads the whole actions topic). Pages carry a Content-Security-Policy that allows only this server's script and style: an injected tag or
 * attribute could not run even if escaping failed.
 */
public final class ConsoleRoutes {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final int MAX_FINDINGS = 10_000;
    /** The most /api/findings gives in one answer: what the other instances are asked for. */
    private static final int MAX_REMOTE = 5000;
    private static final String HTML = "text/html; charset=utf-8";

    private final ClusterFindings store;
    private final FindingsView view;
    private final ActionLog actions;
    private final RemediationPlanner planner;
    private final Supplier<Instant> clock;

    public ConsoleRoutes(ClusterFindings store, FindingsView view, ActionLog actions, RemediationPlanner planner,
            Supplier<Instant> clock) {
        this.store = store;
        this.view = view;
        this.actions = actions;
        this.planner = planner;
        this.clock = clock;
    }

    public void register(HttpServer http) {
        http.routeAuthenticated("/", false, this::list);
        http.routeAuthenticated("/findings", true, exchange -> {
            if (exchange.path().equals("/findings")) {
                list(exchange);
            } else {
                finding(exchange, http.csrfToken());
            }
        });
        http.routeAction("/findings", true, this::act);
        http.route("/console/console.css", exchange -> asset(exchange, "console.css", "text/css; charset=utf-8"));
        http.route("/console/console.js", exchange -> asset(exchange, "console.js", "text/javascript; charset=utf-8"));
    }

    private void list(HttpServer.Exchange exchange) throws IOException {
        FindingsView.Query query;
        List<String> problems = new ArrayList<>();
        boolean valid = true;
        try {
            String twice = FindingsApi.repeated(exchange.rawQuery());
            if (twice != null) {
                throw new IllegalArgumentException("parameter " + twice + " is given more than once");
            }
            query = FindingsView.Query.parse(FindingsApi.query(exchange.rawQuery()));
        } catch (IllegalArgumentException e) {
            query = FindingsView.Query.defaults();
            problems.add(e.getMessage() + "; showing the default list");
            valid = false;
        }
        try {
            // here resolved ones too, for status=resolved and all (the default list shows the active ones); the others' open ones
            ClusterFindings.Answer all = store.query(local -> local.held(MAX_FINDINGS), "limit=" + MAX_REMOTE, false);
            if (!all.unavailable().isEmpty()) {
                problems.add("Not shown: the findings of " + all.unavailable() + ", which did not answer");
            }
            page(exchange, valid ? 200 : 400, ConsolePages.list(view.select(all.findings(), query, clock.get()), problems));
        } catch (InvalidStateStoreException e) {
            notReady(exchange);
        }
    }

    private void finding(HttpServer.Exchange exchange, String csrf) throws IOException {
        String id = exchange.path().substring("/findings/".length());
        try {
            Optional<Finding> found = store.get(id, false);
            if (found.isEmpty()) {
                page(exchange, 404, ConsolePages.message("No such finding",
                        "No finding " + id + " (resolved findings are kept only while their principal is tracked)."));
                return;
            }
            Finding f = found.get();
            Instant now = clock.get();
            page(exchange, 200, ConsolePages.finding(f, view.status(f, now), view.action(f.id()).orElse(null), planner.plan(f), csrf, now));
        } catch (InvalidStateStoreException e) {
            notReady(exchange);
        }
    }

    private void act(HttpServer.Exchange exchange) throws IOException {
        String id = exchange.path().substring("/findings/".length());
        Map<String, String> form = exchange.form();
        FindingAction action;
        try {
            if (store.get(id, false).isEmpty()) {
                page(exchange, 404, ConsolePages.message("No such finding", "No finding " + id + "."));
                return;
            }
            action = action(id, form, clock.get());
        } catch (InvalidStateStoreException e) {
            notReady(exchange);
            return;
        } catch (IllegalArgumentException | NullPointerException e) {
            page(exchange, 400, ConsolePages.message("Not recorded", e.getMessage()));
            return;
        }
        try {
            actions.record(action);
        } catch (TimeoutException | IllegalStateException e) {
            page(exchange, 503, ConsolePages.message("Not confirmed", e.getMessage()));
            return;
        }
        HttpServer.redirect(exchange, ConsolePages.findingHref(id));
    }

    /** The decision a form asks for; an IllegalArgumentException says what is missing. */
    static FindingAction action(String id, Map<String, String> form, Instant now) {
        String kind = form.getOrDefault("action", "");
        String reason = capped("reason", form.get("reason"), 500);
        String owner = capped("owner", form.get("owner"), 200);
        return switch (kind) {
            case "mute" -> new FindingAction(id, FindingAction.Kind.MUTE, reason, owner, expires(form, now), now);
            case "acknowledge" -> new FindingAction(id, FindingAction.Kind.ACKNOWLEDGE, reason, owner, null, now);
            case "reopen" -> new FindingAction(id, FindingAction.Kind.REOPEN, reason, owner, null, now);
            default -> throw new IllegalArgumentException("action must be mute, acknowledge or reopen");
        };
    }

    /** The longest a mute may last: the form's longest choice (a mute is a decision to look again, never forever). */
    static final Duration MAX_MUTE = Duration.ofDays(365);

    /**
     * {@code expires} as a date (the mute ends as that day begins, UTC) or an instant, else {@code days} from now; to the
     * second, at most {@link #MAX_MUTE} ahead; both given at once is refused (one would be silently ignored).
     */
    private static Instant expires(Map<String, String> form, Instant now) {
        String expires = blankToNull(form.get("expires"));
        String days = blankToNull(form.get("days"));
        if (expires != null && days != null) {
            throw new IllegalArgumentException("give days or expires, not both (expires=" + expires + ", days=" + days + ")");
        }
        Instant end;
        if (expires != null) {
            try {
                end = expires.length() == 10 ? LocalDate.parse(expires).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(expires);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("expires must be a date (2027-01-31) or an ISO instant");
            }
            if (end.isAfter(now.plus(MAX_MUTE))) {
                throw new IllegalArgumentException("expires must be within " + MAX_MUTE.toDays() + " days (by "
                        + ConsolePages.time(now.plus(MAX_MUTE)) + "): a mute is never permanent");
            }
        } else {
            if (days == null || !ConsolePages.MUTE_DAYS.contains(parse(days))) {
                throw new IllegalArgumentException("a mute needs an expiry: days (one of " + ConsolePages.MUTE_DAYS + ") or expires");
            }
            end = now.plus(Duration.ofDays(parse(days)));
        }
        return end.truncatedTo(ChronoUnit.SECONDS);
    }

    private static Integer parse(String n) {
        try {
            return Integer.valueOf(n);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The field, blank as null; longer than the form allows is refused (the form's maxlength is only the browser's). */
    private static String capped(String name, String value, int max) {
        String v = blankToNull(value);
        if (v != null && v.codePointCount(0, v.length()) > max) {
            throw new IllegalArgumentException(name + " is longer than " + max + " characters");
        }
        return v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static void page(HttpServer.Exchange exchange, int status, String html) {
        exchange.setHeader("Content-Security-Policy", CSP);
        exchange.setHeader("X-Frame-Options", "DENY");
        // same-origin, not no-referrer: with no-referrer Chromium posts forms with "Origin: null", which the POST rule refuses
        exchange.setHeader("Referrer-Policy", "same-origin");
        HttpServer.respond(exchange, status, HTML, html);
    }

    private static void notReady(HttpServer.Exchange exchange) {
        exchange.setHeader("Retry-After", "2");
        page(exchange, 503, ConsolePages.message("Starting", "The detector's state store is not ready yet; reload in a moment."));
    }

    private static void asset(HttpServer.Exchange exchange, String name, String type) throws IOException {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                HttpServer.respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
                return;
            }
            HttpServer.respond(exchange, 200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
