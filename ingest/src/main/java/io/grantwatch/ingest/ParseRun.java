package io.grantwatch.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The logic of {@code grantwatch parse PATH…}: every normalized event as one JSON line on
 * {@code out}; every rejected record as {@code file#position (line n): reason} on {@code err}; a
 * summary line on {@code err}. Exit code 0 when it ran (also with rejections), 2 when a path cannot
 * be used.
 */
public final class ParseRun {
    public static final int OK = 0;
    public static final int USAGE = 2;

    private ParseRun() {
    }

    public static int run(List<Path> paths, PrintStream out, PrintStream err) {
        return run(new AuditFileReader(), paths, out, err);
    }

    public static int run(AuditFileReader reader, List<Path> paths, PrintStream out, PrintStream err) {
        long[] counts = new long[2];
        try {
            reader.read(paths, e -> {
                try {
                    out.println(Json.wire().writeValueAsString(e));
                } catch (JsonProcessingException ex) {
                    throw new IllegalStateException("cannot write event " + e.eventId(), ex);
                }
                counts[0]++;
            }, r -> {
                err.println("rejected " + Printable.of(r.location()) + ": " + Printable.of(r.reason()));
                counts[1]++;
            });
        } catch (IOException e) {
            err.println("grantwatch parse: cannot use " + Printable.of(String.valueOf(e.getMessage())));
            return USAGE;
        }
        out.flush();
        err.println("parsed " + counts[0] + " events, rejected " + counts[1] + " records");
        return OK;
    }

    /** Event text is attacker-controlled: no control characters reach the terminal. */
    static final class Printable {
        private Printable() {
        }

        static String of(String s) {
            StringBuilder sb = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }
    }
}
