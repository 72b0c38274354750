package io.loomchat.cluster;

import static io.loomchat.cluster.RedisKeys.bytes;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Renews this server's lease every heartbeat, on a platform thread and a Redis connection of
 * its own. The lease is how the other servers know this one is alive, so nothing else this
 * server is busy with may delay it: not the {@link Housekeeper} cleaning up after a dead server,
 * not a connection pool emptied by a login storm, not thousands of runnable virtual threads
 * queued ahead of it on the carriers.
 *
 * <p>Found in a failover test with 6,000 clients (loadtest/results/2026-11-27-failover.md):
 * the lease was renewed by the housekeeper between its other jobs, and reaping the killed
 * server (4,500 users marked offline while the logins of those users held every database
 * connection) kept it busy past the lease's 5 s. Each survivor then took the other for dead,
 * reaped it, and threw its users out.
 */
final class LeaseKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final ClusterConfig config;
    private final RedisMaster master;
    private final RedisKeys keys;
    private final String incarnation;
    /** Told when a renewal found the lease gone: Redis restarted, or we were taken for dead. */
    private final Runnable lapsed;
    /**
     * Told of each renewal's outcome. Every server renews every heartbeat, so every server sees a
     * stall of Redis as long as a timeout, even one with no traffic of its own: its users'
     * confirmations in such a moment must know (see {@link Cluster#confirmationsInDoubt}).
     */
    private final Outage outage;
    private volatile boolean stopping;
    /** When the last successful renewal was sent (System.nanoTime): the lease lasts at least its TTL from then. */
    private volatile long renewedAtNanos = System.nanoTime();
    private Thread thread;
    private Jedis jedis;
    private HostAndPort connectedTo;
    /** When {@link #jedis} was opened (System.nanoTime). */
    private long connectedAtNanos;

    LeaseKeeper(ClusterConfig config, RedisMaster master, RedisKeys keys, String incarnation, Runnable lapsed,
                Outage outage) {
        this.config = config;
        this.master = master;
        this.keys = keys;
        this.incarnation = incarnation;
        this.lapsed = lapsed;
        this.outage = outage;
    }

    /** Renews once on the caller's thread, before {@link #start}; throws when Redis cannot be reached. */
    void renewNow() {
        renew(false); // the first lease of this run: there was none to lapse
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name("loomchat-cluster-lease").start(this::run);
    }

    private void run() {
        while (!stopping) {
            renewReportingOutcome();
            try {
                TimeUnit.MILLISECONDS.sleep(config.heartbeat().toMillis());
            } catch (InterruptedException e) {
                break;
            }
        }
        closeConnection();
    }

    /**
     * One renewal, told to {@link #outage}. A connection that Redis's restart broke fails once;
     * the renewal is then tried again at once on a new one, since the lease must not wait a
     * heartbeat longer (renewing twice is the same as once).
     */
    private void renewReportingOutcome() {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                renew(true);
                outage.succeeded();
                return;
            } catch (JedisException e) {
                LOG.debug("lease not renewed: {}", e.getMessage());
                // connectedAtNanos: of the connection that failed (renew opens one when there is none)
                boolean outageNow = outage.failed(e, connectedAtNanos);
                closeConnection();
                if (outageNow) {
                    return;
                }
            }
        }
    }

    /**
     * Whether the lease may have run out: no renewal for longer than its TTL less one heartbeat
     * (renewals come every heartbeat, so a healthy server is never near this). True from the
     * first moment a paused server runs again, before this thread has had a chance to renew.
     */
    boolean overdue() {
        return System.nanoTime() - renewedAtNanos > config.leaseTtl().minus(config.heartbeat()).toNanos();
    }

    /** Renews the lease; false when it had lapsed before this renewal, which is then reported first if asked. */
    private boolean renew(boolean reportLapse) {
        long sentAt = System.nanoTime();
        HostAndPort current = master.current();
        if (jedis != null && !current.equals(connectedTo)) {
            closeConnection(); // a failover moved the master: renew on the new one
        }
        if (jedis == null) {
            connectedAtNanos = System.nanoTime();
            jedis = new Jedis(current, config.clientConfig("loomchat-lease-" + config.nodeName()));
            connectedTo = current;
        }
        Object renewed = RedisScripts.RENEW_LEASE.run(jedis,
                List.of(bytes(keys.lease(keys.me())), bytes(keys.nodes())),
                List.of(bytes(incarnation), bytes(Long.toString(config.leaseTtl().toMillis())), bytes(keys.me())));
        boolean wasAlive = Long.valueOf(1).equals(renewed);
        if (!wasAlive && reportLapse) {
            lapsed.run(); // before the renewal counts: the doubt must not lift until the rebuild settles it
        }
        renewedAtNanos = sentAt;
        return wasAlive;
    }

    private void closeConnection() {
        jedis = Background.close(jedis);
    }

    /** Stops renewing; the caller then deletes the lease (a clean stop) or lets it lapse. */
    void stop() {
        stopping = true;
        Background.stop(thread, config.heartbeat().multipliedBy(5));
    }
}
