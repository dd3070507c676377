package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The two clouds whose audit trails GrantWatch reads. Lower-case on the wire. */
public enum Cloud {
    ALIBABA, HUAWEI;

    /** Worked out once: every event's account and state keys start with it. */
    private final String wire = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static Cloud fromWire(String value) {
        return Cloud.valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
