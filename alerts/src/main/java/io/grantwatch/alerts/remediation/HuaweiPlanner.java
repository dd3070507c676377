package io.grantwatch.alerts.remediation;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Huawei Cloud IAM remediations: custom policies ({@code "Version": "1.1"}, actions
 * {@code service:resource:action}) for the user (through a group) or for the ModelArts agency,
 * the reminder that the delegating user must hold what the agency holds, KooCLI ({@code hcloud IAM})
 * commands and Terraform ({@code huaweicloud_identity_role} + assignment). Global services (OBS, IAM,
 * BSS) and project-level services (ModelArts, SWR, ...) go into separate policies, as IAM requires.
 */
final class HuaweiPlanner {
    private static final Set<String> GLOBAL_SERVICES = Set.of("obs", "iam", "bss", "cbc", "cdn", "dns", "sts");
    private static final Pattern DENY_LAYER = Pattern.compile("explicit deny in the ([a-z-]{2,40}) policy");

    Remediation plan(Finding f) {
        PlanBuilder b = new PlanBuilder(f);
        Principal p = f.principal();
        f.missing().forEach(m -> b.cite(m.citation()));
        Evidence ev = f.evidence();
        if (f.kind() == FindingKind.EXPLICIT_DENY) {
            explicitDeny(f, b);
            return b.build(Cloud.HUAWEI, SeedCitations.HUAWEI_POLICY_GRAMMAR);
        }
        Set<String> userActions = new LinkedHashSet<>();
        Set<String> agencyActions = new LinkedHashSet<>();
        Set<String> restoreUser = new LinkedHashSet<>();
        Set<String> restoreAgency = new LinkedHashSet<>();
        Set<String> coarse = new LinkedHashSet<>();
        Set<String> optional = new LinkedHashSet<>();
        Set<String> activations = new LinkedHashSet<>();
        String agency = null;
        List<String> heads = new ArrayList<>();
        for (MissingGrant m : f.missing()) {
            Grant g = m.grant();
            boolean forAgency = g.type() == GrantType.AGENCY_ACTION || "AGENCY".equalsIgnoreCase(m.holder())
                    || (p != null && p.type() == PrincipalType.ASSUMED_AGENCY && g.type() == GrantType.ACTION);
            if (m.certainty() == Certainty.POSSIBLE && g.type() != GrantType.SERVICE_ACTIVATION) {
                String what = Identifiers.huaweiAction(g.value()) || Identifiers.policyName(g.value()) ? g.value() : "(see the seed)";
                optional.add(what + (forAgency ? " for the agency" : "")
                        + (Identifiers.policyName(m.systemPolicy()) && !m.systemPolicy().equals(g.value())
                        ? " (system policy " + m.systemPolicy() + ")" : ""));
                continue;
            }
            if (Identifiers.policyName(m.systemPolicy())) {
                coarse.add(m.systemPolicy());
            }
            if (forAgency && agency == null) {
                agency = agencyName(g, p);
            }
            switch (g.type()) {
                case ACTION, AGENCY_ACTION -> {
                    if (!Identifiers.huaweiAction(g.value())) {
                        b.step("The catalog names an action GrantWatch cannot print safely; see the cited seed section.");
                        continue;
                    }
                    if (forAgency) {
                        agencyActions.add(g.value());
                        heads.add("Grant " + g.value() + " to the agency");
                    } else {
                        userActions.add(g.value());
                        heads.add("Allow " + g.value());
                    }
                }
                case SYSTEM_POLICY -> {
                    if (!Identifiers.policyName(g.value())) {
                        continue;
                    }
                    if (m.certainty() == Certainty.CERTAIN && ev != null && Identifiers.huaweiAction(ev.deniedAction())) {
                        (forAgency ? agencyActions : userActions).add(ev.deniedAction());
                        coarse.add(g.value());
                        heads.add("Allow " + ev.deniedAction() + " (or attach " + g.value() + ")");
                    } else if (m.certainty() == Certainty.CERTAIN || f.kind() == FindingKind.PREDICTED_BREAKAGE) {
                        (forAgency ? restoreAgency : restoreUser).add(g.value());
                        heads.add("Attach system policy " + g.value() + (forAgency ? " to the agency" : ""));
                    } else {
                        coarse.add(g.value());
                    }
                }
                case SERVICE_ACTIVATION -> {
                    if (g.value().matches("[A-Za-z0-9 ._-]{1,64}")) {
                        activations.add(g.value());
                    }
                }
                case WORKSPACE_ROLE -> {
                    b.step("Console: ModelArts > Workspaces > the workspace > Authorization: add the user with the workspace role.");
                    heads.add("Add the workspace role");
                }
                default -> b.step("Review grant type " + g.type() + " manually (no Huawei equivalent is generated).");
            }
        }
        if (userActions.isEmpty() && agencyActions.isEmpty() && f.kind() == FindingKind.UNMAPPED_DENIAL && ev != null
                && Identifiers.huaweiAction(ev.deniedAction())) {
            userActions.add(ev.deniedAction());
            heads.add("Allow " + ev.deniedAction() + " (the catalog does not know this denial yet)");
        }
        if (!userActions.isEmpty()) {
            String userName = p == null ? "${UserName}" : Identifiers.nameOr(
                    p.type() == PrincipalType.ASSUMED_AGENCY ? p.issuer() : p.name(), "UserName");
            policies(f, b, userActions, ev, "group", userName, "");
            b.step("Huawei IAM grants policies to user groups: add user " + userName
                    + " to the group ${GroupId} stands for (or create one), then assign the policy to the group.");
        }
        if (!agencyActions.isEmpty()) {
            String agencyName = agency == null ? "${AgencyName}" : agency;
            policies(f, b, agencyActions, ev, "agency", agencyName, "-agency");
            b.cite(SeedCitations.MODELARTS_AGENCY);
            String delegator = p == null ? null : Identifiers.name(p.issuer()) ? p.issuer() : null;
            b.step("The user who configures agency " + agencyName + " in ModelArts must hold these permissions too ("
                    + String.join(", ", agencyActions) + ")" + (delegator == null ? "" : "; the session was issued to " + delegator)
                    + ": 请用户确保当前用户具备委托授权中包含的依赖策略项权限.");
        }
        String domain = p != null && Identifiers.account(p.accountId()) ? p.accountId() : "${DomainId}";
        for (String sp : restoreUser) {
            restoreSystemRole(b, sp, "group", domain);
        }
        for (String sp : restoreAgency) {
            restoreSystemRole(b, sp, "agency", domain);
        }
        if ((!restoreUser.isEmpty() || !restoreAgency.isEmpty()) && f.kind() == FindingKind.PREDICTED_BREAKAGE && f.change() != null) {
            String action = f.change().action() != null && f.change().action().matches("[A-Za-z0-9_./:-]{1,80}") ? f.change().action() : "an IAM change";
            b.step("This restores what " + action + (f.change().time() == null ? "" : " at " + f.change().time())
                    + " removed; if the removal was intended, record an accepted-risk mute rule instead.");
        }
        coarse.removeAll(restoreUser);
        coarse.removeAll(restoreAgency);
        coarse.forEach(b::systemPolicy);
        if (!coarse.isEmpty()) {
            b.step("Coarse alternative: assign the documented system " + (coarse.size() == 1 ? "policy " : "policies ")
                    + String.join(", ", coarse) + " instead of the custom policy (broader than needed).");
        }
        if (!optional.isEmpty()) {
            b.step("May also be needed (the seed lists them as possibly required; not included above): " + String.join("; ", optional) + ".");
        }
        if (!activations.isEmpty()) {
            b.step("If not yet done, authorize with the account (ModelArts > Global Configuration > agency authorization): "
                    + String.join(", ", activations) + ".");
            if (heads.isEmpty()) {
                heads.add("Authorize " + String.join(", ", activations));
            }
        }
        String who = p == null ? "the principal" : p.type() == PrincipalType.ASSUMED_AGENCY
                ? "agency " + Identifiers.nameOr(p.roleName(), "AgencyName") : "user " + Identifiers.nameOr(p.name(), "UserName");
        String head = heads.isEmpty() ? "Review the denial" : heads.get(0);
        b.summary(head + " for " + who + (heads.size() > 1 ? " (+" + (heads.size() - 1) + " more)" : ""));
        return b.build(Cloud.HUAWEI, SeedCitations.MODELARTS_DEPENDENCIES);
    }

