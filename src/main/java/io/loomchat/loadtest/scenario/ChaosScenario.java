package io.loomchat.loadtest.scenario;

import io.loomchat.loadtest.LoadOptions;
import io.loomchat.loadtest.sim.Heartbeats;
import io.loomchat.loadtest.sim.Pairs;
import io.loomchat.loadtest.sim.Population;
import io.loomchat.loadtest.sim.Reconnector;
import io.loomchat.loadtest.sim.RunContext;
import io.loomchat.loadtest.sim.Senders;
import io.loomchat.loadtest.sim.SimUser;
import io.loomchat.loadtest.sim.Stream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Faults at random under load, then a ledger (issue 25): pairs chat with receipts while the
 * --fault commands (kill or pause a server, the Redis master, a Sentinel: whatever the cluster's
 * operator can script) run at random moments, each on a thread of its own so that faults overlap.
 * Dropped clients log in again as in failover. When --duration is over, the run waits for the
 * fault commands still running (a paused server resumed, a killed one restarted), then drains
 * and counts: every acknowledged message delivered to every device (0 lost), none shown twice,
 * and none delivered again after a RECEIPT the server had handled (protocol 2.2), which the
 * clients prove with a PING after each RECEIPT
 * ({@link io.loomchat.loadtest.receipts.ConfirmationProofs}).
 *
 * <p>The schedule is drawn from --seed: the same seed and options give the same faults at the
 * same moments, so a failing run can be tried again.
 */
final class ChaosScenario implements Scenario {

    /** How long the faults still running at the end may take (a restart waits until it listens). */
    private static final Duration FAULTS_PATIENCE = Duration.ofSeconds(120);

    /** One --fault: its name, for the log, and its shell command. */
    private record Fault(String name, String command) {
        static Fault parse(String option) {
            int cut = option.indexOf('=');
            return new Fault(option.substring(0, cut).strip(), option.substring(cut + 1).strip());
        }
    }

    @Override
    public void run(Session session) throws Exception {
        RunContext run = session.run;
        LoadOptions options = session.options;
        options.proveConfirmations = true; // before any login: the receipt batches are made there
        long seed = options.seed != 0 ? options.seed : System.nanoTime();
        run.log.println("chaos: seed " + seed + " (--seed " + seed + " runs this schedule again)");
        SplittableRandom random = new SplittableRandom(seed);
        List<Fault> faults = options.faults.stream().map(Fault::parse).toList();

        List<SimUser> users = session.register(session.share(options.chatUsers(), 2));
        List<Stream> streams = Pairs.open(run, users);
        session.loginAll(users, options.recoveryTimeout.toNanos());
        Reconnector reconnector = new Reconnector(run);
        run.dropPolicy(reconnector);
        List<Thread> running = new ArrayList<>();
        try (Heartbeats heartbeats = new Heartbeats(run, users)) {
            session.progress.phase("chaos");
            long start = System.nanoTime();
            long end = start + options.duration.toNanos();
            try (Senders senders = new Senders(run, streams, options.rate)) {
                long mean = options.faultEvery.toNanos();
                while (true) {
                    long gap = mean / 2 + random.nextLong(mean);
                    if (System.nanoTime() + gap >= end) {
                        TimeUnit.NANOSECONDS.sleep(Math.max(0, end - System.nanoTime()));
                        break;
                    }
                    TimeUnit.NANOSECONDS.sleep(gap);
                    Fault fault = faults.get(random.nextInt(faults.size()));
                    double at = Session.seconds(System.nanoTime() - start);
                    running.add(Thread.ofVirtual().name("chaos-" + fault.name()).start(() -> inject(run, fault, at)));
                }
                session.progress.phase("settle");
                awaitFaults(run, running);
            }
            session.measuredSeconds = Session.seconds(System.nanoTime() - start);
            session.drainAndCount(); // waits while dropped clients log in again and get what they missed
            if (reconnector.comingBack() > 0) {
                session.fail(reconnector.comingBack() + " dropped clients not back after the faults");
            }
        } finally {
            Population.closeAll(run, users);
        }
    }

    /** Runs one fault's command, logging its output under its name and when it began. */
    private static void inject(RunContext run, Fault fault, double atSeconds) {
        run.log.printf("chaos: %.1f s: %s: sh -c '%s'%n", atSeconds, fault.name(), fault.command());
        try {
            Process process = new ProcessBuilder("sh", "-c", fault.command()).redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(line -> run.log.println("chaos: " + fault.name() + ": " + line));
            }
            int exit = process.waitFor();
            if (exit != 0) { // e.g. a restart of something another fault restarted first: the run goes on
                run.log.println("chaos: " + fault.name() + " exited with " + exit);
            }
        } catch (IOException e) {
            run.metrics.error("chaos: fault " + fault.name() + " could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitFaults(RunContext run, List<Thread> running) throws InterruptedException {
        long deadline = System.nanoTime() + FAULTS_PATIENCE.toNanos();
        for (Thread fault : running) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !fault.join(Duration.ofNanos(left))) {
                run.metrics.error("chaos: " + fault.getName() + " still running after " + FAULTS_PATIENCE.toSeconds() + " s");
            }
        }
    }
}
