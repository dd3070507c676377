package io.grantwatch.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code grantwatch parse}: Parse audit files and print the normalized AuditEvents as JSON Lines. */
@Command(name = "parse", mixinStandardHelpOptions = true, description = "Parse audit files and print the normalized AuditEvents as JSON Lines.")
public final class ParseCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("grantwatch parse: not yet implemented");
        return 1;
    }
}
