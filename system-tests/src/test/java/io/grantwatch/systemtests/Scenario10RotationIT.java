package io.grantwatch.systemtests;

import io.grantwatch.model.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reliability scenario 10. rotation against a real {@code grantwatch ingest} (or {@code run}) JVM; bench/README.md,
 * "Scenarios 10–15". */
class Scenario10RotationIT extends IngestTest {
    @Override
    Result run() throws Exception {
        int k = quick ? 1 : 3;
        Topics t = topics("s10-");
        Path watch = env.dir("s10-watch");
        Path data = env.dir("s10-data");
        Path log = watch.resolve("actiontrail.jsonl");
        Path log1 = watch.resolve("actiontrail.jsonl.1");
        Path log2 = watch.resolve("actiontrail.jsonl.2");
        Pool pool = new Pool(0);
        List<Rec> written = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        try (Collector c = new Collector(env.bootstrap, t);
             Proc p = ingest("s10-ingest", "s10-", watch, data, null, List.of())) {
            p.awaitLine(READY, 90_000);
            Steps s = new Steps(c, written);
            // (a) logrotate's default (create): part read, more written, renamed to .1, a new file under the name, written on
            List<Rec> aRead = pool.take(100 * k);
            append(log, aRead);
            written.addAll(aRead);
            boolean read = c.awaitIds(ids(aRead), 30_000);
            List<Rec> aUnread = pool.take(50 * k);
            List<Rec> aAfter = pool.take(100 * k);
            append(log, aUnread);
            Files.move(log, log1);
            append(log, aAfter);
            written.addAll(concat(aUnread, aAfter));
            steps.add(s.after(String.format("(a) create: %d lines read%s, +%d not yet read, renamed to .1, +%d in a new file", aRead.size(),
                    read ? "" : " (NOT within 30 s)", aUnread.size(), aAfter.size())));
            // (b) copytruncate: more written, .1 shifted to .2, copied to .1, truncated, written on
            List<Rec> bUnread = pool.take(50 * k);
            List<Rec> bAfter = pool.take(100 * k);
            append(log, bUnread);
            Files.move(log1, log2);
            Files.copy(log, log1);
            try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            append(log, bAfter);
            written.addAll(concat(bUnread, bAfter));
            steps.add(s.after(String.format("(b) copytruncate: +%d not yet read, .1→.2, copied to .1, truncated, +%d", bUnread.size(),
                    bAfter.size())));
            // (c) replaced (renamed over) by a bigger file with other records, once the old one was read: a size-only follower
            // would resume at the old size and miss the new file's start
            List<Rec> cBefore = pool.take(50 * k);
            append(log, cBefore);
            written.addAll(cBefore);
            c.awaitIds(ids(cBefore), 30_000);
            long old = Files.size(log);
            List<Rec> cBigger = new ArrayList<>();
            ByteArrayOutputStream bigger = new ByteArrayOutputStream();
            while (bigger.size() <= old || cBigger.size() < 10) {
                Rec r = pool.take(1).get(0);
                cBigger.add(r);
                bigger.write(r.line());
            }
            Path tmp = watch.resolve("actiontrail.jsonl.tmp"); // a .tmp is a partial download: the watch leaves it alone
            Files.write(tmp, bigger.toByteArray());
            Files.move(tmp, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            written.addAll(cBigger);
            steps.add(s.after(String.format("(c) replace: +%d read, then renamed over by a bigger file (%d → %d bytes, %d other records)",
                    cBefore.size(), old, bigger.size(), cBigger.size())));
            c.awaitQuiet(3_000, 10_000);
            Count total = Count.of(written, c.events());
            List<Collector.DeadLetter> dead = c.dead();
            boolean pass = total.lost() == 0 && total.duplicates() == 0 && total.unexpected() == 0 && dead.isEmpty();
            return new Result("10 rotation", pass ? "PASS" : "FAIL", total.lost(), total.duplicates(), 0, 0, String.format(
                    "grantwatch ingest --watch following actiontrail.jsonl (ActionTrail JSON Lines) while it is rotated: %s; all: %s;"
                            + " dead-lettered %d%s", String.join("; ", steps), total, dead.size(), dead.isEmpty() ? "" : " e.g. " + dead.get(0)));
        }
    }

    /** Scenario 10's bookkeeping: after each rotation, what it lost and which extra copies it caused (and where they were read). */
    private static final class Steps {
        private final Collector c;
        private final List<Rec> written;
        private Count before = new Count(0, 0, 0, 0, 0, Map.of());

        Steps(Collector c, List<Rec> written) {
            this.c = c;
            this.written = written;
        }

        String after(String step) throws InterruptedException {
            c.awaitIds(ids(written), 20_000);
            c.awaitQuiet(2_500, 10_000);
            Count now = Count.of(written, c.events());
            Map<String, Long> from = new TreeMap<>();
            now.copiesFrom().forEach((f, n) -> {
                long d = n - before.copiesFrom().getOrDefault(f, 0L);
                if (d != 0) {
                    from.put(f, d);
                }
            });
            String r = String.format("%s → lost %d, duplicates +%d%s", step, now.lost(), now.duplicates() - before.duplicates(),
                    from.isEmpty() ? "" : " (extra copies read from " + from + ")");
            before = now;
            return r;
        }
    }
}
