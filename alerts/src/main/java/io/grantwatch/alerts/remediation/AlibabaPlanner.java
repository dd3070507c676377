package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Evidence;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.PolicyDocument;
import io.grantwatch.model.Principal;
import io.grantwatch.model.PrincipalType;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Alibaba Cloud RAM remediations: a least-privilege custom policy ({@code "Version": "1"}) with
 * resources narrowed from the evidence, the documented system policy as the coarse alternative,
 * {@code aliyun ram} commands, Terraform, PassRole on {@code acs:ram::*:role/<RoleName>}, the
 * merged trust policy for AssumeRoleFailedError and console steps for workspace roles.
 */
final class AlibabaPlanner {
    static final String PAI_SERVICE = "pai.aliyuncs.com";
    private static final Pattern POLICY_TYPE = Pattern.compile(
            "\\b(ControlPolicy|AccountLevelIdentityBasedPolicy|ResourceGroupLevelIdentityBasedPolicy|SessionPolicy"
                    + "|AssumeRolePolicy|ResourceBasedPolicy|IdentityBasedPolicy)\\b");
    private static final Pattern ENCODED = Pattern.compile("\"?EncodedDiagnosticMessage\"?\\s*[:=]\\s*\"?([A-Za-z0-9+/=]{8,4096})");

    private final TrustPolicySource trustPolicies;

    AlibabaPlanner(TrustPolicySource trustPolicies) {
        this.trustPolicies = trustPolicies;
    }

    /** Who receives the custom policy. */
    record Target(String kind, String name) {
        static Target of(Principal p) {
            if (p == null) {
                return new Target("User", "${UserName}");
            }
            if (p.type() == PrincipalType.ASSUMED_ROLE) {
                return new Target("Role", Identifiers.nameOr(p.roleName(), "RoleName"));
            }
            return new Target("User", Identifiers.nameOr(p.name(), "UserName"));
        }

        String label() {
            return kind.toLowerCase(java.util.Locale.ROOT) + " " + name;
        }
    }

