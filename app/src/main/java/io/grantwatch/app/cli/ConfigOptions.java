package io.grantwatch.app.cli;

import io.grantwatch.app.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The configuration options every long-running command shares: {@code --config FILE} and
 * {@code --set key=value}. Use with {@code @Mixin ConfigOptions config;} and build with
 * {@link #loader()}, then add the command's own flags with {@link ConfigLoader#flag}.
 */
public final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration file (default: $GRANTWATCH_CONFIG). Precedence: defaults < file < "
                    + "GRANTWATCH_* environment < flags.")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Set any configuration key, e.g. --set detector.threads=2 --set kafka.security.protocol=SSL.")
    Map<String, String> sets = new LinkedHashMap<>();

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** A loader seeded with the file, the process environment and {@code --set}. */
    public ConfigLoader loader() {
        if (mixee != null) {
            SecretFlags.checkSettings(mixee.commandLine().getErr(), mixee.name(), "--set", sets);
        }
        return ConfigLoader.builder().file(file).env(System.getenv()).sets(sets);
    }
}
