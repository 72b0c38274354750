package io.loomchat.loadtest.sim;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The drop policy of failover and mixed: a dropped client (one device session) logs in again,
 * with the same device id and its resume token, on the next target when its own is gone, with a
 * growing pause between attempts (as the console client does).
 */
public final class Reconnector implements RunContext.DropPolicy {

    /** The first pause before a login is tried again; it doubles up to the longest (also {@link Population}'s first logins). */
    static final long FIRST_PAUSE_MILLIS = 100;
    static final long LONGEST_PAUSE_MILLIS = 2_000;

    private final RunContext run;
    private final AtomicInteger reconnecting = new AtomicInteger();

    public Reconnector(RunContext run) {
        this.run = run;
    }

    @Override
    public void onDropped(SimDevice device, Exception cause) {
        RecoveryWatch recovery = run.recovery();
        if (recovery != null) {
            recovery.dropped(device);
        }
        reconnecting.incrementAndGet();
        Thread.ofVirtual().name("load-reconnect").start(() -> {
            try {
                reconnect(device);
            } finally {
                reconnecting.decrementAndGet();
            }
        });
    }

    /** Messages a receipts session left unconfirmed come again at its user's next login. */
    @Override
    public int comingBack() {
        return reconnecting.get();
    }

    private void reconnect(SimDevice device) {
        InetSocketAddress to = device.target();
        long pause = FIRST_PAUSE_MILLIS;
        try {
            while (!run.isStopping()) {
                TimeUnit.MILLISECONDS.sleep(pause);
                try {
                    device.loginAgain(to);
                    return;
                } catch (LoginRefusedException e) {
                    // errno 2: the dead server's session has not expired yet; errno 10: the server
                    // is busy (the others' relogins fill its login gate) or its database or Redis
                    // is away, and the protocol says to try again. Both: same target, after a pause.
                    // (Each still counts as a failed login.)
                    if (!e.passesLater()) {
                        run.metrics.error(device + ": login again refused: " + e.getMessage());
                    }
                } catch (IOException e) {
                    to = run.plan.after(to); // that server is gone: try the next one
                }
                pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
