package io.loomchat.server;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Closes connections whose reader has waited longer than the idle timeout for the next byte.
 *
 * <p>One named platform thread looks at every connection a few times per timeout, so a silent
 * connection is closed between one timeout and one timeout plus {@link #period} after its last
 * frame. Looking costs a volatile read per connection (about a millisecond for 100,000), far less
 * than a timer armed and cancelled on every read, which is what a socket read timeout costs.
 */
final class IdleSweeper implements Runnable {

    /** Sweeps per idle timeout: the closing is at most an eighth of the timeout late. */
    private static final int SWEEPS_PER_TIMEOUT = 8;
    private static final long MAX_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final long period;
    private final Collection<? extends IdleWatched> connections;
    private final Thread thread;
    private volatile boolean stopped;

    private IdleSweeper(Duration timeout, Collection<? extends IdleWatched> connections, String threadName) {
        this.period = Math.max(MIN_PERIOD_NANOS, Math.min(MAX_PERIOD_NANOS, timeout.toNanos() / SWEEPS_PER_TIMEOUT));
        this.connections = connections;
        this.thread = Thread.ofPlatform().name(threadName).daemon().unstarted(this);
    }

    /** Starts sweeping {@code connections}, a live view that the server keeps up to date. */
    static IdleSweeper start(Duration timeout, Collection<? extends IdleWatched> connections, String threadName) {
        IdleSweeper sweeper = new IdleSweeper(timeout, connections, threadName);
        sweeper.thread.start();
        return sweeper;
    }

    @Override
    public void run() {
        while (!stopped) {
            LockSupport.parkNanos(this, period);
            long now = System.nanoTime();
            for (IdleWatched connection : connections) {
                connection.sweep(now);
            }
        }
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }
}
