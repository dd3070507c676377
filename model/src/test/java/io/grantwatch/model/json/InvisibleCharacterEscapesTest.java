package io.grantwatch.model.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InvisibleCharacterEscapesTest {
    @Test
    void shouldWriteInvisibleCharactersAsEscapesAndKeepVisibleTextAsItIs() throws Exception {
        String hostile = "alice\u202Egnp.exe\u200B\u0085\u2028\u007F\u001B[31m 训练作业 café";
        String json = Json.wire().writeValueAsString(Map.of("userName", hostile));

        assertThat(json).contains("\\u202E", "\\u200B", "\\u0085", "\\u2028", "\\u007F", "\\u001B", "训练作业 café")
                .doesNotContain("\u202E", "\u200B", "\u0085", "\u2028", "\u007F", "\u001B");
        assertThat(Json.wire().readTree(json).get("userName").asText()).isEqualTo(hostile);
    }
}
