package io.loomchat.cluster;

import static io.loomchat.cluster.RedisKeys.bytes;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.Pool;

/**
 * The cluster over Redis.
 *
 * <p><b>Channels: one per server, not one per user.</b> The classic server subscribes to a
 * channel per logged-in user. Here each server subscribes to {@code to:{its name}} only, and a
 * directory key {@code user:{id}} names the server holding each user. A Lua script reads the
 * directory and publishes in the same step ({@link RedisScripts#FORWARD}), so a one-to-one
 * message costs one script run, and a group message one in all, with one publish per server
 * reached. The {@link ScriptPipeline} sends the scripts of all senders pipelined on one connection;
 * the pool serves claims and housekeeping. The subscriber never changes its subscriptions as users come and go,
 * and after a Redis restart it has two channels to subscribe to again, not 20,000.
 *
 * <p><b>One session per user: claims and leases.</b> A login claims {@code user:{id}} in a
 * script that refuses when another server holds it, so of two racing logins exactly one wins.
 * Each server renews a lease key {@code node:{name}} every heartbeat; the key expires on its own
 * when the server dies. Every server looks for servers in {@code nodes} without a lease, and
 * one of them (the one that takes the {@code reaping} lock) marks the dead server's users
 * offline, tells their friends, and drops their claims, so that they can log in elsewhere
 * within lease + heartbeat + the clean-up itself (about seven seconds with the defaults).
 *
 * <p><b>Redis down.</b> Claims fail (login gets errno 10), forwards report every user as not
 * reached (chat goes to the offline store), and the outage is logged once. Once Redis answers
 * again (possibly empty after a restart), the subscriber subscribes again and this server
 * rebuilds what it keeps there: its lease, and a claim for every user it holds.
 *
 * <p><b>Sentinel.</b> With {@code redis-sentinel://} every connection goes to the master the
 * Sentinels name ({@link RedisMaster}). A failover looks to this server like the outage above:
 * the dead master's connections fail, each reconnects to the promoted replica once Jedis has
 * heard of it, and the same rebuild puts back the lease and the claims that a replica which
 * was behind may lack.
 */
