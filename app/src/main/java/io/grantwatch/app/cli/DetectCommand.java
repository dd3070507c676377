package io.grantwatch.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code grantwatch detect}: Run the detector (Kafka Streams): denials joined with the catalog become findings. */
@Command(name = "detect", mixinStandardHelpOptions = true, description = "Run the detector (Kafka Streams): denials joined with the catalog become findings.")
public final class DetectCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("grantwatch detect: not yet implemented");
        return 1;
    }
}
