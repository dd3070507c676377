package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Locale;
import java.util.Objects;

/**
 * The identity behind an audit event.
 *
 * @param type        normalized identity type
 * @param id          principalId (Alibaba) / user id or principal_id (Huawei)
 * @param name        user name; for roles and agencies the role/agency name with the session
 * @param accountId   Alibaba account UID / Huawei domain id
 * @param roleName    for ASSUMED_ROLE the RAM role, for ASSUMED_AGENCY the agency
 * @param sessionName the role or agency session
 * @param issuer      the original caller behind a role session (stsTokenPlayerUid/stsTokenPrincipalName, assumedBy)
 * @param accessKeyId masked access key id (prefix only), for correlation
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Principal(
        PrincipalType type,
        String id,
        String name,
        String accountId,
        String roleName,
        String sessionName,
        String issuer,
        String accessKeyId) {

    public Principal {
        Objects.requireNonNull(type, "type");
    }

    public static Principal user(String accountId, String id, String name) {
        return new Principal(PrincipalType.USER, id, name, accountId, null, null, null, null);
    }

    /**
     * A stable key for state and partitioning: one user, role or agency is one principal whatever
     * the session. Roles and agencies are keyed by their role/agency name, users by name (or id).
     */
    @JsonIgnore
    public String key() {
        String who = switch (type) {
            case ASSUMED_ROLE, ASSUMED_AGENCY -> "role/" + (roleName != null ? roleName : name);
            default -> (name != null && !name.isBlank()) ? name : String.valueOf(id);
        };
        return (accountId == null ? "-" : accountId) + "/" + type.name().toLowerCase(Locale.ROOT) + "/" + who;
    }

    /**
     * The role or agency a session acts as, without the session: what an IAM change on the role hits and what a finding
     * about it names. The session's {@code <role-or-agency-id>:<session>} id keeps its id part; users are returned as they are.
     */
    @JsonIgnore
    public Principal withoutSession() {
        if (type != PrincipalType.ASSUMED_ROLE && type != PrincipalType.ASSUMED_AGENCY || roleName == null || sessionName == null) {
            return this;
        }
        int colon = id == null ? -1 : id.indexOf(':');
        return new Principal(type, colon > 0 ? id.substring(0, colon) : null, roleName, accountId, roleName, null, null, null);
    }

    /** A short human label such as {@code ram-user alice} or {@code role AliyunPAIDefaultRole (session s1)}. */
    @JsonIgnore
    public String display() {
        return switch (type) {
            case ASSUMED_ROLE -> "role " + roleName + (sessionName != null ? " (session " + sessionName + ")" : "");
            case ASSUMED_AGENCY -> "agency " + roleName + (sessionName != null ? " (session " + sessionName + ")" : "");
            case ROOT_ACCOUNT -> "account " + accountId;
            default -> (name != null ? name : String.valueOf(id));
        };
    }
}
