package io.loomchat.cluster;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The cluster's background work, on one named virtual thread: every heartbeat it rebuilds this
 * server's claims when Redis lost them, and cleans up after servers whose lease has lapsed.
 * (The lease itself is renewed by the {@link LeaseKeeper}, which none of this may delay.)
 * Failures while Redis is down are expected and quiet (the {@link Outage} logs the outage
 * once); the next heartbeat tries again.
 */
final class Housekeeper {

    private static final Logger LOG = LoggerFactory.getLogger(Housekeeper.class);

    private final Membership membership;
    private final Duration heartbeat;
    /** Run every heartbeat, first: moves the subscription to a new master if one was named. */
    private final Runnable followMaster;
    private final Semaphore wake = new Semaphore(0);
    /** Rebuilds asked for, and done, so far: one asked during a rebuild is not lost. */
    private final AtomicLong rebuildsAsked = new AtomicLong();
    private volatile long rebuildsDone;
    /** When to push what was stored during an outage (System.nanoTime), or 0 for no push due. */
    private volatile long storedPushDueNanos;
    private volatile boolean stopping;
    private Thread thread;

    Housekeeper(Membership membership, Duration heartbeat, Runnable followMaster) {
        this.membership = membership;
        this.followMaster = followMaster;
        this.heartbeat = heartbeat;
    }

    void start() {
        thread = Thread.ofVirtual().name("loomchat-cluster-housekeeper").start(this::run);
    }

    /** Whether a rebuild was asked for and has not been done since. */
    boolean rebuildPending() {
        return rebuildsAsked.get() > rebuildsDone;
    }

    /** Asks for a rebuild of this server's claims at once rather than at the next heartbeat. */
    void rebuildSoon() {
        rebuildsAsked.incrementAndGet();
        wake.release();
    }

    /**
     * Redis is back after an outage: one heartbeat from now, push to this server's sessions what
     * was stored for them meanwhile ({@link Membership#pushStoredMeanwhile}). The heartbeat lets
     * the senders' stores of the outage's last moments land first.
     */
    void redisBack() {
        storedPushDueNanos = Math.max(1, System.nanoTime() + heartbeat.toNanos());
    }

    private void run() {
        while (!stopping) {
            try {
                tick();
            } catch (JedisException e) {
                LOG.debug("cluster housekeeping postponed: {}", e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("cluster housekeeping failed; trying again in {} ms", heartbeat.toMillis(), e);
            }
            try {
                wake.tryAcquire(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    private void tick() {
        followMaster.run();
        long asked = rebuildsAsked.get();
        if (asked > rebuildsDone) {
            membership.rebuild(); // on failure, asked stays ahead and the next heartbeat tries again
            rebuildsDone = asked;
        }
        long pushDue = storedPushDueNanos;
        if (pushDue != 0 && System.nanoTime() - pushDue >= 0) {
            storedPushDueNanos = 0;
            membership.pushStoredMeanwhile();
        }
        membership.reapDeadServers();
    }

    void stop() {
        stopping = true;
        Background.stop(thread, heartbeat.multipliedBy(5));
    }
}
