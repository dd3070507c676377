package io.grantwatch.catalog;

/**
 * One thing wrong with a catalog data file. Printed as {@code file:line: entry: field: message}
 * (the line is left out when it is not known), so an editor can jump to it.
 *
 * @param file    the data file name, e.g. {@code pai.yaml}
 * @param line    1-based line, or 0 when unknown
 * @param entry   which entry: {@code scenario pai.dsw}, {@code requirement pai.dsw/policy:X}, {@code area pai}
 * @param field   the field path inside the entry, e.g. {@code grant.value}
 * @param message what is wrong
 */
public record CatalogProblem(String file, int line, String entry, String field, String message) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ").append(entry);
        if (field != null && !field.isEmpty()) {
            sb.append(": ").append(field);
        }
        return sb.append(": ").append(message).toString();
    }
}
