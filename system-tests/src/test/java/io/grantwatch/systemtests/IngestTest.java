package io.grantwatch.systemtests;

import io.grantwatch.app.runtime.TopicSetup;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.topic.DlqHeaders;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The ingest scenarios (10–15): ingest's own sources under file-system and network faults, each against a real
 * {@code grantwatch ingest} (or {@code grantwatch run}) JVM on the suite's broker; their shared harness (processes, files, records,
 * counting by event id). Records are the corpus's
 * ActionTrail records (real format); every check is by event id on the prefix's {@code audit-events} topic
 * (lost = never arrived, duplicates = arrived more than once) and on its {@code audit-dlq} (headers
 * {@code grantwatch.source} / {@code grantwatch.reason}).
 *
 * <p>The watch source polls every 2 s and reads a file once it is 1 s unchanged ({@code grantwatch ingest}
 * fixes both); a writer that keeps a file busy is therefore read between its bursts, which is how the
 * scenarios below pace their writes.
 */
abstract class IngestTest extends SystemTest {
    static final String MAIN = "io.grantwatch.app.GrantWatch";
    /** Small, cheap child JVMs: the suite shares 2 cores with the broker. */
    static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    static final String READY = "grantwatch ingest: running on Kafka";

    /** The corpus's ActionTrail records (real format), which the ingest scenarios write as files and POST. */
    List<RawRecord> ali;

    @Override
    void bind() {
        ali = corpus.records().stream().filter(r -> r.cloud() == Cloud.ALIBABA).toList();
    }

    // =================================================================== helpers: processes, files, records

    Topics topics(String prefix) throws InterruptedException {
        Topics t = Topics.withPrefix(prefix);
        try (Admin admin = Clients.admin(env.bootstrap)) {
            TopicSetup.ensure(admin, t, 2, (short) 1, Duration.ofSeconds(60));
        }
        return t;
    }

    /** {@code grantwatch ingest --watch <watch>} in its own JVM, on the suite's broker, with the prefix's topics. */
    Proc ingest(String name, String prefix, Path watch, Path data, String tailSettle, List<String> cmdPrefix) throws IOException {
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
    final class Pool {
        final AuditParser parser = new AuditParser();
        int next;
        int taken;

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

    static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    @SafeVarargs
    static List<Rec> concat(List<Rec>... parts) {
        List<Rec> out = new ArrayList<>();
        for (List<Rec> p : parts) {
            out.addAll(p);
        }
        return out;
    }

    static List<String> ids(List<Rec> rs) {
        return rs.stream().map(Rec::id).toList();
    }

    static byte[] lines(List<Rec> rs) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Rec r : rs) {
            b.write(r.line());
        }
        return b.toByteArray();
    }

    static byte[] array(List<Rec> rs) throws IOException {
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

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(o)) {
            g.write(b);
        }
        return o.toByteArray();
    }

    /** How many bytes a cut gzip stream gives before it ends (java.util.zip, as ingest reads it). */
    static long decompressibleBytes(byte[] cut) throws IOException {
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
    static void append(Path f, List<Rec> rs) throws IOException {
        try (OutputStream o = Files.newOutputStream(f, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            o.write(lines(rs));
        }
    }

    /** The first half of a record's line (no newline), or the rest of it with the newline. */
    static void writeHalf(Path f, Rec r, boolean first) throws IOException {
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
    static void atomicWrite(Path f, byte[] content) throws IOException {
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes until the file system says no more; returns the bytes written. */
    static long fill(Path f) {
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

    static void awaitCheckpointNaming(Path dir, String needle, long timeoutMillis) throws InterruptedException {
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

    static boolean listable(Path dir) {
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
    static Run run(List<String> cmd) {
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

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    static String pct(List<Long> xs, int p) {
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

        final List<Event> events = Collections.synchronizedList(new ArrayList<>());
        final List<DeadLetter> dead = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong lastArrival = new AtomicLong(System.currentTimeMillis());
        final Thread thread;
        volatile boolean stop;
        volatile Throwable failure;

        Collector(String bootstrap, Topics t) {
            String eventsTopic = t.auditEvents().name();
            String dlqTopic = t.auditDlq().name();
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Clients.consumerConfig(bootstrap, null), new ByteArrayDeserializer(),
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

        static String header(ConsumerRecord<byte[], byte[]> r, String name) {
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
}
