package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.regex.Pattern;

/**
 * A {@link Plan} as Alibaba Cloud RAM: custom policies ({@code "Version": "1"}), {@code aliyun ram}
 * / {@code aliyun aiworkspace} commands (RPC parameters as {@code --Name value}, ROA as method and
 * path), Terraform ({@code alicloud_ram_policy} + attachments, {@code jsonencode}) and console steps.
 * A trust policy is only ever merged: the known current document with the service added, or
 * {@code GetRole} → {@code jq} → {@code UpdateRole} that keeps every principal already trusted.
 */
final class RamRenderer {
    /** A RAM policy name as the API allows it (letters, digits, hyphens; dots and underscores in system policies). */
    private static final Pattern RAM_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /**
     * jq: add $svc to Principal.Service of the first unconditional Allow sts:AssumeRole statement, or as a
     * statement of its own when every such statement has a Condition PAI cannot meet; everything else is
     * kept (same rule as {@link TrustPolicies#mergeService}; tests run it on the seed's FAQ example).
     */
    static final String TRUST_MERGE_JQ = TrustPolicies.mergeJq(TrustPolicies.RAM_ASSUME, false);

    Remediation render(Plan plan) {
        Script s = new Script(plan);
        Inputs in = s.inputs;
        List<String> heads = new ArrayList<>();
        if (plan.denyReview() != null) {
            denyReview(plan.denyReview(), s);
            return s.build(Cloud.ALIBABA, heads);
        }
        // a removed policy put back the way it was held comes first; the lost actions alone are its alternative
        List<SystemPolicyGrant> restores = plan.systemPolicies().stream().filter(RamRenderer::restoresAsHeld).toList();
        for (SystemPolicyGrant sp : restores) {
            if (restore(sp, s)) {
                heads.add(sp.role() == SystemPolicyRole.RESTORE_VERSION
                        ? "Restore the previous version of policy " + sp.policy() + (sp.version() == null ? "" : " (" + sp.version() + ")")
                        : sp.role() == SystemPolicyRole.RESTORE_RESOURCE_GROUP ? "Re-attach policy " + sp.policy() + " to " + sp.to().label()
                                + " in resource group " + sp.heldAt().substring(0, sp.heldAt().indexOf('/'))
                        : sp.group() == null ? "Re-attach custom policy " + sp.policy() + " to " + sp.to().label()
                        : "Re-attach policy " + sp.policy() + " to group " + sp.group());
            }
        }
        if (!restores.isEmpty() && !plan.grants().isEmpty()) {
            s.step("Alternative to the restore above: the custom policy below grants " + plan.grants().get(0).to().label()
                    + " only the actions the change took away that its features use (least privilege for this principal alone); "
                    + "its commands are commented out, and the Terraform holds it instead of the restore.");
            s.alternative = true;
        }
        Map<Entity, List<PolicyGrant>> byEntity = new LinkedHashMap<>();
        for (PolicyGrant g : plan.grants()) {
            if (g.to().kind() == EntityKind.USER || g.to().kind() == EntityKind.ROLE) {
                byEntity.computeIfAbsent(g.to(), k -> new ArrayList<>()).add(g);
                heads.add("Allow " + String.join(", ", g.actions()) + " on " + resourceText(g) + " for " + g.to().label());
            }
        }
        int n = 0;
        for (Map.Entry<Entity, List<PolicyGrant>> e : byEntity.entrySet()) {
            customPolicy(plan, e.getKey(), e.getValue(), s, byEntity.size() == 1 ? "" : "-" + (++n));
        }
        s.alternative = false;
        if (plan.grants().stream().anyMatch(g -> g.resources().equals(List.of("*")))) {
            s.step("Resource is \"*\" where the audit record named no resource (list calls need it); narrow it if you know more.");
        }
        for (TrustChange t : plan.trust()) {
            trust(t, s);
            heads.add("Add " + t.service() + " to the trust policy of role " + (t.role() == null ? "(input)" : t.role())
                    + " (merged: every principal it trusts is kept)");
        }
        for (SystemPolicyGrant sp : plan.systemPolicies()) {
            if (restoresAsHeld(sp)) {
                continue;
            }
            systemPolicy(plan, sp, s);
            if (sp.role() != SystemPolicyRole.COARSE_ALTERNATIVE) {
                heads.add((sp.role() == SystemPolicyRole.RESTORE_CUSTOM ? "Re-attach custom policy " : "Attach system policy ") + sp.policy()
                        + " to " + sp.to().label());
            }
        }
        for (WorkspaceRole w : plan.workspaceRoles()) {
            workspaceRole(w, s);
            heads.add("Add " + w.member().label() + " to the workspace with role " + (w.role() == null ? "(choose)" : w.role()));
        }
        if (!plan.activations().isEmpty()) {
            s.step("If not yet active, activate with the Alibaba Cloud account (the seed recommends the account; a RAM user who "
                    + "activates needs the system policy the seed names for it): " + String.join(", ", plan.activations()) + ".");
            if (heads.isEmpty()) {
                heads.add("Activate " + String.join(", ", plan.activations()));
            }
        }
        return s.build(Cloud.ALIBABA, heads);
    }

