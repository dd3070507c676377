package io.grantwatch.systemtests;

import io.grantwatch.model.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Reliability scenario 13. unreadable folder against a real {@code grantwatch ingest} (or {@code run}) JVM; bench/README.md,
 * "Scenarios 10–15". */
class Scenario13UnreadableFolderIT extends IngestTest {
    @Override
    Result run() throws Exception {
        String name = "13 unreadable folder";
        int k = quick ? 1 : 3;
        Topics t = topics("s13-");
        Path watch = env.dir("s13-watch");
        Path data = env.dir("s13-data");
        Path a = Files.createDirectories(watch.resolve("a"));
        Path locked = Files.createDirectories(watch.resolve("locked"));
        Path z = Files.createDirectories(watch.resolve("z"));
        Pool pool = new Pool(1100);
        List<Rec> ra = pool.take(40 * k);
        List<Rec> rl = pool.take(40 * k);
        List<Rec> rz = pool.take(40 * k);
        Files.write(a.resolve("part-a.jsonl"), lines(ra));
        Files.write(locked.resolve("part-locked.jsonl"), lines(rl));
        Files.write(z.resolve("part-z.jsonl"), lines(rz));
        // a FIFO among the files: opening it would block a reader until a writer comes
        Path fifo = a.resolve("pipe.jsonl");
        String fifoMade = run(List.of("mkfifo", fifo.toString())).rc() == 0 ? "a FIFO a/pipe.jsonl" : "no FIFO (mkfifo failed)";
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            List<String> prefix = List.of();
            String how;
            if (!listable(locked)) {
                how = "chmod 000 (the suite does not run as root)";
            } else {
                // root: CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH make chmod 000 stop nothing; GrantWatch is started without them
                List<String> drop = List.of("setpriv", "--inh-caps=-dac_override,-dac_read_search",
                        "--bounding-set=-dac_override,-dac_read_search");
                List<String> probe = new ArrayList<>(drop);
                probe.addAll(List.of("ls", locked.toString()));
                Run r = run(probe);
                if (r.rc() == 0) {
                    return Result.skip(name, "running as root: chmod 000 does not stop reads, and a process started through setpriv without"
                            + " CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH could still list the folder (" + r.output().strip() + ")");
                }
                if (!r.output().contains("ermission denied")) {
                    return Result.skip(name, "running as root: chmod 000 does not stop reads, and setpriv (to drop CAP_DAC_OVERRIDE/"
                            + "CAP_DAC_READ_SEARCH) is not usable here: " + r.output().strip());
                }
                prefix = drop;
                how = "chmod 000; the suite runs as root, so grantwatch ingest runs without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (setpriv),"
                        + " for which the folder is unreadable (checked with ls)";
            }
            try (Collector c = new Collector(env.bootstrap, t);
                 Proc p = ingest("s13-ingest", "s13-", watch, data, null, prefix)) {
                p.awaitLine(READY, 90_000);
                List<Rec> readable = concat(ra, rz);
                c.awaitIds(ids(readable), 30_000);
                c.awaitQuiet(4_000, 15_000);
                Count others = Count.of(readable, c.events());
                Count lockedWhile = Count.of(rl, c.events());
                String logText = p.logText();
                String report = logText.lines().filter(l -> l.contains("Cannot read") && l.contains(locked.getFileName() + " "))
                        .findFirst().orElse("");
                if (report.isEmpty()) {
                    report = logText.lines().filter(l -> l.contains("Cannot read") && l.contains("/locked")).findFirst().orElse("");
                }
                boolean fifoMentioned = logText.contains("pipe.jsonl");
                // access comes back: the folder's records must follow
                Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
                c.awaitIds(ids(rl), 20_000);
                c.awaitQuiet(3_000, 10_000);
                Count all = Count.of(concat(ra, rl, rz), c.events());
                Count lockedAfter = Count.of(rl, c.events());
                boolean alive = p.alive();
                boolean pass = others.lost() == 0 && all.duplicates() == 0 && all.unexpected() == 0 && !report.isEmpty()
                        && lockedAfter.lost() == 0 && alive;
                return new Result(name, pass ? "PASS" : "FAIL", all.lost(), all.duplicates(), 0, 0, String.format(
                        "a/ locked/ z/ with %d records each, %s in a/; how: %s; while locked: other folders %s, locked/ delivered %d;"
                                + " reported: %s; FIFO mentioned in the log: %s; after chmod 755: locked/ lost %d; all: %s; ingest alive %s",
                        ra.size(), fifoMade, how, others, lockedWhile.distinct(), report.isEmpty() ? "NO" : "\"" + clip(report, 220) + "\"",
                        fifoMentioned ? "yes" : "no (skipped silently)", lockedAfter.lost(), all, alive));
            }
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
