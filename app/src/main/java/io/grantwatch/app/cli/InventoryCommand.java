package io.grantwatch.app.cli;

import io.grantwatch.app.config.ConfigException;
import io.grantwatch.app.config.ConfigKeys;
import io.grantwatch.app.config.GrantWatchConfig;
import io.grantwatch.app.runtime.TopicSetup;
import io.grantwatch.model.inventory.InventoryRecord;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.model.topic.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code grantwatch inventory import FILES… [-b HOST:PORT]}: reads snapshots of what principals hold (the JSON the official
 * CLIs print, see {@link io.grantwatch.detector.inventory.Snapshots}) and produces them to the compacted {@code inventory}
 * topic (key: one fact; partition: the account's, as {@code audit-events} is keyed), where the detector reads them into
 * each account's inventory. Exit 0 when every output was read and produced, 1 when some could not be placed (the rest is
 * produced) or Kafka failed, 2 for an unusable argument or file.
 */
@Command(name = "inventory", mixinStandardHelpOptions = true,
        description = "What principals hold: import snapshots of the official CLIs' output.",
        subcommands = {InventoryCommand.Import.class})
public final class InventoryCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: import");
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Produce snapshots (aliyun / hcloud JSON output, see README) to the inventory topic the detector reads.")
    static final class Import implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Snapshot files (JSON, JSON Lines) or folders of them.")
        List<Path> files;

        @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
                description = "Kafka cluster (key kafka.bootstrap.servers); `run` without one listens on 127.0.0.1:19092.")
        String bootstrapServers;

        @Option(names = "--account", paramLabel = "ID",
                description = "Account UID / domain id of outputs that name none (else: aliyun sts GetCallerIdentity in the file).")
        String account;

        @Option(names = "--as-of", paramLabel = "TIME",
                description = "When the snapshot was taken (ISO-8601); default: each file's modification time.")
        String asOf;

        @Option(names = "--dry-run", description = "Print the records as JSON Lines instead of producing them.")
        boolean dryRun;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Instant at;
            try {
                at = asOf == null ? null : Instant.parse(asOf);
            } catch (DateTimeParseException e) {
                err.println("grantwatch inventory import: --as-of is not an ISO-8601 instant: " + ScanCommand.printable(asOf));
                return 2;
            }
            InventoryFiles.Read read;
            try {
                read = InventoryFiles.read(files, at, account);
            } catch (IOException e) {
                err.println("grantwatch inventory import: cannot use " + ScanCommand.printable(String.valueOf(e.getMessage())));
                return 2;
            }
            read.problems().forEach(p -> err.println("not imported " + ScanCommand.printable(p)));
            if (dryRun) {
                for (InventoryRecord r : read.records()) {
                    out.println(json(r));
                }
                out.flush();
                err.println(summary(read, "read"));
                return read.problems().isEmpty() ? 0 : 1;
            }
            GrantWatchConfig config;
            try {
                config = configOptions.loader().flag(ConfigKeys.BOOTSTRAP_SERVERS.name(), bootstrapServers).load();
            } catch (ConfigException e) {
                err.println("grantwatch inventory import: " + e.getMessage());
                return 2;
            }
            if (config.kafka().embedded()) {
                err.println("grantwatch inventory import: give the Kafka cluster with -b HOST:PORT (key kafka.bootstrap.servers; "
                        + "`grantwatch run` without one listens on 127.0.0.1:19092)");
                return 2;
            }
            Map<String, Object> client = new HashMap<>(config.kafka().client());
            client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers().orElseThrow());
            Topics topics = config.topics().registry();
            try {
                int partitions = partitions(client, topics, config);
                produce(client, topics.inventory(), partitions, read.records());
            } catch (IllegalStateException | ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
                err.println("grantwatch inventory import: " + ScanCommand.printable(String.valueOf(e.getMessage())));
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
            err.println(summary(read, "imported") + " to " + topics.inventory().name());
            return read.problems().isEmpty() ? 0 : 1;
        }

        private static String json(InventoryRecord r) {
            try {
                return Json.wire().writeValueAsString(r);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("an inventory record always serializes", e);
            }
        }

        private static String summary(InventoryFiles.Read read, String verb) {
            Set<String> accounts = new LinkedHashSet<>();
            read.records().forEach(r -> accounts.add(r.accountKey()));
            return verb + " " + read.records().size() + " inventory records of " + accounts.size() + " account(s)"
                    + (read.problems().isEmpty() ? "" : "; " + read.problems().size() + " output(s) not imported");
        }

        /**
         * The partitions of {@code inventory}, created if missing; it must have as many as {@code audit-events}, or an
         * account's facts and events would meet in different detector tasks.
         */
        private static int partitions(Map<String, Object> client, Topics topics, GrantWatchConfig config)
                throws ExecutionException, InterruptedException, TimeoutException {
            try (Admin admin = Admin.create(client)) {
                TopicSetup.ensure(admin, config, config.topics().replication());
                Map<String, TopicDescription> d = admin.describeTopics(List.of(topics.inventory().name(), topics.auditEvents().name()))
                        .allTopicNames().get(60, TimeUnit.SECONDS);
                int inventory = d.get(topics.inventory().name()).partitions().size();
                int events = d.get(topics.auditEvents().name()).partitions().size();
                if (inventory != events) {
                    throw new IllegalStateException(topics.inventory().name() + " has " + inventory + " partitions and "
                            + topics.auditEvents().name() + " " + events + ": they must be equal (the detector meets an account's "
                            + "inventory and events in one task); recreate " + topics.inventory().name() + " with " + events);
                }
                return inventory;
            }
        }

        private static void produce(Map<String, Object> client, TopicSpec<String, InventoryRecord> topic, int partitions,
                                    List<InventoryRecord> records) throws ExecutionException, InterruptedException {
            Map<String, Object> p = new HashMap<>(client);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            try (KafkaProducer<String, InventoryRecord> producer = new KafkaProducer<>(p, new StringSerializer(),
                    topic.valueSerde().serializer())) {
                List<Future<?>> sent = new ArrayList<>();
                for (InventoryRecord r : records) {
                    sent.add(producer.send(new ProducerRecord<>(topic.name(), r.partition(partitions), r.asOf().toEpochMilli(), r.key(), r)));
                }
                producer.flush();
                for (Future<?> f : sent) {
                    f.get();
                }
            }
        }
    }
}