public final class RedisCluster implements Cluster {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCluster.class);
    /** Keys per script call: Lua's unpack() stops at a few thousand values. */
    static final int CHUNK = 1_000;
    static final int MESSAGE_NODE_NUMBERS = 1_024;
    private static final byte[] NONE = new byte[0];
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(10);

    private final ClusterConfig config;
    private final RedisKeys keys;
    /** A JedisPool, or for Sentinel a JedisSentinelPool, which hands out connections to the current master only. */
    private final Pool<Jedis> pool;
    private final Outage outage;
    private final String incarnation;
    private final int messageNodeNumber;
    /** Claims and releases share it; rebuilding the claims after an outage takes it alone. */
    private final ReentrantReadWriteLock claimLock = new ReentrantReadWriteLock();
    private final Subscriber subscriber;
    private final Membership membership;
    private final Housekeeper housekeeper;
    private final LeaseKeeper leaseKeeper;
    private final FailureCounts loginFailures;
    private final ScriptPipeline pipeline;
    /** The erasures of RECEIPTs, each batch waiting for a replica (see {@link ReplicaAcks}). */
    private final ScriptPipeline confirmations;
    private final RedisInbox inbox;
    /** The arguments every {@link RedisScripts#FORWARD} of this server shares, encoded once. */
    private final byte[] channelPrefix;
    private final byte[] me;
    private final byte[] keyPrefix;
    private volatile boolean subscribed;
    private volatile boolean everSubscribed;

    private RedisCluster(ClusterConfig config, Pool<Jedis> pool, RedisMaster master, int messageNodeNumber,
                         String incarnation) {
        this.config = config;
        this.keys = new RedisKeys(config.channelPrefix(), config.nodeName());
        this.channelPrefix = bytes(keys.channelPrefix());
        this.me = bytes(keys.me());
        this.keyPrefix = bytes(keys.prefix());
        this.pool = pool;
        this.outage = new Outage(config.redisAddress(), this::outageEnded);
        this.messageNodeNumber = messageNodeNumber;
        this.incarnation = incarnation;
        this.subscriber = new Subscriber(config, master, keys, new SubscriberEvents());
        this.membership = new Membership(config, keys, incarnation, claimLock, this::redis, outage);
        this.housekeeper = new Housekeeper(membership, config.heartbeat(), subscriber::followMaster);
        // A lapsed lease means Redis restarted or we were taken for dead: claim our users again.
        this.leaseKeeper = new LeaseKeeper(config, master, keys, incarnation, housekeeper::rebuildSoon, outage);
        this.loginFailures = new RedisFailureCounts(config.channelPrefix(), this::redis);
        this.pipeline = new ScriptPipeline(config, master, "pipeline", null, outage::succeeded, this::pipelineFailed);
        ReplicaAcks replicaAcks = new ReplicaAcks();
        this.confirmations = new ScriptPipeline(config, master, "confirmations", replicaAcks, outage::succeeded, this::pipelineFailed);
        this.inbox = new RedisInbox(keys, pipeline, confirmations, replicaAcks, this::redis);
        membership.inbox(inbox);
    }

    /**
     * Connects to Redis and takes this server's place in the cluster. Fails when Redis cannot be
     * reached, or when a running server already uses this node name.
     */
    public static RedisCluster connect(ClusterConfig config) {
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(config.poolSize());
        poolConfig.setMaxIdle(config.poolSize());
        poolConfig.setMinIdle(0);
        poolConfig.setMaxWait(config.redisTimeout());
        poolConfig.setJmxEnabled(false);
        JedisClientConfig clientConfig = config.clientConfig("loomchat-" + config.nodeName());
        Pool<Jedis> pool;
        RedisMaster master;
        try {
            switch (config.redis()) {
                case RedisAddress.Direct direct -> {
                    pool = new JedisPool(poolConfig, direct.server(), clientConfig);
                    master = direct::server;
                }
                case RedisAddress.Sentinel sentinel -> {
                    // Jedis asks the Sentinels for the master, then listens on each of them for
                    // +switch-master; its pool only hands out connections to the master it last
                    // heard of, and getCurrentHostMaster() tells our dedicated connections the same.
                    JedisSentinelPool sentinelPool = new JedisSentinelPool(sentinel.master(),
                            new LinkedHashSet<>(sentinel.sentinels()), poolConfig, clientConfig,
                            config.sentinelClientConfig("loomchat-" + config.nodeName()));
                    pool = sentinelPool;
                    master = sentinelPool::getCurrentHostMaster;
                }
            }
        } catch (JedisException e) {
            throw new ClusterUnavailableException("cannot find the Redis master through " + config.redisAddress()
                    + ": " + e.getMessage(), e);
        }
        try (Jedis jedis = pool.getResource()) {
            jedis.ping();
            RedisKeys keys = new RedisKeys(config.channelPrefix(), config.nodeName());
            awaitNameFree(jedis, keys, config);
            long counter = jedis.incr(keys.nodeNumber());
            int number = (int) Math.floorMod(counter - 1, MESSAGE_NODE_NUMBERS);
            byte[] random = new byte[8];
            ThreadLocalRandom.current().nextBytes(random);
            return new RedisCluster(config, pool, master, number, HexFormat.of().formatHex(random));
        } catch (JedisException e) {
            pool.close();
            throw new ClusterUnavailableException("cannot reach Redis at " + config.redisAddress() + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * A lease under our name is either a running server's (refuse: two servers with one name
     * would steal each other's users) or the lease of this server's own previous run, killed
     * moments ago; wait one lease for the latter to lapse.
     */
    private static void awaitNameFree(Jedis jedis, RedisKeys keys, ClusterConfig config) {
        long deadline = System.nanoTime() + config.leaseTtl().plus(config.heartbeat()).toNanos();
        while (jedis.exists(keys.lease(config.nodeName()))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("another running server uses the node id " + config.nodeName()
                        + "; give each server its own --node-id");
            }
            LOG.info("node id {} still has a live lease (a previous run?); waiting for it to lapse", config.nodeName());
            sleep(config.heartbeat());
        }
    }

    @Override
    public String nodeName() {
        return config.nodeName();
    }

    @Override
    public int messageNodeNumber() {
        return messageNodeNumber;
    }

    @Override
    public void start(Listener listener) {
        // The pipeline first: cleaning up after this server's previous run (a kill -9 the others
        // have not noticed yet) announces its users offline to their friends through it, and
        // would wait for it forever.
        pipeline.start();
        confirmations.start();
        membership.start(listener);
        leaseKeeper.renewNow(); // the others see this server from now on
        subscriber.start();
        try {
            if (!subscriber.awaitSubscribed(SUBSCRIBE_TIMEOUT)) {
                throw new ClusterUnavailableException("could not subscribe at Redis " + config.redisAddress()
                        + " within " + SUBSCRIBE_TIMEOUT.toSeconds() + " s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("interrupted while subscribing", e);
        }
        leaseKeeper.start();
        housekeeper.start();
        LOG.info("cluster node {} (message-id node {}) joined through Redis at {} with prefix '{}'",
                config.nodeName(), messageNodeNumber, config.redisAddress(), config.channelPrefix());
    }

    @Override
    public Claim claim(Mailbox mailbox, boolean receipts, int maxDevices) {
        if (!outage.shouldTry()) {
            throw new ClusterUnavailableException("Redis is unreachable", null);
        }
        int userId = mailbox.userId();
        claimLock.readLock().lock();
        try {
            Object holder = redis(jedis -> RedisScripts.CLAIM.run(jedis,
                    List.of(bytes(keys.user(userId)), bytes(keys.usersOf(keys.me())), bytes(keys.receipts(mailbox.id())),
                            bytes(keys.inbox(mailbox.id())), bytes(keys.leftover(mailbox.id())), bytes(keys.devices(userId))),
                    List.of(bytes(keys.me()), bytes(mailbox.token()), bytes(receipts ? "1" : "0"),
                            bytes(mailbox.isDevice() ? Integer.toString(mailbox.id()) : ""),
                            bytes(Integer.toString(maxDevices)))));
            if (holder instanceof List<?> claimed) {
                if (Long.valueOf(1).equals(claimed.get(0))) {
                    inbox.leftoversWait(mailbox.id());
                }
                return Long.valueOf(1).equals(claimed.get(1)) ? Claim.FIRST : Claim.ANOTHER;
            }
            LOG.debug("user {} is held by {}", userId, holder instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : holder);
            return Claim.REFUSED;
        } catch (JedisException e) {
            throw new ClusterUnavailableException("Redis is unreachable: " + e.getMessage(), e);
        } finally {
            claimLock.readLock().unlock();
        }
    }

    @Override
    public boolean release(Mailbox mailbox) {
        int userId = mailbox.userId();
        claimLock.readLock().lock();
        try {
            Object last = redis(jedis -> RedisScripts.RELEASE.run(jedis,
                    List.of(bytes(keys.user(userId)), bytes(keys.usersOf(keys.me())), bytes(keys.receipts(mailbox.id())),
                            bytes(keys.devices(userId))),
                    List.of(bytes(keys.me()), bytes(mailbox.token()),
                            bytes(mailbox.isDevice() ? Integer.toString(mailbox.id()) : ""))));
            return Long.valueOf(1).equals(last);
        } catch (JedisException e) {
            // The claim stays in Redis naming us; the rebuild after the outage drops it.
            housekeeper.rebuildSoon();
            return true;
        } finally {
            claimLock.readLock().unlock();
        }
    }

    @Override
    public Reached forward(Delivery delivery, List<Integer> userIds, int exceptMailbox) {
        if (userIds.isEmpty() || !outage.shouldTry()) {
            return Reached.NOTHING;
        }
        if (userIds.size() <= CHUNK) {
            return forwardChunk(delivery, userIds, exceptMailbox);
        }
        Map<Integer, List<Integer>> reached = new HashMap<>();
        for (int from = 0; from < userIds.size(); from += CHUNK) {
            List<Integer> chunk = userIds.subList(from, Math.min(userIds.size(), from + CHUNK));
            Reached part = forwardChunk(delivery, chunk, exceptMailbox);
            chunk.forEach(id -> reached.put(id, part.mailboxesOf(id)));
        }
        return id -> reached.getOrDefault(id, List.of());
    }

    /** One {@link RedisScripts#FORWARD} for at most {@link #CHUNK} users. */
    private Reached forwardChunk(Delivery delivery, List<Integer> ids, int exceptMailbox) {
        int n = ids.size();
        List<byte[]> userKeys = new ArrayList<>(n * 2);
        List<byte[]> args = new ArrayList<>(n + 8);
        args.add(channelPrefix);
        args.add(me);
        args.add(keyPrefix);
        args.add(Envelope.header(delivery));
        args.add(delivery.frame());
        args.add(delivery.kind() == Delivery.Kind.CHAT ? bytes(Long.toString(delivery.mid())) : NONE);
        args.add(exceptMailbox == 0 ? NONE : bytes(Integer.toString(exceptMailbox)));
        args.add(bytes(Integer.toString(n)));
        for (int id : ids) {
            userKeys.add(bytes(keys.user(id)));
            args.add(bytes(Integer.toString(id)));
        }
        for (int id : ids) {
            userKeys.add(bytes(keys.devices(id)));
        }
        List<?> replies;
        try {
            replies = (List<?>) pipeline.run(RedisScripts.FORWARD, userKeys, args);
        } catch (JedisException e) {
            return Reached.NOTHING; // not known to be delivered: the caller stores the message
        }
        if (n == 1) {
            List<Integer> only = mailboxes((List<?>) replies.get(0));
            int id = ids.get(0);
            return user -> user == id ? only : List.of();
        }
        Map<Integer, List<Integer>> reached = new HashMap<>();
        for (int i = 0; i < n; i++) {
            List<?> reply = (List<?>) replies.get(i);
            if (!reply.isEmpty()) {
                reached.put(ids.get(i), mailboxes(reply));
            }
        }
        return id -> reached.getOrDefault(id, List.of());
    }

    private static List<Integer> mailboxes(List<?> reply) {
        if (reply.isEmpty()) {
            return List.of();
        }
        List<Integer> mailboxes = new ArrayList<>(reply.size());
        reply.forEach(mailbox -> mailboxes.add(((Long) mailbox).intValue()));
        return mailboxes;
    }

    @Override
    public void devicesChanged(int userId) {
        try {
            redis(jedis -> jedis.publish(keys.everyone(), Envelope.devicesChanged(userId)));
        } catch (JedisException e) {
            // Their cached device sets of this user stay stale until their caches are dropped:
            // worth seeing (issue 21's failover with devices).
            LOG.warn("user {} has a new device but the other servers could not be told: {}", userId, e.getMessage());
        }
    }

    @Override
    public Inbox inbox() {
        return inbox;
    }

    @Override
    public void groupChanged(int groupId) {
        try {
            redis(jedis -> jedis.publish(keys.everyone(), Envelope.groupChanged(groupId)));
        } catch (JedisException e) {
            LOG.debug("group {} changed but the other servers could not be told: {}", groupId, e.getMessage());
        }
    }

    @Override
    public boolean healthy() {
        return subscribed && !outage.isDown();
    }

    @Override
    public FailureCounts loginFailures() {
        return loginFailures;
    }

    @Override
    public boolean hearsEveryChange() {
        return subscribed;
    }

    @Override
    public boolean confirmationsInDoubt() {
        // A sender learns its forward is in doubt up to one timeout after sending it; its recipient
        // may confirm the message before or after that, for as long as a lease may run.
        return outage.downOrBackWithin(config.leaseTtl().plus(config.redisTimeout().multipliedBy(2)));
    }

    /** See {@link Housekeeper#redisBack}. */
    private void outageEnded() {
        housekeeper.redisBack();
    }

    @Override
    public boolean leaseInDoubt() {
        return leaseKeeper.overdue() || housekeeper.rebuildPending();
    }

    @Override
    public void close() {
        housekeeper.stop();
        leaseKeeper.stop();
        pipeline.stop();
        confirmations.stop();
        subscriber.stop();
        try {
            membership.leave();
            LOG.info("cluster node {} left", config.nodeName());
        } catch (JedisException e) {
            LOG.warn("cluster node {} could not leave cleanly (Redis: {}); its lease lapses in {} s",
                    config.nodeName(), e.getMessage(), config.leaseTtl().toSeconds());
        } finally {
            pool.close();
        }
    }

    /**
     * Runs one command with a pooled connection, keeping the outage state right. A pool with
     * every connection busy past the timeout is load, not an outage: the command fails, but the
     * server does not start treating Redis as gone (which sent cross-server messages to the
     * offline store in a load test with 800 in flight per server, when forwards still used the
     * pool). Failing to open a new connection is still an outage.
     */
    <T> T redis(Function<Jedis, T> command) {
        try (Jedis jedis = pool.getResource()) {
            T result = command.apply(jedis);
            outage.succeeded();
            return result;
        } catch (JedisException e) {
            if (e.getCause() instanceof NoSuchElementException exhausted && exhausted.getCause() == null) {
                LOG.debug("every pooled Redis connection is busy: {}", e.getMessage());
                throw e;
            }
            failed(e);
            throw e;
        }
    }

    /**
     * A broken connection means the idle ones are broken too (Redis restarted, or the network
     * dropped): empty the pool so that the next commands connect afresh instead of each
     * failing once on a dead socket.
     */
    private void failed(JedisException e) {
        outage.failed(e);
        clearPoolIfBroken(e);
    }

    /** A script pipeline's batch failed on a connection opened at {@code connectedAtNanos}. */
    private void pipelineFailed(JedisException e, long connectedAtNanos) {
        outage.failed(e, connectedAtNanos);
        clearPoolIfBroken(e);
    }

    private void clearPoolIfBroken(JedisException e) {
        if (e instanceof JedisConnectionException) {
            pool.clear();
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the subscriber reports, on its thread. */
    private final class SubscriberEvents implements Subscriber.Handler {
        @Override
        public void subscribed() {
            subscribed = true;
            membership.listener().forgetCaches();
            if (everSubscribed) {
                housekeeper.rebuildSoon(); // Redis may have come back empty
            }
            everSubscribed = true;
        }

        @Override
        public void unsubscribed(RuntimeException cause) {
            subscribed = false;
            outage.failed(cause);
        }

        @Override
        public void inbox(byte[] message) {
            Envelope.Received received = Envelope.decode(message);
            membership.listener().delivered(received.delivery(), received.mailboxes());
        }

        @Override
        public void everyone(byte[] message) {
            int groupId = Envelope.groupOf(message);
            if (groupId >= 0) {
                membership.listener().groupChanged(groupId);
            }
            int userId = Envelope.devicesOf(message);
            if (userId >= 0) {
                membership.listener().devicesChanged(userId);
            }
        }
    }
}
