package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a {@link PolicyDocument} is, and so which grammar it must pass. Lower-case with dashes on the wire: {@code ram-trust-policy}. */
public enum PolicyKind {
    /** A RAM custom policy attached to a user or role. */
    RAM_CUSTOM_POLICY,
    /** The trust policy (AssumeRolePolicyDocument) of a RAM role. */
    RAM_TRUST_POLICY,
    /** A Huawei IAM identity policy attached to a user. */
    HUAWEI_IAM_POLICY,
    /** A Huawei IAM policy attached to an agency. */
    HUAWEI_AGENCY_POLICY;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static PolicyKind fromWire(String value) {
        return PolicyKind.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** The wire name, so that messages and rendered alerts print {@code ram-trust-policy} as before. */
    @Override
    public String toString() {
        return wire();
    }
}
