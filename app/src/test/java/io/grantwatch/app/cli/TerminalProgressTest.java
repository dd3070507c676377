package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong();

    @Test
    void shouldRedrawOneLineInPlaceAndClearItWhenTheReadEnds() {
        try (TerminalProgress p = new TerminalProgress("scan", err, true, clock::get)) {
            clock.set(1_000_000_000L);
            p.fileDone(Path.of("a.gz"), 1, 4, 1 << 20, 4 << 20);
            clock.addAndGet(100_000_000L); // within 250 ms: no redraw
            p.fileDone(Path.of("b.gz"), 2, 4, 2 << 20, 4 << 20);
            clock.addAndGet(300_000_000L);
            p.fileDone(Path.of("c.gz"), 3, 4, 3 << 20, 4 << 20);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("\rscan: 25% · files 1/4 · 1.0 MB of 4.0 MB").contains("\rscan: 75% · files 3/4")
                .doesNotContain("files 2/4").doesNotContain("\n").endsWith("\r");
    }

    @Test
    void shouldPrintNothingWhenStderrIsNotATerminal() {
        try (TerminalProgress p = new TerminalProgress("scan", err, false, clock::get)) {
            p.fileDone(Path.of("a.gz"), 1, 1, 10, 10);
            p.event();
        }
        assertThat(bytes.size()).isZero();
    }

    @Test
    void shouldNameSizesInBinaryUnits() {
        assertThat(TerminalProgress.size(512)).isEqualTo("512 B");
        assertThat(TerminalProgress.size(1536)).isEqualTo("1.5 KB");
        assertThat(TerminalProgress.size(3L << 30)).isEqualTo("3.0 GB");
    }
}
