package io.grantwatch.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code grantwatch ingest}: Read ActionTrail / CTS audit records from files or HTTP and produce them to the audit-events topic. */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Read ActionTrail / CTS audit records from files or HTTP and produce them to the audit-events topic.")
public final class IngestCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("grantwatch ingest: not yet implemented");
        return 1;
    }
}
