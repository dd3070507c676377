package io.grantwatch.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code grantwatch run}: Run everything in one process: embedded Kafka (unless --bootstrap-servers), catalog, ingest, detector, alerts, HTTP. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run everything in one process: embedded Kafka (unless --bootstrap-servers), catalog, ingest, detector, alerts, HTTP.")
public final class RunCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("grantwatch run: not yet implemented");
        return 1;
    }
}
