package io.grantwatch.app.cli;

import io.grantwatch.ingest.FileProgress;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress display for long reads ({@code scan}, {@code report}) on stderr: files, bytes,
 * events and rate, redrawn in place at most every 250 ms. Shown only when stderr is a terminal, so
 * redirected output and CI logs stay clean.
 */
final class TerminalProgress implements FileProgress, AutoCloseable {
    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintStream err;
    private final boolean enabled;
    private final LongSupplier nanoClock;
    private final String label;
    private final long start;
    private long lastDraw = Long.MIN_VALUE;
    private long events;
    private int filesDone;
    private int filesTotal;
    private long bytesDone;
    private long bytesTotal;
    private int drawnWidth;

    TerminalProgress(String label, PrintStream err, boolean enabled, LongSupplier nanoClock) {
        this.label = label;
        this.err = err;
        this.enabled = enabled;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    /** Progress on the process's stderr, enabled when it is a terminal. */
    static TerminalProgress onStderr(String label, PrintStream err) {
        return new TerminalProgress(label, err, stderrIsTerminal(), System::nanoTime);
    }

    /** Counts one event; redraws when due. */
    void event() {
        events++;
        if (enabled && (events & 1023) == 0) {
            maybeDraw(false);
        }
    }

    @Override
    public void fileDone(Path file, int done, int total, long bytesSoFar, long bytesAll) {
        this.filesDone = done;
        this.filesTotal = total;
        this.bytesDone = bytesSoFar;
        this.bytesTotal = bytesAll;
        if (enabled) {
            maybeDraw(done == total);
        }
    }

    private void maybeDraw(boolean force) {
        long now = nanoClock.getAsLong();
        if (!force && lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        String line = line(now);
        err.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
        err.flush();
        drawnWidth = line.length();
    }

    String line(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        int percent = bytesTotal == 0 ? 0 : (int) (100 * bytesDone / bytesTotal);
        return String.format(Locale.ROOT, "%s: %d%% · files %d/%d · %s of %s · %,d events · %s/s",
                label, percent, filesDone, filesTotal, size(bytesDone), size(bytesTotal), events, size((long) (bytesDone / seconds)));
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Clears the line so that the summary that follows starts clean. */
    @Override
    public void close() {
        if (enabled && drawnWidth > 0) {
            err.print("\r" + " ".repeat(drawnWidth) + "\r");
            err.flush();
        }
    }

    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return System.console() != null; // not Linux: the JDK's own (stdin and stdout) test
        }
    }
}