    private static String resourceText(PolicyGrant g) {
        return g.resources().isEmpty() ? "the role to be chosen" : String.join(", ", g.resources());
    }

    private void customPolicy(Plan plan, Entity to, List<PolicyGrant> grants, Script s, String suffix) {
        boolean incomplete = false;
        ObjectNode doc = Json.wire().createObjectNode();
        doc.put("Version", "1");
        ArrayNode stmts = doc.putArray("Statement");
        for (PolicyGrant g : grants) {
            ObjectNode st = Script.allow(stmts, g.actions());
            ArrayNode r = st.putArray("Resource");
            if (g.resources().isEmpty()) {
                // PassRole on a role the evidence did not name: the administrator chooses it
                r.add("acs:ram::*:role/" + s.inputs.chosen("PASSED_ROLE_NAME", "RAM role the principal hands to PAI (the instance RAM role)",
                        "aliyun ram ListRoles"));
                incomplete = true;
            } else {
                for (String res : g.resources()) {
                    if (res.equals(Resources.ASK)) {
                        r.add(s.inputs.chosen("RESOURCE_ARN", "ARN of the resource the refused call named (its text in the record "
                                + "cannot go into a policy as it is)", null));
                        incomplete = true;
                    } else {
                        r.add(res);
                    }
                }
            }
        }
        String name = Script.policyName(plan.findingId()) + suffix;
        String who = entityArg(to, s);
        String kind = to.kind() == EntityKind.ROLE ? "Role" : "User";
        if (!incomplete) {
            s.policy(new PolicyDocument(name, PolicyKind.RAM_CUSTOM_POLICY, to.known() ? to.name() : null, doc));
        }
        s.command("aliyun ram CreatePolicy --PolicyName " + name + " --Description " + Identifiers.shellQuote("GrantWatch finding "
                + Script.safeId(plan.findingId())) + " --PolicyDocument " + s.quoted(Script.compact(doc)));
        s.command("aliyun ram AttachPolicyTo" + kind + " --PolicyType Custom --PolicyName " + name + " --" + kind + "Name " + who);
        if (to.kind() == EntityKind.USER) {
            s.step("To grant a team instead of one user, attach policy " + name + " to the team's group with aliyun ram "
                    + "AttachPolicyToGroup (--PolicyType Custom, --GroupName the group); aliyun ram ListGroupsForUser lists "
                    + (to.known() ? to.name() + "'s" : "the user's") + " groups.");
        }
        String label = Hcl.label(name);
        s.terraform("resource \"alicloud_ram_policy\" \"" + label + "\" {\n"
                + "  policy_name     = " + Hcl.string(name) + "\n"
                + "  description     = " + Hcl.string("GrantWatch finding " + Script.safeId(plan.findingId())) + "\n"
                + "  policy_document = " + Hcl.jsonencode(doc, s.inputs::expression) + "\n}\n\n"
                + "resource \"alicloud_ram_" + kind.toLowerCase(Locale.ROOT) + "_policy_attachment\" \"" + label + "\" {\n"
                + "  policy_name = alicloud_ram_policy." + label + ".policy_name\n"
                + "  policy_type = alicloud_ram_policy." + label + ".type\n"
                + "  " + kind.toLowerCase(Locale.ROOT) + "_name   = " + s.inputs.hcl(to.known() ? to.name() : who.replace("\"", ""))
                + "\n}\n");
    }

