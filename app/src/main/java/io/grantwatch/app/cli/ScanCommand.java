package io.grantwatch.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code grantwatch scan}: Offline: read audit files, print findings with remediations as JSON Lines; no broker. */
@Command(name = "scan", mixinStandardHelpOptions = true, description = "Offline: read audit files, print findings with remediations as JSON Lines; no broker.")
public final class ScanCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("grantwatch scan: not yet implemented");
        return 1;
    }
}
