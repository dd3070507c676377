package io.grantwatch.app.cli;

import io.grantwatch.ingest.AuditFileReader;
import io.grantwatch.ingest.IngestLimits;
import io.grantwatch.ingest.ParseRun;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
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
 * rejected input ({@code file#position (line n): reason}) on stderr. Exit 0 when it ran, 2 when a
 * path cannot be used. The logic is {@link ParseRun} in the ingest module.
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

    /** Where results go; tests set these, the CLI uses buffered UTF-8 stdout and stderr. */
    PrintStream out;
    PrintStream err;

    @Override
    public Integer call() {
        // Buffered UTF-8 stdout: parse may print millions of lines.
        PrintStream o = out != null ? out : new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8);
        PrintStream e = err != null ? err : System.err;
        if (threads < 1) {
            e.println("grantwatch parse: --threads must be at least 1");
            return ParseRun.USAGE;
        }
        try {
            return ParseRun.run(new AuditFileReader(IngestLimits.DEFAULTS, threads), paths, System.in, o, e);
        } finally {
            o.flush();
        }
    }
}