    /**
     * Always a merge into the role's live document: GetRole → jq → a file to review → UpdateRole. When the
     * trail showed the document, the merged result is printed too, for review — the commands still read
     * the live one, so a change made since (or a value the trail masked) is never overwritten.
     */
    private void trust(TrustChange t, Script s) {
        String role = t.role() != null ? t.role()
                : s.inputs.chosen("TRUST_ROLE_NAME", "RAM role whose trust policy must name " + t.service(), "aliyun ram ListRoles");
        String roleArg = t.role() != null ? role : "\"" + role + "\"";
        String file = (t.role() != null ? t.role() : "role") + "-trust-policy.json";
        if (t.current() != null) {
            JsonNode merged = TrustPolicies.mergeService(t.current(), t.service());
            s.policy(new PolicyDocument(t.role() + "-trust-policy", PolicyKind.RAM_TRUST_POLICY, t.role(), merged));
            s.step("Trust policy of role " + t.role() + ": the document below is its trust policy as the audit trail last recorded it, "
                    + "with " + t.service() + " added to Principal.Service — for review. The commands merge into the role's live "
                    + "document the same way, so a change made since is kept.");
        }
        s.step("Trust policy of role " + (t.role() == null ? "(input)" : t.role()) + ": the commands fetch the current document, add "
                + t.service() + " to Principal.Service of its unconditional Allow statement (or as a statement of its own) with jq, "
                + "keeping every principal and condition, write it to " + file + " for review, then update the role. Needs jq.");
        // a role name is unique only inside its account: run against the role's own account, or not at all
        String guard = t.account() == null ? "" : "[ \"$(aliyun sts GetCallerIdentity | jq -r '.AccountId')\" = " + t.account() + " ] && ";
        if (t.account() != null) {
            s.step("Role " + (t.role() == null ? "(input)" : t.role()) + " is in account " + t.account() + ": run the trust commands with "
                    + "credentials of that account (aliyun --profile); they check the account and do nothing elsewhere.");
        }
        s.step("GrantWatch never deletes a statement: if the role's trust policy has a Deny for sts:AssumeRole that names "
                + t.service() + " (or every principal), remove it by hand, or the merge cannot help.");
        s.command("rm -f " + file + "; " + guard + "aliyun ram GetRole --RoleName " + roleArg + " | jq -r '.Role.AssumeRolePolicyDocument' "
                + "| jq -c --arg svc " + Identifiers.shellQuote(t.service()) + " " + Identifiers.shellQuote(TRUST_MERGE_JQ) + " > " + file);
        s.command("cat " + file + "   # review: the role's principals plus " + t.service());
        s.command("[ -s " + file + " ] && aliyun ram UpdateRole --RoleName " + roleArg + " --NewAssumeRolePolicyDocument \"$(cat "
                + file + ")\"");
        s.cite(t.source());
    }

    private static boolean restoresAsHeld(SystemPolicyGrant sp) {
        return sp.role() == SystemPolicyRole.RESTORE_VERSION || sp.role() == SystemPolicyRole.RESTORE_RESOURCE_GROUP || sp.group() != null
                || sp.role() == SystemPolicyRole.RESTORE_CUSTOM && (sp.to().kind() == EntityKind.USER || sp.to().kind() == EntityKind.ROLE);
    }

