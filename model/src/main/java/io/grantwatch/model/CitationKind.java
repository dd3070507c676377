package io.grantwatch.model;

/**
 * What kind of source a {@link Citation} points at.
 *
 * <ul>
 *   <li>{@link #SEED}: one of the vendor documents kept beside the project ({@code seeds/NNN_<hash>.txt});
 *       the cited value must occur in that text.</li>
 *   <li>{@link #VENDOR_REFERENCE}: a public vendor page outside the seeds (RAM/IAM API reference, a CTS
 *       trace table, a system-policy page); {@code seed} is an external source id such as
 *       {@code alibaba-ram-reference} and {@code url} is the page.</li>
 *   <li>{@link #NONE}: no documented source. Lint rejects a catalog claim with this kind.</li>
 * </ul>
 */
public enum CitationKind {
    SEED, VENDOR_REFERENCE, NONE;

    /** Seed file names: three digits, an underscore, 16 hex digits, {@code .txt}. */
    public static boolean isSeedFile(String name) {
        return name != null && name.matches("\\d{3}_[0-9a-f]{16}\\.txt");
    }

    /** The kind a citation without an explicit one has: a seed file, else a page with an address, else none. */
    public static CitationKind infer(String seed, String url) {
        if (isSeedFile(seed)) {
            return SEED;
        }
        return url != null && (url.startsWith("https://") || url.startsWith("http://")) ? VENDOR_REFERENCE : NONE;
    }
}
