package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The two clouds whose audit trails GrantWatch reads. Lower-case on the wire. */
public enum Cloud {
    ALIBABA, HUAWEI;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Cloud fromWire(String value) {
        return Cloud.valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