    /** Assign a system-defined role (policy) by its display name: look up its id, then associate it. */
    private static void restoreSystemRole(PlanBuilder b, String name, String holderKind, String domain) {
        b.systemPolicy(name);
        b.command("hcloud IAM KeystoneListPermissions --display_name=" + Identifiers.shellQuote(name)
                + "   # note roles[0].id as ${SystemRoleId}");
        // global services' system policies are assigned on the domain, project-level ones per project
        boolean global = name.matches("(?i)(OBS|IAM|BSS|Tenant|Security Administrator).*");
        if (holderKind.equals("agency")) {
            b.command(global
                    ? "hcloud IAM AssociateAgencyWithDomainPermission --domain_id=" + domain + " --agency_id=${AgencyId} --role_id=${SystemRoleId}"
                    : "hcloud IAM AssociateAgencyWithProjectPermission --project_id=${ProjectId} --agency_id=${AgencyId} --role_id=${SystemRoleId}");
        } else {
            b.command(global
                    ? "hcloud IAM KeystoneAssociateGroupWithDomainPermission --domain_id=" + domain + " --group_id=${GroupId} --role_id=${SystemRoleId}"
                    : "hcloud IAM KeystoneAssociateGroupWithProjectPermission --project_id=${ProjectId} --group_id=${GroupId} "
                            + "--role_id=${SystemRoleId}");
        }
    }

