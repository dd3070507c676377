package io.grantwatch.model.text;

/**
 * The one rule for characters of event text (attacker-controlled) that must not reach a terminal,
 * a log, a header, a chat message or a page as they are: they make text display other than it is
 * stored (ANSI escapes, carriage returns, bidi overrides and isolates, zero-width characters) or
 * cannot be displayed at all. Every printer applies it through one of the methods here or through
 * {@code alerts.escape.Sanitizer}, which builds on {@link #unsafe(int)}.
 */
public final class UnsafeText {
    private UnsafeText() {
    }

    /**
     * Control (C0, DEL, C1), format (bidi embeddings, overrides, isolates and marks; zero-width
     * characters), private-use, unassigned and lone surrogate code points, and the Unicode line and
     * paragraph separators.
     */
    public static boolean unsafe(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED || type == Character.SURROGATE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** For terminals, logs and headers: each unsafe code point as {@code \}{@code uXXXX}, so the reader loses nothing. */
    public static String escaped(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            if (unsafe(cp)) {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                for (int j = i; j < i + n; j++) {
                    sb.append(String.format("\\u%04x", (int) s.charAt(j)));
                }
            } else if (sb != null) {
                sb.append(s, i, i + n);
            }
            i += n;
        }
        return sb == null ? s : sb.toString();
    }

    /** For one line of a page or table: line breaks and tabs become a space, other unsafe code points U+FFFD. */
    public static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c == '\n' || c == '\r' || c == '\t') {
                b.append(' ');
            } else if (unsafe(c)) {
                b.append('\uFFFD');
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
