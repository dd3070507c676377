package io.grantwatch.systemtests;

import io.grantwatch.model.topic.Topics;
import java.nio.file.Path;
import java.util.List;

/** Reliability scenario 11. paused writer against a real {@code grantwatch ingest} (or {@code run}) JVM; bench/README.md,
 * "Scenarios 10–15". */
class Scenario11PausedWriterIT extends IngestTest {
    @Override
    Result run() throws Exception {
        int tailSettle = 3;
        Topics t = topics("s11-");
        Path watch = env.dir("s11-watch");
        Path data = env.dir("s11-data");
        Path f = watch.resolve("paused.jsonl");
        Pool pool = new Pool(700);
        List<Rec> head = pool.take(20);
        Rec shortPaused = pool.take(1).get(0);
        List<Rec> middle = pool.take(20);
        Rec longPaused = pool.take(1).get(0);
        List<Rec> tail = pool.take(10);
        List<Rec> all = concat(head, List.of(shortPaused), middle, List.of(longPaused), tail);
        // short: well inside the tail settle; long: longer than it plus the watch's settle (1 s) and poll (2 s)
        long shortPause = tailSettle * 1000L / 2;
        long longPause = (tailSettle + 1 + 2 + 1) * 1000L;
        int deadDuringPause;
        try (Collector c = new Collector(env.bootstrap, t);
             Proc p = ingest("s11-ingest", "s11-", watch, data, tailSettle + "s", List.of())) {
            p.awaitLine(READY, 90_000);
            append(f, head);
            writeHalf(f, shortPaused, true);
            Thread.sleep(shortPause); // paces the writer: the pause under test
            writeHalf(f, shortPaused, false);
            append(f, middle);
            c.awaitIds(ids(concat(head, List.of(shortPaused), middle)), 30_000);
            writeHalf(f, longPaused, true);
            Thread.sleep(longPause); // paces the writer: the pause under test
            deadDuringPause = c.dead().size();
            writeHalf(f, longPaused, false);
            append(f, tail);
            c.awaitIds(ids(all), 10_000);
            c.awaitQuiet(4_000, 20_000);
            Count total = Count.of(all, c.events());
            Count s = Count.of(List.of(shortPaused), c.events());
            Count l = Count.of(List.of(longPaused), c.events());
            List<Collector.DeadLetter> dead = c.dead();
            // a pause longer than the tail settle time may dead-letter the half line once, saying so; the completed
            // record must still be delivered exactly once
            boolean pass = total.lost() == 0 && total.duplicates() == 0 && total.unexpected() == 0 && dead.size() <= 1
                    && dead.stream().allMatch(d -> d.reason() != null && d.reason().startsWith("incomplete last line"));
            return new Result("11 paused writer", pass ? "PASS" : "FAIL", total.lost(), total.duplicates(), 0, 0, String.format(
                    "--tail-settle %ds; half a line, pause %.1f s, rest of the line: delivered %d× (lost %d); half a line, pause %.1f s"
                            + " (> tail settle + settle 1 s + poll 2 s), rest: delivered %d× (lost %d), dead-lettered during the pause %d;"
                            + " all %d records: %s; dead-lettered %d%s", tailSettle, shortPause / 1000.0, s.distinct() + s.duplicates(), s.lost(),
                    longPause / 1000.0, l.distinct() + l.duplicates(), l.lost(), deadDuringPause, all.size(), total, dead.size(),
                    dead.isEmpty() ? "" : " " + dead));
        }
    }
}
