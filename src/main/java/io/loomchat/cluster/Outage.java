package io.loomchat.cluster;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis answers, seen by every caller at once. An outage is logged once when it starts
 * and once when it ends, never per message; while it lasts, only one caller in each
 * {@link #PROBE_INTERVAL_MILLIS} tries Redis, and the others go straight to their fallback
 * (the offline store) instead of each waiting for a connect timeout.
 */
final class Outage {

    private static final Logger LOG = LoggerFactory.getLogger(Outage.class);
    static final long PROBE_INTERVAL_MILLIS = 250;

    private final String redisAddress;
    /** Told once each outage ends. */
    private final Runnable back;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong lastProbe = new AtomicLong();
    private volatile long downSince;
    /** When the last outage ended (System.nanoTime); meaningful once one has ended. */
    private volatile long endedAtNanos;
    private volatile boolean everEnded;

    Outage(String redisAddress, Runnable back) {
        this.redisAddress = redisAddress;
        this.back = back;
    }

    /** True when a caller should try Redis now: it is up, or it is this caller's turn to probe. */
    boolean shouldTry() {
        if (!down.get()) {
            return true;
        }
        long now = System.currentTimeMillis();
        long last = lastProbe.get();
        return now - last >= PROBE_INTERVAL_MILLIS && lastProbe.compareAndSet(last, now);
    }

    boolean isDown() {
        return down.get();
    }

    /**
     * A command failed on a connection opened at {@code connectedAtNanos} (System.nanoTime).
     * When that was before Redis was last seen coming back, the failure is news about that
     * connection only: a Redis restart breaks every connection open at the time, and each holder
     * of its own connection (the lease keeper, the script pipelines) finds out at its next use,
     * which can be seconds after other connections have shown Redis up again. Taken for a new
     * outage, it sent every forward to the offline store for a probe interval while Redis was
     * answering (RedisOutageEndToEndTest failed so, 4 runs in 6 on a slow box). Returns whether
     * it counted as an outage; the caller reconnects either way.
     */
    boolean failed(RuntimeException cause, long connectedAtNanos) {
        if (!down.get() && everEnded && connectedAtNanos - endedAtNanos < 0) {
            LOG.debug("a Redis connection opened before Redis came back failed: {}", cause.getMessage());
            return false;
        }
        failed(cause);
        return true;
    }

    void failed(RuntimeException cause) {
        if (down.compareAndSet(false, true)) {
            downSince = System.currentTimeMillis();
            lastProbe.set(downSince);
            LOG.warn("Redis at {} is unreachable ({}): logins wait, messages for users of other servers go "
                    + "to the offline store until it is back", redisAddress, cause.getMessage());
        }
    }

    /**
     * Whether Redis is down now or came back less than {@code window} ago. Set before the outage
     * counts as over, so a caller that sees Redis up also sees when it came back.
     */
    boolean downOrBackWithin(java.time.Duration window) {
        return down.get() || everEnded && System.nanoTime() - endedAtNanos < window.toNanos();
    }

    void succeeded() {
        if (down.get()) {
            endedAtNanos = System.nanoTime();
            everEnded = true;
        }
        if (down.get() && down.compareAndSet(true, false)) {
            LOG.info("Redis at {} is back after {} ms", redisAddress, System.currentTimeMillis() - downSince);
            back.run();
        }
    }
}
