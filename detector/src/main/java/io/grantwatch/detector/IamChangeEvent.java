package io.grantwatch.detector;

import io.grantwatch.detector.inventory.Inventory;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Principal;
import io.grantwatch.model.inventory.InventoryRecord.PolicyRef;
import java.util.Locale;
import java.util.Objects;

/**
 * An audit event read as an IAM change: what it did and to whom. The event's own principal is the
 * administrator who made it; {@link #target} is the principal it affects.
 *
 * @param event         the change's audit event
 * @param kind          what it did
 * @param target        the affected user, role, agency, group or policy (groups and policies as OTHER principals)
 * @param targetKind    USER, ROLE, AGENCY, GROUP or POLICY
 * @param policyName    the policy attached or removed, when the change names one (its name, else its id)
 * @param policyType    {@code System} / {@code Custom} (RAM; Huawei when a policy URN says), when known
 * @param trustDocument the new trust policy text, when the change carries it
 * @param policyId      the policy's id when the change names it by id (Huawei v5 {@code policy_id}, v3 {@code role_id}),
 *                      what the command that fetches its document needs
 * @param viaGroup      the group the change was made to, when {@link #target} is one of its members (the inventory
 *                      knows who is in it); else null
 */
public record IamChangeEvent(
        AuditEvent event,
        Kind kind,
        Principal target,
        TargetKind targetKind,
        String policyName,
        String policyType,
        String trustDocument,
        String policyId,
        String viaGroup) {

    public IamChangeEvent(AuditEvent event, Kind kind, Principal target, TargetKind targetKind, String policyName, String policyType,
                          String trustDocument, String policyId) {
        this(event, kind, target, targetKind, policyName, policyType, trustDocument, policyId, null);
    }

    /** The same change as it reaches one member of the group it was made to. */
    public IamChangeEvent forMember(Principal user, String group) {
        return new IamChangeEvent(event, kind, user, TargetKind.USER, policyName, policyType, trustDocument, policyId, group);
    }

    /** The same member's removal from its group as it takes one policy the group holds. */
    public IamChangeEvent forGroupPolicy(PolicyRef policy) {
        String name = policy.name() != null ? policy.name() : policy.id();
        return new IamChangeEvent(event, kind, target, targetKind, name, policy.type(), trustDocument, policy.id(), viaGroup);
    }

    /** Who the change was made to, as a person reads it: the target, or the group and the member it reaches. */
    public String holderLabel() {
        return viaGroup == null ? targetLabel() : "group " + viaGroup + " (" + targetLabel() + " is in it)";
    }

    public enum Kind {
        /** A policy detached from a user, group, role or agency. */
        DETACH_POLICY,
        /** A policy attached: can resolve an earlier predicted breakage. */
        ATTACH_POLICY,
        /** A policy deleted, or one of its versions. */
        DELETE_POLICY,
        /** A policy's document in force replaced (a new default version): derived from the inventory, per holder. */
        CHANGE_POLICY,
        /** A role's or agency's trust policy replaced. */
        UPDATE_TRUST,
        /** A role or agency deleted. */
        DELETE_ROLE,
        /** An agency edited (trust domain, duration, roles): may weaken it. */
        UPDATE_AGENCY,
        /**
         * A user removed from a group ({@link #viaGroup}): loses what the group's policies gave it. Read per policy the
         * inventory says the group holds ({@link #policyName} then names it), as a detach from the group for that member.
         */
        LEAVE_GROUP;

        public boolean removes() {
            return this != ATTACH_POLICY;
        }
    }

    public enum TargetKind {
        USER, ROLE, AGENCY, GROUP, POLICY;

        /** The kind of an inventory holder key's type ({@code user/alice} → USER), or null for another type. */
        public static TargetKind ofHolder(String holderKey) {
            int slash = holderKey.indexOf('/');
            return switch (slash < 0 ? holderKey : holderKey.substring(0, slash)) {
                case "user" -> USER;
                case "role" -> ROLE;
                case "agency" -> AGENCY;
                case "group" -> GROUP;
                default -> null;
            };
        }
    }

    /**
     * The same change with its user, role or agency target known by another name (an id resolved to its name); the id it
     * was named by stays the principal's id, so the inventory's keys by id still find what it holds.
     */
    public IamChangeEvent withTargetName(String name) {
        String id = target.id() != null ? target.id() : target.roleName() != null ? target.roleName() : target.name();
        Principal p = IamChanges.principal(target.accountId(), targetKind, name);
        Principal t = new Principal(p.type(), id, p.name(), p.accountId(), p.roleName(), target.sessionName(), target.issuer(),
                target.accessKeyId());
        return new IamChangeEvent(event, kind, t, targetKind, policyName, policyType, trustDocument, policyId, viaGroup);
    }

    /** The same change with the id its request named the target by (Huawei v5 {@code user_id}, {@code agency_id}). */
    public IamChangeEvent withTargetId(String id) {
        Principal t = new Principal(target.type(), id, target.name(), target.accountId(), target.roleName(), target.sessionName(),
                target.issuer(), target.accessKeyId());
        return new IamChangeEvent(event, kind, t, targetKind, policyName, policyType, trustDocument, policyId, viaGroup);
    }

    /**
     * The same change with the removed policy as the inventory knows it: its type when the record did not say, and its id
     * when the record's one name for it (a v5 trace's resource) was taken for an id but is the policy's name (Huawei v5).
     */
    public IamChangeEvent withKnownPolicyType(Inventory inv) {
        PolicyRef removed = removedPolicy();
        Inventory.Policy p = inv == null || removed == null ? null : inv.policy(removed.key());
        if (p == null) {
            return this;
        }
        String type = policyType != null ? policyType : p.ref().type();
        boolean nameTakenForId = policyName != null && policyName.equals(policyId) && policyName.equals(p.ref().name()) && p.ref().id() != null;
        String id = nameTakenForId ? p.ref().id() : policyId;
        return Objects.equals(type, policyType) && Objects.equals(id, policyId) ? this
                : new IamChangeEvent(event, kind, target, targetKind, policyName, type, trustDocument, id, viaGroup);
    }

    /** Whether the change names its user or agency by an id only (no name was learned for it). */
    public boolean namedByIdOnly() {
        String name = target.roleName() != null ? target.roleName() : target.name();
        return target.id() != null && target.id().equals(name);
    }

    /** The state key of the affected principal: the same form as {@link AuditEvent#partitionKey()}. */
    public String targetKey() {
        return event.cloud().wire() + ":" + target.key();
    }

    /** The target as the inventory names its holders: {@code user}, {@code group}, {@code role}, {@code agency}; null for a policy. */
    public String holderType() {
        return targetKind == TargetKind.POLICY ? null : targetKind.name().toLowerCase(Locale.ROOT);
    }

    /** The target's name as the inventory keys it (a group without its {@code group/} prefix, a role or agency by its name). */
    public String holderName() {
        return switch (targetKind) {
            case GROUP -> target.name() == null ? null : target.name().substring("group/".length());
            case ROLE, AGENCY -> target.roleName();
            default -> target.name();
        };
    }

    /** A short human label of the target: {@code user bob}, {@code role pai-dsw-data}, {@code agency ma-agency}. */
    public String targetLabel() {
        String name = target.roleName() != null ? target.roleName() : target.name();
        String prefix = targetKind.name().toLowerCase(Locale.ROOT) + "/";
        if (name != null && name.startsWith(prefix)) {
            name = name.substring(prefix.length()); // a group or policy target is keyed group/<name>
        }
        return targetKind.name().toLowerCase(Locale.ROOT) + " " + name;
    }

    /** The policy attached or removed as the inventory keys it; null when the change names none. */
    public PolicyRef removedPolicy() {
        if (policyName == null && policyId == null) {
            return null;
        }
        String name = policyName != null && !policyName.equals(policyId) ? policyName : null;
        return new PolicyRef(policyType, name, policyId);
    }

    /** What the change took away, in one phrase. */
    public String removedLabel() {
        return switch (kind) {
            case DETACH_POLICY, ATTACH_POLICY, DELETE_POLICY, CHANGE_POLICY -> policyName == null ? "a policy" : policyName;
            case LEAVE_GROUP -> policyName == null ? "membership of group " + viaGroup : policyName;
            case UPDATE_TRUST -> "trust policy of " + targetLabel();
            case DELETE_ROLE -> targetLabel();
            case UPDATE_AGENCY -> "settings of " + targetLabel();
        };
    }
}
