package io.grantwatch.systemtests;

import io.grantwatch.model.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Reliability scenario 12. truncated gzip against a real {@code grantwatch ingest} (or {@code run}) JVM; bench/README.md,
 * "Scenarios 10–15". */
class Scenario12TruncatedGzipIT extends IngestTest {
    @Override
    Result run() throws Exception {
        int k = quick ? 1 : 3;
        Topics t = topics("s12-");
        Path watch = env.dir("s12-watch");
        Path data = env.dir("s12-data");
        Path dir = Files.createDirectories(watch.resolve("AliyunLogs/Actiontrail/cn-hangzhou/2026/01/05"));
        Pool pool = new Pool(900);
        List<Rec> cutRecs = pool.take(150 * k);
        List<Rec> intactGz = pool.take(60 * k);
        List<Rec> intactLines = pool.take(30 * k);
        // the delivery shape: a gzip JSON array; cut at 55% of its compressed bytes
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        long[] ends = new long[cutRecs.size()];
        json.write('[');
        for (int i = 0; i < cutRecs.size(); i++) {
            if (i > 0) {
                json.write(',');
            }
            json.write(cutRecs.get(i).raw().json());
            ends[i] = json.size();
        }
        json.write(']');
        byte[] gz = gzip(json.toByteArray());
        int cutAt = (int) (gz.length * 0.55);
        byte[] cut = Arrays.copyOf(gz, cutAt);
        long decompressed = decompressibleBytes(cut);
        int complete = 0;
        while (complete < ends.length && ends[complete] <= decompressed) {
            complete++;
        }
        List<Rec> before = cutRecs.subList(0, complete);
        String cutName = "Actiontrail_cn-hangzhou_20260105103000_1002_" + cutRecs.size() + "_cut.json.gz";
        try (Collector c = new Collector(env.bootstrap, t);
             Proc p = ingest("s12-ingest", "s12-", watch, data, null, List.of())) {
            p.awaitLine(READY, 90_000);
            atomicWrite(dir.resolve(cutName), cut);
            atomicWrite(dir.resolve("Actiontrail_cn-hangzhou_20260105104000_1002_" + intactGz.size() + "_intact.json.gz"),
                    gzip(array(intactGz)));
            atomicWrite(watch.resolve("pushed-by-a-forwarder.jsonl"), lines(intactLines));
            List<Rec> want = concat(before, intactGz, intactLines);
            c.awaitIds(ids(want), 30_000);
            c.awaitQuiet(4_000, 20_000);
            // while the cut file stays in the folder it may still be uploading: its tail is reported in the log with its
            // position and held back from the dead-letter topic (it would be delivered if the upload completed)
            boolean heldBack = c.dead().stream().noneMatch(d -> d.source().contains(cutName));
            boolean reported = Files.readString(p.log()).contains("Not yet complete: ")
                    && Files.readString(p.log()).contains(cutName + "#" + complete);
            // moved aside (a broken upload), it can no longer complete: the tail is dead-lettered with its position
            Files.move(dir.resolve(cutName), data.resolve(cutName));
            c.awaitQuiet(6_000, 30_000);
            Count total = Count.of(want, c.events());
            Count afterCut = Count.of(cutRecs.subList(complete, cutRecs.size()), c.events());
            List<Collector.DeadLetter> dead = c.dead();
            Pattern position = Pattern.compile(Pattern.quote(cutName) + "#" + complete + "(\\D|$)");
            List<Collector.DeadLetter> tailDead = dead.stream().filter(d -> d.source().contains(cutName)).toList();
            boolean located = tailDead.size() == 1 && position.matcher(tailDead.get(0).source()).find()
                    && tailDead.get(0).reason().contains("truncated");
            long otherDead = dead.size() - tailDead.size();
            boolean pass = total.lost() == 0 && total.duplicates() == 0 && total.unexpected() - afterCut.distinct() == 0 && located
                    && otherDead == 0 && heldBack && reported;
            return new Result("12 truncated gzip", pass ? "PASS" : "FAIL", total.lost(), total.duplicates(), 0, 0, String.format(
                    "watched folder: a gzip JSON array of %d records cut at byte %d of %d (%d bytes decompress, %d records complete before"
                            + " the cut), an intact .json.gz of %d, a JSON Lines file of %d; complete records + intact files: %s;"
                            + " records after the cut delivered %d; while in the folder: held back from audit-dlq %s, logged at its"
                            + " position %s; moved aside: dead letters for the cut file %d%s (want 1 at #%d saying truncated: %s);"
                            + " other dead letters %d", cutRecs.size(), cutAt, gz.length, decompressed, complete, intactGz.size(),
                    intactLines.size(), total, afterCut.distinct(), heldBack ? "yes" : "NO", reported ? "yes" : "NO", tailDead.size(),
                    tailDead.isEmpty() ? "" : " " + tailDead, complete, located ? "yes" : "NO", otherDead));
        }
    }
}
