package io.grantwatch.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.text.UnsafeText;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The logic of {@code grantwatch parse PATH…}: every normalized event as one JSON line on
 * {@code out}; every rejected record as {@code file#position (line n): reason} on {@code err}; a
 * summary line on {@code err} (with the CTS digest files skipped, when there were any). Exit code 0 when it ran (also with rejections), 2 when a
 * path cannot
 * be used.
 */
public final class ParseRun {
    public static final int OK = 0;
    public static final int USAGE = 2;

    private ParseRun() {
    }

    public static int run(List<Path> paths, PrintStream out, PrintStream err) {
        return run(new AuditFileReader(), paths, System.in, out, err);
    }

    /** A path {@code -} reads {@code stdin} (e.g. {@code aliyun actiontrail LookupEvents … | grantwatch parse -}). */
    public static int run(AuditFileReader reader, List<Path> paths, InputStream stdin, PrintStream out, PrintStream err) {
        long[] counts = new long[3];
        Consumer<AuditEvent> events = e -> {
            try {
                out.println(Json.wire().writeValueAsString(e));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("cannot write event " + e.eventId(), ex);
            }
            counts[0]++;
        };
        Consumer<RejectedRecord> rejected = r -> {
            err.println("rejected " + UnsafeText.escaped(r.location()) + ": " + UnsafeText.escaped(r.reason()));
            counts[1]++;
        };
        Consumer<SkippedRecord> skipped = s -> counts[2]++;
        try {
            List<Path> files = paths.stream().filter(p -> !p.toString().equals("-")).toList();
            if (!files.isEmpty()) {
                AuditFileReader.check(files);
            }
            for (Path p : paths) {
                if (p.toString().equals("-")) {
                    reader.parser().parse(stdin, "stdin", Hints.NONE, 0, AuditParser.Sink.of(events, rejected, skipped));
                } else {
                    reader.read(List.of(p), events, rejected, skipped, FileProgress.NONE);
                }
            }
        } catch (IOException e) {
            err.println("grantwatch parse: cannot use " + UnsafeText.escaped(String.valueOf(e.getMessage())));
            return USAGE;
        }
        out.flush();
        err.println("parsed " + counts[0] + " events, rejected " + counts[1] + " records" + skippedDigests(counts[2]));
        return OK;
    }

    /**
     * The summary's figure for skipped CTS digest files ({@code ", skipped 2 CTS digest files"}), empty
     * when there were none so that summaries without digests read as before. Shared by parse and scan.
     */
    public static String skippedDigests(long n) {
        return n == 0 ? "" : ", skipped " + n + " CTS digest file" + (n == 1 ? "" : "s");
    }
}
