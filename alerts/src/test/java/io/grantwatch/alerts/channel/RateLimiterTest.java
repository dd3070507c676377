package io.grantwatch.alerts.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    /** Virtual time: sleeping advances the clock. */
    static final class FakeClock implements Pacer {
        long now = 1_000_000;

        @Override
        public long millis() {
            return now;
        }

        @Override
        public void sleep(long millis) {
            now += Math.max(millis, 0);
        }
    }

    static int maxInAnyWindow(List<Long> times, long window) {
        int max = 0;
        for (int i = 0; i < times.size(); i++) {
            int n = 0;
            for (int j = i; j < times.size() && times.get(j) < times.get(i) + window; j++) {
                n++;
            }
            max = Math.max(max, n);
        }
        return max;
    }

    @Test
    void shouldHoldFeishuLimitsInEverySlidingWindowWhenBursty() throws Exception {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(ChannelType.FEISHU.defaultLimits(), 0, clock);
        Random rnd = new Random(42);
        List<Long> grants = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            if (rnd.nextInt(4) == 0) {
                clock.sleep(rnd.nextInt(3000));
            }
            limiter.acquire();
            grants.add(clock.millis());
        }
        assertThat(maxInAnyWindow(grants, 1000)).isLessThanOrEqualTo(5);
        assertThat(maxInAnyWindow(grants, 60_000)).isLessThanOrEqualTo(100);
        // and it is not over-throttling: 400 grants need at least 3 full minutes, at most a little more
        assertThat(grants.get(grants.size() - 1) - grants.get(0)).isLessThan(Duration.ofMinutes(6).toMillis());
    }

    @Test
    void shouldReportFreePermitsWhenSomeUsed() throws Exception {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(ChannelType.DINGTALK.defaultLimits(), 0, clock);
        for (int i = 0; i < 15; i++) {
            limiter.acquire();
        }
        assertThat(limiter.available()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            limiter.acquire();
        }
        assertThat(limiter.available()).isZero();
        assertThat(limiter.delayMillis()).isEqualTo(60_001);
    }

    @Test
    void shouldHoldDingTalkTwentyPerMinuteOverAnHourOfVirtualTime() throws Exception {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(ChannelType.DINGTALK.defaultLimits(), 0, clock);
        Random rnd = new Random(7);
        List<Long> grants = new ArrayList<>();
        while (clock.millis() < 1_000_000 + 3_600_000) {
            clock.sleep(rnd.nextInt(2500));
            long[] g = limiter.acquire();
            clock.sleep(rnd.nextInt(300));
            limiter.completed(g);
            grants.add(g[0]);
        }
        assertThat(maxInAnyWindow(grants, 60_000)).isEqualTo(20);
        assertThat(grants.size()).isGreaterThan(20 * 55);
    }

    @Test
    void shouldSpaceFromTheAnswerWhenRequestIsSlow() throws Exception {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(ChannelType.SLACK.defaultLimits(), 0, clock);
        long[] g = limiter.acquire();
        long start = clock.millis();
        clock.sleep(400);
        limiter.completed(g);
        limiter.acquire();
        assertThat(clock.millis() - start).isGreaterThanOrEqualTo(1400);
    }

    @Test
    void shouldKeepSpacingFromPreviousProcessGrantsWhenSeededFromItsHistory() throws Exception {
        FakeClock clock = new FakeClock();
        RateLimiter before = new RateLimiter(ChannelType.SLACK.defaultLimits(), 0, clock);
        long[] g = before.acquire();
        clock.sleep(120);
        before.completed(g);
        String kept = new RateHistory.Snapshot(before.history(), 0).encode();
        clock.sleep(300);

        RateLimiter after = new RateLimiter(ChannelType.SLACK.defaultLimits(), 0, clock);
        after.seed(RateHistory.Snapshot.parse(kept).grantsAt(clock.millis()));
        after.acquire();
        assertThat(clock.millis() - g[0]).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void shouldCountAttemptInFlightAtCrashFromRestartWhenItsAnswerWasNotRecorded() throws Exception {
        FakeClock clock = new FakeClock();
        long attempt = clock.millis();
        String kept = new RateHistory.Snapshot(List.of(attempt - 5000, attempt), 1).encode();
        clock.sleep(700);
        long restart = clock.millis();

        RateLimiter after = new RateLimiter(ChannelType.SLACK.defaultLimits(), 0, clock);
        after.seed(RateHistory.Snapshot.parse(kept).grantsAt(restart));
        after.acquire();
        // the request may have reached the receiver just before the restart
        assertThat(clock.millis() - restart).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void shouldRestoreNothingWhenHistoryIsUnreadable() {
        assertThat(RateHistory.Snapshot.parse("garbage").attempts()).isEmpty();
        assertThat(RateHistory.Snapshot.parse("1:12,x").attempts()).isEmpty();
        assertThat(RateHistory.Snapshot.parse(null).attempts()).isEmpty();
        assertThat(RateHistory.Snapshot.parse("0:").attempts()).isEmpty();
        RateHistory.Snapshot s = new RateHistory.Snapshot(List.of(30L, 10L, 20L), 1);
        assertThat(RateHistory.Snapshot.parse(s.encode())).isEqualTo(s);
        assertThat(s.attempts()).containsExactly(10L, 20L, 30L);
    }
}