    Remediation plan(Finding f) {
        PlanBuilder b = new PlanBuilder(f);
        Target principalTarget = Target.of(f.principal());
        f.missing().forEach(m -> b.cite(m.citation()));
        if (f.kind() == FindingKind.EXPLICIT_DENY) {
            explicitDeny(f, principalTarget, b);
            return b.build(Cloud.ALIBABA, SeedCitations.RAM_POLICY_GRAMMAR);
        }
        Evidence ev = f.evidence();
        String role = roleOf(f);
        // per target: resource list -> actions, in first-seen order
        Map<Target, Map<List<String>, Set<String>>> custom = new LinkedHashMap<>();
        Map<Target, Set<String>> restore = new LinkedHashMap<>();
        Map<Target, Set<String>> coarse = new LinkedHashMap<>();
        Set<String> optional = new LinkedHashSet<>();
        Set<String> activations = new LinkedHashSet<>();
        List<String> heads = new ArrayList<>();
        boolean unnarrowed = false;
        for (MissingGrant m : f.missing()) {
            Grant g = m.grant();
            Target t = targetFor(m.holder(), principalTarget, role);
            if (m.certainty() == Certainty.POSSIBLE && g.type() != GrantType.SERVICE_ACTIVATION) {
                optional.add(describe(g) + (Identifiers.policyName(m.systemPolicy()) && !m.systemPolicy().equals(g.value())
                        ? " (system policy " + m.systemPolicy() + ")" : ""));
                continue;
            }
            if (Identifiers.policyName(m.systemPolicy())) {
                coarse.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(m.systemPolicy());
            }
            switch (g.type()) {
                case ACTION, AGENCY_ACTION -> {
                    if (!Identifiers.alibabaAction(g.value())) {
                        b.step("The catalog names an action GrantWatch cannot print safely; see the cited seed section.");
                        continue;
                    }
                    List<String> res = resourcesFor(g.value(), g.resource(), ev);
                    unnarrowed |= res.equals(List.of("*"));
                    custom.computeIfAbsent(t, k -> new LinkedHashMap<>()).computeIfAbsent(res, k -> new LinkedHashSet<>()).add(g.value());
                    heads.add("Allow " + g.value() + " on " + String.join(", ", res));
                }
                case SYSTEM_POLICY -> {
                    if (!Identifiers.policyName(g.value())) {
                        continue;
                    }
                    String denied = ev == null ? null : ev.deniedAction();
                    if (m.certainty() == Certainty.CERTAIN && Identifiers.alibabaAction(denied)) {
                        List<String> res = resourcesFor(denied, g.resource(), ev);
                        unnarrowed |= res.equals(List.of("*"));
                        custom.computeIfAbsent(t, k -> new LinkedHashMap<>()).computeIfAbsent(res, k -> new LinkedHashSet<>()).add(denied);
                        coarse.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(g.value());
                        heads.add("Allow " + denied + " (or attach " + g.value() + ")");
                    } else if (m.certainty() == Certainty.CERTAIN || f.kind() == FindingKind.PREDICTED_BREAKAGE) {
                        restore.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(g.value());
                        heads.add("Attach system policy " + g.value());
                    } else {
                        coarse.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(g.value());
                    }
                }
                case PASS_ROLE -> {
                    String passed = Identifiers.roleName(g.resource())
                            .or(() -> ev == null ? Optional.empty() : Identifiers.roleName(ev.resource()))
                            .orElse("${RoleName}");
                    if (passed.startsWith("${")) {
                        b.step("Replace ${RoleName} with the name of the instance RAM role the user selects.");
                    }
                    Target user = principalTarget.kind().equals("Role") && !"USER".equalsIgnoreCase(m.holder()) ? principalTarget : t;
                    custom.computeIfAbsent(user, k -> new LinkedHashMap<>())
                            .computeIfAbsent(List.of("acs:ram::*:role/" + passed), k -> new LinkedHashSet<>()).add("ram:PassRole");
                    heads.add("Allow ram:PassRole on role " + passed);
                    b.cite(SeedCitations.PASS_ROLE);
                }
                case TRUST_PRINCIPAL -> {
                    trustPolicy(f, g, b);
                    heads.add("Let " + safeService(g.value()) + " assume the role (trust policy)");
                }
                case WORKSPACE_ROLE -> {
                    workspaceRole(f, g, b);
                    heads.add("Add the workspace role " + workspaceRoleName(g.value()));
                }
                case SERVICE_ACTIVATION -> activations.add(serviceName(g.value()));
                default -> b.step("Review grant type " + g.type() + " manually.");
            }
        }
        if (custom.isEmpty() && f.kind() == FindingKind.UNMAPPED_DENIAL && ev != null && Identifiers.alibabaAction(ev.deniedAction())) {
            List<String> res = resourcesFor(ev.deniedAction(), null, ev);
            unnarrowed |= res.equals(List.of("*"));
            custom.computeIfAbsent(principalTarget, k -> new LinkedHashMap<>()).computeIfAbsent(res, k -> new LinkedHashSet<>())
                    .add(ev.deniedAction());
            heads.add("Allow " + ev.deniedAction() + " (the catalog does not know this denial yet)");
        }
        int n = 0;
        for (Map.Entry<Target, Map<List<String>, Set<String>>> e : custom.entrySet()) {
            customPolicy(f, e.getKey(), e.getValue(), b, custom.size() == 1 ? "" : "-" + (++n));
        }
        if (unnarrowed) {
            b.step("Resource is \"*\" where the event named no resource; narrow it to the resources the principal uses.");
        }
        restore.forEach((t, names) -> names.forEach(sp -> {
            b.systemPolicy(sp);
            b.command("aliyun ram AttachPolicyTo" + t.kind() + " --PolicyType System --PolicyName " + Identifiers.shellQuote(sp)
                    + " --" + t.kind() + "Name " + t.name());
        }));
        if (f.kind() == FindingKind.PREDICTED_BREAKAGE && f.change() != null) {
            String action = f.change().action() != null && f.change().action().matches("[A-Za-z0-9_./:-]{1,80}") ? f.change().action() : "an IAM change";
            b.step("This restores what " + action + (f.change().time() == null ? "" : " at " + f.change().time())
                    + " removed; if the removal was intended, record an accepted-risk mute rule instead.");
        }
        Map<Target, Set<String>> alternatives = new LinkedHashMap<>();
        coarse.forEach((t, names) -> names.stream().filter(sp -> !restore.getOrDefault(t, Set.of()).contains(sp))
                .forEach(sp -> alternatives.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(sp)));
        if (!alternatives.isEmpty()) {
            List<String> all = alternatives.values().stream().flatMap(Set::stream).distinct().toList();
            all.forEach(b::systemPolicy);
            b.step("Coarse alternative: attach the documented system " + (all.size() == 1 ? "policy " : "policies ")
                    + String.join(", ", all) + " instead of the custom policy (broader than needed).");
            alternatives.forEach((t, names) -> names.forEach(sp -> b.command("# alternative: aliyun ram AttachPolicyTo" + t.kind()
                    + " --PolicyType System --PolicyName " + Identifiers.shellQuote(sp) + " --" + t.kind() + "Name " + t.name())));
        }
        if (!optional.isEmpty()) {
            b.step("May also be needed (the seed lists them as possibly required; not included above): " + String.join("; ", optional) + ".");
        }
        if (!activations.isEmpty()) {
            b.step("If not yet active, activate with the Alibaba Cloud account (the seed recommends the account; a RAM user that "
                    + "activates needs extra system policies): " + String.join(", ", activations) + ".");
            if (heads.isEmpty()) {
                heads.add("Activate " + String.join(", ", activations));
            }
        }
        String head = heads.isEmpty() ? "Review the denial" : heads.get(0);
        b.summary(head + " for " + principalTarget.label() + (heads.size() > 1 ? " (+" + (heads.size() - 1) + " more)" : ""));
        return b.build(Cloud.ALIBABA, SeedCitations.PAI_DEPENDENCIES);
    }

