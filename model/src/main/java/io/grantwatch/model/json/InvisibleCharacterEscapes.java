package io.grantwatch.model.json;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * JSON escapes for the characters a reader cannot see but a terminal or editor acts on: C1 controls, format characters
 * (bidi overrides and isolates, zero-width joiners), line and paragraph separators. Text from audit events is
 * attacker-controlled, and every JSON GrantWatch writes (stdout, topics, HTTP) reaches someone's screen: written as a
 * JSON escape, the text is the same to a JSON reader and inert on a screen. C0 controls are escaped by JSON itself.
 */
final class InvisibleCharacterEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii = delAlso(standardAsciiEscapesForJSON());

    private static int[] delAlso(int[] codes) {
        codes[0x7f] = ESCAPE_STANDARD;
        return codes;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
        return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        boolean invisible = ch >= 0x80 && ch <= 0x9f || ch == 0x2028 || ch == 0x2029 || Character.getType(ch) == Character.FORMAT;
        return invisible ? new SerializedString(String.format("\\u%04X", ch)) : null;
    }
}
