package io.grantwatch.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.grantwatch.app.GrantWatch;
import io.grantwatch.app.config.ConfigKeys;
import io.grantwatch.catalog.CatalogDiff;
import io.grantwatch.catalog.CatalogDocs;
import io.grantwatch.catalog.CatalogException;
import io.grantwatch.catalog.CatalogExplainer;
import io.grantwatch.catalog.CatalogLint;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.catalog.CatalogPublisher;
import io.grantwatch.catalog.CatalogStats;
import io.grantwatch.catalog.CitationAudit;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.catalog.CatalogIndex;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.model.topic.Topics;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code grantwatch catalog}: the dependency catalog. Subcommands {@code export}, {@code lint},
 * {@code explain}, {@code diff}, {@code publish}, {@code docs}. The catalog module computes the
 * results; this prints them and picks the exit code: 0 ok, 1 lint errors / nothing found /
 * stale docs / publish failed, 2 a catalog or argument that cannot be used.
 */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = "Validate, show, compare or publish the dependency catalog.",
        subcommands = {
            CatalogCommand.Export.class,
            CatalogCommand.Lint.class,
            CatalogCommand.Explain.class,
            CatalogCommand.Diff.class,
            CatalogCommand.Publish.class,
            CatalogCommand.Docs.class
        })
