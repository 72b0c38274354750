package io.loomchat.service;

import io.loomchat.protocol.Errno;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Lets at most {@link #PER_CONNECTION} logins and sign-outs per database connection work at
 * once; the others wait here, first come first served. A login waits for up to
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
    /**
     * A login holds a database connection for only part of its time (it also hashes, asks Redis
     * and waits for a core), so one login per connection leaves the pool idle part of the time.
     * With four, the pool's own queue stays a few deep, far from its 5 s timeout; in the
     * 19,000-client failover the first logins took 38.5 s instead of 46.7 s and the relogins
     * 36.1 s instead of 42.5 s (one run each, loadtest/results/2026-11-27-failover.md).
     */
    static final int PER_CONNECTION = 4;
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