    /** A new default version undone, or a policy re-attached to the group it was detached from; false when nothing printable. */
    private static boolean restore(SystemPolicyGrant sp, Script s) {
        if (!RAM_NAME.matcher(sp.policy()).matches()) {
            return false;
        }
        String policy = sp.policy();
        if (sp.role() == SystemPolicyRole.RESTORE_RESOURCE_GROUP) {
            // <group id>/<policy type>/<principal type>/<principal name>, as the ResourceManager DetachPolicy named them
            String[] at = sp.heldAt().split("/");
            s.step("Re-attach policy " + policy + " to " + sp.to().label() + " in resource group " + at[0] + ", where the change "
                    + "(ResourceManager DetachPolicy) removed it: the exact undo, with the record's principal name. It is not attached "
                    + "account-wide: that would give " + sp.to().label() + " the policy on every resource group. The command does it only "
                    + "if the policy still exists.");
            s.command("aliyun ram GetPolicy --PolicyType " + at[1] + " --PolicyName " + Identifiers.shellQuote(policy)
                    + " && aliyun resourcemanager AttachPolicy --ResourceGroupId " + at[0] + " --PolicyType " + at[1] + " --PolicyName "
                    + Identifiers.shellQuote(policy) + " --PrincipalType " + at[2] + " --PrincipalName " + Identifiers.shellQuote(at[3]));
            return true;
        }
        if (sp.role() == SystemPolicyRole.RESTORE_VERSION) {
            String version = sp.version() != null ? sp.version()
                    : s.inputs.chosen("VERSION_ID", "the version of policy " + policy + " that was the default before the change "
                            + "(the trail did not give its id)", "aliyun ram ListPolicyVersions --PolicyType Custom --PolicyName " + policy);
            String arg = sp.version() != null ? version : "\"" + version + "\"";
            s.step("Restore the previous version: policy " + policy + " is still attached, but a new default version took away what "
                    + sp.to().label() + " uses. Making " + (sp.version() != null ? "version " + version : "the version that was in force")
                    + " the default again restores it for every holder; review it first. If that version was deleted since "
                    + "(DeletePolicyVersion), the second command does nothing: apply the policy below instead (uncomment it).");
            s.command("aliyun ram GetPolicyVersion --PolicyType Custom --PolicyName " + policy + " --VersionId " + arg);
            s.command("aliyun ram GetPolicyVersion --PolicyType Custom --PolicyName " + policy + " --VersionId " + arg
                    + " > /dev/null && aliyun ram SetDefaultPolicyVersion --PolicyName " + policy + " --VersionId " + arg);
            return true;
        }
        if (sp.role() == SystemPolicyRole.RESTORE_CUSTOM && sp.group() == null) {
            // chained on GetPolicy: a policy deleted since cannot be re-attached, and the lost actions must not be granted twice
            String kind = sp.to().kind() == EntityKind.ROLE ? "Role" : "User";
            s.step("Re-attach the custom policy " + policy + " that the change removed from " + sp.to().label() + "; it may have "
                    + "changed since, so review its current document first. The command attaches it only if it still exists: a policy "
                    + "deleted since (DeletePolicy) cannot be re-attached — then apply the policy below instead (uncomment it), or "
                    + "recreate " + policy + " with aliyun ram CreatePolicy from its last known document and attach that.");
            s.command("aliyun ram GetPolicy --PolicyType Custom --PolicyName " + Identifiers.shellQuote(policy) + " && aliyun ram AttachPolicyTo"
                    + kind + " --PolicyType Custom --PolicyName " + Identifiers.shellQuote(policy) + " --" + kind + "Name " + entityArg(sp.to(), s));
            return true;
        }
        String type = sp.role() == SystemPolicyRole.RESTORE ? "System" : "Custom";
        String group = Identifiers.shellQuote(sp.group());
        s.step("Re-attach policy " + policy + " to group " + sp.group() + ", from which the change detached it (" + sp.to().label()
                + " is a member; the whole policy never goes to one member). The command does it only if the group still exists; "
                + "if it does not, use the policy below instead.");
        s.command("aliyun ram GetGroup --GroupName " + group + " && aliyun ram AttachPolicyToGroup --PolicyType " + type
                + " --PolicyName " + Identifiers.shellQuote(policy) + " --GroupName " + group);
        return true;
    }

