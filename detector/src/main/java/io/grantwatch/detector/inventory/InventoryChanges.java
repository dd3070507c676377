package io.grantwatch.detector.inventory;

import io.grantwatch.detector.Arns;
import io.grantwatch.detector.IamChangeEvent;
import io.grantwatch.detector.IamChanges;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.inventory.InventoryRecord.Kind;
import io.grantwatch.model.inventory.InventoryRecord.PolicyRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The IAM changes in the trail as {@link InventoryRecord}s (the same facts a snapshot gives, as of the change's event
 * time), read from the request parameters the trail records. Only changes that happened (ALLOWED) count.
 *
 * <p>Alibaba RAM (API 2015-05-01 parameter names): {@code CreatePolicy} (PolicyName, PolicyDocument: version v1, the
 * default), {@code CreatePolicyVersion} (PolicyDocument, SetAsDefault: the new version's id is in the response, which the
 * trail record does not carry, so it is kept as the version created at that time), {@code SetDefaultPolicyVersion},
 * {@code DeletePolicyVersion} (VersionId), {@code DeletePolicy}, {@code AttachPolicyTo*}/{@code DetachPolicyFrom*},
 * {@code CreateRole} (AssumeRolePolicyDocument), {@code UpdateRole} (NewAssumeRolePolicyDocument), {@code DeleteRole},
 * {@code AddUserToGroup}/{@code RemoveUserFromGroup} (UserName, GroupName), {@code DeleteUser}, {@code DeleteGroup}.
 *
 * <p>Huawei IAM v5 (request body names of the API reference): {@code createPolicyV5} (policy_name, policy_document:
 * version v1, the default), {@code createPolicyVersionV5} (policy_document, set_as_default; the policy from the path),
 * {@code setDefaultPolicyVersionV5}/{@code deletePolicyVersionV5} (version_id), {@code deletePolicyV5},
 * {@code attach|detach{User,Group,Agency}PolicyV5}, {@code createAgencyV5}/{@code updateTrustPolicyV5} (trust_policy),
 * {@code deleteAgency[V5]}, {@code addUserToGroupV5}/{@code removeUserFromGroupV5} (user_id). IAM v3:
 * {@code createCloudServiceCustomPolicy}/{@code createAgencyCustomPolicy} and their {@code update…} (role.display_name,
 * role.policy: a policy without versions), {@code deleteCustomPolicy}, the {@code associate…}/{@code remove…}
 * permission calls (through {@link io.grantwatch.detector.IamChanges}), {@code keystoneAddUserToGroup}/
 * {@code keystoneRemoveUserFromGroup} (user_id, group_id). Where a policy, group or version is named only in the
 * request path, the trace's resource stands for it; the CTS trace names of the v3 calls are the API names in lower
 * camel case, which the vendor's trace lists do not confirm.
 */
public final class InventoryChanges {
    private InventoryChanges() {
    }

    /** A cheap superset of the actions {@link #of} reads: every one names a policy, role, agency, group or user. */
    public static boolean mayChange(AuditEvent e) {
        if (e.outcome() != Outcome.ALLOWED || e.action() == null || e.principal().accountId() == null) {
            return false;
        }
        String a = e.action().toLowerCase(Locale.ROOT);
        return a.contains("polic") || a.contains("role") || a.contains("agency") || a.contains("group") || a.contains("permission")
                || a.contains("user");
    }

    /**
     * The inventory facts of one event.
     *
     * @param change the event read as an IAM change, its target as the account knows it (an agency id resolved to its name)
     */
    public static List<InventoryRecord> of(AuditEvent e, Optional<IamChangeEvent> change) {
        if (!mayChange(e)) {
            return List.of();
        }
        Facts f = new Facts(e);
        String a = e.action().toLowerCase(Locale.ROOT);
        Map<String, String> p = e.parameters();
        if (e.cloud() == Cloud.ALIBABA) {
            ram(f, a, p);
        } else {
            huawei(f, a, p, e.resource());
        }
        change.ifPresent(c -> fromChange(f, c, a));
        return f.out;
    }

