package io.grantwatch.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.catalog.ActionPattern;
import io.grantwatch.model.catalog.CatalogIndex;
import io.grantwatch.model.catalog.ErrorCodeRule;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * "What needs X, and where do the seeds say so": for an IAM action (exact, then the wildcards and
 * system policies that cover it), an error code, a system policy, an audited {@code Service/Api}
 * name or a scenario id. Pure lookups over a {@link CatalogIndex}.
 */
public final class CatalogExplainer {
    private final CatalogIndex index;

    public CatalogExplainer(CatalogIndex index) {
        this.index = index;
    }

    /** One requirement that answers the query, with its scenario and how it matched. JSON names the scenario by id. */
    public record Match(@JsonIgnore Scenario scenario, Requirement requirement, String via) {
        @JsonProperty("scenario")
        public String scenarioId() {
            return scenario == null ? null : scenario.id();
        }
    }

    /**
     * The answer.
     *
     * @param query      what was asked
     * @param version    catalog version
     * @param errorCodes error-code rules named by the query
     * @param apiActions IAM actions an audited {@code Service/Api} maps to
     * @param matches    requirements that need it, grouped in scenario order
     */
    public record Explanation(String query, String version, List<ErrorCodeRule> errorCodes, List<String> apiActions,
                              List<Match> matches) {
        public boolean found() {
            return !errorCodes.isEmpty() || !matches.isEmpty();
        }

        /** Distinct scenario ids in answer order. */
        public List<String> scenarioIds() {
            return matches.stream().map(m -> m.scenario().id()).distinct().toList();
        }
    }

    public Explanation explain(String query) {
        String q = query.trim();
        Map<String, Match> out = new LinkedHashMap<>();
        List<ErrorCodeRule> rules = new ArrayList<>();
        List<String> apiActions = new ArrayList<>();
        for (Cloud cloud : Cloud.values()) {
            index.errorCode(cloud, q).ifPresent(rule -> {
                rules.add(rule);
                for (Requirement r : index.byErrorCode(cloud, q)) {
                    add(out, r, "error code " + rule.errorCode());
                }
            });
        }
        for (Requirement r : index.bySystemPolicy(q)) {
            add(out, r, "system policy");
        }
        int slash = q.indexOf('/');
        if (slash > 0 && q.indexOf(':') < 0) {
            for (Cloud cloud : Cloud.values()) {
                for (String action : index.actionsForApi(cloud, q.substring(0, slash), q.substring(slash + 1))) {
                    apiActions.add(action);
                    explainAction(cloud, action, out);
                }
            }
        }
        if (q.indexOf(':') > 0) {
            for (Cloud cloud : Cloud.values()) {
                explainAction(cloud, q, out);
            }
        }
        index.scenario(q).ifPresent(s -> s.requirements().forEach(r -> add(out, r, "scenario " + s.id())));
        return new Explanation(q, index.version(), List.copyOf(rules), List.copyOf(apiActions), List.copyOf(out.values()));
    }

    private void explainAction(Cloud cloud, String action, Map<String, Match> out) {
        for (Requirement r : index.byExactAction(cloud, action)) {
            add(out, r, "action " + r.grant().value());
        }
        for (Requirement r : index.byWildcardAction(cloud, action)) {
            add(out, r, viaPattern(r, action));
        }
    }

    private static String viaPattern(Requirement r, String action) {
        if (ActionPattern.isWildcard(r.grant().value()) && ActionPattern.of(r.grant().value()).matches(action)) {
            return "pattern " + r.grant().value();
        }
        for (String c : r.covers()) {
            if (ActionPattern.of(c).matches(action)) {
                return (r.grant().type() == GrantType.SYSTEM_POLICY ? "covered by " + r.grant().value() : "covers") + " (" + c + ")";
            }
        }
        for (String a : r.answers()) {
            if (ActionPattern.of(a).matches(action)) {
                return "answers " + a + " (the seed names no " + r.grant().value() + " action: grant the denied one)";
            }
        }
        return "pattern";
    }

