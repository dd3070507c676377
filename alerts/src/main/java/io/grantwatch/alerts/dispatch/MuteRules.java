package io.grantwatch.alerts.dispatch;

import io.grantwatch.model.Finding;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The configured mute rules. Expired rules no longer mute; reports list them as expired. */
public record MuteRules(List<MuteRule> rules) {
    public MuteRules {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    public static MuteRules none() {
        return new MuteRules(List.of());
    }

    /** These rules and {@code more} (the console's mutes beside the configured ones). */
    public MuteRules with(List<MuteRule> more) {
        return more.isEmpty() ? this : new MuteRules(Stream.concat(rules.stream(), more.stream()).toList());
    }

    /** The first active rule that mutes this finding. */
    public Optional<MuteRule> muting(Finding f, Instant now) {
        return rules.stream().filter(r -> r.activeAt(now) && r.matches(f)).findFirst();
    }

    /** Expired rules that would still match the finding: the accepted risk needs a new decision. */
    public List<MuteRule> expiredMatching(Finding f, Instant now) {
        return rules.stream().filter(r -> !r.activeAt(now) && r.matches(f)).toList();
    }
}
