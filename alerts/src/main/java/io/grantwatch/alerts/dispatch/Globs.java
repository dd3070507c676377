package io.grantwatch.alerts.dispatch;

import java.util.Collection;
import java.util.regex.Pattern;

/** Case-insensitive {@code *} globs for rule fields; an empty criterion matches everything. */
final class Globs {
    private Globs() {
    }

    static boolean matches(String glob, String value) {
        if (value == null) {
            return false;
        }
        StringBuilder regex = new StringBuilder();
        String[] parts = glob.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            regex.append(i == 0 ? "" : ".*").append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL).matcher(value).matches();
    }

    /** True when the criterion is empty or any glob matches any of the values. */
    static boolean any(Collection<String> globs, String... values) {
        if (globs == null || globs.isEmpty()) {
            return true;
        }
        for (String g : globs) {
            for (String v : values) {
                if (matches(g, v)) {
                    return true;
                }
            }
        }
        return false;
    }
}
