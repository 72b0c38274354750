package io.loomchat.cluster;

import static io.loomchat.cluster.RedisKeys.bytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The copies of messages delivered to receipts sessions, kept in Redis: a hash per user,
 * {@code inbox:{id}}, mid -> frame, written while the user's session is a receipts session of
 * the server that claimed it ({@code receipts:{id}} names that server).
 *
 * <p><b>Why Redis, and why in the routing script.</b> The copy must exist before the sender is
 * told "online", and must outlive the server holding the session. The candidates, measured on
 * this machine (loadtest/results/2026-12-03-receipts.md):
 * <ul>
 *   <li>the offline store written before every delivery and deleted on RECEIPT: an INSERT and a
 *       DELETE in MariaDB per message; the store takes about 3,500 inserts a second here
 *       (2026-11-27-offline-store.md) against 50,000 and more messages a second on the hot path,
 *       so it would cap throughput at a few percent of today's;</li>
 *   <li>a copy in Redis written by the {@link RedisScripts#FORWARD} script that already reads the
 *       directory and publishes: for a message to another server, one HSET more inside a script
 *       Redis runs anyway, no extra round trip; for a message to a session on the sender's own
 *       server, one {@link RedisScripts#KEEP} script in the pipeline the forwards use;</li>
 *   <li>memory only: free, but gone with the server, which is the failure this exists for.</li>
 * </ul>
 * Redis it is, with the session's memory as the working copy (it decides what is unconfirmed at
 * a clean end) and the offline store for everything after the session: when a session ends, its
 * server takes the copies ({@link RedisScripts#TAKE}: no new copy is kept from then on) and puts
 * them back in the offline store; when a server dies, the server that cleans up after it does the
 * same before it frees the dead server's users to log in elsewhere. So copies live in Redis only
 * while a session does, and the offline store holds everything else.
 *
 * <p><b>Persistence.</b> The copies are acknowledged messages, so Redis must run with its
 * append-only file ({@code appendonly yes}): Redis writes the file before it answers, so a killed
 * Redis process loses nothing it acknowledged; {@code appendfsync everysec} (the default) may
 * lose up to a second if the machine itself loses power ({@code always} closes that, at a cost).
 * A Redis that comes back empty has lost the copies: messages of live sessions are still in
 * their servers' memory, and only a server death during that window would lose them.
 *
 * <p><b>Redis unreachable.</b> {@link #keep} reports every user as not kept, so the caller stores
 * the message in the offline store and pushes it from there (durable, slower, only while Redis is
 * away). A failed {@link #confirmed} (Redis away, or the erasure reached no replica in time, see
 * {@link ReplicaAcks}) is remembered by the session, which erases those copies again with its
 * next receipt and answers this one with errno 10. A message published while Redis restarted may have reached its copy but not its
 * server: once Redis is back, each server hands its receipts sessions the copies they miss
 * ({@link Cluster.Listener#missed}).
 */
final class RedisInbox implements Inbox {

    private static final Logger LOG = LoggerFactory.getLogger(RedisInbox.class);

    private final RedisKeys keys;
    private final ScriptPipeline pipeline;
    private final ScriptPipeline confirmations;
    private final ReplicaAcks replicaAcks;
    private final Membership.Commands commands;
    private final byte[] me;
    /**
     * Users whose claim found copies of an earlier session waiting ({@link RedisScripts#CLAIM}
     * says so), until their login has taken them: every other login skips the look-up.
     */
    private final Set<Integer> leftoversWaiting = ConcurrentHashMap.newKeySet();

    RedisInbox(RedisKeys keys, ScriptPipeline pipeline, ScriptPipeline confirmations, ReplicaAcks replicaAcks,
               Membership.Commands commands) {
        this.keys = keys;
        this.pipeline = pipeline;
        this.confirmations = confirmations;
        this.replicaAcks = replicaAcks;
        this.commands = commands;
        this.me = bytes(keys.me());
    }

    @Override
    public List<Integer> keep(long mid, byte[] frame, List<Integer> userIds) {
        List<byte[]> userKeys = new ArrayList<>(userIds.size() * 2);
        for (int id : userIds) {
            userKeys.add(bytes(keys.receipts(id)));
        }
        for (int id : userIds) {
            userKeys.add(bytes(keys.inbox(id)));
        }
        List<?> kept;
        try {
            kept = (List<?>) pipeline.run(RedisScripts.KEEP, userKeys,
                    List.of(me, bytes(Long.toString(mid)), frame, bytes(Integer.toString(userIds.size()))));
        } catch (JedisException e) {
            LOG.debug("message {} could not be kept in Redis ({}); it goes through the offline store", mid, e.getMessage());
            return userIds;
        }
        List<Integer> notKept = null;
        for (int i = 0; i < userIds.size(); i++) {
            if (!Long.valueOf(1).equals(kept.get(i))) {
                if (notKept == null) {
                    notKept = new ArrayList<>();
                }
                notKept.add(userIds.get(i));
            }
        }
        return notKept == null ? List.of() : notKept;
    }

    @Override
    public boolean confirmed(int userId, List<Long> mids) {
        if (mids.isEmpty()) {
            return true;
        }
        List<byte[]> args = new ArrayList<>(mids.size());
        mids.forEach(mid -> args.add(bytes(Long.toString(mid))));
        try {
            confirmations.run(RedisScripts.CONFIRM, List.of(bytes(keys.inbox(userId))), args);
            return true;
        } catch (JedisException e) {
            LOG.debug("user {} confirmed {} messages, but the copies are not erased for sure yet: {}", userId, mids.size(),
                    e.getMessage());
            return false;
        }
    }

    /**
     * The copies kept now for these users' sessions, those with none left out (to hand over what
     * they missed, see {@link Cluster.Listener#missed}). One pipelined round trip per
     * {@link RedisCluster#CHUNK} users: a server may hold 19,000 receipts sessions, and this
     * runs on the housekeeper, which must get back to reaping dead servers.
     */
    Map<Integer, List<Copy>> keptFor(List<Integer> userIds) {
        Map<Integer, List<Copy>> kept = new HashMap<>();
        for (int from = 0; from < userIds.size(); from += RedisCluster.CHUNK) {
            List<Integer> chunk = userIds.subList(from, Math.min(userIds.size(), from + RedisCluster.CHUNK));
            List<Map<byte[], byte[]>> replies = commands.run(jedis -> {
                Pipeline pipeline = jedis.pipelined();
                List<Response<Map<byte[], byte[]>>> responses = new ArrayList<>(chunk.size());
                chunk.forEach(id -> responses.add(pipeline.hgetAll(bytes(keys.inbox(id)))));
                pipeline.sync();
                return responses.stream().map(Response::get).toList();
            });
            for (int i = 0; i < chunk.size(); i++) {
                if (!replies.get(i).isEmpty()) {
                    kept.put(chunk.get(i), copiesOf(replies.get(i)));
                }
            }
        }
        return kept;
    }

    @Override
    public List<Copy> take(int userId) {
        return takeAll(keys.me(), List.of(userId)).get(0);
    }

    /**
     * Ends the keeping of copies for sessions of {@code node} and returns, per user, what was kept
     * (see {@link RedisScripts#TAKE}); the copies stay in the leftovers until {@link #forget}.
     */
    List<List<Copy>> takeAll(String node, List<Integer> userIds) {
        List<byte[]> userKeys = new ArrayList<>(userIds.size() * 3);
        for (int id : userIds) {
            userKeys.add(bytes(keys.receipts(id)));
            userKeys.add(bytes(keys.inbox(id)));
            userKeys.add(bytes(keys.leftover(id)));
        }
        List<?> replies = commands.run(jedis -> {
            List<?> taken = (List<?>) RedisScripts.TAKE.run(jedis, userKeys, List.of(bytes(node)));
            awaitReplica(jedis, "the taking of the copies of " + userIds.size() + " sessions");
            return taken;
        });
        List<List<Copy>> result = new ArrayList<>(replies.size());
        for (Object reply : replies) {
            result.add(copies((List<?>) reply));
        }
        return result;
    }

    /** The claim of this user found leftovers. */
    void leftoversWait(int userId) {
        leftoversWaiting.add(userId);
    }

    @Override
    public List<Copy> leftovers(int userId) {
        if (!leftoversWaiting.remove(userId)) {
            return List.of(); // the claim found none: no round trip for the common case
        }
        return copiesOf(commands.run(jedis -> jedis.hgetAll(bytes(keys.leftover(userId)))));
    }

    private static List<Copy> copiesOf(Map<byte[], byte[]> fields) {
        List<Copy> copies = new ArrayList<>(fields.size());
        fields.forEach((mid, frame) -> copies.add(
                new Copy(Long.parseLong(new String(mid, StandardCharsets.US_ASCII)), Envelope.frameFrom(frame, 0))));
        copies.sort(java.util.Comparator.comparingLong(Copy::mid));
        return copies;
    }

    @Override
    public void forget(int userId) {
        commands.run(jedis -> {
            jedis.del(keys.leftover(userId));
            awaitReplica(jedis, "the forgetting of user " + userId + "'s leftovers");
            return null;
        });
    }

    /** Forgets the leftovers of many users, once they are in the offline store. */
    void forgetAll(List<Integer> userIds) {
        if (userIds.isEmpty()) {
            return;
        }
        String[] names = userIds.stream().map(keys::leftover).toArray(String[]::new);
        commands.run(jedis -> {
            jedis.del(names);
            awaitReplica(jedis, "the forgetting of " + names.length + " users' leftovers");
            return null;
        });
    }

    /**
     * Takes and forgets end the keeping of copies that are in the offline store by now: undone
     * by a failover, they would be put back a second time, after the user may have confirmed
     * the first. They run once per ended session, so they wait for the replica one by one.
     */
    private void awaitReplica(Jedis jedis, String what) {
        if (!replicaAcks.awaitReplica(jedis)) {
            LOG.warn("{} reached no replica within {} ms: a failover now would bring those copies back once more",
                    what, ReplicaAcks.ACK_TIMEOUT.toMillis());
        }
    }

    /** mid, frame, mid, frame... as HGETALL returns them inside a script. */
    private static List<Copy> copies(List<?> flat) {
        List<Copy> copies = new ArrayList<>(flat.size() / 2);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            long mid = Long.parseLong(new String((byte[]) flat.get(i), StandardCharsets.US_ASCII));
            copies.add(new Copy(mid, Envelope.frameFrom((byte[]) flat.get(i + 1), 0)));
        }
        return copies;
    }
}
