package io.grantwatch.ingest.parse;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.ingest.SkippedRecord;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Huawei CTS digest files: the hourly integrity-verification files CTS writes beside the trace files
 * when trace-file verification is on ({@code CloudTraces/<region>/<y>/<m>/<d>/<tracker>/Digest/<service>/
 * <prefix>_CloudTrace-Digest_<region>_<yyyy-MM-ddTHH-mm-ssZ>.json.gz}). One JSON object listing the trace
 * files of the hour with their hashes ({@code digest_start_time}, {@code digest_end_time},
 * {@code log_files[]}, {@code previous_digest_*}): no audit events, and not bad input either. They are
 * skipped and counted ({@link SkippedRecord}), never rejected or dead-lettered.
 *
 * <p>The one place that says what a digest is: by file name ({@link #isDigestFileName}, the file is not
 * even opened) and, independently, by content ({@link #looksLike}, for a renamed file, stdin or an
 * HTTP push).
 */
public final class CtsDigest {
    /** The marker CTS puts in every digest file name (trace files carry {@code _CloudTrace_}). */
    static final String NAME_MARKER = "_cloudtrace-digest_";
    static final String REASON = "CTS digest file (trace-file integrity verification, no audit events)";

    private CtsDigest() {
    }

    /** Whether the file name (the last path segment only, not its folders) is a CTS digest file's. */
    public static boolean isDigestFileName(Path file) {
        Path name = file == null ? null : file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).contains(NAME_MARKER);
    }

    /** What a source skipped whole because of its name becomes. */
    public static SkippedRecord skippedFile(String location) {
        return new SkippedRecord(location, -1, REASON);
    }

    /** Whether a JSON value is a digest: an object with {@code digest_start_time} and a {@code log_files} array, and no trace fields. */
    public static boolean looksLike(JsonNode node) {
        return node != null && node.isObject() && looksLike(Fields.of(node));
    }

    static boolean looksLike(Fields f) {
        JsonNode logFiles = f.raw("logfiles");
        return f.has("digeststarttime") && logFiles != null && logFiles.isArray()
                && !Cts.looksLike(f) && !ActionTrail.looksLike(f);
    }
}
