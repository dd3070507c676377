package io.grantwatch.model.inventory;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.topic.Partitions;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One fact about what the principals of an account hold, as of a time: read from a snapshot of the official CLIs'
 * output ({@code grantwatch inventory import}, {@code scan --inventory}) or from an IAM change in the trail. The
 * {@code inventory} topic carries these (compacted, key {@link #key()}); the detector folds them into the account's
 * inventory, the newer fact winning per {@link #key()}.
 *
 * @param cloud      alibaba | huawei
 * @param account    the Alibaba account UID / Huawei domain id
 * @param asOf       when the fact was true: the snapshot's time, or the change's event time
 * @param source     where it was read: {@code file#n (aliyun ram ListPoliciesForUser …)} or an event id
 * @param kind       what it says
 * @param holderType {@code user}, {@code group}, {@code role} or {@code agency}, for facts about a holder
 * @param holder     the holder's name (or id where the cloud names it by id only)
 * @param policies   HOLDS: every policy the holder has; ATTACH / DETACH: the one policy
 * @param policy     POLICY, POLICY_VERSION, DELETE_POLICY, DELETE_VERSION: the policy
 * @param version    POLICY: the default version; POLICY_VERSION, DELETE_VERSION: the version ({@code null}: a version whose
 *                   id the record does not give, or a policy without versions)
 * @param document   POLICY_VERSION, TRUST: the document as JSON text
 * @param asDefault  POLICY_VERSION: the record says this version is (or became) the default
 * @param groups     GROUPS: every group the user is in; JOIN / LEAVE: the one group
 * @param id         ALIAS: the id the holder is also known by (a Huawei agency or user id)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InventoryRecord(
        Cloud cloud,
        String account,
        Instant asOf,
        String source,
        Kind kind,
        String holderType,
        String holder,
        List<PolicyRef> policies,
        PolicyRef policy,
        String version,
        String document,
        boolean asDefault,
        List<String> groups,
        String id) {

    /** What a record says. */
    public enum Kind {
        /** The complete list of policies attached to a holder (a List…Policies… snapshot): replaces what was known before. */
        HOLDS,
        /** One policy attached to a holder. */
        ATTACH,
        /** One policy detached from a holder. */
        DETACH,
        /** A policy exists, with its default version (and its id). */
        POLICY,
        /** One version of a policy, with its document; {@link #asDefault} when the record says it is the default. */
        POLICY_VERSION,
        /** A policy deleted. */
        DELETE_POLICY,
        /** A version of a policy deleted. */
        DELETE_VERSION,
        /** A role's or agency's trust policy. */
        TRUST,
        /** A role, agency, user or group deleted: what it held goes. */
        DELETE_HOLDER,
        /** The complete list of groups a user is in. */
        GROUPS,
        /** A user added to one group. */
        JOIN,
        /** A user removed from one group. */
        LEAVE,
        /** A holder's id and name ({@code holder} is the name, {@code id} the id). */
        ALIAS
    }

    public InventoryRecord {
        Objects.requireNonNull(cloud, "cloud");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(asOf, "asOf");
        Objects.requireNonNull(kind, "kind");
        policies = policies == null ? null : List.copyOf(policies);
        groups = groups == null ? null : List.copyOf(groups);
    }

    /** The account's key, {@code cloud:account}: the same as {@link io.grantwatch.model.AuditEvent#accountKey()}. */
    @JsonIgnore
    public String accountKey() {
        return cloud.wire() + ":" + account;
    }

    /**
     * The compaction key: one per fact, so the topic keeps the newest of each ({@code alibaba:1704…|holds/user/alice},
     * {@code …|policy/Custom/deny-oss/v2}). Removals are keyed like the facts they remove.
     */
    @JsonIgnore
    public String key() {
        String fact = switch (kind) {
            case HOLDS -> "holds/" + holderType + "/" + holder;
            case ATTACH, DETACH -> "attached/" + holderType + "/" + holder + "/" + first(policies).key();
            case POLICY, DELETE_POLICY -> "policy/" + policy.key();
            case POLICY_VERSION, DELETE_VERSION -> "policy/" + policy.key() + "/" + (version == null ? "-" : version);
            case TRUST -> "trust/" + holderType + "/" + holder;
            case DELETE_HOLDER -> "holder/" + holderType + "/" + holder;
            case GROUPS -> "groups/" + holder;
            case JOIN, LEAVE -> "member/" + holder + "/" + (groups == null || groups.isEmpty() ? "-" : groups.get(0));
            case ALIAS -> "alias/" + holderType + "/" + id;
        };
        return accountKey() + "|" + fact;
    }

    /**
     * The partition of {@code inventory} this record belongs in: the one Kafka's default partitioner gives the account's
     * key, so that an account's inventory and its {@code audit-events} (keyed by {@link #accountKey()}) meet in one task.
     */
    public int partition(int partitions) {
        return Partitions.of(accountKey(), partitions);
    }

    private static PolicyRef first(List<PolicyRef> refs) {
        if (refs == null || refs.isEmpty()) {
            throw new IllegalStateException("an ATTACH or DETACH record names one policy");
        }
        return refs.get(0);
    }

    /**
     * A policy as a holder references it.
     *
     * @param type {@code System} or {@code Custom} (normalized), null when the reference does not say
     * @param name the policy's name (Huawei v3: its display name), null when known by id only
     * @param id   the policy's id (Huawei), null when not given
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PolicyRef(String type, String name, String id) {
        public PolicyRef {
            if (name == null && id == null) {
                throw new IllegalArgumentException("a policy reference needs a name or an id");
            }
            type = type == null ? null : normalizeType(type);
        }

        /** {@code Custom/<name>}, {@code System/<name>}, {@code id/<id>} when only the id is known. */
        @JsonIgnore
        public String key() {
            if (name == null) {
                return "id/" + id;
            }
            return (type == null ? "Custom" : type) + "/" + name;
        }

        /** A label: {@code deny-oss (Custom)}, {@code policy id 0a1b…}. */
        @JsonIgnore
        public String label() {
            return name == null ? "policy id " + id : name + (type == null ? "" : " (" + type + ")");
        }

        /** {@code custom}/{@code Custom}/{@code system} → {@code Custom}/{@code System}. */
        public static String normalizeType(String t) {
            String l = t.trim().toLowerCase(Locale.ROOT);
            return l.equals("system") ? "System" : l.equals("custom") ? "Custom" : t.trim();
        }
    }
}
