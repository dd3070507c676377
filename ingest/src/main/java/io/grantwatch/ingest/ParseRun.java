package io.grantwatch.ingest;

import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the paths {@code grantwatch parse} is given, in order: files and folders through an
 * {@link AuditFileReader}, {@code -} from {@code stdin} (e.g. {@code aliyun actiontrail LookupEvents … | grantwatch parse -}).
 * Every normalized event goes to {@code events}, every rejected record to {@code rejected}; CTS
 * digest files are skipped and counted. The app prints them.
 */
public final class ParseRun {

    /** What one run read. */
    public record Result(long events, long rejected, long skippedDigests) {
    }

    private ParseRun() {
    }

    /**
     * Reads every path. Throws IOException, before anything is read, when a path (other than {@code -})
     * cannot be used.
     */
    public static Result run(AuditFileReader reader, List<Path> paths, InputStream stdin, Consumer<AuditEvent> events,
                             Consumer<RejectedRecord> rejected) throws IOException {
        long[] counts = new long[3];
        Consumer<AuditEvent> countedEvents = e -> {
            events.accept(e);
            counts[0]++;
        };
        Consumer<RejectedRecord> countedRejected = r -> {
            rejected.accept(r);
            counts[1]++;
        };
        Consumer<SkippedRecord> skipped = s -> counts[2]++;
        List<Path> files = paths.stream().filter(p -> !isStdin(p)).toList();
        if (!files.isEmpty()) {
            AuditFileReader.check(files);
        }
        for (Path p : paths) {
            if (isStdin(p)) {
                reader.parser().parse(stdin, "stdin", Hints.NONE, 0, AuditParser.Sink.of(countedEvents, countedRejected, skipped));
            } else {
                reader.read(List.of(p), countedEvents, countedRejected, skipped, FileProgress.NONE);
            }
        }
        return new Result(counts[0], counts[1], counts[2]);
    }

    private static boolean isStdin(Path p) {
        return p.toString().equals("-");
    }
}
