package io.grantwatch.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code grantwatch config}: Check a GrantWatch configuration file. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check a GrantWatch configuration file.")
public final class ConfigCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("grantwatch config: not yet implemented");
        return 1;
    }
}
