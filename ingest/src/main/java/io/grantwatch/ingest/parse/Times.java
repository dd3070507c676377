package io.grantwatch.ingest.parse;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.json.UtcTimes;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every time form the two trails use: ISO-8601 with or without zone or seconds
 * ({@code 2021-01-01T00:00:00Z}, {@code 2016-12-16T07:27Z}), epoch seconds, millis or micros as numbers
 * or strings, and CTS's display strings {@code 2016/12/08 11:07:28 GMT+08:00},
 * {@code 12/01/2016 11:07:28 GMT+08:00} (month first) and {@code 2017-02-15 14:12:15 GMT+08:00}.
 * A time without a zone is UTC.
 */
final class Times {
    private static final Pattern YMD = Pattern.compile(
            "(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})[ T]+(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?\\s*(.*)");
    private static final Pattern MDY = Pattern.compile(
            "(\\d{1,2})[-/.](\\d{1,2})[-/.](\\d{4})[ T]+(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?\\s*(.*)");
    private static final Pattern ZONE = Pattern.compile("(?i)(?:GMT|UTC|Z)?\\s*(?:([+-])(\\d{1,2})(?::?(\\d{2}))?)?");

    private Times() {
    }

    static Instant parse(JsonNode n) {
        if (n == null || n.isNull() || n.isContainerNode()) {
            return null;
        }
        if (n.isNumber()) {
            return fromEpoch(n.asDouble());
        }
        return parse(n.asText());
    }

    static Instant parse(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        if (t.isEmpty()) {
            return null;
        }
        if (isNumeric(t)) {
            try {
                return fromEpoch(Double.parseDouble(t));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        Instant utc = utcSeconds(t);
        if (utc != null) {
            return utc;
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException ignored) {
            // fall through to the lenient forms
        }
        try {
            return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException ignored) {
            // fall through
        }
        try {
            return LocalDateTime.parse(t, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // fall through
        }
        Matcher m = YMD.matcher(t);
        if (m.matches()) {
            return build(m.group(1), m.group(2), m.group(3), m);
        }
        m = MDY.matcher(t);
        if (m.matches()) {
            int first = Integer.parseInt(m.group(1));
            // CTS prints month first (12/01/2016 = 1 Dec); a first field above 12 can only be a day.
            return first > 12 ? build(m.group(3), m.group(2), m.group(1), m) : build(m.group(3), m.group(1), m.group(2), m);
        }
        return null;
    }

    /** ActionTrail's eventTime form, read by the shared fast path ({@link UtcTimes}); null for anything else. */
    static Instant utcSeconds(String t) {
        return UtcTimes.parse(t);
    }

    private static Instant build(String y, String mo, String d, Matcher m) {
        try {
            int nanos = 0;
            if (m.group(7) != null) {
                String f = (m.group(7) + "000000000").substring(0, 9);
                nanos = Integer.parseInt(f);
            }
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(y), Integer.parseInt(mo), Integer.parseInt(d),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), nanos);
            Matcher z = ZONE.matcher(m.group(8).strip());
            if (!z.matches()) {
                return null;
            }
            ZoneOffset off = ZoneOffset.UTC;
            if (z.group(1) != null) {
                int h = Integer.parseInt(z.group(2));
                int min = z.group(3) == null ? 0 : Integer.parseInt(z.group(3));
                int sign = "-".equals(z.group(1)) ? -1 : 1;
                off = ZoneOffset.ofHoursMinutes(sign * h, sign * min);
            }
            return local.toInstant(off);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean isNumeric(String t) {
        int dots = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots <= 1;
    }

    /** Seconds, millis, micros or nanos, told apart by magnitude (seconds stay below 1e11 until year 5138). */
    static Instant fromEpoch(double v) {
        if (v <= 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        if (v < 1e11) {
            long secs = (long) v;
            return Instant.ofEpochSecond(secs, Math.round((v - secs) * 1e9));
        }
        if (v < 1e14) {
            return Instant.ofEpochMilli((long) v);
        }
        if (v < 1e17) {
            long micros = (long) v;
            return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
        }
        long nanos = (long) v;
        return Instant.ofEpochSecond(nanos / 1_000_000_000, nanos % 1_000_000_000);
    }
}