public final class CatalogCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where the subcommands print; tests set these, the CLI uses UTF-8 stdout and stderr. */
    PrintStream out;
    PrintStream err;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: export, lint, explain, diff, publish or docs");
    }

    static PrintStream stdout() {
        return new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    }

    static PrintStream stderr() {
        return new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    }

    /** Loads a catalog reference, turning a bad one into a usage error (exit 2) with the reasons. */
    static Catalog load(String ref, PrintStream err) {
        try {
            return CatalogLoader.resolve(ref);
        } catch (CatalogException e) {
            e.problems().forEach(err::println);
            throw new CatalogUnusable(e.problems().size() + " problem(s) in catalog " + ref);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new CatalogUnusable(e.getMessage());
        }
    }

    static String prettyJson(Object value) {
        try {
            return Json.wire().writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A catalog reference that cannot be used; mapped to exit 2. */
    static final class CatalogUnusable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CatalogUnusable(String message) {
            super(message);
        }
    }

    abstract static class Sub implements Callable<Integer> {
        @CommandLine.ParentCommand
        CatalogCommand parent;

        @Override
        public final Integer call() {
            PrintStream err = parent.err != null ? parent.err : stderr();
            try {
                return run(parent.out != null ? parent.out : stdout(), err);
            } catch (CatalogUnusable e) {
                err.println("grantwatch catalog: " + e.getMessage());
                return GrantWatch.EXIT_USAGE;
            }
        }

        abstract int run(PrintStream out, PrintStream err);
    }

    /** A subcommand that works on one catalog, chosen with {@code --catalog}. */
    abstract static class OnCatalog extends Sub {
        @Option(names = "--catalog", paramLabel = "REF", defaultValue = CatalogLoader.BUNDLED,
                description = "'bundled' (default), a folder of YAML data files, or a JSON export.")
        String catalog;

        @Override
        final int run(PrintStream out, PrintStream err) {
            return run(load(catalog, err), out, err);
        }

        abstract int run(Catalog c, PrintStream out, PrintStream err);
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Print the whole catalog as JSON on stdout.")
    static final class Export extends OnCatalog {
        @Override
        int run(Catalog c, PrintStream out, PrintStream err) {
            out.println(prettyJson(c));
            return 0;
        }
    }

    @Command(name = "lint", mixinStandardHelpOptions = true,
            description = "Validate a catalog folder (default: the shipped catalog) and audit its citations: every claim must "
                    + "cite a seed whose text (in the cited section) holds the grant, or a vendor page; prints the claims by source "
                    + "(seed, vendor reference, none), file:line: entry: field: message for each problem, and exits 1 when there is "
                    + "any or any claim is uncited. The seed texts are looked for in --seeds, -Dgrantwatch.seeds, $GRANTWATCH_SEEDS or "
                    + "shared/seeds in this or a parent folder; without them the seed-text check is skipped with a notice.")
    static final class Lint extends Sub {
        @Parameters(arity = "0..1", paramLabel = "DIR", description = "Folder of catalog YAML files.")
        Path dir;

        @Option(names = "--seeds", paramLabel = "DIR", description = "Folder of the seed documents (default: found as described above).")
        Path seeds;

        @Override
        int run(PrintStream out, PrintStream err) {
            if (dir != null && !dir.toFile().isDirectory()) {
                throw new CatalogUnusable("not a directory: " + dir);
            }
            CatalogLint lint = CatalogLint.of(dir, seeds != null ? seeds : CitationAudit.locateSeeds().orElse(null));
            if (!lint.problems().isEmpty()) {
                lint.problems().forEach(err::println);
                err.println(lint.problems().size() + " problem(s)");
                return 1;
            }
            CitationAudit.Result audit = lint.audit().orElseThrow();
            if (!audit.seedsFound()) {
                out.println("notice: seed texts not found (looked for -D" + CitationAudit.SEEDS_PROPERTY
                        + ", $GRANTWATCH_SEEDS, shared/seeds in this or a parent folder): the seed-text citation check is skipped");
            }
            out.println(audit.summary());
            if (!lint.passed()) {
                lint.misCited().forEach(err::println);
                err.println(lint.misCited().size() + " mis-cited claim(s), " + lint.uncited() + " uncited claim(s)");
                return 1;
            }
            Catalog c = lint.catalog().orElseThrow();
            out.println("catalog " + c.version() + " is valid: " + CatalogStats.total(c).summary());
            for (Map.Entry<Cloud, CatalogStats> e : CatalogStats.perCloud(c).entrySet()) {
                out.println("  " + e.getKey().wire() + ": " + e.getValue().summary());
            }
            return 0;
        }
    }

    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = "What needs an IAM action, error code, system policy, Service/Api name or scenario id, "
                    + "with the seed sections that say so. Exit 1 when nothing does.")
    static final class Explain extends OnCatalog {
        @Parameters(paramLabel = "QUERY", description = "e.g. obs:object:GetObject, PassRoleFailedError, AliyunOSSFullAccess, "
                + "ModelArts/CreateJobV2, pai.dsw")
        String query;

        @Option(names = "--json", description = "Print the answer as JSON.")
        boolean json;

        @Override
        int run(Catalog c, PrintStream out, PrintStream err) {
            CatalogExplainer.Explanation e = new CatalogExplainer(new CatalogIndex(c)).explain(query);
            if (json) {
                out.println(prettyJson(e));
            } else {
                out.print(CatalogExplainer.render(e));
            }
            return e.found() ? 0 : 1;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "What a catalog change adds (+), removes (-) and changes (~). Each side is 'bundled', a folder "
                    + "of YAML data files, or a JSON export.")
    static final class Diff extends Sub {
        @Parameters(index = "0", paramLabel = "OLD")
        String before;

        @Parameters(index = "1", paramLabel = "NEW")
        String after;

        @Override
        int run(PrintStream out, PrintStream err) {
            out.print(CatalogDiff.between(load(before, err), load(after, err)).render());
            return 0;
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Write the catalog to the compacted catalog topic (tombstones for removed entries, manifest last).")
    static final class Publish extends OnCatalog {
        @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]",
                description = "Kafka bootstrap servers.")
        String bootstrapServers;

        @Option(names = "--topic-prefix", defaultValue = "", paramLabel = "PREFIX",
                description = "Prefix of the GrantWatch topic names (the catalog topic is <prefix>catalog).")
        String prefix;

        @Option(names = {"-X", "--kafka"}, paramLabel = "KEY=VALUE",
                description = "Extra Kafka client setting, e.g. -X security.protocol=SSL (repeatable); a secret one "
                        + "(sasl.jaas.config, ssl.key.password...) as a reference, -X sasl.jaas.config=env:NAME or =file:/path.")
        Map<String, String> kafka = new LinkedHashMap<>();

        @Override
        int run(Catalog c, PrintStream out, PrintStream err) {
            Map<String, Object> cfg = new HashMap<>();
            cfg.put("bootstrap.servers", bootstrapServers);
            try {
                PrintWriter warnings = new PrintWriter(err, true);
                kafka.forEach((k, v) -> cfg.put(k, ConfigKeys.isSecret("kafka." + k)
                        ? SecretFlags.option(warnings, "catalog publish", "-X " + k, v, "", System::getenv) : v));
                TopicSpec<String, CatalogEntry> topic = Topics.withPrefix(prefix).catalog();
                CatalogPublisher.Result r = new CatalogPublisher(cfg).publish(c, topic);
                if (r.upToDate()) {
                    out.println("catalog " + r.version() + " is already on " + topic.name());
                } else {
                    out.println("published catalog " + r.version() + " to " + topic.name() + ": " + r.written() + " records, "
                            + r.tombstoned().size() + " tombstones" + r.previousVersion().map(v -> " (was " + v + ")").orElse(""));
                    r.tombstoned().forEach(k -> out.println("  removed " + k));
                }
                return 0;
            } catch (IllegalArgumentException | IllegalStateException | org.apache.kafka.common.KafkaException e) {
                err.println("grantwatch catalog publish: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "docs", mixinStandardHelpOptions = true,
            description = "Regenerate the human-readable catalog document (default docs/CATALOG.md).")
    static final class Docs extends OnCatalog {
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = CatalogDocs.DEFAULT_PATH,
                description = "Where to write (default: ${DEFAULT-VALUE}).")
        Path output;

        @Option(names = "--check", description = "Do not write; exit 1 when the file is stale.")
        boolean check;

        @Override
        int run(Catalog c, PrintStream out, PrintStream err) {
            if (check) {
                if (!CatalogDocs.isCurrent(c, output)) {
                    err.println(output + " is stale: run `grantwatch catalog docs`");
                    return 1;
                }
                out.println(output + " is current (" + c.version() + ")");
                return 0;
            }
            CatalogDocs.write(c, output);
            out.println("wrote " + output + " (" + c.version() + ")");
            return 0;
        }
    }
}
