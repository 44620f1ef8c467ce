package io.convoy.cli;

import io.convoy.cli.command.AuditCommand;
import io.convoy.cli.command.BranchesCommand;
import io.convoy.cli.command.CheckCommand;
import io.convoy.cli.command.ConfigCommand;
import io.convoy.cli.command.CurrentCommand;
import io.convoy.cli.command.DowngradeCommand;
import io.convoy.cli.command.HaltCommands;
import io.convoy.cli.command.HeadsCommand;
import io.convoy.cli.command.HistoryCommand;
import io.convoy.cli.command.InitCommand;
import io.convoy.cli.command.LintCommand;
import io.convoy.cli.command.LocalCommand;
import io.convoy.cli.command.MergeCommand;
import io.convoy.cli.command.RevisionCommand;
import io.convoy.cli.command.ShowCommand;
import io.convoy.cli.command.StampCommand;
import io.convoy.cli.command.StatusCommand;
import io.convoy.cli.command.SubmitCommand;
import io.convoy.cli.command.WatchCommand;
import io.convoy.cli.command.UpgradeCommand;
import io.convoy.cli.command.VerifyRollbackCommand;
import io.convoy.core.config.ConfigKey;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

/** Builds the {@code convoy} command line and runs it. */
public final class Cli {
    private Cli() {}

    /** Runs one command in-process; returns the exit code. */
    public static int run(CliContext context, PrintWriter out, PrintWriter err, String... args) {
        return commandLine(context, out, err).execute(args);
    }

    public static CommandLine commandLine(CliContext context, PrintWriter out, PrintWriter err) {
        ConvoyCommand root = new ConvoyCommand(context);
        CommandLine cl = new CommandLine(root);
        // One flag per configuration key, derived from the table (declared once), before the
        // subcommands are added so that every subcommand inherits them.
        for (ConfigKey key : ConfigKey.values()) {
            key.flag().ifPresent(flag -> cl.getCommandSpec().addOption(OptionSpec.builder(flag)
                    .paramLabel("<" + key.key().replace("retry.", "") + ">")
                    .type(String.class)
                    .scopeType(ScopeType.INHERIT)
                    .description(key.doc() + " (" + key.key() + ", " + key.envVar() + ")")
                    .setter(new CommandLine.Model.ISetter() {
                        @Override
                        @SuppressWarnings("unchecked")
                        public <T> T set(T value) {
                            root.setFlag(key, (String) value);
                            return null;
                        }
                    })
                    .build()));
        }
        cl.addSubcommand(new InitCommand())
                .addSubcommand(new RevisionCommand())
                .addSubcommand(new MergeCommand())
                .addSubcommand(new UpgradeCommand())
                .addSubcommand(new DowngradeCommand())
                .addSubcommand(new StampCommand())
                .addSubcommand(new CurrentCommand())
                .addSubcommand(new HistoryCommand())
                .addSubcommand(new HeadsCommand())
                .addSubcommand(new BranchesCommand())
                .addSubcommand(new ShowCommand())
                .addSubcommand(new CheckCommand())
                .addSubcommand(new LintCommand())
                .addSubcommand(new VerifyRollbackCommand())
                .addSubcommand(new ConfigCommand())
                .addSubcommand(new LocalCommand())
                .addSubcommand(new SubmitCommand())
                .addSubcommand(new WatchCommand())
                .addSubcommand(new StatusCommand())
                .addSubcommand(new HaltCommands.Halt())
                .addSubcommand(new HaltCommands.Resume())
                .addSubcommand(new HaltCommands.Panic())
                .addSubcommand(new AuditCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorHandler(root));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
