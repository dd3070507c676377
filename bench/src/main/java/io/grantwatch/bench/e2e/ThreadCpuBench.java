package io.grantwatch.bench.e2e;

import io.grantwatch.app.runtime.EmbeddedKafka;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.systemtests.Clients;
import io.grantwatch.systemtests.corpus.CorpusGenerator;
import io.grantwatch.systemtests.corpus.Oracle;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;

/**
 * Where variant (d)'s CPU goes, by thread group: runs (d) as run.sh does (fresh broker, corpus preloaded) and samples every
 * thread's CPU time while it runs. The rest of the process CPU (not in any Java thread) is GC, JIT and the VM.
 * {@code java -Xms2g -Xmx2g -cp bench/target/grantwatch-bench.jar io.grantwatch.bench.e2e.ThreadCpuBench [events] [runs]}
 * (the first run is a warm-up and not printed).
 */
public final class ThreadCpuBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpuBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Variants.timeoutMs = 180_000;
        Catalog catalog = CatalogLoader.loadBundled();
        CorpusGenerator.Corpus corpus = CorpusGenerator.generate(CorpusGenerator.Options.of(42, events), catalog);
        Oracle oracle = Oracle.of(corpus.records(), corpus.episodes(), CatalogLookup.of(catalog), DetectorSettings.defaults());
        long n = corpus.records().size();
        long changes = oracle.detector().counters().iamChanges();
        Path work = Files.createTempDirectory("grantwatch-threadcpu-");
        for (int run = 0; run < runs; run++) {
            Path brokerDir = work.resolve("broker-" + run);
            try (EmbeddedKafka kafka = BenchKafka.startBroker(brokerDir)) {
                String bootstrap = kafka.bootstrapServers();
                try (Admin admin = Clients.admin(bootstrap)) {
                    BenchKafka.createTopic(admin, "bench-raw", 2, Map.of());
                }
                BenchKafka.load(bootstrap, "bench-raw", corpus.records());
                if (Clients.count(bootstrap, "bench-raw") != n) { // read once before the clock, as run.sh does
                    throw new IllegalStateException("the raw topic does not hold the corpus");
                }
                Sampler sampler = new Sampler();
                long gc0 = gcMillis();
                long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
                long cpu0 = Timer.cpu();
                sampler.start();
                Variants.Measure m = new Variants(bootstrap, "bench-raw", work, catalog).grantwatch(run, n, changes, oracle, false);
                sampler.stop();
                long cpu = Timer.cpu() - cpu0;
                long gc = gcMillis() - gc0;
                long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0;
                if (run == 0) {
                    continue;
                }
                System.out.printf("run %d: %.0f events/s, %.1f µs CPU/event (timed interval), %s%n", run, m.eps(), m.cpuMicrosPerEvent(),
                        m.ok() ? "OK" : "WRONG " + m.note());
                Map<String, Long> groups = sampler.groups();
                long javaThreads = groups.values().stream().mapToLong(Long::longValue).sum();
                groups.put("(not a Java thread: GC, JIT, VM)", Math.max(0, cpu - javaThreads));
                System.out.printf("  whole run incl. startup and shutdown: %.1f µs CPU/event; GC collections %d ms, JIT compilation %d ms"
                        + " (both wall time, summed over threads)%n", cpu / 1e3 / n, gc, jit);
                groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e ->
                        System.out.printf("  %6.1f µs/event %5.1f%%  %s%n", e.getValue() / 1e3 / n, 100.0 * e.getValue() / cpu, e.getKey()));
            }
            Variants.delete(brokerDir);
        }
        Variants.delete(work);
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** Every thread's CPU time, sampled every 100 ms (a thread that ends keeps its last sample). */
    private static final class Sampler {
        private final Map<Long, Long> base = new ConcurrentHashMap<>();
        private final Map<Long, Long> last = new ConcurrentHashMap<>();
        private final Map<Long, String> names = new ConcurrentHashMap<>();
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::loop, "thread-cpu-sampler");

        void start() {
            sample(true);
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            sample(false);
        }

        private void loop() {
            while (running) {
                sample(false);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sample(boolean first) {
            long[] ids = THREADS.getAllThreadIds();
            ThreadInfo[] infos = THREADS.getThreadInfo(ids);
            for (int i = 0; i < ids.length; i++) {
                long t = THREADS.getThreadCpuTime(ids[i]);
                if (t < 0 || infos[i] == null) {
                    continue;
                }
                if (first) {
                    base.put(ids[i], t);
                }
                last.put(ids[i], t);
                names.putIfAbsent(ids[i], infos[i].getThreadName());
            }
        }

        Map<String, Long> groups() {
            Map<String, Long> g = new TreeMap<>();
            for (Map.Entry<Long, Long> e : last.entrySet()) {
                long used = e.getValue() - base.getOrDefault(e.getKey(), 0L);
                g.merge(group(names.get(e.getKey())), used, Long::sum);
            }
            return new LinkedHashMap<>(g);
        }

        private static String group(String name) {
            if (name.contains("-ingest-") && name.contains("StreamThread")) {
                return "ingest stream thread";
            }
            if (name.contains("-detector") && name.contains("StreamThread")) {
                return "detector stream thread";
            }
            if (name.contains("GlobalStreamThread")) {
                return "detector global thread";
            }
            if (name.startsWith("kafka-producer-network-thread")) {
                return name.contains("-ingest-") ? "ingest producer network" : "detector/other producer network";
            }
            if (name.startsWith("data-plane-kafka-request-handler")) {
                return "broker request handlers";
            }
            if (name.startsWith("data-plane-kafka-network-thread")) {
                return "broker network threads";
            }
            if (name.contains("kafka") || name.contains("quorum") || name.contains("raft") || name.contains("broker")
                    || name.contains("ExpirationReaper") || name.contains("controller")) {
                return "broker other";
            }
            return "other: " + name.replaceAll("[0-9a-f]{8}|\\d+", "N");
        }
    }
}
