package io.grantwatch.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code grantwatch report}: Render a drift report (Markdown, HTML, JSON). */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Render a drift report (Markdown, HTML, JSON).")
public final class ReportCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("grantwatch report: not yet implemented");
        return 1;
    }
}
