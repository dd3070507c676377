package io.grantwatch.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.grantwatch.app.GrantWatch;
import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.ingest.IngestLimits;
import io.grantwatch.ingest.ParseRun;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.text.UnsafeText;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code grantwatch parse PATH…}: prints the normalized AuditEvents as JSON Lines on stdout and
 * rejected input ({@code file#position (line n): reason}) on stderr, then a summary line on stderr
 * (with the CTS digest files skipped, when there were any). Exit 0 when it ran (also with
 * rejections), 2 when a path cannot be used. {@link ParseRun} in the ingest module reads the paths.
 */
@Command(name = "parse", mixinStandardHelpOptions = true,
        description = "Parse ActionTrail / CTS audit files (any shape, gzip, folders recursively) and print the "
                + "normalized AuditEvents as JSON Lines; malformed input goes to stderr with file and position.")
public final class ParseCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Audit files or folders (read recursively); - reads stdin.")
    List<Path> paths;

    @Option(names = "--threads", paramLabel = "N",
            description = "Files read (gunzip, parse) at once; the output order is the same for any N (default: the cores, at most 8).")
    int threads = AuditFileReader.defaultThreads();

    /** Where results go and what {@code -} reads; tests set these, the CLI uses buffered UTF-8 stdout, stderr and stdin. */
    PrintStream out;
    PrintStream err;
    InputStream in;

    @Override
    public Integer call() {
        // Buffered UTF-8 stdout: parse may print millions of lines.
        PrintStream o = out != null ? out : new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8);
        PrintStream e = err != null ? err : System.err;
        if (threads < 1) {
            e.println("grantwatch parse: --threads must be at least 1");
            return GrantWatch.EXIT_USAGE;
        }
        try {
            ParseRun.Result r = ParseRun.run(new AuditFileReader(IngestLimits.DEFAULTS, threads), paths, in != null ? in : System.in,
                    ev -> o.println(jsonLine(ev)),
                    rej -> e.println("rejected " + UnsafeText.escaped(rej.location()) + ": " + UnsafeText.escaped(rej.reason())));
            o.flush();
            e.println("parsed " + r.events() + " events, rejected " + r.rejected() + " records" + skippedDigests(r.skippedDigests()));
            return 0;
        } catch (IOException ex) {
            e.println("grantwatch parse: cannot use " + UnsafeText.escaped(String.valueOf(ex.getMessage())));
            return GrantWatch.EXIT_USAGE;
        } finally {
            o.flush();
        }
    }

    private static String jsonLine(AuditEvent event) {
        try {
            return Json.wire().writeValueAsString(event);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot write event " + event.eventId(), ex);
        }
    }

    /**
     * The summary's figure for skipped CTS digest files ({@code ", skipped 2 CTS digest files"}), empty
     * when there were none so that summaries without digests read as before. Shared by parse and scan.
     */
    static String skippedDigests(long n) {
        return n == 0 ? "" : ", skipped " + n + " CTS digest file" + (n == 1 ? "" : "s");
    }
}
