package io.grantwatch.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the push receiver counts against its per-request cap: records, not the array that holds them. */
class RecordCountTest {
    private static byte[] array(int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"eventId\":\"e").append(i).append("\"}");
        }
        return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldCountTheElementsOfATopLevelArrayNotTheArray() {
        assertThat(RecordCount.atMost(array(10_000), 10_001)).isEqualTo(10_000);
        assertThat(RecordCount.atMost(array(1), 10)).isEqualTo(1);
    }

    @Test
    void shouldCountJsonLinesAndStopAtTheLimit() {
        byte[] lines = "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n".getBytes(StandardCharsets.UTF_8);
        assertThat(RecordCount.atMost(lines, 10)).isEqualTo(3);
        assertThat(RecordCount.atMost(array(50), 11)).isEqualTo(11);
    }
}
