package io.grantwatch.detector;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.PrincipalType;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Recognises IAM changes in the audit trail and names the principal they affect.
 * Alibaba RAM: {@code DetachPolicyFrom{User,Group,Role}}, {@code AttachPolicyTo*}, {@code DeletePolicy},
 * {@code DeletePolicyVersion}, {@code UpdateRole} (trust policy), {@code DeleteRole}, and ResourceManager
 * {@code DetachPolicy}/{@code AttachPolicy}. Huawei IAM: {@code deleteAgency[V5]}, {@code updateAgency[V5]},
 * {@code updateTrustPolicyV5}, {@code detach{User,Group,Agency}PolicyV5}, {@code attach…PolicyV5} and
 * other {@code remove/detach/revoke…} names on users, groups and agencies. A user removed from a group (RAM
 * {@code RemoveUserFromGroup}, Huawei {@code removeUserFromGroupV5}, {@code keystoneRemoveUserFromGroup}). Only changes that
 * happened (outcome ALLOWED) count.
 */
public final class IamChanges {

    private IamChanges() {
    }

    public static Optional<IamChangeEvent> classify(AuditEvent e) {
        if (e.outcome() != Outcome.ALLOWED || e.action() == null) {
            return Optional.empty();
        }
        String a = e.action().toLowerCase(Locale.ROOT);
        if (!mayChangeIam(a)) {
            return Optional.empty(); // most events: skip the parameter look-ups below (a few % of the stream thread)
        }
        Map<String, String> p = e.parameters();
        String policy = first(p, "PolicyName", "policy_name", "policyName", "policy_id", "PolicyId");
        String policyType = first(p, "PolicyType", "policy_type");
        switch (a) {
            case "detachpolicyfromuser":
                return target(e, IamChangeEvent.Kind.DETACH_POLICY, IamChangeEvent.TargetKind.USER, first(p, "UserName"), policy, policyType, null);
            case "detachpolicyfromgroup":
                return target(e, IamChangeEvent.Kind.DETACH_POLICY, IamChangeEvent.TargetKind.GROUP, first(p, "GroupName"), policy, policyType, null);
            case "detachpolicyfromrole":
                return target(e, IamChangeEvent.Kind.DETACH_POLICY, IamChangeEvent.TargetKind.ROLE, first(p, "RoleName"), policy, policyType, null);
            case "attachpolicytouser":
                return target(e, IamChangeEvent.Kind.ATTACH_POLICY, IamChangeEvent.TargetKind.USER, first(p, "UserName"), policy, policyType, null);
            case "attachpolicytogroup":
                return target(e, IamChangeEvent.Kind.ATTACH_POLICY, IamChangeEvent.TargetKind.GROUP, first(p, "GroupName"), policy, policyType, null);
            case "attachpolicytorole":
                return target(e, IamChangeEvent.Kind.ATTACH_POLICY, IamChangeEvent.TargetKind.ROLE, first(p, "RoleName"), policy, policyType, null);
            case "detachpolicy":
            case "attachpolicy":
                return resourceManager(e, a.startsWith("detach") ? IamChangeEvent.Kind.DETACH_POLICY : IamChangeEvent.Kind.ATTACH_POLICY, policy,
                        policyType);
            case "deletepolicy":
            case "deletepolicyversion":
                return target(e, IamChangeEvent.Kind.DELETE_POLICY, IamChangeEvent.TargetKind.POLICY, policy, policy, policyType, null);
            case "updaterole":
                return target(e, IamChangeEvent.Kind.UPDATE_TRUST, IamChangeEvent.TargetKind.ROLE, first(p, "RoleName"), null, null,
                        first(p, "NewAssumeRolePolicyDocument", "AssumeRolePolicyDocument"));
            case "deleterole":
                return target(e, IamChangeEvent.Kind.DELETE_ROLE, IamChangeEvent.TargetKind.ROLE, first(p, "RoleName"), null, null, null);
            case "deleteagency":
            case "deleteagencyv5":
            case "deleteservicelinkedagencyv5":
                return target(e, IamChangeEvent.Kind.DELETE_ROLE, IamChangeEvent.TargetKind.AGENCY, agencyName(e), null, null, null);
            case "updateagency":
            case "updateagencyv5":
                return target(e, IamChangeEvent.Kind.UPDATE_AGENCY, IamChangeEvent.TargetKind.AGENCY, agencyName(e), null, null,
                        first(p, "trust_policy", "TrustPolicy"));
            case "removeuserfromgroup":
            case "removeuserfromgroupv5":
            case "keystoneremoveuserfromgroup":
                return leave(e, p);
            case "updatetrustpolicyv5":
                return target(e, IamChangeEvent.Kind.UPDATE_TRUST, IamChangeEvent.TargetKind.AGENCY, agencyName(e), null, null,
                        first(p, "trust_policy", "TrustPolicy", "policy_document"));
            default:
                return e.cloud() == io.grantwatch.model.Cloud.HUAWEI ? huaweiPolicyChange(e, a, policy, policyType) : Optional.empty();
        }
    }