    /** The RAM role a finding is about: a PassRole/trust grant's role, the event's role ARN, or the session's role. */
    static String roleOf(Finding f) {
        for (MissingGrant m : f.missing()) {
            if (m.grant().type() == GrantType.PASS_ROLE || m.grant().type() == GrantType.TRUST_PRINCIPAL) {
                Optional<String> r = Identifiers.roleName(m.grant().resource()).filter(x -> m.grant().resource().contains("role/"));
                if (r.isPresent()) {
                    return r.get();
                }
            }
        }
        if (f.evidence() != null && f.evidence().resource() != null && f.evidence().resource().contains(":role/")) {
            Optional<String> r = Identifiers.roleName(f.evidence().resource());
            if (r.isPresent()) {
                return r.get();
            }
        }
        Principal p = f.principal();
        return p != null && p.type() == PrincipalType.ASSUMED_ROLE && Identifiers.name(p.roleName()) ? p.roleName() : null;
    }

    /** Who holds a grant: the catalog's holder decides between the user and the role. */
    static Target targetFor(String holder, Target principalTarget, String role) {
        if ("ROLE".equalsIgnoreCase(holder) || "SERVICE_LINKED_ROLE".equalsIgnoreCase(holder)) {
            if (role != null) {
                return new Target("Role", role);
            }
            return principalTarget.kind().equals("Role") ? principalTarget : new Target("Role", "${RoleName}");
        }
        return principalTarget;
    }

    private static String describe(Grant g) {
        String v = g.type() == GrantType.ACTION && Identifiers.alibabaAction(g.value()) ? g.value()
                : Identifiers.policyName(g.value()) ? g.value() : "(see the seed)";
        return g.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " " + v;
    }

    /**
     * The resources for an action, narrowed from the grant or the event: OSS actions get the bucket
     * and {@code bucket/*}; ram:PassRole the role; others the event's ARN when its service matches.
     */
    static List<String> resourcesFor(String action, String grantResource, Evidence ev) {
        String service = action.substring(0, action.indexOf(':'));
        List<String> fromGrant = narrow(service, grantResource);
        if (!fromGrant.isEmpty()) {
            return fromGrant;
        }
        if (ev != null && ev.resource() != null) {
            boolean sameAction = action.equalsIgnoreCase(String.valueOf(ev.deniedAction()));
            String evService = Identifiers.arnService(ev.resource()).orElse(
                    Identifiers.bucketOf(ev.resource()).isPresent() && String.valueOf(ev.deniedAction()).startsWith("oss:") ? "oss" : "");
            if (sameAction || service.equalsIgnoreCase(evService)) {
                List<String> fromEvent = narrow(service, ev.resource());
                if (!fromEvent.isEmpty()) {
                    return fromEvent;
                }
            }
        }
        return List.of("*");
    }

