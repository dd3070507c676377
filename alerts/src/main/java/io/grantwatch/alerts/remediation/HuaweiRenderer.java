package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.alerts.remediation.Plan.DenyReview;
import io.grantwatch.alerts.remediation.Plan.Entity;
import io.grantwatch.alerts.remediation.Plan.EntityKind;
import io.grantwatch.alerts.remediation.Plan.PolicyGrant;
import io.grantwatch.alerts.remediation.Plan.SystemPolicyGrant;
import io.grantwatch.alerts.remediation.Plan.SystemPolicyRole;
import io.grantwatch.alerts.remediation.Plan.TrustChange;
import io.grantwatch.alerts.remediation.Plan.WorkspaceRole;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.KnownDeny;
import io.grantwatch.model.PolicyDocument;
import io.grantwatch.model.PolicyKind;
import io.grantwatch.model.Remediation;
import io.grantwatch.model.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@link Plan} as Huawei Cloud IAM: custom policies ({@code "Version": "1.1"}) split by scope (global
 * services on the account, project-level services on the region's project, as IAM requires), KooCLI
 * commands ({@code hcloud IAM CreateCloudServiceCustomPolicy} with a {@code --cli-jsonInput} file whose
 * top level is {@code body}, then the group or agency association), Terraform and console steps.
 *
 * <p>IAM v3 grants to user groups, not users: a user's grant goes to a group that holds only that
 * user ({@code GrantWatch-<user>}, created when missing), so nobody else gains it. A federated user's
 * grant goes to the group its identity provider's mapping assigns. An agency's grant goes to the
 * agency, with the seed's rule that the delegating user must hold it too. Ids come from lookup
 * commands; the region, when a project-level policy needs it, is asked for.
 */
final class HuaweiRenderer {
    /** An identity policy name GrantWatch prints inside a command and a JMESPath string literal. */
    private static final Pattern HUAWEI_POLICY_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /** jq: the agency trust merge (IAM v5: {@code sts:agencies:assume}, actions as a list), the rule of {@link TrustPolicies#mergeService}. */
    static final String TRUST_MERGE_JQ = TrustPolicies.mergeJq(TrustPolicies.V5_ASSUME, true);

    /** Services whose policies are granted on the account (global), not per project. */
    private static final Set<String> GLOBAL_SERVICES = Set.of("obs", "iam", "bss", "cbc", "cdn", "dns", "sts");

    Remediation render(Plan plan) {
        Script s = new Script(plan);
        List<String> heads = new ArrayList<>();
        if (plan.denyReview() != null) {
            denyReview(plan.denyReview(), s);
            return s.build(Cloud.HUAWEI, heads);
        }
        // a removed policy put back the way it was held comes first; the lost actions alone are its alternative
        boolean restored = false;
        for (SystemPolicyGrant sp : plan.systemPolicies()) {
            if (restoresAsHeld(sp) && restore(sp, s)) {
                restored = true;
                heads.add(sp.role() == SystemPolicyRole.RESTORE_VERSION ? "Restore the previous version of policy " + sp.policy()
                        : sp.role() == SystemPolicyRole.RESTORE_ATTACH_V5 ? "Re-attach identity policy " + sp.policy() + " to "
                                + (sp.heldAt().startsWith("group/") ? "group " + sp.heldAt().split("/")[1] : sp.to().label())
                                + " (IAM v5, as the detach removed it)"
                        : "Re-attach policy " + sp.policy() + " to group " + sp.group());
            }
        }
        if (restored && !plan.grants().isEmpty()) {
            s.step("Alternative to the restore above: the policy below grants " + plan.grants().get(0).to().label()
                    + " only the actions the change took away that its features use (least privilege for this principal alone); "
                    + "its commands are commented out, and the Terraform holds it instead of the restore.");
            s.alternative = true;
        }
        Map<Entity, List<PolicyGrant>> byEntity = new LinkedHashMap<>();
        for (PolicyGrant g : plan.grants()) {
            byEntity.computeIfAbsent(g.to(), k -> new ArrayList<>()).add(g);
            heads.add("Allow " + String.join(", ", g.actions()) + (g.resources().isEmpty() ? "" : " on " + String.join(", ", g.resources()))
                    + " for " + g.to().label());
        }
        int n = 0;
        for (Map.Entry<Entity, List<PolicyGrant>> e : byEntity.entrySet()) {
            String suffix = byEntity.size() == 1 ? "" : "-" + (++n);
            // IAM takes global services (OBS, IAM, ...) and project-level services in separate policies: split per action
            List<PolicyGrant> globalGrants = new ArrayList<>();
            List<PolicyGrant> projectGrants = new ArrayList<>();
            for (PolicyGrant g : e.getValue()) {
                List<String> global = g.projectScope() ? List.of() : g.actions().stream().filter(this::isGlobal).toList();
                List<String> project = g.actions().stream().filter(a -> !global.contains(a)).toList();
                if (!global.isEmpty()) {
                    globalGrants.add(new PolicyGrant(g.to(), global, g.resources(), g.certainty(), g.source(), false));
                }
                if (!project.isEmpty()) {
                    projectGrants.add(new PolicyGrant(g.to(), project, g.resources(), g.certainty(), g.source(), true));
                }
            }
            if (!globalGrants.isEmpty()) {
                policy(plan, e.getKey(), globalGrants, true, suffix + (projectGrants.isEmpty() ? "" : "-global"), s);
            }
            if (!projectGrants.isEmpty()) {
                policy(plan, e.getKey(), projectGrants, false, suffix + (globalGrants.isEmpty() ? "" : "-project"), s);
            }
            if (e.getKey().kind() == EntityKind.AGENCY) {
                s.step("The user who configures agency " + e.getKey().name() + " in ModelArts must hold these permissions too: "
                        + "请用户确保当前用户具备委托授权中包含的依赖策略项权限 (" + SeedCitations.MODELARTS_AGENCY + ").");
                s.cite(SeedCitations.MODELARTS_AGENCY);
            }
        }
        s.alternative = false;
        for (SystemPolicyGrant sp : plan.systemPolicies()) {
            if (restoresAsHeld(sp)) {
                continue;
            }
            systemPolicy(sp, s);
            if (sp.role() != SystemPolicyRole.COARSE_ALTERNATIVE) {
                heads.add((sp.role() == SystemPolicyRole.RESTORE_CUSTOM ? "Re-attach custom policy " : "Grant system policy ") + sp.policy()
                        + " to " + sp.to().label());
            }
        }
        for (TrustChange t : plan.trust()) {
            trust(plan.subject(), t, s);
            heads.add("Add " + t.service() + " to the trust policy of agency " + t.role() + " (merged: every principal it trusts is kept)");
        }
        for (WorkspaceRole w : plan.workspaceRoles()) {
            s.step("Console: ModelArts > Workspaces > " + (w.workspace() == null ? "the workspace" : w.workspace())
                    + " > Authorization: add " + w.member().label() + (w.role() == null ? "" : " with " + w.role()) + ".");
            heads.add("Authorize " + w.member().label() + " in the workspace");
        }
        if (!plan.activations().isEmpty()) {
            s.step("If not yet done, authorize with the account (ModelArts > Global Configuration > agency authorization): "
                    + String.join(", ", plan.activations()) + ".");
            if (heads.isEmpty()) {
                heads.add("Authorize " + String.join(", ", plan.activations()));
            }
        }
        return s.build(Cloud.HUAWEI, heads);
    }

    /**
     * A service put back into an agency's trust policy (IAM v5, GetAgencyV5 then UpdateTrustPolicyV5 {@code {"trust_policy": "..."}}):
     * merged into the live document with jq like a RAM role's, every principal, statement and condition kept, never replaced.
     */
    private void trust(Entity subject, TrustChange t, Script s) {
        String id = subject.kind() == EntityKind.AGENCY && t.role().equals(subject.name()) && subject.id() != null ? subject.id()
                : agency(new Entity(EntityKind.AGENCY, t.role(), null, t.account()), s);
        String arg = id.startsWith("$") ? "\"" + id + "\"" : id;
        String file = t.role() + "-trust-policy.json";
        String input = "trust-policy-" + (id.startsWith("$") ? "agency" : id) + ".json";
        s.step("Trust policy of agency " + t.role() + ": the commands fetch its current trust policy (IAM v5), add " + t.service()
                + " to Principal.Service of its unconditional Allow sts:agencies:assume statement (or as a statement of its own) with jq, "
                + "keeping every principal, statement and condition, write it to " + file + " for review, then update the agency. "
                + "Needs jq.");
        s.step("GrantWatch never deletes a statement: if the trust policy has a Deny naming " + t.service() + ", remove it by hand, "
                + "or the merge cannot help.");
        s.command("rm -f " + file + " " + input + "; hcloud IAM GetAgencyV5 --agency_id=" + arg + " | jq -r '.agency.trust_policy' "
                + "| jq -c --arg svc " + Identifiers.shellQuote(t.service()) + " "
                + Identifiers.shellQuote(TRUST_MERGE_JQ) + " > " + file);
        s.command("cat " + file + "   # review: the agency's principals plus " + t.service());
        s.command("[ -s " + file + " ] && jq -c '{body: {trust_policy: tojson}}' " + file + " > " + input
                + " && hcloud IAM UpdateTrustPolicyV5 --agency_id=" + arg + " --cli-jsonInput=" + input);
        s.cite(t.source());
    }

    private boolean isGlobal(String action) {
        return GLOBAL_SERVICES.contains(action.substring(0, action.indexOf(':')).toLowerCase(Locale.ROOT));
    }

    private void policy(Plan plan, Entity to, List<PolicyGrant> grants, boolean global, String suffix, Script s) {
        boolean incomplete = false;
        ObjectNode doc = Json.wire().createObjectNode();
        doc.put("Version", "1.1");
        ArrayNode stmts = doc.putArray("Statement");
        for (PolicyGrant g : grants) {
            ObjectNode st = Script.allow(stmts, g.actions());
            if (!g.resources().isEmpty()) {
                ArrayNode r = st.putArray("Resource");
                for (String res : g.resources()) {
                    if (res.equals(Resources.ASK)) {
                        r.add(s.inputs.chosen("RESOURCE_URN", "the OBS resource the refused call named, e.g. obs:*:*:object:bucket/folder/* "
                                + "(its text in the record cannot go into a policy as it is)", null));
                        incomplete = true;
                    } else {
                        r.add(res);
                    }
                }
            }
        }
        String name = Script.policyName(plan.findingId()) + suffix;
        String type = global ? "AX" : "XA";
        PolicyKind kind = to.kind() == EntityKind.AGENCY ? PolicyKind.HUAWEI_AGENCY_POLICY : PolicyKind.HUAWEI_IAM_POLICY;
        if (!incomplete) {
            s.policy(new PolicyDocument(name, kind, to.known() ? to.name() : null, doc));
        }
        ObjectNode input = Json.wire().createObjectNode();
        ObjectNode role = input.putObject("body").putObject("role");
        role.put("display_name", name);
        role.put("type", type);
        role.put("description", "GrantWatch finding " + Script.safeId(plan.findingId()));
        role.set("policy", doc);
        String file = name + ".json";
        String var = "POLICY_ID" + suffix.toUpperCase(Locale.ROOT).replace('-', '_');
        s.command("printf '%s\\n' " + s.quoted(Script.compact(input)) + " > " + file);
        s.command(var + "=$(hcloud IAM CreateCloudServiceCustomPolicy --cli-jsonInput=" + file
                + " --cli-query=\"role.id\" --cli-output=tsv)");
        grant(to, "\"$" + var + "\"", global, plan, s);
        if (!global) {
            s.step("Policy " + name + " holds project-level services: it is granted in the region's project (IAM project view), "
                    + "as IAM requires for them.");
        }
        String label = Hcl.label(name);
        s.terraform("resource \"huaweicloud_identity_role\" \"" + label + "\" {\n"
                + "  name        = " + Hcl.string(name) + "\n"
                + "  description = " + Hcl.string("GrantWatch finding " + Script.safeId(plan.findingId())) + "\n"
                + "  type        = \"" + type + "\"\n"
                + "  policy      = " + Hcl.jsonencode(doc, s.inputs::expression) + "\n}\n");
        if (to.kind() == EntityKind.USER || to.kind() == EntityKind.IDP_MAPPING) {
            String scope = global ? "  domain_id  = " + s.inputs.hcl(domain(to, s)) : "  project_id = " + terraformProject(s);
            s.terraform("resource \"huaweicloud_identity_group_role_assignment\" \"" + label + "\" {\n"
                    + "  group_id   = " + terraformGroup(to, s) + "\n"
                    + "  role_id    = huaweicloud_identity_role." + label + ".id\n"
                    + scope + "\n}\n");
        } else if (to.kind() == EntityKind.AGENCY) {
            s.step("Terraform: if agency " + (to.known() ? to.name() : "(input)") + " is managed by huaweicloud_identity_agency, add "
                    + "policy " + name + " to its role lists there (a second agency resource would replace the first).");
        }
    }

    /** The group in Terraform: the user's own group and its membership, or the mapped group by name. */
    private String terraformGroup(Entity to, Script s) {
        if (to.kind() == EntityKind.IDP_MAPPING) {
            s.terraformOnce("data \"huaweicloud_identity_group\" \"mapped\" {\n  name = " + s.inputs.expression("MAPPED_GROUP_NAME") + "\n}\n");
            return "data.huaweicloud_identity_group.mapped.id";
        }
        if (!to.known() && to.id() == null) {
            return s.inputs.expression("GROUP_ID");
        }
        String groupName = "GrantWatch-" + (to.known() ? to.name() : to.id());
        String user = to.id() != null ? Hcl.string(to.id()) : s.inputs.expression("USER_ID");
        s.terraformOnce("resource \"huaweicloud_identity_group\" \"user_group\" {\n  name        = " + Hcl.string(groupName)
                + "\n  description = " + Hcl.string("GrantWatch: grants of " + (to.known() ? to.name() : "one user") + " only") + "\n}\n\n"
                + "resource \"huaweicloud_identity_group_membership\" \"user_group\" {\n"
                + "  group = huaweicloud_identity_group.user_group.id\n  users = [" + user + "]\n}\n");
        return "huaweicloud_identity_group.user_group.id";
    }

    private String terraformProject(Script s) {
        s.terraformOnce("data \"huaweicloud_identity_projects\" \"region\" {\n  name = " + s.inputs.expression("REGION") + "\n}\n");
        return "data.huaweicloud_identity_projects.region.projects[0].id";
    }

    /** Associates a policy (custom or system, by id) with the entity on the account or on the region's project. */
    private void grant(Entity to, String policyId, boolean global, Plan plan, Script s) {
        String scope = global ? "--domain_id=\"" + domain(to, s) + "\"" : "--project_id=\"" + project(s) + "\"";
        String where = global ? "Domain" : "Project";
        switch (to.kind()) {
            case AGENCY -> s.command("hcloud IAM AssociateAgencyWith" + where + "Permission " + scope + " --agency_id=\"" + agency(to, s)
                    + "\" --role_id=" + policyId);
            case USER, IDP_MAPPING -> s.command("hcloud IAM KeystoneAssociateGroupWith" + where + "Permission " + scope
                    + " --group_id=\"" + group(to, plan, s) + "\" --role_id=" + policyId);
            default -> s.step("No IAM entity to grant to for " + to.label() + ".");
        }
    }

    private static boolean restoresAsHeld(SystemPolicyGrant sp) {
        return sp.role() == SystemPolicyRole.RESTORE_VERSION || sp.role() == SystemPolicyRole.RESTORE_ATTACH_V5 || sp.group() != null;
    }

    /**
     * An IAM v5 identity policy's previous default version restored (SetDefaultPolicyVersionV5, POST
     * /v5/policies/{policy_id}/versions/{version_id}/set-default), or a policy re-attached to the group it was detached from;
     * false when the name cannot be printed.
     */
    private static boolean restore(SystemPolicyGrant sp, Script s) {
        if (!HUAWEI_POLICY_NAME.matcher(sp.policy()).matches()) {
            return false;
        }
        String policy = sp.policy();
        if (sp.role() == SystemPolicyRole.RESTORE_ATTACH_V5) {
            // the exact undo of detach{Agency,User,Group}PolicyV5, in the same API family, with the ids the record carried
            String[] at = sp.heldAt().split("/");
            String kind = at[0].substring(0, 1).toUpperCase(Locale.ROOT) + at[0].substring(1);
            String file = "attach-" + at[2] + "-" + at[1] + ".json";
            String holder = "group".equals(at[0]) ? "group " + at[1] + " (" + sp.to().label() + " is a member; the whole policy never goes "
                    + "to one member)" : sp.to().label() + " (id " + at[1] + ")";
            s.step("Re-attach identity policy " + policy + (policy.equals(at[2]) ? "" : " (id " + at[2] + ")") + " to " + holder
                    + ": the exact undo of the IAM v5 detach, in the same API family. It may have changed since: "
                    + "review its current document (hcloud IAM GetPolicyV5 --policy_id=" + at[2] + ") first.");
            s.command("printf '%s\\n' " + Identifiers.shellQuote("{\"body\":{\"" + at[0] + "_id\":\"" + at[1] + "\"}}") + " > " + file);
            s.command("hcloud IAM Attach" + kind + "PolicyV5 --policy_id=" + at[2] + " --cli-jsonInput=" + file);
            return true;
        }
        if (sp.role() == SystemPolicyRole.RESTORE_VERSION) {
            String id = s.inputs.lookedUp("POLICY_ID", "id of identity policy " + policy, "hcloud IAM ListPoliciesV5 --policy_type=custom "
                    + "--cli-query=\"policies[?policy_name=='" + policy + "'].policy_id | [0]\" --cli-output=tsv");
            String version = sp.version() != null ? sp.version()
                    : s.inputs.chosen("VERSION_ID", "the version of policy " + policy + " that was the default before the change (the trail "
                            + "did not give its id)", "hcloud IAM ListPolicyVersionsV5 --policy_id=\"" + id + "\"");
            String arg = sp.version() != null ? version : "\"" + version + "\"";
            s.step("Restore the previous version: policy " + policy + " is still attached, but a new default version took away what "
                    + sp.to().label() + " uses. Making " + (sp.version() != null ? "version " + version : "the version that was in force")
                    + " the default again restores it for every holder; review it first. If that version was deleted since "
                    + "(deletePolicyVersionV5), the second command does nothing: apply the policy below instead (uncomment it).");
            s.command("hcloud IAM GetPolicyVersionV5 --policy_id=\"" + id + "\" --version_id=" + arg);
            s.command("hcloud IAM GetPolicyVersionV5 --policy_id=\"" + id + "\" --version_id=" + arg
                    + " > /dev/null && hcloud IAM SetDefaultPolicyVersionV5 --policy_id=\"" + id + "\" --version_id=" + arg);
            return true;
        }
        s.step("Re-attach policy " + policy + " to user group " + sp.group() + ", from which the change detached it (" + sp.to().label()
                + " is a member; the whole policy never goes to one member): an IAM v5 identity policy with hcloud IAM AttachGroupPolicyV5"
                + " (body group_id), an IAM v3 permission with hcloud IAM KeystoneAssociateGroupWithDomainPermission or "
                + "KeystoneAssociateGroupWithProjectPermission. If the group no longer exists, use the policy below instead.");
        return true;
    }

    private void systemPolicy(SystemPolicyGrant sp, Script s) {
        boolean global = sp.policy().matches("(?i)(OBS|IAM|BSS|Tenant|Security Administrator).*");
        String var = "SYSTEM_POLICY_ID_" + sp.policy().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
        if (sp.role() == SystemPolicyRole.RESTORE_CUSTOM) {
            // an IAM v3 custom policy (a role id) and a v5 identity policy are attached by different APIs, and the
            // change named only the policy: say what to restore rather than print a command that may fail
            s.step("Re-attach the custom policy " + sp.policy() + " that the change removed from " + sp.to().label()
                    + ": an IAM v5 identity policy with hcloud IAM Attach" + (sp.to().kind() == EntityKind.AGENCY ? "Agency"
                    : "User") + "PolicyV5, an IAM v3 custom policy as a permission of the " + (sp.to().kind() == EntityKind.AGENCY
                    ? "agency" : "user's group") + " (hcloud IAM ListCustomPolicies lists them); it may have changed since, so review its "
                    + "current document first. A policy deleted since (deletePolicyV5) cannot be re-attached: the policy above grants "
                    + "what its features used; to restore the whole of it, recreate it from its last known document (CreatePolicyV5) "
                    + "and attach that.");
            return;
        }
        if (sp.role() == SystemPolicyRole.COARSE_ALTERNATIVE) {
            s.coarse.add(sp.policy());
            s.systemPolicy(sp.policy());
            s.command("# coarse alternative (broader than needed), instead of the custom policy: grant system policy "
                    + Identifiers.shellQuote(sp.policy()) + " (hcloud IAM KeystoneListPermissions --display_name="
                    + Identifiers.shellQuote(sp.policy()) + " gives its id) to " + sp.to().label());
            return;
        }
        s.command(var + "=$(hcloud IAM KeystoneListPermissions --display_name=" + Identifiers.shellQuote(sp.policy())
                + " --cli-query=\"roles[0].id\" --cli-output=tsv)");
        grant(sp.to(), "\"$" + var + "\"", global, null, s);
        if (sp.role() == SystemPolicyRole.REQUIRED) {
            s.step("The seed names the system policy " + sp.policy() + " as what " + sp.to().label() + " needs here"
                    + (sp.source() == null ? "" : " (" + sp.source() + ")") + ".");
        }
    }

    /** The group that receives a user's (or a federated user's) grant, as a shell variable set by earlier lines. */
    private String group(Entity to, Plan plan, Script s) {
        if (to.kind() == EntityKind.IDP_MAPPING) {
            String idp = to.known() ? to.name() : "the identity provider";
            s.inputs.chosen("MAPPED_GROUP_NAME", "IAM user group that the mapping of " + idp + " assigns to this federated user "
                    + "(everyone the mapping puts in it gains the grant)",
                            "hcloud IAM KeystoneListMappings --cli-query=\"mappings[].rules[].local[].group.name\" --cli-output=json");
            s.inputs.lookedUp("GROUP_ID", "id of that group",
                    "hcloud IAM KeystoneListGroups --name=\"$MAPPED_GROUP_NAME\" --cli-query=\"groups[0].id\" --cli-output=tsv");
            s.inputs.terraformAs("GROUP_ID", "data.huaweicloud_identity_group.mapped.id");
            s.step("A federated user holds what its identity provider's mapping grants: the policy goes to the user group the mapping "
                    + "assigns (see hcloud IAM KeystoneListMappings / KeystoneShowMapping), not to an agency.");
            return "$GROUP_ID";
        }
        if (!to.known() && to.id() == null) {
            // no name and no id: a shared "GrantWatch-user" group would hand one user's grant to another
            return s.inputs.chosen("GROUP_ID", "id of an IAM user group that only the refused user of finding " + Script.safeId(s.findingId())
                    + " is in (the record gives no usable user name or id; see the principal of the finding)", "hcloud IAM KeystoneListGroups");
        }
        String groupName = "GrantWatch-" + (to.known() ? to.name() : to.id());
        String userId = to.id() != null ? to.id() : to.known()
                ? s.inputs.lookedUp("USER_ID", "IAM user id of " + to.name(),
                        "hcloud IAM KeystoneListUsers --name=" + to.name() + " --cli-query=\"users[0].id\" --cli-output=tsv")
                : s.inputs.chosen("USER_ID", "IAM user id of the denied user", "hcloud IAM KeystoneListUsers");
        if (to.id() == null && to.known()) {
            s.terraformOnce("data \"huaweicloud_identity_users\" \"user\" {\n  name = " + Hcl.string(to.name()) + "\n}\n");
            s.inputs.terraformAs("USER_ID", "data.huaweicloud_identity_users.user.users[0].id");
        }
        if (!s.groupReady) {
            s.groupReady = true;
            s.command("printf '%s\\n' " + Identifiers.shellQuote("{\"body\":{\"group\":{\"name\":\"" + groupName
                    + "\",\"description\":\"GrantWatch: grants of " + (to.known() ? to.name() : "one user") + " only\"}}}") + " > " + groupName
                            + ".json");
            s.command("GROUP_ID=$(hcloud IAM KeystoneListGroups --name=" + groupName + " --cli-query=\"groups[0].id\" --cli-output=tsv)");
            s.command("[ -n \"$GROUP_ID\" ] || GROUP_ID=$(hcloud IAM KeystoneCreateGroup --cli-jsonInput=" + groupName
                    + ".json --cli-query=\"group.id\" --cli-output=tsv)");
            s.command("hcloud IAM KeystoneAddUserToGroup --group_id=\"$GROUP_ID\" --user_id=" + (userId.startsWith("$") ? "\"" + userId + "\""
                    : userId));
            s.step("IAM grants policies to user groups: the commands use group " + groupName + ", which holds only " + to.label()
                    + " (created if missing), so nobody else gains the grant. To grant a team instead, set GROUP_ID to its group's id.");
        }
        return "$GROUP_ID";
    }

    private String agency(Entity to, Script s) {
        String name = to.known() ? to.name()
                : s.inputs.chosen("AGENCY_NAME", "the ModelArts agency that needs the grant", "hcloud IAM ListAgencies --domain_id=" + domain(to, s));
        // an agency name may hold spaces: quoted then
        String arg = !to.known() ? "\"" + name + "\"" : Identifiers.name(name) ? name : Identifiers.shellQuote(name);
        return s.inputs.lookedUp("AGENCY_ID", "id of agency " + (to.known() ? to.name() : "$AGENCY_NAME"),
                "hcloud IAM ListAgencies --domain_id=\"" + domain(to, s) + "\" --name=" + arg + " --cli-query=\"agencies[0].id\" --cli-output=tsv");
    }

    private String domain(Entity to, Script s) {
        if (to.account() != null) {
            return to.account();
        }
        return s.inputs.lookedUp("DOMAIN_ID", "account (domain) id",
                "hcloud IAM KeystoneListAuthDomains --cli-query=\"domains[0].id\" --cli-output=tsv");
    }

    private String project(Script s) {
        s.inputs.chosen("REGION", "region where ModelArts runs, e.g. cn-north-4",
                "hcloud IAM KeystoneListProjects --cli-query=\"projects[].name\" --cli-output=json");
        String id = s.inputs.lookedUp("PROJECT_ID", "project id of that region",
                "hcloud IAM KeystoneListProjects --name=\"$REGION\" --cli-query=\"projects[0].id\" --cli-output=tsv");
        s.inputs.terraformAs("PROJECT_ID", "data.huaweicloud_identity_projects.region.projects[0].id");
        return id;
    }

    private void denyReview(DenyReview d, Script s) {
        String action = d.action() == null ? "the denied action" : d.action();
        if (d.subject().kind() == EntityKind.ACCOUNT) {
            s.summary("The account was denied " + action + ": it holds every IAM permission, so a Deny outside identity policies "
                    + "(a bucket policy, an organization policy) blocks it — review, do not grant");
        } else {
            s.summary("Explicit deny of " + action + " for " + d.subject().label() + ": do not add an Allow; review the Deny");
        }
        s.step("Do not add an Allow: in IAM an explicit Deny takes precedence over every Allow.");
        KnownDeny k = d.named();
        if (k != null && d.subject().kind() != EntityKind.ACCOUNT) {
            s.summary("Explicit deny of " + action + " for " + d.subject().label() + ": " + k.label() + " denies it"
                    + (k.conditional() ? " under a Condition GrantWatch does not evaluate" : "") + " — change that statement, do not add an Allow");
            s.step("The Deny that matches this call, as GrantWatch's inventory holds it: " + k.label() + ": " + FixCheck.shown(k.statement())
                    + ". Change or remove that statement (or detach the policy from " + k.via() + ") if the call should succeed.");
            boolean id = k.policyId() != null && k.policyId().matches("[A-Za-z0-9-]{1,64}");
            if (id && "5.0".equals(k.language()) && k.version() != null && k.version().matches("v[0-9]{1,4}")) {
                s.command("hcloud IAM GetPolicyVersionV5 --policy_id=" + k.policyId() + " --version_id=" + k.version());
            } else if (id && "5.0".equals(k.language())) {
                s.command("hcloud IAM GetPolicyV5 --policy_id=" + k.policyId());
            } else if (id && "1.1".equals(k.language())) {
                s.command("hcloud IAM ShowCustomPolicy --role_id=" + k.policyId());
            }
        }
        if (d.layer() != null) {
            s.step("The denial names the " + d.layer() + " policy: start the review there.");
        }
        s.step("Review Deny statements matching " + action + (d.resource() == null ? "" : " on " + d.resource()) + " in: the policies of "
                + "the user's groups (or the agency's), identity policies attached directly (IAM v5), organization service control "
                + "policies, and resource policies such as the OBS bucket policy.");
        s.step("If the Deny is intended (a guardrail), record an accepted-risk mute rule instead of changing it.");
        if (d.subject().kind() == EntityKind.USER && d.subject().id() != null) {
            s.command("hcloud IAM KeystoneListGroupsForUser --user_id=" + d.subject().id());
        }
        s.cite(SeedCitations.HUAWEI_POLICY_GRAMMAR);
    }
}
