package io.loomchat.loadtest.sim;

import io.loomchat.loadtest.report.Latency;
import io.loomchat.loadtest.report.Metrics;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Failover: from the kill until each dropped client is back; a client is one device session.
 * A chatting client is back when a message it sent after logging in again reaches a device (one
 * of its partner's, or with --devices above 1 a carbon on one of its own user's others); an idle
 * one when it is logged in again. Also tells which clients the kill never dropped, whose chat
 * shows what the failover costs everyone else.
 */
public final class RecoveryWatch {

    private final Metrics metrics;
    private final Set<SimDevice> waiting = ConcurrentHashMap.newKeySet();
    private final Set<SimDevice> everDropped = ConcurrentHashMap.newKeySet();
    private final Set<SimDevice> idle;
    private volatile long killNanos;
    private final LongAccumulator lastRecoveryNanos = new LongAccumulator(Math::max, 0);

    /** {@code idle}: the clients that only hold their connection, back as soon as they log in again. */
    public RecoveryWatch(Metrics metrics, Collection<SimDevice> idle) {
        this.metrics = metrics;
        this.idle = Set.copyOf(idle);
    }

    public void killed(long nanos) {
        killNanos = nanos;
    }

    long killNanos() {
        return killNanos;
    }

    void dropped(SimDevice device) {
        everDropped.add(device);
        waiting.add(device);
    }

    void loggedInAgain(SimDevice device, long now) {
        if (idle.contains(device) && waiting.remove(device)) {
            back(now);
        }
    }

    /**
     * A first delivery of a message the device {@code sender} sent at {@code sentAt} to the device
     * {@code recipient} (a carbon's recipient is another device of the sender's user).
     */
    void delivered(SimDevice sender, SimDevice recipient, long sentAt, long now) {
        long relogged = sender.reloggedAtNanos();
        if (relogged != 0 && sentAt >= relogged && waiting.remove(sender)) {
            back(now);
        }
        if (!everDropped.contains(sender) && !everDropped.contains(recipient)) {
            metrics.record(Latency.UNDISTURBED, now - sentAt);
        }
    }

    private void back(long now) {
        metrics.record(Latency.RECOVERY, now - killNanos);
        lastRecoveryNanos.accumulate(now);
    }

    public int waiting() {
        return waiting.size();
    }

    /** Waits until nobody is waiting or the timeout passes; true when everyone is back. */
    public boolean awaitAll(long timeoutNanos) throws InterruptedException {
        long end = System.nanoTime() + timeoutNanos;
        while (!waiting.isEmpty() && System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return waiting.isEmpty();
    }

    /** Kill to the last client back, in nanoseconds (0 when nobody dropped). */
    public long allBackNanos() {
        long last = lastRecoveryNanos.get();
        return last == 0 ? 0 : last - killNanos;
    }
}
