package io.loomchat.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code loomchat} command: one subcommand per tool. */
@Command(name = "loomchat",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "LoomChat: a cluster chat server on Java virtual threads.",
        subcommands = {ServerCommand.class, ClientCommand.class, LoadTestCommand.class, CommandLine.HelpCommand.class})
public final class LoomChat implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: show what there is, and fail so scripts notice.
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new LoomChat());
    }
}
