package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Finding;
import io.grantwatch.model.PolicyDocument;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects the parts of one remediation in order; shared by both clouds' planners. */
final class PlanBuilder {
    private final Finding finding;
    private String summary;
    private final List<PolicyDocument> policies = new ArrayList<>();
    private final Set<String> systemPolicies = new LinkedHashSet<>();
    private final List<String> commands = new ArrayList<>();
    private final List<String> terraform = new ArrayList<>();
    private final Set<String> steps = new LinkedHashSet<>();
    private final Set<Citation> citations = new LinkedHashSet<>();

    PlanBuilder(Finding finding) {
        this.finding = finding;
    }

    PlanBuilder summary(String text) {
        this.summary = text;
        return this;
    }

    PlanBuilder policy(PolicyDocument doc) {
        policies.add(doc);
        return this;
    }

    PlanBuilder systemPolicy(String name) {
        if (Identifiers.policyName(name)) {
            systemPolicies.add(name);
        }
        return this;
    }

    PlanBuilder command(String cmd) {
        commands.add(cmd);
        return this;
    }

    PlanBuilder terraform(String block) {
        terraform.add(block);
        return this;
    }

    PlanBuilder step(String text) {
        steps.add(text);
        return this;
    }

    PlanBuilder cite(Citation c) {
        if (c != null && c.seed() != null && c.section() != null) {
            citations.add(c);
        }
        return this;
    }

    Set<String> systemPolicies() {
        return systemPolicies;
    }

    Remediation build(Cloud cloud, Citation fallback) {
        if (citations.isEmpty()) {
            citations.add(fallback);
        }
        return new Remediation(finding.id(), cloud, summary, policies, List.copyOf(systemPolicies), commands,
                terraform.isEmpty() ? null : String.join("\n", terraform), List.copyOf(steps), List.copyOf(citations));
    }

    static String compact(JsonNode node) {
        try {
            return Json.wire().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy tree always serializes", e);
        }
    }

    static String pretty(JsonNode node) {
        try {
            return Json.wire().writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy tree always serializes", e);
        }
    }

    /** Terraform reads {@code ${...}} in strings and heredocs as interpolation: placeholders need {@code $$}. */
    static String terraformLiteral(String text) {
        return text.replace("${", "$${");
    }

    /** A resource label for Terraform: letters, digits and underscores. */
    static String tfLabel(String policyName) {
        return policyName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    /** A policy name from the finding id: {@code GrantWatch-missing-grant-1a2b3c4d}. */
    static String policyName(Finding f) {
        String id = f.id().replaceAll("[^A-Za-z0-9-]", "-");
        if (id.length() > 60) {
            id = id.substring(0, 60);
        }
        return "GrantWatch-" + id;
    }
}