    private static List<String> narrow(String service, String resource) {
        if (resource == null || resource.isBlank()) {
            return List.of();
        }
        if (service.equals("oss")) {
            return Identifiers.bucketOf(resource).map(bkt -> List.of("acs:oss:*:*:" + bkt, "acs:oss:*:*:" + bkt + "/*"))
                    .orElse(List.of());
        }
        if (service.equals("ram")) {
            return Identifiers.roleName(resource).filter(r -> resource.contains("role/"))
                    .map(r -> List.of("acs:ram::*:role/" + r)).orElse(List.of());
        }
        return Identifiers.alibabaArn(resource)
                .filter(arn -> Identifiers.arnService(arn).map(service::equalsIgnoreCase).orElse(false))
                .map(List::of).orElse(List.of());
    }

    private void customPolicy(Finding f, Target target, Map<List<String>, Set<String>> statements, PlanBuilder b, String suffix) {
        ObjectNode doc = Json.wire().createObjectNode();
        doc.put("Version", "1");
        ArrayNode stmts = doc.putArray("Statement");
        statements.forEach((resources, actions) -> {
            ObjectNode s = stmts.addObject();
            s.put("Effect", "Allow");
            ArrayNode a = s.putArray("Action");
            actions.forEach(a::add);
            ArrayNode r = s.putArray("Resource");
            resources.forEach(r::add);
        });
        String name = PlanBuilder.policyName(f) + suffix;
        b.policy(new PolicyDocument(name, "ram-custom-policy", target.name(), doc));
        b.command("aliyun ram CreatePolicy --PolicyName " + name + " --PolicyDocument "
                + Identifiers.shellQuote(PlanBuilder.compact(doc)) + " --Description 'GrantWatch finding " + safeId(f) + "'");
        b.command("aliyun ram AttachPolicyTo" + target.kind() + " --PolicyType Custom --PolicyName " + name
                + " --" + target.kind() + "Name " + target.name());
        if (target.kind().equals("User")) {
            b.step("To grant a team instead: aliyun ram AttachPolicyToGroup --PolicyType Custom --PolicyName " + name
                    + " --GroupName ${GroupName}");
        }
        String label = PlanBuilder.tfLabel(name);
        String attachment = switch (target.kind()) {
            case "Role" -> "alicloud_ram_role_policy_attachment";
            case "Group" -> "alicloud_ram_group_policy_attachment";
            default -> "alicloud_ram_user_policy_attachment";
        };
        String who = target.kind().toLowerCase(java.util.Locale.ROOT) + "_name";
        b.terraform("resource \"alicloud_ram_policy\" \"" + label + "\" {\n"
                + "  policy_name     = \"" + name + "\"\n"
                + "  description     = \"GrantWatch finding " + safeId(f) + "\"\n"
                + "  policy_document = <<EOF\n" + PlanBuilder.terraformLiteral(PlanBuilder.pretty(doc)) + "\nEOF\n}\n\n"
                + "resource \"" + attachment + "\" \"" + label + "\" {\n"
                + "  policy_name = alicloud_ram_policy." + label + ".policy_name\n"
                + "  policy_type = alicloud_ram_policy." + label + ".type\n"
                + "  " + who + " " + " ".repeat(Math.max(0, 10 - who.length())) + "= \""
                + PlanBuilder.terraformLiteral(target.name()) + "\"\n}\n");
    }

    private void trustPolicy(Finding f, Grant g, PlanBuilder b) {
        String service = safeService(g.value());
        Evidence ev = f.evidence();
        String role = Identifiers.roleName(g.resource())
                .or(() -> ev == null ? Optional.empty() : Identifiers.roleName(ev.resource()))
                .or(() -> f.principal() != null && f.principal().type() == PrincipalType.ASSUMED_ROLE
                        ? Optional.ofNullable(f.principal().roleName()).filter(Identifiers::name) : Optional.empty())
                .orElse("${RoleName}");
        Optional<JsonNode> current = role.startsWith("${") ? Optional.empty() : trustPolicies.current(role);
        ObjectNode merged = TrustPolicies.mergeService(current.orElse(null), service);
        b.policy(new PolicyDocument(role + "-trust-policy", "ram-trust-policy", role, merged));
        b.cite(SeedCitations.ASSUME_ROLE);
        if (current.isPresent()) {
            b.step("The trust policy below is the role's current trust policy with " + service
                    + " added to Principal.Service; paste it in RAM console > Identities > Roles > " + role
                    + " > Trust Policy > Edit Trust Policy.");
        } else {
            b.step("GrantWatch has not seen the current trust policy of role " + role + ": run aliyun ram GetRole --RoleName "
                    + role + " and keep every principal it already trusts; the document below adds " + service
                    + " to Principal.Service (RAM console > Identities > Roles > " + role + " > Trust Policy > Edit Trust Policy).");
        }
        b.command("aliyun ram UpdateRole --RoleName " + role + " --NewAssumeRolePolicyDocument "
                + Identifiers.shellQuote(PlanBuilder.compact(merged)));
    }

