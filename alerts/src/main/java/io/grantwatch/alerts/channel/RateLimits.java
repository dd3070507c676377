package io.grantwatch.alerts.channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A target's rate limits: at most {@code permits} messages in any sliding window of {@code per}.
 * Every HTTP attempt (retries included) counts, because the vendor counts them.
 */
public record RateLimits(List<Window> windows) {
    public record Window(int permits, Duration per) {
        public Window {
            if (permits < 1 || per.isZero() || per.isNegative()) {
                throw new IllegalArgumentException("a rate window needs permits >= 1 and a positive duration");
            }
        }
    }

    public RateLimits {
        windows = windows == null ? List.of() : List.copyOf(windows);
    }

    public static RateLimits none() {
        return new RateLimits(List.of());
    }

    public static RateLimits of(int permits, Duration per) {
        return new RateLimits(List.of(new Window(permits, per)));
    }

    public RateLimits and(int permits, Duration per) {
        List<Window> w = new ArrayList<>(windows);
        w.add(new Window(permits, per));
        return new RateLimits(w);
    }
}
