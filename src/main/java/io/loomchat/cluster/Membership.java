package io.loomchat.cluster;

import static io.loomchat.cluster.RedisKeys.bytes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.SetParams;

/**
 * This server's place in the cluster, kept in Redis: its lease, the claims of the users it holds,
 * and the clean-up after servers that died. Runs at start-up, on the {@link Housekeeper}'s thread
 * every heartbeat, and at shutdown; the requests of users never wait for it (except a claim
 * during a rebuild after a Redis outage).
 */
final class Membership {

    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    private static final Duration REAPING_LOCK = Duration.ofSeconds(30);
    /**
     * How long the mark of a reaped server stays ({@link RedisKeys#reaped}): a server paused for
     * longer than that and then resumed stores its evicted sessions' messages again, so they may
     * come twice; never lost.
     */
    private static final Duration REAPED_MARK = Duration.ofHours(1);

    /** Runs a command on a pooled connection (see {@link RedisCluster#redis}). */
    interface Commands {
        <T> T run(Function<Jedis, T> command);
    }

    private final ClusterConfig config;
    private final RedisKeys keys;
    private final String incarnation;
    /** Claims and releases hold it shared; the rebuild after an outage holds it alone. */
    private final ReentrantReadWriteLock claimLock;
    private final Commands commands;
    /** Whether Redis was away lately: see {@link #reapDeadServers}. */
    private final Outage outage;
    private volatile Cluster.Listener listener;
    /** Set once, before {@link #start}. */
    private RedisInbox inbox;

    Membership(ClusterConfig config, RedisKeys keys, String incarnation, ReentrantReadWriteLock claimLock,
               Commands commands, Outage outage) {
        this.config = config;
        this.keys = keys;
        this.incarnation = incarnation;
        this.claimLock = claimLock;
        this.commands = commands;
        this.outage = outage;
    }

    /** Takes this server's place: what a killed previous run of it left behind is offline, nobody is here yet. */
    void start(Cluster.Listener newListener) {
        this.listener = newListener;
        awaitNoReaping();
        reap(config.nodeName());
        commands.run(jedis -> jedis.del(keys.reaped(keys.me()))); // this run's sessions are all to come
    }

    void inbox(RedisInbox kept) {
        this.inbox = kept;
    }

    Cluster.Listener listener() {
        return listener;
    }

    /** Gives up every claim, the user set, the place in {@code nodes} and the lease. */
    void leave() {
        commands.run(jedis -> {
            List<Mailbox> left = sessions(jedis.smembers(keys.usersOf(keys.me())));
            drop(jedis, keys.me(), left);
            jedis.del(keys.usersOf(keys.me()));
            jedis.srem(keys.nodes(), keys.me());
            if (incarnation.equals(jedis.get(keys.lease(keys.me())))) {
                jedis.del(keys.lease(keys.me()));
            }
            return null;
        });
    }

    /**
     * Cleans up after every server in the cluster whose lease has lapsed. The other servers'
     * leases are read with one MGET: every server runs this every second, and one EXISTS per
     * lease made the cluster's lease checks grow with the square of its size in commands.
     *
     * <p>Not within one lease after Redis was away from this server: the outage kept every server
     * from renewing (a Sentinel failover takes longer than a lease), so all leases may have
     * lapsed, and the first server back would reap the others alive and close all their sessions
     * (seen in the chaos runs of 2026-12-07). A server that really died meanwhile is reaped a
     * lease later.
     */
    void reapDeadServers() {
        List<String> dead = commands.run(jedis -> {
            List<String> others = new ArrayList<>(jedis.smembers(keys.nodes()));
            others.remove(keys.me());
            if (others.isEmpty()) {
                return List.<String>of();
            }
            List<String> leases = jedis.mget(others.stream().map(keys::lease).toArray(String[]::new));
            List<String> found = new ArrayList<>();
            for (int i = 0; i < others.size(); i++) {
                if (leases.get(i) == null) {
                    found.add(others.get(i));
                }
            }
            return found;
        });
        if (!dead.isEmpty() && outage.downOrBackWithin(config.leaseTtl().plus(config.heartbeat()))) {
            LOG.debug("not taking {} for dead yet: Redis was away lately, they may not have renewed since", dead);
            return;
        }
        for (String node : dead) {
            reap(node);
        }
    }

