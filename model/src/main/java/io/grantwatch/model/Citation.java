package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a piece of knowledge comes from.
 *
 * @param seed    seed file name (e.g. {@code 004_cae65db658487c65.txt}) or an external source id
 *                ({@code alibaba-ram-reference}, {@code huawei-cts-reference})
 * @param section the section heading in that document, as written there
 * @param url     public address; required for a {@link CitationKind#VENDOR_REFERENCE}
 * @param kind    SEED, VENDOR_REFERENCE or NONE; when absent it is inferred from {@code seed} and {@code url}
 *                ({@link CitationKind#infer}), so older records and two-argument citations keep working
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Citation(String seed, String section, String url, CitationKind kind) {

    public Citation {
        if (kind == null) {
            kind = CitationKind.infer(seed, url);
        }
    }

    public Citation(String seed, String section, String url) {
        this(seed, section, url, null);
    }

    public Citation(String seed, String section) {
        this(seed, section, null, null);
    }

    /** A vendor page outside the seeds. */
    public static Citation vendor(String sourceId, String section, String url) {
        return new Citation(sourceId, section, url, CitationKind.VENDOR_REFERENCE);
    }

    @Override
    public String toString() {
        return seed + " § " + section;
    }
}
