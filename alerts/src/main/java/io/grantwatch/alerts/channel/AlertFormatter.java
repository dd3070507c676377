package io.grantwatch.alerts.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.grantwatch.alerts.escape.Escaper;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Evidence;
import io.grantwatch.model.Finding;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.PolicyDocument;
import io.grantwatch.model.Principal;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns alerts into human text for one markup dialect. Every event-derived string passes the
 * dialect's {@link Escaper}; our own labels and planner output (already built from validated
 * names) pass it too, so nothing reaches a channel unescaped.
 */
public final class AlertFormatter {
    /** How much of the remediation fits: payload limits step down FULL → COMPACT → MINIMAL. */
    public enum Detail { FULL, COMPACT, MINIMAL }

    /** Markup dialects: bold and code syntax differ, escaping is the escaper's job. */
    public enum Dialect {
        SLACK("*", "```", Escaper.SLACK), MARKDOWN("**", "```", Escaper.MARKDOWN), PLAIN("", "", Escaper.PLAIN);

        final String bold;
        final String fence;
        final Escaper escaper;

        Dialect(String bold, String fence, Escaper escaper) {
            this.bold = bold;
            this.fence = fence;
            this.escaper = escaper;
        }
    }

    private AlertFormatter() {
    }

    public static String title(Alert a, Escaper e) {
        Finding f = a.finding();
        String kind = f.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        String who = principal(f.principal());
        String scenario = f.scenarioTitle() != null ? f.scenarioTitle() : f.scenarioId();
        return "[" + a.severity() + "] " + (f.open() ? "" : "resolved: ") + e.escape(kind, 40) + ": " + e.escape(who, 120)
                + (scenario == null ? "" : " · " + e.escape(scenario, 120));
    }

    /** Label / escaped value pairs. */
    public static List<String[]> facts(Alert a, Escaper e) {
        Finding f = a.finding();
        List<String[]> out = new ArrayList<>();
        add(out, "Cloud", f.cloud() == null ? null : f.cloud().wire(), e);
        add(out, "Account", f.principal() == null ? null : f.principal().accountId(), e);
        add(out, "Principal", principal(f.principal()), e);
        add(out, "Scenario", f.scenarioId(), e);
        Evidence ev = f.evidence();
        if (ev != null) {
            add(out, "Denied", join(ev.service(), ev.api(), ev.deniedAction()), e);
            add(out, "Resource", ev.resource(), e);
            add(out, "Error", join(ev.errorCode(), ev.errorMessage(), null), e);
            add(out, "Events", ev.count() + (ev.lastSeen() == null ? "" : ", last " + ev.lastSeen()), e);
        }
        if (f.change() != null) {
            add(out, "IAM change", join(f.change().action(), f.change().target(), f.change().removed())
                    + (f.change().actor() == null ? "" : " by " + f.change().actor()), e);
        }
        for (io.grantwatch.model.Excess x : f.excess()) {
            add(out, "Beyond need", x.policy() + " (" + x.via() + "): " + String.join(", ", x.actions()), e);
        }
        boolean overReach = f.kind() == io.grantwatch.model.FindingKind.OVER_REACH;
        for (MissingGrant m : f.missing()) {
            add(out, overReach ? "Needed" : "Missing", m.grant().type() + " " + m.grant().value()
                    + (m.grant().resource() == null ? "" : " on " + m.grant().resource())
                    + (m.certainty() == null ? "" : " (" + m.certainty() + ")"), e);
        }
        return out;
    }

    public static String render(List<Alert> alerts, Dialect d, Detail detail) {
        return alerts.size() == 1 ? single(alerts.get(0), d, detail) : digest(alerts, d, detail);
    }

    static String single(Alert a, Dialect d, Detail detail) {
        Escaper e = d.escaper;
        StringBuilder sb = new StringBuilder();
        sb.append(d.bold).append(title(a, e)).append(d.bold).append("\n\n");
        if (detail != Detail.MINIMAL) {
            for (String[] kv : facts(a, e)) {
                sb.append(d == Dialect.PLAIN ? "" : "- ").append(d.bold).append(kv[0]).append(":").append(d.bold)
                        .append(' ').append(kv[1]).append('\n');
            }
            sb.append('\n');
            sb.append(fix(a.remediation(), d, detail));
        }
        sb.append("\nref: ").append(e.escape(a.idempotencyKey(), 120)).append('\n');
        return sb.toString();
    }

