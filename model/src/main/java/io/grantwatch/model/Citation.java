package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a piece of knowledge comes from.
 *
 * @param seed    seed file name (e.g. {@code 004_cae65db658487c65.txt}) or an external source id
 * @param section the section heading in that document, as written there
 * @param url     optional public address for non-seed knowledge
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Citation(String seed, String section, String url) {
    public Citation(String seed, String section) {
        this(seed, section, null);
    }

    @Override
    public String toString() {
        return seed + " § " + section;
    }
}
