package io.loomchat.loadtest.sim;

import io.loomchat.loadtest.report.Metrics;
import io.loomchat.loadtest.wire.Frame;
import io.loomchat.loadtest.wire.LoadConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Creates the run's users: registers them through the protocol, then logs them in at the ramp rate. */
public final class Population {

    private Population() {
    }

    /** Users numbered {@code first..first+count-1}, registered over --concurrency setup connections. */
    public static List<SimUser> register(RunContext run, int first, int count) throws IOException, InterruptedException {
        List<SimUser> users = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            users.add(new SimUser(run, first + i));
        }
        int workers = Math.min(run.options.concurrency, count);
        List<Future<Void>> parts = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < workers; w++) {
                int worker = w;
                parts.add(pool.submit(() -> {
                    SetupListener listener = new SetupListener(run.metrics);
                    try (LoadConnection setup = run.transport.open(users.get(worker).target(),
                            run.plan.sourceOf(worker), run.framing, listener, run.options.clientTls())) {
                        for (int i = worker; i < count; i += workers) {
                            users.get(i).register(setup);
                        }
                    }
                    return null;
                }));
            }
        }
        awaitAll(parts, "registration");
        return users;
    }

    /**
     * Logs every user in, --concurrency at a time, starting at most --ramp per second. A refused
     * or failed login is counted and the user stays offline; the run goes on with the others.
     */
    static void loginAll(RunContext run, List<SimUser> users) throws InterruptedException {
        loginAll(run, users, 0);
    }

    /**
     * As {@link #loginAll(RunContext, List)}, but a device whose login timed out or was refused
     * as busy (errno 10) or as still logged in (errno 2: the server has not yet seen the timed-out
     * attempt's connection close) is tried again, after a growing pause, for up to
     * {@code patienceNanos} from the start, as a real client would. A storm of thousands of
     * first logins on a small cluster fails some of them for a while (a login waits for one of a
     * few database connections); a scenario that must start with every client in (failover)
     * would otherwise run with a few hundred missing.
     */
    public static void loginAll(RunContext run, List<SimUser> users, long patienceNanos) throws InterruptedException {
        Semaphore inFlight = new Semaphore(run.options.concurrency);
        long start = System.nanoTime();
        long gapNanos = run.options.rampPerSecond > 0 ? 1_000_000_000L / run.options.rampPerSecond : 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < users.size(); i++) {
                long due = start + i * gapNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                inFlight.acquire();
                SimUser user = users.get(i);
                long giveUpAt = start + patienceNanos;
                pool.submit(() -> {
                    try {
                        if (patienceNanos <= 0) {
                            user.login();
                        } else {
                            for (SimDevice device : user.devices()) {
                                loginPatiently(run, device, giveUpAt);
                            }
                        }
                    } catch (IOException e) {
                        run.metrics.error(user + ": login failed: " + e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
    }

    /** One device's login, tried again until {@code giveUpAt} when it failed for a reason that passes. */
    private static void loginPatiently(RunContext run, SimDevice device, long giveUpAt) throws IOException, InterruptedException {
        long pause = Reconnector.FIRST_PAUSE_MILLIS;
        while (true) {
            try {
                device.login(device.target(), run.framing);
                return;
            } catch (LoginRefusedException e) {
                if (!e.passesLater() || System.nanoTime() >= giveUpAt) {
                    throw e;
                }
            } catch (IOException e) {
                if (System.nanoTime() >= giveUpAt) {
                    throw e;
                }
            }
            TimeUnit.MILLISECONDS.sleep(pause); // every failure is counted (LOGIN_FAILURES) by the device
            pause = Math.min(pause * 2, Reconnector.LONGEST_PAUSE_MILLIS);
        }
    }

    /** Logs every user out and closes its connection, without counting the closes as drops. */
    public static void closeAll(RunContext run, List<SimUser> users) {
        run.stopping();
        users.forEach(SimUser::close);
    }

    private static void awaitAll(List<Future<Void>> parts, String what) throws IOException, InterruptedException {
        for (Future<Void> part : parts) {
            try {
                part.get();
            } catch (ExecutionException e) {
                throw new IOException(what + " failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    /** The listener of setup connections: replies go to call(); anything else is an error. */
    static final class SetupListener implements LoadConnection.Listener {
        private final Metrics metrics;

        SetupListener(Metrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void onFrame(LoadConnection connection, Frame frame) {
            if (frame.msgid != 5 && frame.msgid != 2 && frame.msgid != 11 && frame.msgid != 14) {
                metrics.error("setup connection: unexpected frame " + frame);
            }
        }

        @Override
        public void onDropped(LoadConnection connection, Exception cause) {
            metrics.error("setup connection dropped: " + cause);
        }
    }
}
