package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.PolicyDocument;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.text.UnsafeText;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One rendering in progress: documents, commands (inputs first), Terraform (variables first), steps
 * and citations, in the order a person applies them. Shared by both clouds' renderers.
 */
final class Script {
    final Inputs inputs = new Inputs();
    final Set<String> coarse = new LinkedHashSet<>();
    /** Huawei: the commands that create and fill the user's own group were printed. */
    boolean groupReady;
    /** Terraform blocks printed once per rendering (a data source, the user's group). */
    final Set<String> terraformOnce = new LinkedHashSet<>();
    private final Plan plan;
    private String summary;
    private final List<PolicyDocument> policies = new ArrayList<>();
    private final Set<String> systemPolicies = new LinkedHashSet<>();
    private final List<String> commands = new ArrayList<>();
    private final List<String> terraform = new ArrayList<>();
    private final Set<String> steps = new LinkedHashSet<>();
    private final Set<Citation> citations = new LinkedHashSet<>();

    Script(Plan plan) {
        this.plan = plan;
        plan.citations().forEach(this::cite);
    }

    String findingId() {
        return plan.findingId();
    }

    void summary(String text) {
        this.summary = text;
    }

    void policy(PolicyDocument doc) {
        policies.add(doc);
    }

    void systemPolicy(String name) {
        if (Identifiers.policyName(name)) {
            systemPolicies.add(name);
        }
    }

    private static final String ALTERNATIVE = "# alternative to the restore above: ";

    /** Set while an alternative to a restore is printed: its commands are shown commented out, not run with the restore. */
    boolean alternative;

    void command(String cmd) {
        commands.add(alternative && !cmd.startsWith("#") ? ALTERNATIVE + cmd : cmd);
    }

    void terraform(String block) {
        terraform.add(block);
    }

    /** A block that several resources refer to: printed the first time only. */
    void terraformOnce(String block) {
        if (terraformOnce.add(block)) {
            terraform.add(block);
        }
    }

    void step(String text) {
        steps.add(text);
    }

    void cite(Citation c) {
        if (c != null && c.seed() != null && c.section() != null) {
            citations.add(c);
        }
    }

    /**
     * The remediation: the summary names the first change and warns where a person must look twice;
     * inputs lead the commands; the plan's notes and the coarse alternative close the steps.
     */
    Remediation build(Cloud cloud, List<String> heads) {
        Set<String> live = liveInputs(inputs.names(), inputs.shellLines());
        boolean blocked = plan.blocked().stream().anyMatch(b -> b.startsWith(FixCheck.BLOCKS));
        if (summary == null && plan.headline() != null) {
            summary = plan.headline();
        }
        if (summary == null && blocked) {
            summary = "A known Deny blocks the fix (first step): no Allow is proposed for what it denies"
                    + (heads.isEmpty() ? "" : "; still to grant: " + heads.get(0));
        }
        if (summary == null && plan.kind() == io.grantwatch.model.FindingKind.OVER_REACH) {
            summary = "Over-reach: " + plan.subject().label() + " holds more than the ModelArts features in use need (seed 004, "
                    + "委托授权的最小化): " + (plan.grants().isEmpty() ? "review what the steps list" : "attach the minimal policy, "
                    + "then remove the broader one by hand");
        }
        if (summary == null) {
            boolean change = plan.kind() == io.grantwatch.model.FindingKind.PREDICTED_BREAKAGE;
            String head = heads.isEmpty() ? "Nothing GrantWatch can grant safely: review the " + (change ? "change" : "denial") : heads.get(0);
            int actions = plan.grants().stream().mapToInt(g -> g.actions().size()).sum()
                    - (plan.grants().isEmpty() ? 0 : plan.grants().get(0).actions().size());
            int others = heads.size() - plan.grants().size();
            List<String> more = new ArrayList<>();
            if (actions > 0) {
                more.add(actions + (actions == 1 ? " more action" : " more actions"));
            }
            if (others > 0 && !plan.grants().isEmpty()) {
                more.add(others + (others == 1 ? " more change" : " more changes"));
            } else if (heads.size() > 1 && plan.grants().isEmpty()) {
                more.add((heads.size() - 1) + " more");
            }
            summary = head + (more.isEmpty() ? "" : " (+" + String.join(", ", more) + ")");
            // only what the live commands ask for: an input the commented alternative alone needs is commented with it
            List<String> asked = inputs.asked().stream().filter(live::contains).toList();
            if (!asked.isEmpty()) {
                summary += "; the commands ask for " + String.join(", ", asked);
            }
            if (!plan.blocked().isEmpty()) {
                summary += "; a known Deny may still block it (first step)";
            }
        }
        if (!coarse.isEmpty()) {
            steps.add("Coarse alternative (broader than needed): the system " + (coarse.size() == 1 ? "policy " : "policies ")
                    + String.join(", ", coarse) + " instead of the custom policy; the commands show it commented out.");
        }
        plan.notes().forEach(steps::add);
        List<String> allSteps = new ArrayList<>(plan.blocked()); // what a known Deny says comes before anything to apply
        allSteps.addAll(inputs.steps());
        allSteps.addAll(steps);
        // steps and summary carry event and inventory text (a Sid, a policy name): the one rule for unsafe characters, here
        allSteps.replaceAll(UnsafeText::oneLine);
        summary = UnsafeText.oneLine(summary);
        List<String> allCommands = new ArrayList<>(liveOrCommented(inputs.names(), inputs.shellLines(), live));
        allCommands.addAll(commands);
        String blocks = String.join("\n", terraform);
        String tf = terraform.isEmpty() ? null : inputs.terraformVariables(blocks) + blocks;
        if (citations.isEmpty()) {
            citations.add(cloud == Cloud.ALIBABA ? SeedCitations.PAI_DEPENDENCIES : SeedCitations.MODELARTS_DEPENDENCIES);
        }
        return new Remediation(plan.findingId(), cloud, summary, policies, List.copyOf(systemPolicies), allCommands, tf, allSteps,
                List.copyOf(citations));
    }

