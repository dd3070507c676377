package io.grantwatch.ingest;

/**
 * Bounds that keep one hostile input from exhausting the process.
 *
 * @param maxRecordBytes   largest single record (one array element, one JSON Lines line, one HTTP body record);
 *                         configurable as {@value #RECORD_MAX_BYTES_KEY}
 * @param maxExpandedBytes largest decompressed size of one gzip source (gzip-bomb guard)
 * @param maxRejectedBytes how much of a rejected record is kept for the dead-letter topic
 */
public record IngestLimits(int maxRecordBytes, long maxExpandedBytes, int maxRejectedBytes) {

    /** The configuration key of {@link #maxRecordBytes()}. */
    public static final String RECORD_MAX_BYTES_KEY = "ingest.record.max.bytes";
    /** Default {@link #maxRecordBytes()}: 4 MiB. */
    public static final int DEFAULT_RECORD_MAX_BYTES = 4 * 1024 * 1024;

    public static final IngestLimits DEFAULTS = new IngestLimits(DEFAULT_RECORD_MAX_BYTES, 1024L * 1024 * 1024, 64 * 1024);

    public IngestLimits {
        if (maxRecordBytes <= 0 || maxExpandedBytes <= 0 || maxRejectedBytes < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** These limits with another largest record. */
    public IngestLimits withMaxRecordBytes(int bytes) {
        return new IngestLimits(bytes, maxExpandedBytes, maxRejectedBytes);
    }

    /**
     * The one reason a record over {@link #maxRecordBytes()} is dead-lettered with: names the limit, its key,
     * and the record's position (and line, when known).
     *
     * @param size the record's size in bytes, or -1 when only "more than the limit" is known
     */
    public String oversize(long position, long line, long size) {
        return "oversize record: record " + position + (line > 0 ? " (line " + line + ")" : "") + " is "
                + (size >= 0 ? size + " bytes" : "longer than " + maxRecordBytes + " bytes")
                + ", over the per-record limit of " + maxRecordBytes + " bytes (" + RECORD_MAX_BYTES_KEY
                + "); not read, the rest of the source is";
    }
}
