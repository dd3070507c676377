package io.grantwatch.bench.reliability;

import io.grantwatch.app.runtime.TopicSetup;
import io.grantwatch.bench.corpus.CorpusGenerator;
import io.grantwatch.bench.corpus.RawRecord;
import io.grantwatch.bench.e2e.BenchKafka;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.topic.DlqHeaders;
import io.grantwatch.model.topic.Topics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Scenarios 10–15: ingest's own sources under file-system and network faults, each against a real
 * {@code grantwatch ingest} (or {@code grantwatch run}) JVM on the suite's broker. Records are the corpus's
 * ActionTrail records (real format); every check is by event id on the prefix's {@code audit-events} topic
 * (lost = never arrived, duplicates = arrived more than once) and on its {@code audit-dlq} (headers
 * {@code grantwatch.source} / {@code grantwatch.reason}).
 *
 * <p>The watch source polls every 2 s and reads a file once it is 1 s unchanged ({@code grantwatch ingest}
 * fixes both); a writer that keeps a file busy is therefore read between its bursts, which is how the
 * scenarios below pace their writes.
 */
final class IngestScenarios {
    private static final String MAIN = "io.grantwatch.app.GrantWatch";
    /** Small, cheap child JVMs: the suite shares 2 cores with the broker. */
    private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final String READY = "grantwatch ingest: running on Kafka";

    private final Env env;
    private final List<RawRecord> ali;
    private final boolean quick;
    private final PrintStream out;

    IngestScenarios(Env env, CorpusGenerator.Corpus corpus, boolean quick, PrintStream out) {
        this.env = env;
        this.ali = corpus.records().stream().filter(r -> r.cloud() == Cloud.ALIBABA).toList();
        this.quick = quick;
        this.out = out;
    }

    // =================================================================== 10. rotation