    private void systemPolicy(Plan plan, SystemPolicyGrant sp, Script s) {
        if (sp.to().kind() != EntityKind.USER && sp.to().kind() != EntityKind.ROLE) {
            return;
        }
        String kind = sp.to().kind() == EntityKind.ROLE ? "Role" : "User";
        String cmd = "aliyun ram AttachPolicyTo" + kind + " --PolicyType System --PolicyName " + Identifiers.shellQuote(sp.policy())
                + " --" + kind + "Name " + entityArg(sp.to(), s);
        switch (sp.role()) {
            case REQUIRED -> {
                s.step("The seed names the system policy " + sp.policy() + " as what " + sp.to().label() + " needs here"
                        + (sp.source() == null ? "" : " (" + sp.source() + ")") + ".");
                s.command(cmd);
            }
            case RESTORE -> s.command(cmd);
            case RESTORE_CUSTOM -> {
                s.step("Re-attach the custom policy " + sp.policy() + " that the change removed from " + sp.to().label()
                        + "; it may have changed since, so review its current document first.");
                s.command("aliyun ram GetPolicy --PolicyType Custom --PolicyName " + Identifiers.shellQuote(sp.policy()));
                s.command(cmd.replace("--PolicyType System", "--PolicyType Custom"));
            }
            case COARSE_ALTERNATIVE -> {
                s.coarse.add(sp.policy());
                s.systemPolicy(sp.policy());
                s.command("# coarse alternative (broader than needed), instead of the custom policy: " + cmd);
            }
        }
    }

    private void workspaceRole(WorkspaceRole w, Script s) {
        String role = apiRoleName(w.role()) != null ? apiRoleName(w.role())
                : s.inputs.chosen("WORKSPACE_ROLE", "PAI workspace role (PAI.AlgoDeveloper, PAI.AlgoOperator, PAI.LabelManager, "
                        + "PAI.MaxComputeDeveloper, PAI.WorkspaceAdmin, PAI.WorkspaceGuest)", null);
        String workspace = w.workspace() != null ? w.workspace()
                : s.inputs.chosen("WORKSPACE_ID", "PAI workspace id", "aliyun aiworkspace GET /api/v1/workspaces");
        String member = w.member().kind() == EntityKind.USER && w.member().id() != null && w.member().id().matches("[0-9]{1,32}")
                ? w.member().id()
                : w.member().known() && w.member().kind() == EntityKind.USER
                ? s.inputs.lookedUp("MEMBER_USER_ID", "RAM user id (UserId) of " + w.member().label(),
                        "aliyun ram GetUser --UserName " + w.member().name() + " | jq -r '.User.UserId'")
                : s.inputs.chosen("MEMBER_USER_ID", "RAM user id (UserId) of the member", "aliyun ram ListUsers");
        String region = w.region() != null ? w.region()
                : s.inputs.chosen("REGION", "region of the PAI workspace, e.g. cn-hangzhou", "aliyun aiworkspace GET /api/v1/workspaces");
        String body = "{\"Members\":[{\"UserId\":\"" + member + "\",\"Roles\":[\"" + role + "\"]}]}";
        s.command("aliyun aiworkspace POST /api/v1/workspaces/" + (workspace.startsWith("$") ? "\"" + workspace + "\"" : workspace)
                + "/members --region " + (region.startsWith("$") ? "\"" + region + "\"" : region) + " --body "
                + s.quoted(body));
        s.step("Console: PAI console > Workspaces > " + (w.workspace() == null ? "the workspace" : w.workspace())
                + " > Members > Add Member: " + w.member().label() + " with the role " + (w.role() == null ? "that fits the job" : w.role())
                + " (workspace roles are not RAM policies). If the user is already a member, the members call refuses: add the role "
                + "to the existing member instead (aiworkspace AddMemberRole; the member id is the workspace id and the user id "
                + "joined by a hyphen).");
        s.cite(w.source());
    }