    /**
     * Marks a dead server's users offline and drops their claims, if no other server is doing
     * it already. The database is told before the claims go: a claim dropped first would let
     * the user log in elsewhere, and the late "offline" would overwrite that login's "online".
     */
    private void reap(String node) {
        String lock = keys.reaping(node);
        boolean locked = commands.run(jedis -> "OK".equals(jedis.set(lock, keys.me(),
                SetParams.setParams().nx().px(REAPING_LOCK.toMillis()))));
        if (!locked) {
            return;
        }
        try {
            List<Mailbox> sessions = commands.run(jedis -> sessions(jedis.smembers(keys.usersOf(node))));
            // Before the put-back: a server that was only paused must not find its copies gone and
            // take its sessions' unconfirmed messages for lost (set first, so a failure in between
            // can at worst deliver a message again, never lose one).
            commands.run(jedis -> jedis.set(keys.reaped(node), keys.me(), SetParams.setParams().px(REAPED_MARK.toMillis())));
            putBackUnconfirmed(node, sessions.stream().map(Mailbox::id).toList());
            List<Integer> lost = withoutSessionsElsewhere(node, sessions);
            if (!lost.isEmpty()) {
                listener.usersLost(lost);
            }
            commands.run(jedis -> {
                drop(jedis, node, sessions);
                jedis.del(keys.usersOf(node));
                if (!node.equals(keys.me())) {
                    jedis.srem(keys.nodes(), node);
                }
                return null;
            });
            if (!sessions.isEmpty() || !node.equals(keys.me())) {
                LOG.info("server {} is gone: its {} sessions are closed, {} users are offline and may log in elsewhere",
                        node, sessions.size(), lost.size());
            }
        } finally {
            commands.run(jedis -> jedis.del(lock));
        }
    }

    /**
     * The users of a dead server's sessions that have no session on any other server (protocol
     * 2.3: a user is online while any of their devices is). Pipelined, a round trip per chunk.
     */
    private List<Integer> withoutSessionsElsewhere(String node, List<Mailbox> sessions) {
        List<Integer> users = sessions.stream().map(Mailbox::userId).distinct().toList();
        List<Integer> lost = new ArrayList<>(users.size());
        for (int from = 0; from < users.size(); from += RedisCluster.CHUNK) {
            List<Integer> chunk = users.subList(from, Math.min(users.size(), from + RedisCluster.CHUNK));
            lost.addAll(commands.run(jedis -> {
                Pipeline pipeline = jedis.pipelined();
                List<Response<String>> holders = new ArrayList<>(chunk.size());
                List<Response<List<String>>> devices = new ArrayList<>(chunk.size());
                for (int id : chunk) {
                    holders.add(pipeline.get(keys.user(id)));
                    devices.add(pipeline.hvals(keys.devices(id)));
                }
                pipeline.sync();
                List<Integer> alone = new ArrayList<>();
                for (int i = 0; i < chunk.size(); i++) {
                    String holder = holders.get(i).get();
                    boolean elsewhere = holder != null && !holder.equals(node)
                            || devices.get(i).get().stream().anyMatch(server -> !server.equals(node));
                    if (!elsewhere) {
                        alone.add(chunk.get(i));
                    }
                }
                return alone;
            }));
        }
        return lost;
    }

    /**
     * The dead server's receipts sessions had unconfirmed messages: stop keeping copies for them,
     * and store the copies for the users' next login, before their claims go (protocol 2.2: an
     * acknowledged message survives the death of the server holding its recipient). A failure
     * leaves the copies in Redis and the claims in place; the next heartbeat tries again.
     */
    private void putBackUnconfirmed(String node, List<Integer> mailboxes) {
        for (int from = 0; from < mailboxes.size(); from += RedisCluster.CHUNK) {
            List<Integer> chunk = mailboxes.subList(from, Math.min(mailboxes.size(), from + RedisCluster.CHUNK));
            List<List<Inbox.Copy>> copies = inbox.takeAll(node, chunk);
            Map<Integer, List<Inbox.Copy>> unconfirmed = new HashMap<>();
            for (int i = 0; i < chunk.size(); i++) {
                if (!copies.get(i).isEmpty()) {
                    unconfirmed.put(chunk.get(i), copies.get(i));
                }
            }
            if (!unconfirmed.isEmpty()) {
                listener.putBack(unconfirmed);
                inbox.forgetAll(List.copyOf(unconfirmed.keySet()));
                LOG.info("server {} is gone: {} unconfirmed messages of {} sessions stored for their next login", node,
                        unconfirmed.values().stream().mapToInt(List::size).sum(), unconfirmed.size());
            }
        }
    }