    Result rotation() throws Exception {
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

    // =================================================================== 11. paused writer

    Result pausedWriter() throws Exception {
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
            Thread.sleep(shortPause);
            writeHalf(f, shortPaused, false);
            append(f, middle);
            c.awaitIds(ids(concat(head, List.of(shortPaused), middle)), 30_000);
            writeHalf(f, longPaused, true);
            Thread.sleep(longPause);
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

    // =================================================================== 12. truncated gzip

    Result truncatedGzip() throws Exception {
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
            Count total = Count.of(want, c.events());
            Count afterCut = Count.of(cutRecs.subList(complete, cutRecs.size()), c.events());
            List<Collector.DeadLetter> dead = c.dead();
            Pattern position = Pattern.compile(Pattern.quote(cutName) + "#" + complete + "(\\D|$)");
            List<Collector.DeadLetter> tailDead = dead.stream().filter(d -> d.source().contains(cutName)).toList();
            boolean located = tailDead.size() == 1 && position.matcher(tailDead.get(0).source()).find()
                    && tailDead.get(0).reason().contains("truncated");
            long otherDead = dead.size() - tailDead.size();
            boolean pass = total.lost() == 0 && total.duplicates() == 0 && total.unexpected() - afterCut.distinct() == 0 && located
                    && otherDead == 0;
            return new Result("12 truncated gzip", pass ? "PASS" : "FAIL", total.lost(), total.duplicates(), 0, 0, String.format(
                    "watched folder: a gzip JSON array of %d records cut at byte %d of %d (%d bytes decompress, %d records complete before"
                            + " the cut), an intact .json.gz of %d, a JSON Lines file of %d; complete records + intact files: %s;"
                            + " records after the cut delivered %d; dead letters for the cut file %d%s (want 1 at #%d saying truncated: %s);"
                            + " other dead letters %d", cutRecs.size(), cutAt, gz.length, decompressed, complete, intactGz.size(),
                    intactLines.size(), total, afterCut.distinct(), tailDead.size(), tailDead.isEmpty() ? "" : " " + tailDead, complete,
                    located ? "yes" : "NO", otherDead));
        }
    }

    // =================================================================== 13. unreadable folder

    Result unreadableFolder() throws Exception {
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

    // =================================================================== 14. disk full

    Result diskFull() throws Exception {
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

    // =================================================================== 15. slow clients

    Result slowClients() throws Exception {
        int n = quick ? 200 : 1000;
        int baselineN = 20;
        long underAttackMillis = quick ? 20_000 : 120_000; // quick: two of the JDK server's 10 s request-time cycles
        Topics t = topics("s15-");
        Path data = env.dir("s15-data");
        int[] ports = BenchKafka.freePorts(2);
        int status = ports[0];
        int receiver = ports[1];
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        Pool pool = new Pool(1700);
        List<Rec> recs = pool.take(n);
        List<String> args = List.of("run", "-b", env.bootstrap, "--quiet", "--http-port", Integer.toString(status), "--data-dir", data.toString(),
                "--set", "topics.prefix=s15-", "--set", "topics.partitions=2", "--set", "ingest.http.port=" + receiver,
                "--set", "detector.application.id=s15-detector", "--set", "report.interval=0");
        Probe statusProbe = null;
        Probe receiverProbe = null;
        Attack attack = null;
        try (Collector c = new Collector(env.bootstrap, t);
             Proc p = Proc.java("s15-run", env.work.resolve("logs").resolve("s15-run.log"), List.of("-Xmx512m", "-XX:+UseSerialGC"), MAIN,
                     args, Map.of("GRANTWATCH_HTTP_HMAC_SECRET", secret), List.of())) {
            p.awaitLine("GrantWatch is running on Kafka", 120_000);
            statusProbe = new Probe(status, "/healthz");
            receiverProbe = new Probe(receiver, "/healthz");
            // baseline: no attack
            Sender base = new Sender(receiver, secret);
            base.send(recs.subList(0, baselineN), 2, System.currentTimeMillis() + 30_000);
            statusProbe.mark();
            receiverProbe.mark();
            attack = new Attack(receiver, 100, 100);
            Thread.sleep(1_000);
            Sender loaded = new Sender(receiver, secret);
            List<Rec> underAttack = recs.subList(baselineN, recs.size());
            loaded.send(underAttack, 4, System.currentTimeMillis() + underAttackMillis);
            attack.close();
            statusProbe.stopMarking();
            receiverProbe.stopMarking();
            // the attack is over: what was not accepted under it is sent again (does the receiver recover?)
            List<Rec> rest = underAttack.stream().filter(r -> !loaded.accepted.contains(r.id())).toList();
            Sender after = new Sender(receiver, secret);
            after.send(rest, 4, System.currentTimeMillis() + 30_000);
            statusProbe.close();
            receiverProbe.close();
            c.awaitIds(ids(recs), 10_000);
            c.awaitQuiet(3_000, 10_000);
            Count total = Count.of(recs, c.events());
            long notUnderAttack = rest.size();
            Probe.Stats sp = statusProbe.underAttack();
            Probe.Stats rp = receiverProbe.underAttack();
            boolean healthy = sp.count() > 0 && sp.failed() == 0 && sp.maxMillis() < 2000;
            boolean pass = notUnderAttack == 0 && total.lost() == 0 && total.duplicates() == 0 && total.unexpected() == 0 && healthy;
            // lost counts what never reached audit-events; a record refused under attack was never acknowledged (the sender still
            // holds it) and fails the scenario as unavailability, not as loss
            return new Result("15 slow clients", pass ? "PASS" : "FAIL", total.lost(), total.duplicates(), 0, 0, String.format(
                    "grantwatch run: push receiver :%d (Standard Webhooks HMAC), status server :%d; baseline: %s; under attack from 127.0.0.2 (%d "
                            + "slow-header"
                            + " sockets sending a header byte every 2 s and %d idle sockets, each reopened when the server closed it: slow %d"
                            + " times, idle %d) for %d s: %s; not accepted under attack %d; after the attack: %s; in audit-events:"
                            + " %s; status /healthz under attack: %s (criterion: every probe 200 within 2 s); receiver /healthz under attack: %s",
                    receiver, status, base.summary(baselineN), attack.slowN, attack.idleN, attack.slowReopened.get(),
                    attack.idleReopened.get(), underAttackMillis / 1000, loaded.summary(underAttack.size()), notUnderAttack,
                    after.summary(rest.size()), total, sp, rp));
        } finally {
            if (attack != null) {
                attack.close();
            }
            if (statusProbe != null) {
                statusProbe.close();
            }
            if (receiverProbe != null) {
                receiverProbe.close();
            }
        }
    }

    // =================================================================== helpers: processes, files, records

    private Topics topics(String prefix) throws InterruptedException {
        Topics t = Topics.withPrefix(prefix);
        try (Admin admin = BenchKafka.admin(env.bootstrap)) {
            TopicSetup.ensure(admin, t, 2, (short) 1, Duration.ofSeconds(60));
        }
        return t;
    }

    /** {@code grantwatch ingest --watch <watch>} in its own JVM, on the suite's broker, with the prefix's topics. */
    private Proc ingest(String name, String prefix, Path watch, Path data, String tailSettle, List<String> cmdPrefix) throws IOException {
        List<String> args = new ArrayList<>(List.of("ingest", "-b", env.bootstrap, "--watch", watch.toString(), "--data-dir", data.toString(),
                "--set", "topics.prefix=" + prefix, "--set", "topics.partitions=2"));
        if (tailSettle != null) {
            args.add("--tail-settle");
            args.add(tailSettle);
        }
        return Proc.java(name, env.work.resolve("logs").resolve(name + ".log"), JVM, MAIN, args, Map.of(), cmdPrefix);
    }

    /** An ActionTrail record of the corpus and the event id ingest gives it. */
    record Rec(RawRecord raw, String id) {
        byte[] line() {
            byte[] j = raw.json();
            byte[] b = Arrays.copyOf(j, j.length + 1);
            b[j.length] = '\n';
            return b;
        }
    }

    /** Hands out distinct ActionTrail records of the corpus, from an offset (each scenario its own range). */
    private final class Pool {
        private final AuditParser parser = new AuditParser();
        private int next;
        private int taken;

        Pool(int from) {
            this.next = from;
        }

        List<Rec> take(int n) {
            List<Rec> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                if (++taken > ali.size()) {
                    throw new IllegalStateException("the corpus has " + ali.size() + " ActionTrail records, fewer than this scenario needs"
                            + " distinct: run with more --events");
                }
                if (next >= ali.size()) {
                    next = 0; // past the end of a small corpus: from the start (ids stay distinct within the scenario)
                }
                RawRecord r = ali.get(next++);
                List<AuditEvent> evs = parser.parse(r.json(), "bench", Hints.NONE).events();
                if (evs.size() != 1 || indexOf(r.json(), (byte) '\n') >= 0) {
                    throw new IllegalStateException("corpus record " + r.seq() + " is not one ActionTrail event on one line");
                }
                out.add(new Rec(r, evs.get(0).eventId()));
            }
            return out;
        }
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    @SafeVarargs
    private static List<Rec> concat(List<Rec>... parts) {
        List<Rec> out = new ArrayList<>();
        for (List<Rec> p : parts) {
            out.addAll(p);
        }
        return out;
    }

    private static List<String> ids(List<Rec> rs) {
        return rs.stream().map(Rec::id).toList();
    }

    private static byte[] lines(List<Rec> rs) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Rec r : rs) {
            b.write(r.line());
        }
        return b.toByteArray();
    }

    private static byte[] array(List<Rec> rs) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write('[');
        for (int i = 0; i < rs.size(); i++) {
            if (i > 0) {
                b.write(',');
            }
            b.write(rs.get(i).raw().json());
        }
        b.write(']');
        return b.toByteArray();
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(o)) {
            g.write(b);
        }
        return o.toByteArray();
    }

    /** How many bytes a cut gzip stream gives before it ends (java.util.zip, as ingest reads it). */
    private static long decompressibleBytes(byte[] cut) throws IOException {
        long n = 0;
        byte[] buf = new byte[8192];
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(cut), 65536)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                n += r;
            }
        } catch (EOFException e) {
            // the cut
        }
        return n;
    }

    /** A writer appending whole lines (opened, written, closed: as a logging library's appender flushes). */
    private static void append(Path f, List<Rec> rs) throws IOException {
        try (OutputStream o = Files.newOutputStream(f, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            o.write(lines(rs));
        }
    }

    /** The first half of a record's line (no newline), or the rest of it with the newline. */
    private static void writeHalf(Path f, Rec r, boolean first) throws IOException {
        byte[] line = r.line();
        int half = line.length / 2;
        try (OutputStream o = Files.newOutputStream(f, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            if (first) {
                o.write(line, 0, half);
            } else {
                o.write(line, half, line.length - half);
            }
        }
    }

    /** As a sync job delivers: written under a .tmp name (which the watch leaves alone), then renamed. */
    private static void atomicWrite(Path f, byte[] content) throws IOException {
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes until the file system says no more; returns the bytes written. */
    private static long fill(Path f) {
        long n = 0;
        try (OutputStream o = Files.newOutputStream(f)) {
            for (int size : new int[] {65536, 4096, 512, 64, 1}) {
                byte[] b = new byte[size];
                try {
                    while (true) {
                        o.write(b);
                        o.flush();
                        n += size;
                    }
                } catch (IOException full) {
                    // next, smaller size
                }
            }
        } catch (IOException e) {
            // closing a full file
        }
        return n;
    }

    private static void awaitCheckpointNaming(Path dir, String needle, long timeoutMillis) throws InterruptedException {
        long until = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < until) {
            try (var s = Files.list(dir)) {
                for (Path p : s.filter(x -> x.getFileName().toString().endsWith(".json")).toList()) {
                    if (Files.readString(p).contains(needle)) {
                        return;
                    }
                }
            } catch (IOException e) {
                // not there yet
            }
            Thread.sleep(100);
        }
    }

    private static boolean listable(Path dir) {
        try (var s = Files.newDirectoryStream(dir)) {
            s.iterator().hasNext();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    record Run(int rc, String output) {
    }

    /** Runs a short command (mount, setpriv probe, mkfifo); output is stdout and stderr together. */
    private static Run run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "timed out");
            }
            return new Run(p.exitValue(), o);
        } catch (IOException e) {
            return new Run(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, e.toString());
        }
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private static String pct(List<Long> xs, int p) {
        if (xs.isEmpty()) {
            return "-";
        }
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return Long.toString(s.get(Math.max(0, Math.min(s.size() - 1, i))));
    }

    // =================================================================== counting by event id

    /**
     * @param lost       wanted ids that never arrived
     * @param duplicates arrivals beyond the first of wanted ids
     * @param unexpected arrivals of ids not wanted
     * @param copiesFrom where the extra copies came from (file name or source kind → count)
     */
    record Count(long wanted, long distinct, long lost, long duplicates, long unexpected, Map<String, Long> copiesFrom) {
        static Count of(List<Rec> want, List<Collector.Event> seen) {
            Set<String> wanted = new HashSet<>(ids(want));
            Map<String, Integer> got = new HashMap<>();
            Map<String, Long> from = new TreeMap<>();
            long unexpected = 0;
            for (Collector.Event e : seen) {
                if (!wanted.contains(e.id())) {
                    unexpected++;
                    continue;
                }
                if (got.merge(e.id(), 1, Integer::sum) > 1) {
                    from.merge(e.file(), 1L, Long::sum);
                }
            }
            long lost = wanted.stream().filter(id -> !got.containsKey(id)).count();
            long dups = got.values().stream().mapToLong(v -> v - 1).sum();
            return new Count(wanted.size(), got.size(), lost, dups, unexpected, from);
        }

        @Override
        public String toString() {
            return String.format("wanted %d, delivered %d, lost %d, duplicates %d%s%s", wanted, distinct, lost, duplicates,
                    copiesFrom.isEmpty() ? "" : " (extra copies read from " + copiesFrom + ")", unexpected == 0 ? "" : ", other ids " + unexpected);
        }
    }

    /** Every record of a prefix's audit-events (event id, where ingest read it) and audit-dlq (headers), as it is written. */
    static final class Collector implements AutoCloseable {
        record Event(String id, String location, long position) {
            String file() {
                if (location == null) {
                    return "?";
                }
                int slash = location.lastIndexOf('/');
                return slash >= 0 ? location.substring(slash + 1) : location.startsWith("http:") ? "http" : location;
            }
        }

        record DeadLetter(String source, String reason) {
            @Override
            public String toString() {
                return "[source " + source + ": " + clip(reason, 160) + "]";
            }
        }

        private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
        private final List<DeadLetter> dead = Collections.synchronizedList(new ArrayList<>());
        private final AtomicLong lastArrival = new AtomicLong(System.currentTimeMillis());
        private final Thread thread;
        private volatile boolean stop;
        private volatile Throwable failure;

        Collector(String bootstrap, Topics t) {
            String eventsTopic = t.auditEvents().name();
            String dlqTopic = t.auditDlq().name();
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(BenchKafka.consumerConfig(bootstrap, null), new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    List<TopicPartition> parts = new ArrayList<>();
                    for (String topic : List.of(eventsTopic, dlqTopic)) {
                        c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
                    }
                    c.assign(parts);
                    c.seekToBeginning(parts);
                    while (!stop) {
                        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                            lastArrival.set(System.currentTimeMillis());
                            if (r.topic().equals(eventsTopic)) {
                                AuditEvent e = t.auditEvents().valueSerde().deserializer().deserialize(eventsTopic, r.value());
                                events.add(new Event(e.eventId(), e.source() == null ? null : e.source().location(),
                                        e.source() == null ? -1 : e.source().position()));
                            } else {
                                dead.add(new DeadLetter(header(r, DlqHeaders.SOURCE), header(r, DlqHeaders.REASON)));
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    failure = e;
                }
            }, "collector-" + eventsTopic);
            thread.setDaemon(true);
            thread.start();
        }

        private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
            Header h = r.headers().lastHeader(name);
            return h == null || h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
        }

        List<Event> events() {
            synchronized (events) {
                return new ArrayList<>(events);
            }
        }

        List<DeadLetter> dead() {
            synchronized (dead) {
                return new ArrayList<>(dead);
            }
        }

        /** Until every id arrived (true) or the timeout (false). */
        boolean awaitIds(Collection<String> ids, long timeoutMillis) throws InterruptedException {
            long until = System.currentTimeMillis() + timeoutMillis;
            Set<String> want = new HashSet<>(ids);
            while (true) {
                Set<String> seen = new HashSet<>();
                events().forEach(e -> seen.add(e.id()));
                if (seen.containsAll(want)) {
                    return true;
                }
                if (System.currentTimeMillis() > until || failure != null) {
                    return false;
                }
                Thread.sleep(100);
            }
        }

        /**
         * Until nothing new arrived for {@code quietMillis}, counted from the later of the last arrival and this call (so that
         * late duplicates, e.g. a restarted process re-sending, show), at most {@code maxMillis}.
         */
        void awaitQuiet(long quietMillis, long maxMillis) throws InterruptedException {
            long start = System.currentTimeMillis();
            long until = start + maxMillis;
            while (System.currentTimeMillis() - Math.max(start, lastArrival.get()) < quietMillis && System.currentTimeMillis() < until) {
                Thread.sleep(100);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(10_000);
        }
    }

    // =================================================================== scenario 15's load

    /** Signed POSTs of one record each (Standard Webhooks), retried until 200 or the deadline; latency from first attempt to 200. */
    private static final class Sender {
        private final URI uri;
        private final byte[] key;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        final AtomicInteger attempts = new AtomicInteger();
        final Set<String> accepted = ConcurrentHashMap.newKeySet();
        private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        private volatile double seconds;

        Sender(int port, String secret) {
            this.uri = URI.create("http://127.0.0.1:" + port + "/events");
            this.key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        }

        String outcomes() {
            return new TreeMap<>(outcomes).toString();
        }

        /** Sends with {@code clients} concurrent senders until every record was accepted or the deadline. */
        void send(List<Rec> recs, int clients, long deadline) throws InterruptedException {
            ConcurrentLinkedQueue<Rec> queue = new ConcurrentLinkedQueue<>(recs);
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long t0 = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                pool.execute(() -> {
                    Rec r;
                    while ((r = queue.poll()) != null && System.currentTimeMillis() < deadline) {
                        long ms = deliver(r, deadline);
                        if (ms >= 0) {
                            latencies.add(ms);
                            accepted.add(r.id());
                        }
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(Math.max(1, deadline - System.currentTimeMillis()) + 30_000, TimeUnit.MILLISECONDS);
            seconds = (System.nanoTime() - t0) / 1e9;
        }

        /** Accepted of how many, latency percentiles of the accepted (first attempt → 200), attempts and their outcomes. */
        String summary(int of) {
            List<Long> ms;
            synchronized (latencies) {
                ms = new ArrayList<>(latencies);
            }
            return String.format("%d/%d records accepted in %.1f s, latency p50 %s p99 %s max %s ms, %d attempts %s", accepted.size(), of,
                    seconds, pct(ms, 50), pct(ms, 99), pct(ms, 100), attempts.get(), outcomes());
        }

        /** One record until 200 (its latency in ms) or the deadline (-1). The message id stays the same across retries. */
        private long deliver(Rec r, long deadline) {
            String id = "msg_" + r.id();
            long t0 = System.nanoTime();
            long backoff = 50;
            while (System.currentTimeMillis() < deadline) {
                attempts.incrementAndGet();
                long ts = System.currentTimeMillis() / 1000;
                byte[] body = r.raw().json();
                String outcome;
                try {
                    HttpResponse<String> resp = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                            .header("content-type", "application/json").header("webhook-id", id).header("webhook-timestamp", Long.toString(ts))
                            .header("webhook-signature", sign(id, ts, body)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    outcome = "HTTP " + resp.statusCode();
                    if (resp.statusCode() == 200) {
                        count(outcome);
                        return (System.nanoTime() - t0) / 1_000_000;
                    }
                } catch (HttpTimeoutException e) {
                    outcome = "timeout";
                } catch (IOException e) {
                    outcome = "connection " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + clip(e.getMessage(), 40));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
                count(outcome);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
                backoff = Math.min(1000, backoff * 2);
            }
            count("gave up at the deadline");
            return -1;
        }

        private void count(String outcome) {
            outcomes.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
        }

        /** {@code v1,} + Base64(HMAC-SHA256(key, id.timestamp.body)), written here from the Standard Webhooks spec. */
        private String sign(String id, long ts, byte[] body) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
                return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** GET {@code path} on a fresh connection every 250 ms (as a liveness probe does), answer within 2 s or it counts as failed. */
    private static final class Probe implements AutoCloseable {
        record Sample(long atMillis, long millis, boolean ok) {
        }

        record Stats(int count, int failed, long p50, long maxMillis) {
            @Override
            public String toString() {
                return String.format("%d probes, failed or > 2 s %d, p50 %d ms, max %d ms", count, failed, p50, maxMillis);
            }
        }

        private final int port;
        private final String path;
        private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;
        private volatile boolean stop;
        private volatile long markedAt = Long.MAX_VALUE;
        private volatile long markedUntil = Long.MAX_VALUE;

        Probe(int port, String path) {
            this.port = port;
            this.path = path;
            thread = new Thread(this::loop, "probe-" + port);
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (!stop) {
                long t0 = System.nanoTime();
                boolean ok = false;
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    s.setSoTimeout(2000);
                    s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] head = new byte[12];
                    int got = 0;
                    int r;
                    while (got < head.length && (r = s.getInputStream().read(head, got, head.length - got)) > 0) {
                        got += r;
                    }
                    ok = new String(head, 0, got, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
                } catch (IOException e) {
                    ok = false;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                samples.add(new Sample(System.currentTimeMillis(), ms, ok && ms < 2000));
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** From now on samples count as "under attack". */
        void mark() {
            markedAt = System.currentTimeMillis();
        }

        /** From now on they do not. */
        void stopMarking() {
            markedUntil = System.currentTimeMillis();
        }

        Stats underAttack() {
            List<Sample> s;
            synchronized (samples) {
                s = samples.stream().filter(x -> x.atMillis() >= markedAt && x.atMillis() <= markedUntil).toList();
            }
            List<Long> ms = s.stream().map(Sample::millis).sorted().toList();
            return new Stats(s.size(), (int) s.stream().filter(x -> !x.ok()).count(), ms.isEmpty() ? 0 : ms.get(ms.size() / 2),
                    ms.isEmpty() ? 0 : ms.get(ms.size() - 1));
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(5_000);
        }
    }

    /**
     * Holds {@code slowN} connections that send a request's headers one byte every 2 s and never finish them (slowloris), and
     * {@code idleN} connections that send nothing; a connection the server closes is opened again at once, as an attacker would.
     */
    private static final class Attack implements AutoCloseable {
        static final String ATTACKER = "127.0.0.2";
        private static final byte[] START = ("POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: ")
                .getBytes(StandardCharsets.US_ASCII);
        final int slowN;
        final int idleN;
        final AtomicLong slowReopened = new AtomicLong();
        final AtomicLong idleReopened = new AtomicLong();
        private final InetSocketAddress addr;
        private final SocketChannel[] slow;
        private final SocketChannel[] idle;
        private final Thread thread;
        private volatile boolean stop;

        Attack(int port, int slowN, int idleN) {
            this.slowN = slowN;
            this.idleN = idleN;
            this.addr = new InetSocketAddress("127.0.0.1", port);
            this.slow = new SocketChannel[slowN];
            this.idle = new SocketChannel[idleN];
            for (int i = 0; i < idleN; i++) {
                idle[i] = open(false);
            }
            for (int i = 0; i < slowN; i++) {
                slow[i] = open(true);
            }
            thread = new Thread(this::loop, "attack-" + port);
            thread.setDaemon(true);
            thread.start();
        }

        private SocketChannel open(boolean slowStart) {
            try {
                SocketChannel ch = SocketChannel.open();
                // from another loopback address than the legitimate sender (127.0.0.1): the receiver caps
                // connections per client address, which is the defence this scenario measures
                ch.bind(new InetSocketAddress(ATTACKER, 0));
                ch.socket().connect(addr, 1000);
                ch.configureBlocking(false);
                if (slowStart) {
                    ch.write(ByteBuffer.wrap(START));
                }
                return ch;
            } catch (IOException e) {
                return null;
            }
        }

        private static boolean closed(SocketChannel ch) {
            if (ch == null || !ch.isOpen()) {
                return true;
            }
            try {
                int n = ch.read(ByteBuffer.allocate(256));
                if (n != 0) { // -1: closed; > 0: the server answered (an error) and will close
                    ch.close();
                    return true;
                }
                return false;
            } catch (IOException e) {
                quietClose(ch);
                return true;
            }
        }

        private static void quietClose(SocketChannel ch) {
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException e) {
                // gone
            }
        }

        private void loop() {
            long lastByte = System.currentTimeMillis();
            while (!stop) {
                boolean sendByte = System.currentTimeMillis() - lastByte >= 2000;
                for (int i = 0; i < slowN && !stop; i++) {
                    if (closed(slow[i])) {
                        slow[i] = open(true);
                        slowReopened.incrementAndGet();
                    } else if (sendByte) {
                        try {
                            slow[i].write(ByteBuffer.wrap(new byte[] {'a'}));
                        } catch (IOException e) {
                            quietClose(slow[i]);
                        }
                    }
                }
                if (sendByte) {
                    lastByte = System.currentTimeMillis();
                }
                for (int i = 0; i < idleN && !stop; i++) {
                    if (closed(idle[i])) {
                        idle[i] = open(false);
                        idleReopened.incrementAndGet();
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (stop) {
                return;
            }
            stop = true;
            thread.join(10_000);
            for (SocketChannel ch : slow) {
                quietClose(ch);
            }
            for (SocketChannel ch : idle) {
                quietClose(ch);
            }
        }
    }
}
