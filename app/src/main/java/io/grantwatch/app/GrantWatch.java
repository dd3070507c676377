package io.grantwatch.app;

import io.grantwatch.app.cli.AlertCommand;
import io.grantwatch.app.cli.CatalogCommand;
import io.grantwatch.app.cli.ConfigCommand;
import io.grantwatch.app.cli.DetectCommand;
import io.grantwatch.app.cli.IngestCommand;
import io.grantwatch.app.cli.InventoryCommand;
import io.grantwatch.app.cli.ParseCommand;
import io.grantwatch.app.cli.ReportCommand;
import io.grantwatch.app.cli.RunCommand;
import io.grantwatch.app.cli.ScanCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code grantwatch} command. The only place that calls {@link System#exit}.
 *
 * <p>Exit codes: 0 ok; 1 findings / lint errors / runtime failure where a subcommand says so;
 * 2 usage errors (unknown option, bad value, missing file).
 */
@Command(
        name = "grantwatch",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Watches ActionTrail and CTS audit events through Kafka and tells ML teams on PAI "
                + "and ModelArts which grant is missing, and how to grant it.",
        subcommands = {
            RunCommand.class,
            IngestCommand.class,
            DetectCommand.class,
            AlertCommand.class,
            ScanCommand.class,
            ParseCommand.class,
            InventoryCommand.class,
            ReportCommand.class,
            CatalogCommand.class,
            ConfigCommand.class,
            CommandLine.HelpCommand.class
        })
public final class GrantWatch implements Runnable {
    /** Exit code for usage errors: unknown option, bad value, unusable file. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Accepted before or after the subcommand ({@code grantwatch run --verbose}). */
    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Also log the warnings of Kafka's own clients and broker (a healthy run is quiet without it).")
    void verbose(boolean on) {
        if (on) {
            io.grantwatch.app.runtime.Logging.verbose();
        }
    }

    @Override
    public void run() {
        // No subcommand: show what there is, as a usage error.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** The configured command line; tests run it in-process the way {@link #main} does. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new GrantWatch());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        propagateUsageExitCode(cli);
        return cli;
    }

    /** picocli's default is already 2; pinned here because scripts depend on it. */
    private static void propagateUsageExitCode(CommandLine cli) {
        cli.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE);
        for (CommandLine sub : cli.getSubcommands().values()) {
            propagateUsageExitCode(sub);
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
