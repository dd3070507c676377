package io.grantwatch.model.catalog;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An IAM action or a glob over actions ({@code eas:*}, {@code modelarts:*:*delete*}). Both clouds
 * compare actions case-insensitively.
 */
public final class ActionPattern {
    private final String text;
    private final Pattern regex;

    private ActionPattern(String text) {
        this.text = text;
        StringBuilder sb = new StringBuilder();
        for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '*') {
                sb.append(".*");
            } else if (c == '?') {
                sb.append('.');
            } else {
                sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        this.regex = Pattern.compile(sb.toString());
    }

    public static ActionPattern of(String text) {
        return new ActionPattern(text);
    }

    public static boolean isWildcard(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }

    public boolean matches(String action) {
        return action != null && regex.matcher(action.toLowerCase(Locale.ROOT)).matches();
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
