package io.loomchat.loadtest;

import io.loomchat.loadtest.report.Count;
import io.loomchat.loadtest.report.Figures;
import io.loomchat.loadtest.report.Progress;
import io.loomchat.loadtest.report.ProgressLine;
import io.loomchat.loadtest.report.ReportWriter;
import io.loomchat.loadtest.report.RunInfo;
import io.loomchat.loadtest.report.Summary;
import io.loomchat.loadtest.scenario.Scenario;
import io.loomchat.loadtest.scenario.Session;
import io.loomchat.loadtest.sim.AddressPlan;
import io.loomchat.loadtest.sim.RunContext;
import io.loomchat.loadtest.wire.Framing;
import java.io.PrintStream;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Runs one scenario, in this process or spread over --processes worker JVMs, then judges the
 * run (lost messages and duplicates shown to a user fail it, as do errors and what the scenario
 * demands; repeats a receipts client dropped by mid do not), prints the summary table on stdout
 * and writes the --report directory.
 */
public final class LoadTest {

    /** How a run ended, for the command's exit code. */
    public enum Outcome { PASSED, FAILED }

    private final String scenarioName;
    private final LoadOptions options;
    private final String host;
    private final int port;
    private final String command;
    private final List<String> workerArgs;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param workerArgs the command's own arguments, without --processes, --report, --prefix and
     *                   --worker, for starting workers of itself
     */
    public LoadTest(String scenarioName, LoadOptions options, String host, int port, String command,
                    List<String> workerArgs, PrintStream out, PrintStream err) {
        this.scenarioName = scenarioName;
        this.options = options;
        this.host = host;
        this.port = port;
        this.command = command;
        this.workerArgs = List.copyOf(workerArgs);
        this.out = out;
        this.err = err;
    }

    /** Checks the options together; throws IllegalArgumentException naming what is wrong. */
    public void validate() {
        Scenario.named(scenarioName);
        String problem = options.validate(scenarioName);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        AddressPlan.parseTargets(options.targets, host, port);
    }

    public Outcome run() throws Exception {
        validate();
        String prefix = options.prefix != null ? options.prefix : "lt-" + System.currentTimeMillis();
        RunInfo info = RunInfo.of(scenarioName, command, options);
        if (options.framing() == Framing.CLASSIC && options.serverRateLimit != 0 && options.worker == null) {
            // The legacy dialect has no ACK, so an errno 8 refusal is silent and shows up as a lost message.
            err.println("loomchat loadtest: classic framing gets no errno 8 replies; unless the server runs with "
                    + "--max-requests-per-second 0 (say so with --server-rate-limit 0), refused messages count as lost");
        }
        Figures figures;
        if (options.worker != null) {
            figures = runHere(prefix, workerIndex(), workerCount());
            out.println(figures.toJson()); // the parent reads this line
            return figures.failures.isEmpty() ? Outcome.PASSED : Outcome.FAILED;
        }
        if (options.processes > 1) {
            figures = new WorkerPool(options.processes, scenarioName, workerArgs, prefix, err).run();
        } else {
            figures = runHere(prefix, 0, 1);
        }
        judge(figures);
        out.println("loomchat loadtest " + scenarioName + ": " + info.started());
        out.print(Summary.table(Summary.rows(info, figures)));
        if (options.report != null) {
            ReportWriter.write(options.report, info, figures);
            out.println("report: " + options.report.toAbsolutePath());
        }
        return figures.failures.isEmpty() ? Outcome.PASSED : Outcome.FAILED;
    }

    private Figures runHere(String prefix, int worker, int workers) throws Exception {
        AddressPlan plan = plan().slice(worker, workers);
        String namePrefix = workers > 1 ? prefix + "-w" + worker : prefix;
        Session session;
        Progress.Display display = options.worker != null ? new WorkerTicks(out) : new ProgressLine(err);
        try (RunContext run = new RunContext(options, plan, namePrefix, err);
             Progress progress = new Progress(run.metrics, display)) {
            Session.StartLineWait startLine = options.worker != null && workers > 1
                    ? () -> StartLine.arrive(out, System.in) : null;
            session = new Session(run, progress, worker, workers, startLine);
            Scenario.named(scenarioName).run(session);
            progress.close();
            run.close(); // no RECEIPT is sent any more: the counts are final
            Figures figures = Figures.of(run.metrics, progress.samples());
            figures.registrationSeconds = session.registrationSeconds;
            figures.loginSeconds = session.loginSeconds;
            figures.measuredSeconds = session.measuredSeconds;
            figures.allBackSeconds = session.allBackSeconds;
            figures.failures.addAll(session.failures);
            return figures;
        }
    }

    /** The rules every run is held to; scenarios add their own while they run. */
    private static void judge(Figures figures) {
        if (figures.count(Count.LOST) > 0) {
            figures.failures.add(figures.count(Count.LOST) + " messages lost");
        }
        if (figures.count(Count.CONFIRMED_AGAIN) > 0) {
            figures.failures.add(figures.count(Count.CONFIRMED_AGAIN)
                    + " messages delivered again after a RECEIPT the server had handled");
        }
        if (figures.count(Count.DUPLICATED_SHOWN) > 0) {
            figures.failures.add(figures.count(Count.DUPLICATED_SHOWN) + " messages duplicated (shown to a user)");
        }
        if (figures.count(Count.ERRORS) > 0) {
            figures.failures.add(figures.count(Count.ERRORS) + " errors");
        }
    }

    private AddressPlan plan() throws UnknownHostException {
        return new AddressPlan(AddressPlan.parseTargets(options.targets, host, port),
                AddressPlan.parseSources(options.sources), options.crossServer);
    }

    private int workerIndex() {
        return Integer.parseInt(options.worker.substring(0, options.worker.indexOf('/')));
    }

    private int workerCount() {
        return Integer.parseInt(options.worker.substring(options.worker.indexOf('/') + 1));
    }
}