    /** A cheap superset of the actions {@link #classify} recognizes: every one names a policy, role, agency or permission. */
    private static boolean mayChangeIam(String a) {
        return a.contains("polic") || a.contains("role") || a.contains("agency") || a.contains("permission") || a.contains("fromgroup");
    }

    /** {@code detachAgencyPolicyV5}, {@code attachUserPolicyV5}, {@code removeRoleFromAgency}, ... */
    private static Optional<IamChangeEvent> huaweiPolicyChange(AuditEvent e, String action, String policy, String policyType) {
        IamChangeEvent.Kind kind;
        // IAM v3 API names: keystoneRemoveDomainPermissionFromGroup, associateAgencyWithDomainPermission, ...
        String a = action.startsWith("keystone") ? action.substring("keystone".length()) : action;
        if (a.startsWith("detach") || a.startsWith("remove") || a.startsWith("revoke") || a.startsWith("delete")) {
            kind = IamChangeEvent.Kind.DETACH_POLICY;
        } else if (a.startsWith("attach") || a.startsWith("grant") || a.startsWith("add") || a.startsWith("associate")) {
            kind = IamChangeEvent.Kind.ATTACH_POLICY;
        } else {
            return Optional.empty();
        }
        if (!a.contains("policy") && !a.contains("role") && !a.contains("permission")) {
            return Optional.empty();
        }
        String role = first(e.parameters(), "role_name", "role_id", "permission_name");
        String what = policy != null ? policy : role;
        String id = first(e.parameters(), "policy_id", "PolicyId", "role_id");
        IamChangeEvent.TargetKind tk;
        String named;
        String byId;
        if (a.contains("agency")) {
            tk = IamChangeEvent.TargetKind.AGENCY;
            named = first(e.parameters(), "agency_name", "AgencyName", "agencyName");
            byId = first(e.parameters(), "agency_id", "AgencyId");
        } else if (a.contains("group")) {
            tk = IamChangeEvent.TargetKind.GROUP;
            named = first(e.parameters(), "group_name", "GroupName");
            byId = first(e.parameters(), "group_id");
        } else if (a.contains("user")) {
            tk = IamChangeEvent.TargetKind.USER;
            named = first(e.parameters(), "user_name", "UserName");
            byId = first(e.parameters(), "user_id");
        } else {
            return Optional.empty();
        }
        // IAM v5 (POST /v5/policies/{policy_id}/detach-agency, body {"agency_id"}): the body names the principal by id
        // and the trace's resource is then the policy from the path; a resource that is a policy URN, the policy the
        // request names, or anything but the principal's id when no policy is named, is the policy.
        String r = e.resource();
        boolean v5 = a.endsWith("v5");
        boolean resourceIsPolicy = v5 && r != null && !r.isBlank() && (r.equals(what) || isPolicyUrn(r) || what == null && byId != null
                && !r.equals(byId));
        String who = named != null ? named : tk != IamChangeEvent.TargetKind.AGENCY ? byId
                : r != null && !r.isBlank() && !resourceIsPolicy ? r : byId;
        if (what == null && resourceIsPolicy) {
            boolean urn = isPolicyUrn(r);
            what = urn ? r.substring(r.indexOf(":policy:") + ":policy:".length()) : r;
            policyType = urn ? (r.contains(":system:policy:") ? "System" : "Custom") : policyType;
            id = urn ? id : r;
        }
        // the body's id stays with the target: the inventory may know the principal's policies by id, its calls by name
        return target(e, kind, tk, who, what, policyType, null, id)
                .map(c -> byId != null && tk != IamChangeEvent.TargetKind.GROUP && (who.equals(byId) || named != null) ? c.withTargetId(byId) : c);
    }