    private void workspaceRole(Finding f, Grant g, PlanBuilder b) {
        String roleName = workspaceRoleName(g.value());
        String workspace = Identifiers.workspaceOf(g.resource())
                .or(() -> f.evidence() == null ? Optional.empty() : Identifiers.workspaceOf(f.evidence().resource()))
                .orElse("${WorkspaceName}");
        String member = f.principal() == null ? "${UserName}" : Identifiers.nameOr(
                f.principal().type() == PrincipalType.ASSUMED_ROLE ? f.principal().roleName() : f.principal().name(), "UserName");
        b.step("Console: PAI console > Workspaces > " + workspace + " > Members > Add Member: add " + member
                + " with the role " + roleName + " (workspace roles are not RAM policies; see \"メンバーの追加\").");
        if (roleName.toLowerCase(java.util.Locale.ROOT).contains("maxcompute")) {
            b.cite(SeedCitations.MAXCOMPUTE_USE);
        }
    }

    private void explicitDeny(Finding f, Target target, PlanBuilder b) {
        Evidence ev = f.evidence();
        String action = ev != null && Identifiers.alibabaAction(ev.deniedAction()) ? ev.deniedAction() : "the denied action";
        String resource = ev == null ? null : firstNonNull(
                Identifiers.alibabaArn(ev.resource()).orElse(null),
                Identifiers.bucketOf(ev.resource()).map(x -> "acs:oss:*:*:" + x).orElse(null));
        b.summary("Explicit deny of " + action + " for " + target.label() + ": do not add an Allow; review the Deny");
        b.step("Do not add an Allow: in RAM an explicit Deny takes precedence over every Allow.");
        String layer = ev == null || ev.errorMessage() == null ? null : matchGroup(POLICY_TYPE, ev.errorMessage());
        if (layer != null) {
            b.step("The denial names the policy layer " + layer + ": start the review there.");
        }
        b.step("Review Deny statements matching " + action + (resource == null ? "" : " on " + resource) + " in: "
                + "control policies of the resource directory folder holding the account; policies attached to the "
                + target.label() + " and its groups; the session policy of the STS token (role sessions); "
                + "resource policies such as the OSS bucket policy (OSS reports an identity Deny as \"Access denied by bucket policy\").");
        b.step("If the Deny is intended (a guardrail), record an accepted-risk mute rule instead of changing it.");
        if (target.kind().equals("Role")) {
            b.command("aliyun ram ListPoliciesForRole --RoleName " + target.name());
        } else {
            b.command("aliyun ram ListPoliciesForUser --UserName " + target.name());
            b.command("aliyun ram ListGroupsForUser --UserName " + target.name());
        }
        String encoded = ev == null || ev.errorMessage() == null ? null : matchGroup(ENCODED, ev.errorMessage());
        if (encoded != null) {
            b.command("aliyun ram DecodeDiagnosticMessage --EncodedDiagnosticMessage " + Identifiers.shellQuote(encoded));
        }
        b.cite(SeedCitations.RAM_POLICY_GRAMMAR);
    }

    private static String matchGroup(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    static String safeService(String s) {
        return s != null && s.matches("[a-z0-9.-]{1,100}\\.aliyuncs\\.com") ? s : PAI_SERVICE;
    }

    private static String workspaceRoleName(String s) {
        return s != null && s.matches("[A-Za-z0-9 ._-]{1,64}") ? s : "${WorkspaceRole}";
    }

    private static String serviceName(String s) {
        return s != null && s.matches("[A-Za-z0-9 ._()-]{1,64}") ? s : "the dependent service";
    }

    private static String safeId(Finding f) {
        return f.id().replaceAll("[^A-Za-z0-9-]", "-");
    }
}
