package io.loomchat.service;

import io.loomchat.protocol.Errno;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Lets at most as many logins work at once as the database pool has connections; the others
 * wait here, first come first served, for up to {@link #MAX_WAIT_SECONDS} s, then get errno 10
 * with a {@code retry_after}.
 *
 * <p>Why: after a server dies, all its users log in again on the others at once. Without the
 * gate each of thousands of logins took a place in the pool's queue, most waited past the pool's
 * 5 s timeout after doing part of their work, failed, and came back: the survivors spent the
 * storm on work they threw away, and chat needing the database (messages for the users still
 * away) starved behind them (loadtest/results/2026-11-27-failover.md). Waiting here costs a
 * parked virtual thread; the work, once let in, runs without queueing for connections.
 */
final class LoginGate {

    static final int MAX_WAIT_SECONDS = 20;
    private static final long RETRY_AFTER_MILLIS = 1_000;

    private final Semaphore permits;

    LoginGate(int concurrentLogins) {
        if (concurrentLogins < 1) {
            throw new IllegalArgumentException("at least one login must be let in, not " + concurrentLogins);
        }
        this.permits = new Semaphore(concurrentLogins, true);
    }

    /** Runs {@code login} once let in; errno 10 if that takes too long. */
    void through(Runnable login) {
        boolean entered;
        try {
            entered = permits.tryAcquire(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(Errno.UNAVAILABLE, "interrupted while waiting to log in");
        }
        if (!entered) {
            throw new ServiceException(Errno.UNAVAILABLE,
                    "the server is busy with other logins, try again in a moment", RETRY_AFTER_MILLIS);
        }
        try {
            login.run();
        } finally {
            permits.release();
        }
    }

    /** Logins waiting to be let in (for the metrics). */
    int waiting() {
        return permits.getQueueLength();
    }
}
