package io.grantwatch.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnsafeTextTest {

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x07, 0x0a, 0x0d, 0x1b, 0x7f, 0x85, 0x9b, 0x200b, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a,
            0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x061c, 0xfeff, 0xe000, 0xd800})
    void shouldCallEveryControlBidiZeroWidthPrivateAndSurrogateCodePointUnsafe(int cp) {
        assertThat(UnsafeText.unsafe(cp)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {'a', ' ', '@', '/', '*', 0x4e2d, 0x00e9, 0x1f600, 0xff20})
    void shouldLeavePrintableTextAloneIncludingCjkAccentsAndEmoji(int cp) {
        assertThat(UnsafeText.unsafe(cp)).isFalse();
    }

    @Test
    void shouldEscapeUnsafeCodePointsVisiblyForTerminalsAndLogs() {
        assertThat(UnsafeText.escaped("bad\u001b[31m\u202egnp.exe\r\n模型😀")).isEqualTo("bad\\u001b[31m\\u202egnp.exe\\u000d\\u000a模型😀");
        assertThat(UnsafeText.escaped("plain")).isSameAs("plain");
        assertThat(UnsafeText.escaped("lone\ud800")).isEqualTo("lone\\ud800");
    }

    @Test
    void shouldKeepOneLineForTablesAndPages() {
        assertThat(UnsafeText.oneLine("a\nb\tc\u202cd\u001be")).isEqualTo("a b c\ufffdd\ufffde");
    }
}
