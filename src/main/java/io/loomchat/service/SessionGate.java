package io.loomchat.service;

import io.loomchat.protocol.Errno;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Lets at most as many logins and sign-outs work at once as the database pool has connections;
 * the others wait here, first come first served. A login waits for up to
 * {@link #MAX_LOGIN_WAIT_SECONDS} s, then gets errno 10 with a {@code retry_after}; a sign-out
 * waits as long as it takes, since a user left marked online would look online to friends.
 *
 * <p>Why: after a server dies, all its users log in again on the others at once. Without the
 * gate each of thousands of logins took a place in the pool's queue, most waited past the pool's
 * 5 s timeout after doing part of their work, failed, and came back: the survivors spent the
 * storm on work they threw away, and chat needing the database (messages for the users still
 * away) starved behind them (loadtest/results/2026-11-27-failover.md). Waiting here costs a
 * parked virtual thread; the work, once let in, runs without queueing for connections. The
 * clients of a killed server also disconnected at once at the end of that run, and the sign-outs
 * then timed out in the pool in the same way.
 */
final class SessionGate {

    static final int MAX_LOGIN_WAIT_SECONDS = 20;
    private static final long RETRY_AFTER_MILLIS = 1_000;

    private final Semaphore permits;

    SessionGate(int concurrent) {
        if (concurrent < 1) {
            throw new IllegalArgumentException("at least one login must be let in, not " + concurrent);
        }
        this.permits = new Semaphore(concurrent, true);
    }

    /** Runs {@code login} once let in; errno 10 if that takes too long. */
    void login(Runnable login) {
        boolean entered;
        try {
            entered = permits.tryAcquire(MAX_LOGIN_WAIT_SECONDS, TimeUnit.SECONDS);
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

    /** Runs {@code signOut} once let in, however long that takes. */
    void signOut(Runnable signOut) {
        permits.acquireUninterruptibly();
        try {
            signOut.run();
        } finally {
            permits.release();
        }
    }

    /** Logins and sign-outs waiting to be let in (for the metrics). */
    int waiting() {
        return permits.getQueueLength();
    }
}
