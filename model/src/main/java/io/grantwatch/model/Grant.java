package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One grant a principal (or its role/agency) needs.
 *
 * @param type     what kind of grant
 * @param value    the action, policy name, trust principal, workspace role or service
 * @param resource the resource it applies to when narrower than {@code *}: a bucket, a role ARN, an agency
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Grant(GrantType type, String value, String resource) {

    public Grant {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }

    public static Grant action(String action) {
        return new Grant(GrantType.ACTION, action, null);
    }

    public static Grant systemPolicy(String policy) {
        return new Grant(GrantType.SYSTEM_POLICY, policy, null);
    }

    public Grant onResource(String newResource) {
        return new Grant(type, value, newResource);
    }

    /** Stable text form used in finding ids: {@code ACTION:oss:GetObject@acs:oss:*:*:bucket}. */
    @JsonIgnore
    public String key() {
        return type.name() + ":" + value + (resource == null ? "" : "@" + resource);
    }
}
