package io.grantwatch.app.runtime;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's meter registry, scraped at {@code /metrics} in Prometheus text format: JVM and
 * process meters, Kafka client and Streams metrics (Micrometer's Kafka binders, tagged with the
 * component), and GrantWatch's own counters registered by the components.
 */
public final class Metrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);

    private static final List<String> STORE_ID_TAGS = List.of("rocksdb.state.id", "rocksdb.window.state.id",
            "rocksdb.session.state.id", "in.memory.state.id", "in.memory.window.state.id", "in.memory.session.state.id",
            "in.memory.lru.state.id");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> binders = new ArrayList<>();
    private final List<Supplier<Number>> tallies = new CopyOnWriteArrayList<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics() {
        registry.config().commonTags("application", "grantwatch");
        // Kafka Streams tags a store's metrics by store type (rocksdb-state-id, in-memory-state-id, ...); Prometheus
        // needs one set of label names per metric, so the second store type's meters failed to register.
        for (String type : STORE_ID_TAGS) {
            registry.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.renameTag("kafka.stream.state", type,
                    "state.id"));
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * A monotonic counter read from a component's own tally, e.g. {@code grantwatch.events} (exported
     * as {@code grantwatch_events_total}).
     */
    public void counter(String name, String description, Supplier<Number> value) {
        // Micrometer holds a function counter's state object weakly; a lambda held by nobody else
        // would be collected and the counter would read NaN. Keep it for the registry's lifetime.
        tallies.add(value);
        FunctionCounter.builder(name, value, v -> v.get().doubleValue()).description(description).register(registry);
    }

    /** {@link #counter} with tags, e.g. {@code channel=ops-slack}: every series of one name must carry the same tag keys. */
    public void counter(String name, String description, Tags tags, Supplier<Number> value) {
        tallies.add(value);
        FunctionCounter.builder(name, value, v -> v.get().doubleValue()).description(description).tags(tags).register(registry);
    }

    /**
     * {@code grantwatch_findings_open{kind,cloud}}: the open findings the detector holds now (read from its store,
     * refreshed every {@code every}), unlike {@code grantwatch_findings_total}, which counts topic records since start.
     * While the store is not queryable the last values stay.
     */
    public void openFindingsGauge(Supplier<List<io.grantwatch.model.Finding>> open, Duration every) {
        io.micrometer.core.instrument.MultiGauge gauge = io.micrometer.core.instrument.MultiGauge.builder("grantwatch.findings.open")
                .description("Open findings the detector holds, by kind and cloud").register(registry);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grantwatch-open-findings-gauge");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                Map<List<String>, Long> counts = new TreeMap<>(Comparator.comparing(Object::toString));
                for (io.grantwatch.model.Finding f : open.get()) {
                    counts.merge(List.of(f.kind().name(), f.cloud().wire()), 1L, Long::sum);
                }
                gauge.register(counts.entrySet().stream().map(e -> io.micrometer.core.instrument.MultiGauge.Row.of(
                        Tags.of("kind", e.getKey().get(0), "cloud", e.getKey().get(1)), e.getValue()))
                        .toList(), true);
            } catch (RuntimeException e) {
                LOG.debug("Open findings gauge not refreshed: {}", e.toString()); // store not queryable yet: keep the last values
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        binders.add(timer::shutdownNow);
    }

    public void bindProducer(Producer<?, ?> producer, String component) {
        bind(new KafkaClientMetrics(producer, Tags.of("component", component)));
    }

    public void bindConsumer(Consumer<?, ?> consumer, String component) {
        bind(new KafkaClientMetrics(consumer, Tags.of("component", component)));
    }

    public void bindAdmin(AdminClient admin, String component) {
        bind(new KafkaClientMetrics(admin, Tags.of("component", component)));
    }

    public void bindStreams(KafkaStreams streams, String component) {
        bind(new KafkaStreamsMetrics(streams, Tags.of("component", component)));
    }

    private synchronized void bind(KafkaClientMetrics metrics) {
        metrics.bindTo(registry);
        binders.add(metrics);
    }

    private synchronized void bind(KafkaStreamsMetrics metrics) {
        metrics.bindTo(registry);
        binders.add(metrics);
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                LOG.debug("Closing a metrics binder failed", e);
            }
        }
        binders.clear();
        gc.close();
        registry.close();
    }
}