    /** Single-quotes a text for the shell, letting this rendering's input variables (and nothing else) expand in it. */
    String quoted(String text) {
        String quoted = Identifiers.shellQuote(text);
        for (String name : inputs.names()) {
            quoted = quoted.replace("$" + name, "'\"$" + name + "\"'");
        }
        return quoted;
    }

    /** Appends {@code {"Effect": "Allow", "Action": [...]}} to a Statement list; the caller adds the resources. */
    static ObjectNode allow(ArrayNode statements, List<String> actions) {
        ObjectNode st = statements.addObject();
        st.put("Effect", "Allow");
        actions.forEach(st.putArray("Action")::add);
        return st;
    }

    static String compact(JsonNode node) {
        try {
            return Json.wire().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy tree always serializes", e);
        }
    }

    /** A policy name from the finding id: {@code GrantWatch-missing-grant-1a2b3c4d}, at most 71 characters. */
    static String policyName(String findingId) {
        String id = safeId(findingId);
        return "GrantWatch-" + (id.length() > 60 ? id.substring(0, 60) : id);
    }

    static String safeId(String findingId) {
        return findingId.replaceAll("[^A-Za-z0-9-]", "-");
    }

    /**
     * The input lines, each commented out like the alternative when only commented lines use it (directly or through another
     * input's lookup): an administrator running the restore is not asked for a region only the alternative needs.
     */
    private static List<String> liveOrCommented(List<String> names, List<String> lines, Set<String> live) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            out.add(live.contains(names.get(i)) ? lines.get(i) : ALTERNATIVE + lines.get(i));
        }
        return out;
    }

    /** The inputs a live (uncommented) command uses, directly or through another live input's lookup. */
    private Set<String> liveInputs(List<String> names, List<String> lines) {
        Set<String> live = new HashSet<>();
        for (String c : commands) {
            if (!c.startsWith("#")) {
                names.stream().filter(n -> uses(c, n)).forEach(live::add);
            }
        }
        for (boolean grew = true; grew;) {
            grew = false;
            for (int i = 0; i < names.size(); i++) {
                if (live.contains(names.get(i))) {
                    for (String n : names) {
                        if (!live.contains(n) && uses(lines.get(i), n)) {
                            grew |= live.add(n);
                        }
                    }
                }
            }
        }
        return live;
    }

    private static boolean uses(String line, String name) {
        return Pattern.compile("\\$" + name + "(?![A-Za-z0-9_])").matcher(line).find();
    }
}