    private static void ram(Facts f, String a, Map<String, String> p) {
        String name = param(p, "PolicyName");
        PolicyRef custom = name == null ? null : new PolicyRef("Custom", name, null);
        switch (a) {
            case "createpolicy" -> {
                if (custom != null) {
                    f.version(custom, "v1", param(p, "PolicyDocument"), true);
                }
            }
            case "createpolicyversion" -> {
                if (custom != null) {
                    f.version(custom, null, param(p, "PolicyDocument"), "true".equalsIgnoreCase(param(p, "SetAsDefault")));
                }
            }
            case "setdefaultpolicyversion" -> {
                if (custom != null && param(p, "VersionId") != null) {
                    f.add(Kind.POLICY, null, null, null, custom, param(p, "VersionId"), null, false, null, null);
                }
            }
            case "deletepolicyversion" -> {
                if (custom != null && param(p, "VersionId") != null) {
                    f.add(Kind.DELETE_VERSION, null, null, null, custom, param(p, "VersionId"), null, false, null, null);
                }
            }
            case "deletepolicy" -> {
                if (custom != null) {
                    f.add(Kind.DELETE_POLICY, null, null, null, custom, null, null, false, null, null);
                }
            }
            case "createrole" -> {
                if (param(p, "RoleName") != null) {
                    f.add(Kind.TRUST, "role", param(p, "RoleName"), null, null, null, param(p, "AssumeRolePolicyDocument"), false, null, null);
                }
            }
            case "addusertogroup", "removeusertogroup", "removeuserfromgroup" -> {
                if (param(p, "UserName") != null && param(p, "GroupName") != null) {
                    f.add(a.startsWith("add") ? Kind.JOIN : Kind.LEAVE, "user", param(p, "UserName"), null, null, null, null, false,
                            List.of(param(p, "GroupName")), null);
                }
            }
            case "deleteuser" -> f.holderGone("user", param(p, "UserName"));
            case "deletegroup" -> f.holderGone("group", param(p, "GroupName"));
            default -> {
            }
        }
    }

    private static void huawei(Facts f, String a, Map<String, String> p, String resource) {
        String bare = a.startsWith("keystone") ? a.substring("keystone".length()) : a;
        switch (bare) {
            case "createpolicyv5" -> {
                String name = param(p, "policy_name");
                if (name != null) {
                    f.version(new PolicyRef("Custom", name, null), "v1", param(p, "policy_document"), true);
                }
            }
            case "createpolicyversionv5" -> {
                PolicyRef ref = pathPolicy(p, resource);
                if (ref != null) {
                    f.version(ref, null, param(p, "policy_document"), "true".equalsIgnoreCase(param(p, "set_as_default")));
                }
            }
            case "setdefaultpolicyversionv5" -> {
                PolicyRef ref = pathPolicy(p, resource);
                if (ref != null && param(p, "version_id") != null) {
                    f.add(Kind.POLICY, null, null, null, ref, param(p, "version_id"), null, false, null, null);
                }
            }
            case "deletepolicyversionv5" -> {
                PolicyRef ref = pathPolicy(p, resource);
                if (ref != null && param(p, "version_id") != null) {
                    f.add(Kind.DELETE_VERSION, null, null, null, ref, param(p, "version_id"), null, false, null, null);
                }
            }
            case "deletepolicyv5", "deletecustompolicy" -> {
                PolicyRef ref = pathPolicy(p, resource);
                if (ref != null) {
                    f.add(Kind.DELETE_POLICY, null, null, null, ref, null, null, false, null, null);
                }
            }
            case "createcloudservicecustompolicy", "createagencycustompolicy", "updatecloudservicecustompolicy",
                 "updateagencycustompolicy" -> {
                // v3 custom policies have no versions: one document, replaced by an update
                String name = param(p, "role.display_name");
                String id = a.startsWith("update") ? first(param(p, "role_id"), resource) : null;
                if (name != null || id != null) {
                    f.version(new PolicyRef("Custom", name, id), "-", param(p, "role.policy"), false);
                }
            }
            case "createagencyv5" -> {
                String agency = param(p, "agency_name");
                if (agency != null) {
                    f.add(Kind.TRUST, "agency", agency, null, null, null, param(p, "trust_policy"), false, null, null);
                }
            }
            case "addusertogroupv5", "removeuserfromgroupv5", "addusertogroup", "removeuserfromgroup" -> {
                String user = first(param(p, "user_id"), param(p, "user_name"));
                String group = first(param(p, "group_id"), param(p, "group_name"), resource);
                if (user != null && group != null && !group.equals(user)) {
                    f.add(bare.startsWith("add") ? Kind.JOIN : Kind.LEAVE, "user", user, null, null, null, null, false, List.of(group), null);
                }
            }
            default -> {
            }
        }
    }