    private static String agencyName(Grant g, Principal p) {
        if (Identifiers.name(g.resource())) {
            return g.resource();
        }
        if (p != null && p.type() == PrincipalType.ASSUMED_AGENCY && Identifiers.name(p.roleName())) {
            return p.roleName();
        }
        return null;
    }

    /** One policy per scope (global services, project-level services) for a group or an agency. */
    private void policies(Finding f, PlanBuilder b, Set<String> actions, Evidence ev, String holderKind, String holder,
            String suffix) {
        List<String> global = actions.stream().filter(a -> GLOBAL_SERVICES.contains(service(a))).toList();
        List<String> project = actions.stream().filter(a -> !GLOBAL_SERVICES.contains(service(a))).toList();
        if (!global.isEmpty()) {
            policy(f, b, global, ev, holderKind, holder, suffix + (project.isEmpty() ? "" : "-global"), "AX");
        }
        if (!project.isEmpty()) {
            policy(f, b, project, ev, holderKind, holder, suffix + (global.isEmpty() ? "" : "-project"), "XA");
        }
    }

    private void policy(Finding f, PlanBuilder b, List<String> actions, Evidence ev, String holderKind, String holder,
            String suffix, String type) {
        ObjectNode doc = Json.wire().createObjectNode();
        doc.put("Version", "1.1");
        ArrayNode stmts = doc.putArray("Statement");
        Optional<String> bucket = ev == null ? Optional.empty() : Identifiers.bucketOf(ev.resource());
        List<String> bucketActions = actions.stream().filter(a -> a.startsWith("obs:bucket:")).toList();
        List<String> objectActions = actions.stream().filter(a -> a.startsWith("obs:object:")).toList();
        List<String> rest = actions.stream().filter(a -> !a.startsWith("obs:bucket:") && !a.startsWith("obs:object:")).toList();
        if (bucket.isPresent()) {
            if (!bucketActions.isEmpty()) {
                statement(stmts, bucketActions, List.of("obs:*:*:bucket:" + bucket.get()));
            }
            if (!objectActions.isEmpty()) {
                statement(stmts, objectActions, List.of("obs:*:*:object:" + bucket.get() + "/*"));
            }
            if (!rest.isEmpty()) {
                statement(stmts, rest, null);
            }
        } else {
            statement(stmts, actions, null);
            if (!bucketActions.isEmpty() || !objectActions.isEmpty()) {
                b.step("The event named no bucket: narrow the OBS actions with \"Resource\": [\"obs:*:*:bucket:<bucket>\", "
                        + "\"obs:*:*:object:<bucket>/*\"].");
            }
        }
        String name = PlanBuilder.policyName(f) + suffix;
        String kind = holderKind.equals("agency") ? "huawei-agency-policy" : "huawei-iam-policy";
        b.policy(new PolicyDocument(name, kind, holder, doc));

        ObjectNode input = Json.wire().createObjectNode();
        ObjectNode role = input.putObject("role");
        role.put("display_name", name);
        role.put("type", type);
        role.put("description", "GrantWatch finding " + f.id().replaceAll("[^A-Za-z0-9-]", "-"));
        role.set("policy", doc);
        String file = name + ".json";
        b.command("printf '%s' " + Identifiers.shellQuote(PlanBuilder.compact(input)) + " > " + file);
        b.command("hcloud IAM CreateCloudRole --cli-jsonInput=" + file + "   # note role.id of the result as ${RoleId}");
        String domain = f.principal() != null && Identifiers.account(f.principal().accountId()) ? f.principal().accountId() : "${DomainId}";
        boolean global = type.equals("AX");
        if (holderKind.equals("agency")) {
            b.command(global
                    ? "hcloud IAM AssociateAgencyWithDomainPermission --domain_id=" + domain + " --agency_id=${AgencyId} --role_id=${RoleId}"
                    : "hcloud IAM AssociateAgencyWithProjectPermission --project_id=${ProjectId} --agency_id=${AgencyId} --role_id=${RoleId}");
        } else {
            b.command(global
                    ? "hcloud IAM KeystoneAssociateGroupWithDomainPermission --domain_id=" + domain + " --group_id=${GroupId} --role_id=${RoleId}"
                    : "hcloud IAM KeystoneAssociateGroupWithProjectPermission --project_id=${ProjectId} --group_id=${GroupId} --role_id=${RoleId}");
        }
        String label = PlanBuilder.tfLabel(name);
        StringBuilder tf = new StringBuilder()
                .append("resource \"huaweicloud_identity_role\" \"").append(label).append("\" {\n")
                .append("  name        = \"").append(name).append("\"\n")
                .append("  description = \"GrantWatch finding ").append(f.id().replaceAll("[^A-Za-z0-9-]", "-")).append("\"\n")
                .append("  type        = \"").append(type).append("\"\n")
                .append("  policy      = <<EOF\n").append(PlanBuilder.terraformLiteral(PlanBuilder.pretty(doc))).append("\nEOF\n}\n\n");
        if (holderKind.equals("agency")) {
            tf.append("# agency ").append(PlanBuilder.terraformLiteral(holder)).append(": add huaweicloud_identity_role.").append(label)
                    .append(".name to ").append(global ? "domain_roles" : "project_role.roles")
                    .append(" of its huaweicloud_identity_agency resource\n");
        } else {
            tf.append("resource \"huaweicloud_identity_role_assignment\" \"").append(label).append("\" {\n")
                    .append("  role_id    = huaweicloud_identity_role.").append(label).append(".id\n")
                    .append("  group_id   = \"$${GroupId}\"\n")
                    .append(global ? "  domain_id  = \"" + PlanBuilder.terraformLiteral(domain) + "\"\n" : "  project_id = \"$${ProjectId}\"\n")
                    .append("}\n");
        }
        b.terraform(tf.toString());
    }