    private void add(Map<String, Match> out, Requirement r, String via) {
        Scenario s = index.scenarioOf(r.id()).orElse(null);
        out.putIfAbsent(r.id(), new Match(s, r, via));
    }

    /** Human-readable text of an explanation, policy snippets included for PassRole and trust grants. */
    public static String render(Explanation e) {
        StringBuilder sb = new StringBuilder();
        sb.append("explain ").append(e.query()).append("  (catalog ").append(e.version()).append(")\n");
        if (!e.found()) {
            return sb.append("nothing in the catalog needs ").append(e.query()).append('\n').toString();
        }
        for (ErrorCodeRule rule : e.errorCodes()) {
            sb.append("\nerror code ").append(rule.errorCode()).append(" (").append(rule.cloud().wire()).append(")\n");
            sb.append("  ").append(rule.explanation()).append('\n');
            sb.append("  source: ").append(cite(rule.citation())).append('\n');
        }
        if (!e.apiActions().isEmpty()) {
            sb.append("\n").append(e.query()).append(" is authorized as: ").append(String.join(", ", e.apiActions())).append('\n');
        }
        sb.append('\n').append(e.scenarioIds().size()).append(" scenario(s), ").append(e.matches().size()).append(" requirement(s):\n");
        String current = null;
        for (Match m : e.matches()) {
            Scenario s = m.scenario();
            if (s != null && !s.id().equals(current)) {
                current = s.id();
                sb.append("\n").append(s.id()).append(" [").append(s.cloud().wire()).append("] ").append(s.title());
                if (s.originalTitle() != null) {
                    sb.append(" (").append(s.originalTitle()).append(')');
                }
                sb.append('\n');
            }
            Requirement r = m.requirement();
            sb.append("  - ").append(describe(r.grant())).append("  [").append(m.via()).append("]\n");
            sb.append("    id: ").append(r.id()).append('\n');
            sb.append("    holder ").append(r.holder()).append(", ").append(r.phase()).append(", ").append(r.necessity()).append('\n');
            sb.append("    purpose: ").append(r.purpose()).append('\n');
            sb.append("    source: ").append(cite(r.citation())).append('\n');
            String snippet = policySnippet(r.grant());
            if (snippet != null) {
                sb.append(snippet.indent(4));
            }
        }
        return sb.toString();
    }

    static String describe(Grant g) {
        String type = g.type().name();
        return type + " " + g.value() + (g.resource() == null ? "" : " on " + g.resource());
    }

    /** The policy a person pastes for PassRole (003 シナリオ 2 and FAQ) or a trust principal (003 FAQ). */
    static String policySnippet(Grant g) {
        if (g.type() == GrantType.PASS_ROLE) {
            return "policy to attach to the RAM user:\n"
                    + "{\n"
                    + "  \"Version\": \"1\",\n"
                    + "  \"Statement\": [\n"
                    + "    {\n"
                    + "      \"Effect\": \"Allow\",\n"
                    + "      \"Action\": \"" + g.value() + "\",\n"
                    + "      \"Resource\": \"" + g.resource() + "\"\n"
                    + "    }\n"
                    + "  ]\n"
                    + "}";
        }
        if (g.type() == GrantType.TRUST_PRINCIPAL) {
            return "trust policy statement of the role (keep existing principals, add the service):\n"
                    + "{\n"
                    + "  \"Action\": \"sts:AssumeRole\",\n"
                    + "  \"Effect\": \"Allow\",\n"
                    + "  \"Principal\": { \"Service\": [ \"" + g.value() + "\" ] }\n"
                    + "}";
        }
        return null;
    }

    static String cite(Citation c) {
        if (c == null) {
            return "(none)";
        }
        return c.seed() + " § " + c.section() + (c.url() == null ? "" : " <" + c.url() + ">");
    }
}
