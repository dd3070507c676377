package io.grantwatch.ingest.source;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Read / produced / dead-lettered / failed / skipped counts per source instance (e.g. {@code files}, {@code watch:/data}, {@code http}). */
public final class IngestCounters {
    /**
     * One source's counts at one moment. {@code skipped}: CTS digest files recognised and not read as
     * events (neither produced nor dead-lettered, not in {@code read}).
     */
    public record Snapshot(long read, long produced, long deadLettered, long failed, long skipped) {
        /** {@code read 21, produced 21, dead-lettered 0} (and failed / skipped CTS digest files when there are any). */
        public String sentence() {
            return "read " + read + ", produced " + produced + ", dead-lettered " + deadLettered
                    + (failed == 0 ? "" : ", not acknowledged by Kafka " + failed)
                    + (skipped == 0 ? "" : ", skipped " + skipped + " CTS digest file" + (skipped == 1 ? "" : "s"));
        }
    }

    /** One clause per source: {@code watch:/data/trail: read 3, produced 3, dead-lettered 0; http: read 0, …}. */
    public static String sentence(Map<String, Snapshot> bySource) {
        if (bySource.isEmpty()) {
            return "nothing read yet";
        }
        StringBuilder sb = new StringBuilder();
        bySource.forEach((source, s) -> sb.append(sb.length() == 0 ? "" : "; ").append(source).append(": ").append(s.sentence()));
        return sb.toString();
    }

    private static final class Counts {
        final LongAdder read = new LongAdder();
        final LongAdder produced = new LongAdder();
        final LongAdder deadLettered = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder skipped = new LongAdder();
    }

    private final Map<String, Counts> bySource = new ConcurrentHashMap<>();

    private Counts of(String source) {
        return bySource.computeIfAbsent(source, s -> new Counts());
    }

    public void read(String source) {
        of(source).read.increment();
    }

    public void produced(String source) {
        of(source).produced.increment();
    }

    public void deadLettered(String source) {
        of(source).deadLettered.increment();
    }

    public void failed(String source) {
        of(source).failed.increment();
    }

    public void skipped(String source) {
        of(source).skipped.increment();
    }

    public Snapshot get(String source) {
        Counts c = bySource.get(source);
        return c == null ? new Snapshot(0, 0, 0, 0, 0)
                : new Snapshot(c.read.sum(), c.produced.sum(), c.deadLettered.sum(), c.failed.sum(), c.skipped.sum());
    }

    public Map<String, Snapshot> snapshot() {
        Map<String, Snapshot> out = new TreeMap<>();
        bySource.keySet().forEach(s -> out.put(s, get(s)));
        return out;
    }
}
