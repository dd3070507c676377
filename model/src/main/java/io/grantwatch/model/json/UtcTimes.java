package io.grantwatch.model.json;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The one fast path for the time form every audit source and GrantWatch's own records use most:
 * {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} (ActionTrail's eventTime, the wire mapper's Instant). Read
 * without the {@code DateTimeFormatter} machinery, which cost a tenth of normalizing an event in
 * ingest and a twentieth of the detector thread. Callers fall back to their full parser on null.
 */
public final class UtcTimes {
    private UtcTimes() {
    }

    /** The instant, or null for any other shape (including leap seconds and 30 February, which {@link Instant#parse} judges). */
    public static Instant parse(String t) {
        int n = t.length();
        if (n < 20 || n > 30 || n == 21 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':'
                || t.charAt(16) != ':' || t.charAt(n - 1) != 'Z' || (n > 20 && t.charAt(19) != '.')) {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        int fraction = n > 20 ? digits(t, 20, n - 21) : 0;
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || fraction < 0) {
            return null;
        }
        int nanos = fraction;
        for (int i = n - 21; n > 20 && i < 9; i++) {
            nanos *= 10;
        }
        try {
            long epochDay = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second, nanos);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The decimal number in {@code t[from, from + n)}, or -1 when a character is not an ASCII digit. */
    private static int digits(String t, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
