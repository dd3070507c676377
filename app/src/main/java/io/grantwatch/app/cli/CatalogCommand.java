package io.grantwatch.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code grantwatch catalog}: Validate, show or publish the dependency catalog. */
@Command(name = "catalog", mixinStandardHelpOptions = true, description = "Validate, show or publish the dependency catalog.")
public final class CatalogCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("grantwatch catalog: not yet implemented");
        return 1;
    }
}
