package io.grantwatch.alerts.escape;

import io.grantwatch.model.text.UnsafeText;

/**
 * The format-independent half of escaping event text (attacker-controlled): control characters,
 * bidi overrides and zero-width characters go, line breaks become spaces, {@code @} becomes the
 * full-width {@code ＠} so no channel reads a mention, and the length is capped (by code points,
 * with an ellipsis) before any format escaping so an entity is never cut in half.
 */
public final class Sanitizer {
    /** Default cap for a name, resource or message inside an alert. */
    public static final int DEFAULT_MAX = 300;

    private Sanitizer() {
    }

    public static String clean(String text, int maxCodePoints) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxCodePoints + 1));
        int kept = 0;
        boolean truncated = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (kept >= maxCodePoints) {
                truncated = true;
                break;
            }
            if (cp == '\n' || cp == '\r' || cp == '\t') {
                if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
                    out.append(' ');
                    kept++;
                }
                continue;
            }
            if (dropped(cp)) {
                continue;
            }
            if (cp == '@') {
                out.append('\uFF20');
            } else {
                out.appendCodePoint(cp);
            }
            kept++;
        }
        if (truncated) {
            out.append('\u2026');
        }
        return out.toString();
    }

    /** The one rule: {@link UnsafeText#unsafe(int)}. */
    static boolean dropped(int cp) {
        return UnsafeText.unsafe(cp);
    }
}