    /**
     * A user removed from a group: RAM {@code RemoveUserFromGroup} (UserName, GroupName); Huawei {@code removeUserFromGroupV5}
     * (body {@code user_id}, the group from the path: the trace's resource) and v3 {@code keystoneRemoveUserFromGroup}
     * ({@code group_id}, {@code user_id}). The user by its name, or by its id (resolved as a v5 detach's is).
     */
    private static Optional<IamChangeEvent> leave(AuditEvent e, Map<String, String> p) {
        String user = first(p, "UserName", "user_name");
        String userId = user == null ? first(p, "user_id") : null;
        String group = first(p, "GroupName", "group_name", "group_id");
        if (group == null && e.cloud() == io.grantwatch.model.Cloud.HUAWEI && e.resource() != null && !e.resource().isBlank()
                && !e.resource().equals(userId)) {
            group = e.resource();
        }
        String who = user != null ? user : userId;
        if (who == null || who.isBlank() || group == null) {
            return Optional.empty();
        }
        IamChangeEvent c = new IamChangeEvent(e, IamChangeEvent.Kind.LEAVE_GROUP, principal(e, IamChangeEvent.TargetKind.USER, who),
                IamChangeEvent.TargetKind.USER, null, null, null, null, group);
        return Optional.of(userId != null ? c.withTargetId(userId) : c);
    }

    /** {@code iam::<account>:policy:<name>}, {@code iam::system:policy:<name>}: an IAM v5 identity policy's URN. */
    private static boolean isPolicyUrn(String r) {
        return r.startsWith("iam:") && r.contains(":policy:");
    }

    /**
     * The resource group a RAM ResourceManager attach or detach is scoped to ({@code ResourceGroupId}), or null when it is
     * account-wide: no group, or the account's own id (which the API takes for the account scope).
     */
    public static String resourceGroup(AuditEvent e) {
        if (e.cloud() != Cloud.ALIBABA || e.service() == null || !e.service().equalsIgnoreCase("ResourceManager")) {
            return null;
        }
        String rg = first(e.parameters(), "ResourceGroupId");
        return rg == null || rg.isBlank() || rg.equals(e.principal().accountId()) ? null : rg;
    }

    /** ResourceManager {@code DetachPolicy}: {@code PrincipalType} IMSUser/IMSGroup/ServiceRole, {@code PrincipalName} name@account. */
    private static Optional<IamChangeEvent> resourceManager(AuditEvent e, IamChangeEvent.Kind kind, String policy, String policyType) {
        String type = first(e.parameters(), "PrincipalType");
        String name = first(e.parameters(), "PrincipalName");
        if (type == null || name == null) {
            return Optional.empty();
        }
        int at = name.indexOf('@');
        String bare = at > 0 ? name.substring(0, at) : name;
        IamChangeEvent.TargetKind tk = switch (type.toLowerCase(Locale.ROOT)) {
            case "imsuser" -> IamChangeEvent.TargetKind.USER;
            case "imsgroup" -> IamChangeEvent.TargetKind.GROUP;
            case "servicerole" -> IamChangeEvent.TargetKind.ROLE;
            default -> null;
        };
        return tk == null ? Optional.empty() : target(e, kind, tk, bare, policy, policyType, null);
    }

    private static String agencyName(AuditEvent e) {
        String name = first(e.parameters(), "agency_name", "AgencyName", "agencyName");
        return name != null ? name : e.resource();
    }

    private static Optional<IamChangeEvent> target(AuditEvent e, IamChangeEvent.Kind kind, IamChangeEvent.TargetKind tk, String name,
                                                   String policy, String policyType, String trust) {
        return target(e, kind, tk, name, policy, policyType, trust, first(e.parameters(), "policy_id", "PolicyId"));
    }

    private static Optional<IamChangeEvent> target(AuditEvent e, IamChangeEvent.Kind kind, IamChangeEvent.TargetKind tk, String name,
                                                   String policy, String policyType, String trust, String policyId) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new IamChangeEvent(e, kind, principal(e, tk, name), tk, policy, policyType, trust, policyId));
    }

    /** The principal a change in the account of {@code e} affects, named {@code name}: keyed as its own events are. */
    static Principal principal(AuditEvent e, IamChangeEvent.TargetKind tk, String name) {
        return principal(e.principal().accountId(), tk, name);
    }

    /** The principal named {@code name} of kind {@code tk} in {@code account}, keyed as its own events are. */
    static Principal principal(String account, IamChangeEvent.TargetKind tk, String name) {
        return switch (tk) {
            case USER -> Principal.user(account, null, name);
            case ROLE -> new Principal(PrincipalType.ASSUMED_ROLE, null, name, account, name, null, null, null);
            case AGENCY -> new Principal(PrincipalType.ASSUMED_AGENCY, null, name, account, name, null, null, null);
            case GROUP -> new Principal(PrincipalType.OTHER, null, "group/" + name, account, null, null, null, null);
            case POLICY -> new Principal(PrincipalType.OTHER, null, "policy/" + name, account, null, null, null, null);
        };
    }

    private static String first(Map<String, String> parameters, String... names) {
        for (String n : names) {
            String v = Arns.param(parameters, n);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