    /** A policy named in the request path: {@code policy_id} when the body repeats it, else the trace's resource. */
    private static PolicyRef pathPolicy(Map<String, String> p, String resource) {
        String id = first(param(p, "policy_id"), param(p, "role_id"));
        if (id != null) {
            return new PolicyRef(null, null, id);
        }
        if (resource == null || resource.isBlank()) {
            return null;
        }
        if (resource.startsWith("iam:") && resource.contains(":policy:")) {
            String name = resource.substring(resource.indexOf(":policy:") + ":policy:".length());
            return new PolicyRef(resource.contains(":system:policy:") ? "System" : "Custom", name, null);
        }
        // an id or a name: the inventory resolves either (Inventory#policyKey)
        return new PolicyRef(null, null, resource);
    }

    private static void fromChange(Facts f, IamChangeEvent c, String a) {
        String holderType = c.holderType();
        if (holderType == null) {
            return;
        }
        String holder = c.holderName();
        if (holder == null || holder.isBlank()) {
            return;
        }
        if (c.targetKind() == IamChangeEvent.TargetKind.AGENCY && c.target().id() != null && !c.target().id().equals(holder)) {
            f.add(Kind.ALIAS, "agency", holder, null, null, null, null, false, null, c.target().id());
        }
        switch (c.kind()) {
            case ATTACH_POLICY, DETACH_POLICY -> {
                PolicyRef ref = policyOf(c);
                // the inventory holds account-scope attachments (ListPoliciesFor*): one within a resource group is another
                if (ref != null && IamChanges.resourceGroup(c.event()) == null) {
                    f.add(c.kind() == IamChangeEvent.Kind.ATTACH_POLICY ? Kind.ATTACH : Kind.DETACH, holderType, holder, List.of(ref),
                            null, null, null, false, null, null);
                }
            }
            case UPDATE_TRUST, UPDATE_AGENCY -> {
                if (c.trustDocument() != null) {
                    f.add(Kind.TRUST, holderType, holder, null, null, null, c.trustDocument(), false, null, null);
                }
            }
            case DELETE_ROLE -> f.holderGone(holderType, holder);
            default -> {
            }
        }
    }

    /** The policy a change names: by name (RAM, a v5 URN) and, where given, id (v5 policy_id, v3 role_id). */
    static PolicyRef policyOf(IamChangeEvent c) {
        String id = c.policyId();
        String name = c.policyName() != null && !c.policyName().equals(id) ? c.policyName() : null;
        if (name == null && id == null) {
            return null;
        }
        return new PolicyRef(c.policyType(), name, id);
    }

    private static String param(Map<String, String> p, String name) {
        return Arns.param(p, name);
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** The records of one event. */
    private static final class Facts {
        final AuditEvent e;
        final List<InventoryRecord> out = new ArrayList<>(2);

        Facts(AuditEvent e) {
            this.e = e;
        }

        void add(Kind kind, String holderType, String holder, List<PolicyRef> policies, PolicyRef policy, String version, String document,
                 boolean asDefault, List<String> groups, String id) {
            out.add(new InventoryRecord(e.cloud(), e.principal().accountId(), e.eventTime(), "event " + e.eventId() + " (" + e.action() + ")",
                    kind, holderType, holder, policies, policy, version, document, asDefault, groups, id));
        }

        void version(PolicyRef ref, String version, String document, boolean asDefault) {
            if (document != null) {
                add(Kind.POLICY_VERSION, null, null, null, ref, version, document, asDefault, null, null);
            }
        }

        void holderGone(String type, String name) {
            if (name != null) {
                add(Kind.DELETE_HOLDER, type, name, null, null, null, null, false, null, null);
            }
        }
    }
}
