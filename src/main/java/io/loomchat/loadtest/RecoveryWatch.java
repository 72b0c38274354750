package io.loomchat.loadtest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Failover: from the kill until each dropped client is logged in again and chatting, which is
 * the moment a message it sent after logging in again reaches its partner.
 */
final class RecoveryWatch {

    private final Metrics metrics;
    private final Set<SimUser> waiting = ConcurrentHashMap.newKeySet();
    private volatile long killNanos;
    private volatile long lastRecoveryNanos;

    RecoveryWatch(Metrics metrics) {
        this.metrics = metrics;
    }

    void killed(long nanos) {
        killNanos = nanos;
    }

    long killNanos() {
        return killNanos;
    }

    void dropped(SimUser user) {
        waiting.add(user);
    }

    void deliveredFrom(SimUser sender, long sentAt, long now) {
        long relogged = sender.reloggedAtNanos();
        if (relogged != 0 && sentAt >= relogged && waiting.remove(sender)) {
            metrics.record(Latency.RECOVERY, now - killNanos);
            lastRecoveryNanos = now;
        }
    }

    int waiting() {
        return waiting.size();
    }

    /** Waits until nobody is waiting or the timeout passes; true when everyone is back. */
    boolean awaitAll(long timeoutNanos) throws InterruptedException {
        long end = System.nanoTime() + timeoutNanos;
        while (!waiting.isEmpty() && System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return waiting.isEmpty();
    }

    /** Kill to the last client back, in nanoseconds (0 when nobody dropped). */
    long allBackNanos() {
        return lastRecoveryNanos == 0 ? 0 : lastRecoveryNanos - killNanos;
    }
}
