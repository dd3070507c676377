package io.grantwatch.ingest;

/**
 * Bounds that keep one hostile input from exhausting the process.
 *
 * @param maxRecordBytes   largest single record (one array element, one JSON Lines line, one HTTP body record)
 * @param maxExpandedBytes largest decompressed size of one gzip source (gzip-bomb guard)
 * @param maxRejectedBytes how much of a rejected record is kept for the dead-letter topic
 */
public record IngestLimits(int maxRecordBytes, long maxExpandedBytes, int maxRejectedBytes) {

    public static final IngestLimits DEFAULTS = new IngestLimits(4 * 1024 * 1024, 1024L * 1024 * 1024, 64 * 1024);

    public IngestLimits {
        if (maxRecordBytes <= 0 || maxExpandedBytes <= 0 || maxRejectedBytes < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
