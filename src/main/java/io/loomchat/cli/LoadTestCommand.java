package io.loomchat.cli;

import io.loomchat.loadtest.LoadOptions;
import io.loomchat.loadtest.LoadTest;
import io.loomchat.tls.ServerNotTrustedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code loomchat loadtest <scenario>}: simulated clients against a server, several servers or
 * an nginx address; exits 0 when nothing was lost or duplicated and the scenario's own demands
 * were met, 1 otherwise.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Load test: connect, chat, group, login, failover or mixed; prints a summary and writes --report DIR.")
final class LoadTestCommand implements Callable<Integer> {

    /** Options a worker process must not inherit: the parent sets them for each worker. */
    private static final Set<String> PARENT_ONLY = Set.of("--processes", "--report", "--prefix", "--worker");

    @Parameters(index = "0", arity = "0..1", defaultValue = "chat",
            description = "connect, chat, group, login, failover or mixed (default ${DEFAULT-VALUE}).")
    String scenario;

    @Mixin
    ServerAddress server;

    @Mixin
    LoadOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadTest test = new LoadTest(scenario, options, server.host, server.port, commandLine(), workerArgs(),
                System.out, System.err);
        try {
            test.validate();
        } catch (IllegalArgumentException e) {
            System.err.println("loomchat loadtest: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try {
            return test.run() == LoadTest.Outcome.PASSED ? ExitCodes.OK : ExitCodes.FAILED;
        } catch (Exception e) {
            // A server that cannot be trusted is the operator's to fix, said in one sentence, not a trace.
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof ServerNotTrustedException refused) {
                    System.err.println("loomchat loadtest: refused to connect to " + server.host + ":" + server.port
                            + ": " + refused.getMessage());
                    return ExitCodes.FAILED;
                }
            }
            throw e;
        }
    }

    private String commandLine() {
        return "loomchat loadtest " + String.join(" ", spec.commandLine().getParseResult().originalArgs())
                .replaceFirst("^loadtest ?", "");
    }

    /** The options as given, for worker processes of this command. */
    private List<String> workerArgs() {
        List<String> args = new ArrayList<>();
        for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            if (PARENT_ONLY.contains(option.longestName())) {
                continue;
            }
            if (option.arity().max() == 0) {
                args.add(option.longestName());
                continue;
            }
            for (String value : option.originalStringValues()) {
                args.add(option.longestName());
                args.add(value);
            }
        }
        return args;
    }
}