    private static void statement(ArrayNode stmts, List<String> actions, List<String> resources) {
        ObjectNode s = stmts.addObject();
        s.put("Effect", "Allow");
        ArrayNode a = s.putArray("Action");
        actions.forEach(a::add);
        if (resources != null) {
            ArrayNode r = s.putArray("Resource");
            resources.forEach(r::add);
        }
    }

    private void explicitDeny(Finding f, PlanBuilder b) {
        Evidence ev = f.evidence();
        Principal p = f.principal();
        String action = ev != null && Identifiers.huaweiAction(ev.deniedAction()) ? ev.deniedAction() : "the denied action";
        String who = p == null ? "the principal" : p.type() == PrincipalType.ASSUMED_AGENCY
                ? "agency " + Identifiers.nameOr(p.roleName(), "AgencyName") : "user " + Identifiers.nameOr(p.name(), "UserName");
        b.summary("Explicit deny of " + action + " for " + who + ": do not add an Allow; review the Deny");
        b.step("Do not add an Allow: in Huawei IAM an explicit Deny takes precedence over every Allow.");
        if (ev != null && ev.errorMessage() != null) {
            Matcher m = DENY_LAYER.matcher(ev.errorMessage().toLowerCase(Locale.ROOT));
            if (m.find()) {
                b.step("The denial names the policy layer \"" + m.group(1) + "\": start the review there.");
            }
        }
        b.step("Review Deny statements matching " + action + " in: custom policies assigned to the groups of " + who
                + " (global and per project / enterprise project); the agency's policies for an agency session; "
                + "service control policies of the organization; bucket policies for OBS.");
        b.step("If the Deny is intended (a guardrail), record an accepted-risk mute rule instead of changing it.");
        if (p != null && p.type() != PrincipalType.ASSUMED_AGENCY && Identifiers.name(p.id())) {
            b.command("hcloud IAM KeystoneListGroupsForUser --user_id=" + p.id());
        }
        b.command("hcloud IAM ListCustomPolicies");
        b.cite(SeedCitations.HUAWEI_POLICY_GRAMMAR);
    }

    private static String service(String action) {
        return action.substring(0, action.indexOf(':'));
    }
}
