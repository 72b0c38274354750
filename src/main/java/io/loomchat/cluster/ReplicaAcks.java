package io.loomchat.cluster;

import java.time.Duration;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * Makes the writes that settle a confirmation (a copy erased by a RECEIPT, copies taken from
 * the inbox or forgotten once they are in the offline store) reach a replica before they are
 * counted as done, when the master has a replica.
 *
 * <p>Why: Redis replicates asynchronously. When Sentinel promotes a replica after the master's
 * death, the writes of the master's last moments may be missing there; an erasure that is
 * missing brings its copy back, and a message the user confirmed comes again at the next
 * hand-over or login (protocol 2.2 says it never does). In the chaos runs of
 * loadtest/results/2026-12-06-chaos.md that was every "confirmed, then delivered again", all
 * within a second of the failover. {@code WAIT 1} after those writes closes it: Sentinel promotes
 * the replica with the largest replication offset, which then holds them.
 *
 * <p>The count of replicas comes from {@code ROLE}, asked at most once a second: {@code WAIT}
 * on a master without a replica would wait out its whole timeout every time. Replicas are
 * counted only while connected, so a killed replica stops the waiting within a second; a
 * stalled one that is still connected costs each wait its timeout, and the write is then
 * reported as not settled (the caller keeps it to try again).
 */
final class ReplicaAcks {

    /**
     * How long one write waits for a replica. A replica on a healthy network answers within
     * milliseconds; this only bounds the wait behind a stalled one.
     */
    static final Duration ACK_TIMEOUT = Duration.ofMillis(500);
    /** How stale the count of replicas may be before it is asked again. */
    private static final long RECOUNT_NANOS = Duration.ofSeconds(1).toNanos();

    /** Replicas the master reported last; read by every thread that writes. */
    private volatile int replicas;
    /** When they were counted (System.nanoTime), or never (0). */
    private volatile long countedAtNanos;

    /**
     * Asks this connection's server for its replicas if the count is older than a second, or
     * {@code force} (a new connection: a failover may have moved the master).
     */
    void recount(Jedis jedis, boolean force) {
        long now = System.nanoTime();
        if (!force && countedAtNanos != 0 && now - countedAtNanos < RECOUNT_NANOS) {
            return;
        }
        replicas = connectedReplicas(jedis.role());
        countedAtNanos = now;
    }

    /**
     * Queues {@code WAIT 1} behind the writes already in the pipeline, or nothing when the
     * master has no replica; {@link #settled} reads its reply.
     */
    Response<Long> awaitAfter(Pipeline pipeline) {
        return replicas > 0 ? pipeline.waitReplicas(1, ACK_TIMEOUT.toMillis()) : null;
    }

    /** Whether the writes before the {@link #awaitAfter} wait reached a replica (or none was needed). */
    static boolean settled(Response<Long> wait) {
        return wait == null || wait.get() >= 1;
    }

    /**
     * Waits until this connection's writes so far reached a replica, when the master has one.
     * For writes on pooled connections (they are rare: one per ended session).
     */
    boolean awaitReplica(Jedis jedis) {
        recount(jedis, false);
        return replicas == 0 || jedis.waitReplicas(1, ACK_TIMEOUT.toMillis()) >= 1;
    }

    /**
     * A master's ROLE: "master", its offset, then one entry per connected replica; a replica's
     * ROLE starts with "slave" and has none of its own (writes to it fail anyway).
     */
    static int connectedReplicas(List<Object> role) {
        if (role.size() < 3 || !"master".equals(text(role.get(0))) || !(role.get(2) instanceof List<?> entries)) {
            return 0;
        }
        return entries.size();
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.US_ASCII) : String.valueOf(value);
    }
}
