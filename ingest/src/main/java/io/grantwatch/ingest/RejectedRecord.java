package io.grantwatch.ingest;

/**
 * Input that could not become an {@link io.grantwatch.model.AuditEvent}: unparseable JSON, an
 * unknown shape, missing required fields, an oversize record, invalid UTF-8, a gzip bomb. The rest
 * of the source flows on. {@code bytes} is the offending record, already redacted (never a secret),
 * truncated to a bounded size; it may be empty when nothing sensible can be shown.
 *
 * @param source   file path, HTTP request id or API page
 * @param position 0-based record index in the source (-1 when the whole source is affected)
 * @param line     1-based line number for JSON Lines and parse errors, -1 when unknown
 * @param reason   why, readable by a person (contains no record values except field names)
 * @param bytes    the redacted record (UTF-8), possibly truncated
 */
public record RejectedRecord(String source, long position, long line, String reason, byte[] bytes) {

    public RejectedRecord {
        bytes = bytes == null ? new byte[0] : bytes;
    }

    public RejectedRecord(String source, long position, String reason, byte[] bytes) {
        this(source, position, -1, reason, bytes);
    }

    /** {@code file#position} (with the line when known): the DLQ source header and the CLI's stderr prefix. */
    public String location() {
        StringBuilder sb = new StringBuilder(source == null ? "-" : source);
        if (position >= 0) {
            sb.append('#').append(position);
        }
        if (line > 0) {
            sb.append(" (line ").append(line).append(')');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return location() + ": " + reason;
    }
}
