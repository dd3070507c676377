package io.grantwatch.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code grantwatch alert}: Turn findings into remediations and deliver them to the configured channels. */
@Command(name = "alert", mixinStandardHelpOptions = true, description = "Turn findings into remediations and deliver them to the configured channels.")
public final class AlertCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("grantwatch alert: not yet implemented");
        return 1;
    }
}
