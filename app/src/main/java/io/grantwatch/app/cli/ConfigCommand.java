package io.grantwatch.app.cli;

import io.grantwatch.app.config.ConfigException;
import io.grantwatch.app.config.ConfigKeys;
import io.grantwatch.app.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code grantwatch config}: check a configuration file, list the keys, show the effective settings. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Check a GrantWatch configuration file, list the keys, or show the effective settings.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Keys.class, ConfigCommand.Show.class})
public final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** Exit 0 when valid, 1 when the file has problems (printed on stderr), 2 when it cannot be read. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a configuration file: unknown keys and bad values are errors naming the key. "
                    + "Exit 0 valid, 1 invalid, 2 unreadable.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The YAML file to check.")
        Path file;

        @Option(names = "--with-env", description = "Also apply the GRANTWATCH_* environment, as run would.")
        boolean withEnv;

        @Override
        public Integer call() {
            if (!Files.isReadable(file)) {
                spec.commandLine().getErr().println("grantwatch config check: cannot read " + file);
                return 2;
            }
            try {
                ConfigLoader.builder().file(file).env(withEnv ? System.getenv() : Map.of()).checkChannels(true).load();
                spec.commandLine().getOut().println(file + ": OK");
                return 0;
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(file + ": " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "List every configuration key.")
    static final class Keys implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--markdown", description = "As the Markdown table in README.md.")
        boolean markdown;

        @Override
        public Integer call() {
            if (markdown) {
                spec.commandLine().getOut().print(ConfigKeys.markdownTable());
            } else {
                ConfigKeys.ALL.forEach(k -> spec.commandLine().getOut().printf("%-28s %-38s %s%n", k.name(),
                        k.envName(), k.defaultValue().isEmpty() ? "-" : k.defaultValue()));
                spec.commandLine().getOut().printf("%-28s %-38s %s%n", "kafka.*", "GRANTWATCH_KAFKA_*",
                        "Kafka client settings, passed through");
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the effective configuration as YAML, each value with its source (default, file and line, "
                    + "environment variable, --set); secrets masked.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            try {
                spec.commandLine().getOut().print(Redaction.yaml(options.loader().settings()));
                spec.commandLine().getOut().flush();
                return 0;
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 1;
            }
        }
    }
}
