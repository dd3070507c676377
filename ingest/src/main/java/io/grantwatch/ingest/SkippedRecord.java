package io.grantwatch.ingest;

/**
 * Input that is recognised and deliberately not read as audit events: neither an event nor a
 * {@link RejectedRecord} (never dead-lettered), only counted. Today: CTS digest files (trace-file
 * integrity verification, see {@link io.grantwatch.ingest.parse.CtsDigest}).
 *
 * @param source   file path, HTTP request id or {@code stdin}
 * @param position 0-based record index in the source, -1 when the whole source is skipped (by its name)
 * @param reason   what it is, readable by a person
 */
public record SkippedRecord(String source, long position, String reason) {

    /** {@code file#position}, as {@link RejectedRecord#location()}. */
    public String location() {
        String s = source == null ? "-" : source;
        return position >= 0 ? s + "#" + position : s;
    }

    @Override
    public String toString() {
        return location() + ": " + reason;
    }
}