    static String fix(Remediation r, Dialect d, Detail detail) {
        Escaper e = d.escaper;
        StringBuilder sb = new StringBuilder();
        sb.append(d.bold).append("Fix:").append(d.bold).append(' ').append(e.escape(r.summary(), 400)).append('\n');
        if (detail == Detail.FULL) {
            for (PolicyDocument p : r.policies()) {
                sb.append(d.bold).append(e.escape(p.kind().wire(), 40)).append(d.bold).append(' ').append(e.escape(p.name(), 100))
                        .append(p.attachTo() == null ? "" : " → " + e.escape(p.attachTo(), 100)).append('\n');
                sb.append(d.fence).append(d.fence.isEmpty() ? "" : "\n").append(e.escape(compact(p), 4000)).append('\n')
                        .append(d.fence).append(d.fence.isEmpty() ? "" : "\n");
            }
            if (!r.cliCommands().isEmpty()) {
                sb.append(d.fence).append(d.fence.isEmpty() ? "" : "\n");
                for (String c : r.cliCommands()) {
                    sb.append(e.escape(c, 4000)).append('\n');
                }
                sb.append(d.fence).append(d.fence.isEmpty() ? "" : "\n");
            }
        }
        for (String s : r.steps()) {
            sb.append(d == Dialect.PLAIN ? "* " : "- ").append(e.escape(s, 600)).append('\n');
        }
        if (!r.systemPolicies().isEmpty()) {
            sb.append("Coarse alternative (system policy, broader than needed): ").append(e.escape(String.join(", ", r.systemPolicies()), 300))
                    .append('\n');
        }
        if (detail != Detail.FULL && (!r.policies().isEmpty() || !r.cliCommands().isEmpty())) {
            sb.append("Policy documents and commands: see the remediations topic or the drift report.\n");
        }
        List<String> cites = r.citations().stream().map(Citation::toString).toList();
        if (!cites.isEmpty()) {
            sb.append("Source: ").append(e.escape(String.join("; ", cites), 600)).append('\n');
        }
        return sb.toString();
    }

    static String digest(List<Alert> alerts, Dialect d, Detail detail) {
        Escaper e = d.escaper;
        StringBuilder sb = new StringBuilder();
        sb.append(d.bold).append("GrantWatch digest: ").append(alerts.size()).append(" findings").append(d.bold).append("\n\n");
        for (Alert a : alerts) {
            sb.append(d == Dialect.PLAIN ? "* " : "- ").append(title(a, e));
            if (detail != Detail.MINIMAL) {
                sb.append(" — ").append(e.escape(a.remediation().summary(), detail == Detail.FULL ? 300 : 120));
            }
            sb.append(" (ref: ").append(e.escape(a.idempotencyKey(), 120)).append(")\n");
        }
        return sb.toString();
    }

    static String principal(Principal p) {
        return p == null ? "unknown principal" : p.display();
    }

    private static void add(List<String[]> out, String label, String value, Escaper e) {
        if (value != null && !value.isBlank()) {
            out.add(new String[] {label, e.escape(value)});
        }
    }

    private static String join(String a, String b, String c) {
        StringBuilder sb = new StringBuilder();
        for (String s : new String[] {a, b, c}) {
            if (s != null && !s.isBlank()) {
                sb.append(sb.length() == 0 ? "" : " / ").append(s);
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    static String compact(PolicyDocument p) {
        try {
            return Json.wire().writeValueAsString(p.document());
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** A summary in a dialect: bold title, one escaped line each, the key. */
    public static String summary(Summary s, Dialect d) {
        Escaper e = d.escaper;
        StringBuilder sb = new StringBuilder();
        sb.append(d.bold).append(e.escape(s.title(), 200)).append(d.bold).append("\n\n");
        for (String line : s.lines()) {
            sb.append(d == Dialect.PLAIN ? "* " : "- ").append(e.escape(line, 400)).append('\n');
        }
        sb.append("\nref: ").append(e.escape(s.key(), 120)).append('\n');
        return sb.toString();
    }
}
