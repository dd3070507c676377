package io.grantwatch.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FindingsConsoleTest {

    @Test
    void shouldReplaceTerminalControlSequencesWhenEventTextCarriesThem() {
        String hostile = "alice\u001b[2J\u001b]0;pwned\u0007\rroot\u202e\u009b";

        String safe = FindingsConsole.safe(hostile);

        assertThat(safe).doesNotContain("\u001b", "\u0007", "\r", "\u202e", "\u009b").startsWith("alice");
    }

    @Test
    void shouldKeepOneFindingOnItsOwnLinesWhenTextHasNewlines() {
        assertThat(FindingsConsole.safe("a\nb\tc")).isEqualTo("a b c");
        assertThat(FindingsConsole.safe(null)).isEmpty();
    }
}
