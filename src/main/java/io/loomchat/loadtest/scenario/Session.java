package io.loomchat.loadtest.scenario;

import io.loomchat.loadtest.LoadOptions;
import io.loomchat.loadtest.report.Count;
import io.loomchat.loadtest.report.Progress;
import io.loomchat.loadtest.sim.Ledger;
import io.loomchat.loadtest.sim.Population;
import io.loomchat.loadtest.sim.RunContext;
import io.loomchat.loadtest.sim.Senders;
import io.loomchat.loadtest.sim.SimUser;
import io.loomchat.loadtest.sim.Stream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One process's run of a scenario: the shared context, the progress line, the timings and
 * failures it produces, and the phases every scenario is built from (register and log in,
 * chat for the duration, wait for the last deliveries and count what is missing).
 */
public final class Session {

    final RunContext run;
    final LoadOptions options;
    final Progress progress;
    /** This process's share of the work: worker {@code worker} of {@code workers}. */
    final int worker;
    final int workers;
    /**
     * With --processes: waits at the start line after the logins (see
     * {@link io.loomchat.loadtest.StartLine}); null otherwise.
     */
    private final StartLineWait startLine;

    /** Waits until every worker process is ready to start its measured phase. */
    @FunctionalInterface
    public interface StartLineWait {
        void run() throws IOException;
    }
    public final List<String> failures = new ArrayList<>();
    public double registrationSeconds;
    public double loginSeconds;
    public double measuredSeconds;
    public double allBackSeconds;

    public Session(RunContext run, Progress progress, int worker, int workers, StartLineWait startLine) {
        this.startLine = startLine;
        this.run = run;
        this.options = run.options;
        this.progress = progress;
        this.worker = worker;
        this.workers = workers;
    }

    /** This process's share of {@code total}, in whole units (2 for pairs, the group size for groups). */
    int share(int total, int unit) {
        int units = total / unit;
        return (units / workers + (worker < units % workers ? 1 : 0)) * unit;
    }

    List<SimUser> register(int count) throws IOException, InterruptedException {
        progress.phase("register");
        long start = System.nanoTime();
        List<SimUser> users = Population.register(run, 0, count);
        registrationSeconds = seconds(System.nanoTime() - start);
        return users;
    }

    /**
     * Logs {@code users} in; with --processes, then waits until every worker's clients are in,
     * so that what follows (the measured phase) starts everywhere at once.
     */
    void loginAll(List<SimUser> users) throws InterruptedException {
        loginAll(users, 0);
    }

    /** As {@link #loginAll(List)}, trying failed logins again for up to {@code patienceNanos} (see {@link Population}). */
    void loginAll(List<SimUser> users, long patienceNanos) throws InterruptedException {
        progress.phase("login");
        long start = System.nanoTime();
        Population.loginAll(run, users, patienceNanos);
        loginSeconds = seconds(System.nanoTime() - start);
        if (startLine != null) {
            progress.phase("waiting");
            try {
                startLine.run();
            } catch (IOException e) {
                throw new UncheckedIOException("waiting for the other workers", e);
            }
        }
    }

    /** Sends on {@code streams} for --duration (closed loop or at --rate), then drains and counts. */
    void chat(List<Stream> streams, double messagesPerSecond) throws InterruptedException {
        progress.phase("chat");
        long start = System.nanoTime();
        try (Senders senders = new Senders(run, streams, messagesPerSecond)) {
            TimeUnit.NANOSECONDS.sleep(options.duration.toNanos());
        }
        measuredSeconds = seconds(System.nanoTime() - start);
        drainAndCount();
    }

    /**
     * Waits up to --drain for every owed delivery (to every recipient device, and every carbon) and every ACK of a delivered message (so that an
     * ACK that arrives late is not missing from the owed ones), then counts each owed delivery as
     * received or lost, and the unacknowledged messages. With receipts, while dropped clients are
     * still logging in again (failover), the drain lasts until --drain after the last is back, at
     * most --recovery-timeout longer: what their sessions left unconfirmed only comes again at
     * their next login. (Without receipts the drain is at most --drain, as before 2.2.)
     */
    void drainAndCount() throws InterruptedException {
        progress.phase("drain");
        boolean acked = run.framing.acknowledged();
        long drainNanos = options.drain.toNanos();
        long end = System.nanoTime() + drainNanos;
        long latest = end + options.recoveryTimeout.toNanos();
        Ledger.Shortfall shortfall = run.ledger.shortfall(acked);
        // Done when every owed delivery arrived and (with ACKs) every sent message was acknowledged;
        // one whose connection died before its ACK keeps the drain going to its end.
        while (shortfall.lost() > 0 || shortfall.unacknowledged() > 0 || shortfall.ackPending() > 0) {
            long now = System.nanoTime();
            if (run.receipts && run.dropPolicy().comingBack() > 0) {
                end = Math.min(Math.max(end, now + drainNanos), latest);
            }
            if (now - end >= 0) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100);
            shortfall = run.ledger.shortfall(acked);
        }
        run.metrics.add(Count.RECEIVED, shortfall.received());
        run.metrics.add(Count.LOST, shortfall.lost());
        run.metrics.add(Count.CARBONS_RECEIVED, shortfall.carbonsReceived());
        run.metrics.add(Count.CARBONS_LOST, shortfall.carbonsLost());
        run.metrics.add(Count.UNACKNOWLEDGED, shortfall.unacknowledged());
    }

    void fail(String why) {
        failures.add(why);
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