    private void denyReview(DenyReview d, Script s) {
        String action = d.action() == null ? "the denied action" : d.action();
        String target = d.subject().label();
        if (d.subject().kind() == EntityKind.ACCOUNT) {
            s.summary("The Alibaba Cloud account itself was denied " + action + ": it holds every RAM permission, so a Deny outside "
                    + "RAM identity policies blocks it — review, do not grant");
        } else {
            s.summary("Explicit deny of " + action + " for " + target + ": do not add an Allow; review the Deny");
        }
        s.step("Do not add an Allow: an explicit Deny takes precedence over every Allow.");
        KnownDeny k = d.named();
        if (k != null && d.subject().kind() != EntityKind.ACCOUNT) {
            s.summary("Explicit deny of " + action + " for " + target + ": " + k.label() + " denies it"
                    + (k.conditional() ? " under a Condition GrantWatch does not evaluate" : "") + " — change that statement, do not add an Allow");
            s.step("The Deny that matches this call, as GrantWatch's inventory holds it: " + k.label() + ": " + FixCheck.shown(k.statement())
                    + ". Change or remove that statement (or detach the policy from " + k.via() + ") if the call should succeed.");
            if (RAM_NAME.matcher(k.policy()).matches() && ("Custom".equals(k.policyType()) || "System".equals(k.policyType()))) {
                s.command(k.version() != null && k.version().matches("v[0-9]{1,4}")
                        ? "aliyun ram GetPolicyVersion --PolicyType " + k.policyType() + " --PolicyName " + k.policy() + " --VersionId " + k.version()
                        : "aliyun ram GetPolicy --PolicyType " + k.policyType() + " --PolicyName " + k.policy());
            }
        }
        if (d.layer() != null) {
            s.step("The denial names the policy layer " + d.layer() + ": start the review there.");
        }
        String on = d.resource() == null ? "" : " on " + d.resource();
        s.step("Review Deny statements matching " + action + on + " in each layer: (1) control policies attached to the resource "
                + "directory folder or member holding the account; (2) policies attached to " + target
                + (d.subject().kind() == EntityKind.USER ? " and its groups" : "") + "; (3) for role sessions, the session policy passed "
                + "to AssumeRole; (4) resource policies, e.g. the OSS bucket policy (OSS reports an identity Deny as \"Access denied by "
                + "bucket policy\").");
        s.step("If the Deny is intended (a guardrail), record an accepted-risk mute rule instead of changing it.");
        if (d.subject().account() != null) {
            s.command("aliyun resourcemanager ListControlPolicyAttachmentsForTarget --TargetId " + d.subject().account());
        }
        if (d.subject().kind() == EntityKind.ROLE && d.subject().known()) {
            s.command("aliyun ram ListPoliciesForRole --RoleName " + d.subject().name());
        } else if (d.subject().kind() == EntityKind.USER && d.subject().known()) {
            s.command("aliyun ram ListPoliciesForUser --UserName " + d.subject().name());
            s.command("aliyun ram ListGroupsForUser --UserName " + d.subject().name());
        }
        if (d.resource() != null) {
            Identifiers.bucketOf(d.resource()).ifPresent(b -> s.command("ossutil api get-bucket-policy --bucket " + b));
        }
        if (d.encodedDiagnostic() != null) {
            s.command("aliyun ram DecodeDiagnosticMessage --EncodedDiagnosticMessage " + Identifiers.shellQuote(d.encodedDiagnostic()));
        }
        s.cite(SeedCitations.RAM_POLICY_GRAMMAR);
    }

    /**
     * The workspace role as the aiworkspace API names it ({@code PAI.AlgoDeveloper}); the seed's
     * "MaxCompute Developer" is {@code PAI.MaxComputeDeveloper}; null when GrantWatch cannot tell.
     */
    static String apiRoleName(String role) {
        if (role == null) {
            return null;
        }
        if (role.matches("PAI\\.[A-Za-z]{1,40}")) {
            return role;
        }
        return role.replace(" ", "").equalsIgnoreCase("MaxComputeDeveloper") ? "PAI.MaxComputeDeveloper" : null;
    }

    /** A user or role name as a command argument: the name, or the input that asks for it. */
    private static String entityArg(Entity e, Script s) {
        if (e.known()) {
            return e.name();
        }
        String var = e.kind() == EntityKind.ROLE
                ? s.inputs.chosen("ROLE_NAME", "RAM role that needs the grant", "aliyun ram ListRoles")
                : s.inputs.chosen("USER_NAME", "RAM user that needs the grant", "aliyun ram ListUsers");
        return "\"" + var + "\"";
    }

}
