package io.grantwatch.systemtests;

import io.grantwatch.model.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reliability scenario 14. disk full against a real {@code grantwatch ingest} (or {@code run}) JVM; bench/README.md,
 * "Scenarios 10–15". */
class Scenario14DiskFullIT extends IngestTest {
    @Override
    Result run() throws Exception {
        String name = "14 disk full";
        int k = quick ? 1 : 3;
        Path data = env.dir("s14-data");
        Run mount = run(List.of("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", data.toString()));
        if (mount.rc() != 0) {
            return Result.skip(name, "cannot put the data dir on a 2 MB tmpfs: mount -t tmpfs said " + mount.output().strip()
                    + " (needs root / CAP_SYS_ADMIN; a loop device needs the same)");
        }
        try {
            Topics t = topics("s14-");
            Path watch = env.dir("s14-watch");
            Pool pool = new Pool(1400);
            List<Rec> part1 = pool.take(80 * k);
            List<Rec> part2 = pool.take(80 * k);
            List<Rec> all = concat(part1, part2);
            Integer rc;
            String stopLine;
            long filled;
            Count beforeRestart;
            boolean exitedInTime;
            try (Collector c = new Collector(env.bootstrap, t)) {
                try (Proc p1 = ingest("s14-ingest-1", "s14-", watch, data, null, List.of())) {
                    p1.awaitLine(READY, 90_000);
                    atomicWrite(watch.resolve("part1.jsonl"), lines(part1));
                    c.awaitIds(ids(part1), 30_000);
                    awaitCheckpointNaming(data.resolve("checkpoints"), "part1.jsonl", 10_000);
                    filled = fill(data.resolve("filler"));
                    atomicWrite(watch.resolve("part2.jsonl"), lines(part2));
                    rc = p1.awaitExit(30_000);
                    exitedInTime = rc != null;
                    if (rc == null) {
                        p1.kill9();
                    }
                    // the command's own last word on stderr, else the watch's log line
                    String text = p1.logText();
                    stopLine = text.lines().filter(l -> l.startsWith("grantwatch ingest: stopped")).reduce((x, y) -> y)
                            .orElse(text.lines().filter(l -> l.contains("Stopped watching")).findFirst().orElse(""));
                }
                c.awaitQuiet(2_000, 10_000);
                beforeRestart = Count.of(part2, c.events());
                Files.delete(data.resolve("filler"));
                try (Proc p2 = ingest("s14-ingest-2", "s14-", watch, data, null, List.of())) {
                    p2.awaitLine(READY, 90_000);
                    c.awaitIds(ids(all), 30_000);
                    c.awaitQuiet(4_000, 20_000);
                }
                Count total = Count.of(all, c.events());
                boolean named = stopLine.contains(data.toString());
                boolean pass = exitedInTime && rc != 0 && named && total.lost() == 0 && total.duplicates() == 0 && total.unexpected() == 0;
                return new Result(name, pass ? "PASS" : "FAIL", total.lost(), total.duplicates(), 0, 0, String.format(
                        "data dir on a 2 MB tmpfs; %d records read and checkpointed, then the tmpfs filled (%d bytes) and %d more records"
                                + " arrived: exit status %s%s; message names the data dir: %s (\"%s\"); part 2 in audit-events before the restart"
                                + " %d distinct; after the restart with space: %s (part 2 re-sent: %d)",
                        part1.size(), filled, part2.size(), exitedInTime ? rc : "none", exitedInTime ? "" : " (still running after 30 s: killed)",
                        named ? "yes" : "NO", clip(stopLine, 300), beforeRestart.distinct(), total, Count.of(part2, c.events()).duplicates()));
            }
        } finally {
            if (run(List.of("umount", data.toString())).rc() != 0) {
                run(List.of("umount", "-l", data.toString()));
            }
        }
    }
}
