package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.alerts.remediation.Plan.Entity;
import io.grantwatch.alerts.remediation.Plan.PolicyGrant;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Evidence;
import io.grantwatch.model.Finding;
import io.grantwatch.model.KnownDeny;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.policy.Decision;
import io.grantwatch.model.policy.Evaluation;
import io.grantwatch.model.policy.PolicyEvaluator;
import io.grantwatch.model.policy.Request;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The fix, verified before it is emitted: each Allow the plan would give the denied principal is evaluated with
 * {@link PolicyEvaluator} together with the Deny statements GrantWatch's inventory says that principal holds
 * ({@link Finding#knownDenies()}), for the denied call itself (its action on the resource the record names) and for every
 * resource the Allow names. A grant an unconditional Deny still blocks leaves the plan, and the warning says which
 * statement and what to change; one a conditional Deny may block stays, with the warning. Where the inventory knows no Deny
 * for the principal, nothing changes. Only the principal's identity policies are known: control, session and resource
 * policies are not checked.
 */
final class FixCheck {
    /** How a warning of a blocked grant begins (the summary says so). */
    static final String BLOCKS = "A known Deny still blocks this fix: ";
    /** A statement's JSON in a warning, at most this long. */
    private static final int STATEMENT_SHOWN = 400;

    private FixCheck() {
    }

    /** Removes the grants a known Deny blocks from {@code grants}; returns the warnings, blocked ones first. */
    static List<String> verify(Cloud cloud, Finding f, Entity subject, Evidence ev, List<PolicyGrant> grants) {
        if (f.knownDenies().isEmpty() || grants.isEmpty()) {
            return List.of();
        }
        List<KnownDeny> denies = new ArrayList<>();
        List<JsonNode> docs = new ArrayList<>();
        for (KnownDeny d : f.knownDenies()) {
            JsonNode doc = document(d);
            if (doc != null) {
                denies.add(d);
                docs.add(doc);
            }
        }
        if (docs.isEmpty()) {
            return List.of();
        }
        String denied = ev == null ? null : ev.deniedAction();
        String exact = ev == null || ev.resource() == null || ev.resource().indexOf(':') < 0 ? null : ev.resource();
        Set<String> blocked = new LinkedHashSet<>();
        Set<String> maybe = new LinkedHashSet<>();
        for (int i = 0; i < grants.size(); i++) {
            PolicyGrant g = grants.get(i);
            if (!g.to().equals(subject)) {
                continue; // the known Denies are the denied principal's; another holder's are not known here
            }
            List<String> keep = new ArrayList<>();
            for (String action : g.actions()) {
                List<String> on = new ArrayList<>();
                if (exact != null && action.equalsIgnoreCase(denied)) {
                    on.add(exact);
                }
                for (String r : g.resources()) {
                    if (!r.equals(Resources.ASK) && !on.contains(r)) {
                        on.add(r);
                    }
                }
                if (on.isEmpty()) {
                    on.add(null);
                }
                List<JsonNode> withAllow = new ArrayList<>(docs);
                withAllow.add(allow(cloud, action, g.resources()));
                String verdict = null;
                boolean stop = false;
                for (String r : on) {
                    Evaluation e;
                    try {
                        e = PolicyEvaluator.evaluate(withAllow, new Request(action, r));
                    } catch (IllegalArgumentException malformed) {
                        continue;
                    }
                    if (e.document() < 0 || e.document() >= denies.size()) {
                        continue; // the proposed Allow decided: nothing known blocks it
                    }
                    KnownDeny d = denies.get(e.document());
                    String where = r == null ? "any resource" : r;
                    if (e.decision() == Decision.EXPLICIT_DENY) {
                        blocked.add(BLOCKS + d.label() + " denies " + action + " on " + where + " ("
                                + shown(d.statement()) + "). An Allow cannot override an explicit Deny, so none is proposed for "
                                + action + ": change or remove that statement first (or, if it is intended, record an accepted-risk "
                                + "mute rule), then grant " + action + " on " + where + " to " + subject.label() + ".");
                        stop = true;
                        break;
                    }
                    if (e.decision() == Decision.CONDITION_NOT_EVALUATED && verdict == null) {
                        verdict = "A known Deny may still block this fix: " + d.label() + " denies " + action + " on " + where
                                + " under a Condition GrantWatch does not evaluate (" + shown(d.statement()) + "); if the Condition "
                                + "holds for this call, the Allow below will not work.";
                    }
                }
                if (!stop) {
                    keep.add(action);
                    if (verdict != null) {
                        maybe.add(verdict);
                    }
                }
            }
            if (keep.isEmpty()) {
                grants.remove(i--);
            } else if (keep.size() < g.actions().size()) {
                grants.set(i, new PolicyGrant(g.to(), keep, g.resources(), g.certainty(), g.source(), g.projectScope()));
            }
        }
        List<String> out = new ArrayList<>(blocked);
        out.addAll(maybe);
        return List.copyOf(out);
    }

    /** A known Deny as a one-statement document in its own language, or null when it cannot be read. */
    private static JsonNode document(KnownDeny d) {
        if (d.statement() == null || d.language() == null) {
            return null;
        }
        try {
            JsonNode st = Json.wire().readTree(d.statement());
            ObjectNode doc = Json.wire().createObjectNode();
            doc.put("Version", d.language());
            doc.putArray("Statement").add(st);
            PolicyEvaluator.evaluate(doc, new Request("a:b", null)); // validates it
            return doc;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The Allow the plan proposes, in the language the renderer prints it in. */
    private static JsonNode allow(Cloud cloud, String action, List<String> resources) {
        ObjectNode doc = Json.wire().createObjectNode();
        doc.put("Version", cloud == Cloud.ALIBABA ? "1" : "1.1");
        ObjectNode st = doc.putArray("Statement").addObject();
        st.put("Effect", "Allow");
        st.putArray("Action").add(action);
        List<String> rs = resources.stream().filter(r -> !r.equals(Resources.ASK)).toList();
        if (cloud == Cloud.ALIBABA || !rs.isEmpty()) {
            ArrayNode r = st.putArray("Resource");
            if (rs.isEmpty()) {
                r.add("*");
            } else {
                rs.forEach(r::add);
            }
        }
        return doc;
    }

    static String shown(String statement) {
        return statement.length() <= STATEMENT_SHOWN ? statement : statement.substring(0, STATEMENT_SHOWN) + "…";
    }
}
