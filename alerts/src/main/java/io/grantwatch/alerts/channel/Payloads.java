package io.grantwatch.alerts.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.grantwatch.model.json.Json;

/**
 * JSON for the wire with HTML-safe escapes: {@code < > & ' @} are written as {@code \\uXXXX}.
 * The parsed value is unchanged, but no receiver that greps, logs or naively pastes the raw body
 * ever meets a literal {@code <!channel>} or {@code @all} (defence in depth after escaping).
 */
public final class Payloads {
    private static final ObjectMapper SAFE;

    static {
        JsonMapper m = Json.wire().copy();
        m.getFactory().setCharacterEscapes(new HtmlSafe());
        SAFE = m;
    }

    private Payloads() {
    }

    public static ObjectMapper mapper() {
        return SAFE;
    }

    public static byte[] bytes(Object value) {
        try {
            return SAFE.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("payload always serializes", e);
        }
    }

    public static JsonNode tree(Object value) {
        return SAFE.valueToTree(value);
    }

    private static final class HtmlSafe extends CharacterEscapes {
        private final int[] escapes;

        HtmlSafe() {
            escapes = CharacterEscapes.standardAsciiEscapesForJSON();
            for (char c : new char[] {'<', '>', '&', '\'', '@'}) {
                escapes[c] = CharacterEscapes.ESCAPE_STANDARD;
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }
}
