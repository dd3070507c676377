package io.grantwatch.alerts.channel;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a rate-limited channel's recent attempt times outlive the process, so that a restarted
 * dispatcher cannot exceed the vendor's limit (Slack counts the messages, not our processes). The
 * dispatcher keeps it in its sent-ledger.
 *
 * <p>Why a write before every attempt: acceptance records alone miss the attempts that got no 2xx
 * (5xx, 429 and timeouts count against the limit too) and the attempt in flight when the process
 * died. Starting every limiter "full" instead needs no writes but silences a channel for its
 * longest window after each restart (a minute for DingTalk, WeCom and Feishu). One synchronous
 * write per attempt costs a broker round trip only on limited channels, which wait far longer for
 * their permits anyway; unlimited channels write nothing.
 */
public interface RateHistory {
    /** Keeps nothing: a restart starts with an empty window (senders that no dispatcher owns). */
    RateHistory NONE = new RateHistory() {
        @Override
        public void attempting(String channel, Snapshot snapshot) {
        }

        @Override
        public void answered(String channel, Snapshot snapshot) {
        }

        @Override
        public Snapshot restore(String channel) {
            return Snapshot.EMPTY;
        }
    };

    /** Durably, before the attempt is made; throws when it cannot be recorded (then no attempt is made). */
    void attempting(String channel, Snapshot snapshot);

    /** After the answer, best effort: when this is lost, a restart treats the attempt as still in flight. */
    void answered(String channel, Snapshot snapshot);

    /** What the previous process recorded last for the channel. */
    Snapshot restore(String channel);

    /**
     * The attempt times (epoch millis) that still count in some window, and how many of the newest
     * were still waiting for their answer.
     */
    record Snapshot(List<Long> attempts, int inFlight) {
        public static final Snapshot EMPTY = new Snapshot(List.of(), 0);

        public Snapshot {
            attempts = attempts.stream().sorted().toList();
            inFlight = Math.max(0, Math.min(inFlight, attempts.size()));
        }

        /**
         * The grants a new limiter starts with at {@code now}. An attempt in flight when its process
         * died may reach the receiver as late as the restart, so it counts from {@code now}.
         */
        public List<Long> grantsAt(long now) {
            List<Long> out = new ArrayList<>(attempts);
            for (int i = out.size() - inFlight; i < out.size(); i++) {
                out.set(i, Math.max(out.get(i), now));
            }
            return out;
        }

        /** {@code inFlight:t1,t2,...}, the form kept in the ledger. */
        public String encode() {
            StringBuilder b = new StringBuilder().append(inFlight).append(':');
            for (int i = 0; i < attempts.size(); i++) {
                b.append(i == 0 ? "" : ",").append(attempts.get(i));
            }
            return b.toString();
        }

        /** The inverse of {@link #encode}; a value it cannot read restores nothing. */
        public static Snapshot parse(String value) {
            int colon = value == null ? -1 : value.indexOf(':');
            if (colon < 0) {
                return EMPTY;
            }
            try {
                List<Long> times = new ArrayList<>();
                for (String t : value.substring(colon + 1).split(",")) {
                    if (!t.isEmpty()) {
                        times.add(Long.parseLong(t));
                    }
                }
                return new Snapshot(times, Integer.parseInt(value.substring(0, colon)));
            } catch (NumberFormatException e) {
                return EMPTY;
            }
        }
    }
}