    /**
     * Rebuilds what this server keeps in Redis after an outage: a claim for every user it
     * holds, none for users it no longer holds. A user that another server claimed meanwhile
     * (Redis came back empty and the user logged in there) is evicted here; so is every session
     * of a server that the others took for dead (see {@link RedisKeys#reaped}).
     */
    void rebuild() {
        List<Integer> regained = new ArrayList<>();
        List<Integer> evicted = new ArrayList<>();
        boolean[] reaped = new boolean[1];
        List<Integer> receiptsHere = new ArrayList<>();
        // A survivor that took us for dead may be dropping our claims right now: let it finish
        // (our lease is renewed, so no new clean-up starts), then claim again what we hold.
        awaitNoReaping();
        claimLock.writeLock().lock();
        try {
            commands.run(jedis -> {
                reaped[0] = jedis.del(keys.reaped(keys.me())) > 0;
                List<Mailbox> local = new ArrayList<>(listener.localSessions());
                if (reaped[0]) {
                    // Taken for dead (paused past the lease): the cluster has closed these sessions,
                    // told their friends they are offline and put back what they had not confirmed;
                    // their users may have logged in elsewhere and confirmed it. Carrying on with
                    // them would hold confirmed messages as unconfirmed: they end here, and their
                    // clients log in again like those of a server that died.
                    local.forEach(session -> evicted.add(session.id()));
                    return null;
                }
                Set<String> recorded = new HashSet<>(jedis.smembers(keys.usersOf(keys.me())));
                for (int from = 0; from < local.size(); from += RedisCluster.CHUNK) {
                    List<Mailbox> chunk = local.subList(from, Math.min(local.size(), from + RedisCluster.CHUNK));
                    List<byte[]> claimKeys = new ArrayList<>(chunk.size() * 2 + 1);
                    List<byte[]> args = new ArrayList<>(chunk.size() * 2 + 1);
                    args.add(bytes(keys.me()));
                    for (Mailbox session : chunk) {
                        claimKeys.add(bytes(keys.user(session.userId())));
                        claimKeys.add(bytes(keys.devices(session.userId())));
                        args.add(bytes(session.token()));
                        args.add(bytes(session.isDevice() ? Integer.toString(session.id()) : ""));
                    }
                    claimKeys.add(bytes(keys.usersOf(keys.me())));
                    List<?> results = (List<?>) RedisScripts.RECLAIM.run(jedis, claimKeys, args);
                    for (int i = 0; i < chunk.size(); i++) {
                        long result = (Long) results.get(i);
                        Mailbox session = chunk.get(i);
                        recorded.remove(session.token());
                        if (result == 1) {
                            regained.add(session.userId());
                        } else if (result == 2) {
                            evicted.add(session.id());
                        }
                    }
                }
                drop(jedis, keys.me(), sessions(recorded));
                // Redis may have come back empty: copies for our receipts sessions are kept again.
                // Pipelined: this holds the claim lock, and a server may have 19,000 such sessions.
                receiptsHere.addAll(listener.localReceiptsMailboxes());
                receiptsHere.removeAll(Set.copyOf(evicted));
                Pipeline pipeline = jedis.pipelined();
                receiptsHere.forEach(mailbox -> pipeline.set(keys.receipts(mailbox), keys.me()));
                pipeline.sync();
                return null;
            });
        } finally {
            claimLock.writeLock().unlock();
        }
        evicted.forEach(mailbox -> listener.evicted(mailbox, reaped[0]));
        // A message published while Redis was away may have had its copy kept but never reached us.
        inbox.keptFor(receiptsHere).forEach(listener::missed);
        listener.storedMeanwhile();
        List<Integer> users = regained.stream().distinct().toList();
        if (!users.isEmpty()) {
            listener.usersRegained(users);
        }
        LOG.info("rebuilt this server's state in Redis{}: {} sessions claimed again, {} taken over elsewhere",
                reaped[0] ? " after another server took this one for dead" : "", regained.size(), evicted.size());
    }

    /**
     * Messages stored during an outage for users online here (a forward whose reply was lost may
     * also have reached them live): pushed now, and where a session already confirmed one live,
     * its stored row is deleted instead of delivered again.
     */
    void pushStoredMeanwhile() {
        listener.storedMeanwhile();
    }

    private void awaitNoReaping() {
        long deadline = System.nanoTime() + REAPING_LOCK.toNanos();
        while (commands.run(jedis -> jedis.exists(keys.reaping(keys.me()))) && System.nanoTime() < deadline) {
            RedisCluster.sleep(Duration.ofMillis(100));
        }
    }

    private void drop(Jedis jedis, String node, List<Mailbox> sessions) {
        for (int from = 0; from < sessions.size(); from += RedisCluster.CHUNK) {
            List<Mailbox> chunk = sessions.subList(from, Math.min(sessions.size(), from + RedisCluster.CHUNK));
            List<byte[]> dropKeys = new ArrayList<>(chunk.size() * 3 + 1);
            List<byte[]> args = new ArrayList<>(chunk.size() * 2 + 1);
            args.add(bytes(node));
            for (Mailbox session : chunk) {
                dropKeys.add(bytes(keys.user(session.userId())));
                dropKeys.add(bytes(keys.devices(session.userId())));
                dropKeys.add(bytes(keys.receipts(session.id())));
                args.add(bytes(session.token()));
                args.add(bytes(session.isDevice() ? Integer.toString(session.id()) : ""));
            }
            dropKeys.add(bytes(keys.usersOf(node)));
            RedisScripts.DROP.run(jedis, dropKeys, args);
        }
    }

    private static List<Mailbox> sessions(Set<String> tokens) {
        List<Mailbox> sessions = new ArrayList<>(tokens.size());
        tokens.forEach(token -> sessions.add(Mailbox.ofToken(token)));
        return sessions;
    }
}
