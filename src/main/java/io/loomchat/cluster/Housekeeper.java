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
    /** Until when (System.nanoTime) no server is taken for dead, after an outage; 0 for none. */
    private volatile long reapingHeldUntilNanos;
    /** How long the other servers may need to renew their leases once Redis is back. */
    private final Duration reapingGrace;
    private volatile boolean stopping;
    private Thread thread;

    Housekeeper(Membership membership, Duration heartbeat, Duration leaseTtl, Runnable followMaster) {
        this.membership = membership;
        this.followMaster = followMaster;
        this.heartbeat = heartbeat;
        this.reapingGrace = leaseTtl.plus(heartbeat);
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
     * Redis is back after an outage. Two things follow:
     * <ul>
     *   <li>One heartbeat from now, what was stored meanwhile for this server's sessions is
     *       pushed to them ({@link Membership#pushStoredMeanwhile}); the heartbeat lets the
     *       senders' stores of the outage's last moments land first.</li>
     *   <li>For one lease, no other server is taken for dead. The outage kept every server from
     *       renewing, so all their leases may have lapsed (a Sentinel failover takes longer than a
     *       lease); the first server back would otherwise reap the others, alive, and close all
     *       their sessions (seen in the chaos runs, 2026-12-07).</li>
     * </ul>
     */
    void redisBack() {
        long now = System.nanoTime();
        storedPushDueNanos = Math.max(1, now + heartbeat.toNanos());
        reapingHeldUntilNanos = Math.max(1, now + reapingGrace.toNanos());
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
        long heldUntil = reapingHeldUntilNanos;
        if (heldUntil == 0 || System.nanoTime() - heldUntil >= 0) {
            membership.reapDeadServers();
        }
    }

    void stop() {
        stopping = true;
        Background.stop(thread, heartbeat.multipliedBy(5));
    }
}
