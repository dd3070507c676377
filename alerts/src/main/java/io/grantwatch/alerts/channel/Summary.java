package io.grantwatch.alerts.channel;

import java.util.List;

/**
 * A short text message that is not one finding: the drift report summary. Lines may hold event
 * text (scenario and principal names); every channel escapes them for its format.
 *
 * @param title headline
 * @param lines body lines, in order
 * @param key   idempotency key (report id)
 */
public record Summary(String title, List<String> lines, String key) {
    public Summary {
        lines = List.copyOf(lines);
    }
}
