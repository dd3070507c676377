package io.grantwatch.app.cli;

import io.grantwatch.app.GrantWatch;
import io.grantwatch.catalog.CatalogCli;
import io.grantwatch.catalog.CatalogDocs;
import io.grantwatch.catalog.CatalogException;
import io.grantwatch.model.catalog.Catalog;
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
 * {@code explain}, {@code diff}, {@code publish}, {@code docs}; the logic is
 * {@link CatalogCli} in the catalog module. Exit codes: 0 ok, 1 lint errors / nothing found /
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
            return CatalogCli.resolve(ref);
        } catch (CatalogException e) {
            e.problems().forEach(err::println);
            throw new CatalogUnusable(e.problems().size() + " problem(s) in catalog " + ref);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new CatalogUnusable(e.getMessage());
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
        @Override
        public final Integer call() {
            PrintStream err = stderr();
            try {
                return run(stdout(), err);
            } catch (CatalogUnusable e) {
                err.println("grantwatch catalog: " + e.getMessage());
                return GrantWatch.EXIT_USAGE;
            }
        }

        abstract int run(PrintStream out, PrintStream err);
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Print the whole catalog as JSON on stdout.")
    static final class Export extends Sub {
        @Option(names = "--catalog", paramLabel = "REF", defaultValue = CatalogCli.BUNDLED,
                description = "'bundled' (default), a folder of YAML data files, or a JSON export.")
        String catalog;

        @Override
        int run(PrintStream out, PrintStream err) {
            return CatalogCli.export(load(catalog, err), out);
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
            return seeds != null ? CatalogCli.lint(dir, seeds, out, err) : CatalogCli.lint(dir, out, err);
        }
    }

    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = "What needs an IAM action, error code, system policy, Service/Api name or scenario id, "
                    + "with the seed sections that say so. Exit 1 when nothing does.")
    static final class Explain extends Sub {
        @Parameters(paramLabel = "QUERY", description = "e.g. obs:object:GetObject, PassRoleFailedError, AliyunOSSFullAccess, "
                + "ModelArts/CreateJobV2, pai.dsw")
        String query;

        @Option(names = "--json", description = "Print the answer as JSON.")
        boolean json;

        @Option(names = "--catalog", paramLabel = "REF", defaultValue = CatalogCli.BUNDLED,
                description = "'bundled' (default), a folder of YAML data files, or a JSON export.")
        String catalog;

        @Override
        int run(PrintStream out, PrintStream err) {
            return CatalogCli.explain(load(catalog, err), query, json, out);
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
            return CatalogCli.diff(load(before, err), load(after, err), out);
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Write the catalog to the compacted catalog topic (tombstones for removed entries, manifest last).")
    static final class Publish extends Sub {
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

        @Option(names = "--catalog", paramLabel = "REF", defaultValue = CatalogCli.BUNDLED,
                description = "'bundled' (default), a folder of YAML data files, or a JSON export.")
        String catalog;

        @Override
        int run(PrintStream out, PrintStream err) {
            Catalog c = load(catalog, err);
            Map<String, Object> cfg = new HashMap<>();
            cfg.put("bootstrap.servers", bootstrapServers);
            try {
                PrintWriter warnings = new PrintWriter(err, true);
                kafka.forEach((k, v) -> cfg.put(k, io.grantwatch.app.config.ConfigKeys.isSecret("kafka." + k)
                        ? SecretFlags.option(warnings, "catalog publish", "-X " + k, v, "", System::getenv) : v));
                return CatalogCli.publish(c, cfg, Topics.withPrefix(prefix).catalog(), out);
            } catch (IllegalArgumentException | IllegalStateException | org.apache.kafka.common.KafkaException e) {
                err.println("grantwatch catalog publish: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "docs", mixinStandardHelpOptions = true,
            description = "Regenerate the human-readable catalog document (default docs/CATALOG.md).")
    static final class Docs extends Sub {
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = CatalogDocs.DEFAULT_PATH,
                description = "Where to write (default: ${DEFAULT-VALUE}).")
        Path output;

        @Option(names = "--check", description = "Do not write; exit 1 when the file is stale.")
        boolean check;

        @Option(names = "--catalog", paramLabel = "REF", defaultValue = CatalogCli.BUNDLED,
                description = "'bundled' (default) or a folder of YAML data files.")
        String catalog;

        @Override
        int run(PrintStream out, PrintStream err) {
            return CatalogCli.docs(load(catalog, err), output, check, out, err);
        }
    }
}
