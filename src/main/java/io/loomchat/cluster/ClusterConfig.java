package io.loomchat.cluster;

import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisProtocol;

/**
 * Settings of cluster mode.
 *
 * @param redis         where Redis is (from {@code --redis}): one server, or a master behind Sentinels
 * @param nodeName      this server's name: letters, digits, {@code . _ -}; unique among running servers
 * @param channelPrefix put before every Redis key and channel, so that deployments (and
 *                      parallel test runs) can share one Redis
 * @param leaseTtl      how long this server counts as alive after its last heartbeat; a server
 *                      killed with {@code kill -9} releases its users this long after its last
 *                      heartbeat, plus one {@code heartbeat} for a survivor to notice
 * @param heartbeat     how often the lease is renewed and dead servers are looked for
 * @param redisTimeout  connect and read timeout of every Redis command
 * @param poolSize      Redis connections for publishing and claims
 */
public record ClusterConfig(RedisAddress redis, String nodeName, String channelPrefix,
                            Duration leaseTtl, Duration heartbeat, Duration redisTimeout, int poolSize) {

    public static final String DEFAULT_CHANNEL_PREFIX = "loomchat:";
    /**
     * Five seconds: with a one-second heartbeat, four renewals can be missed (a long GC pause,
     * a busy Redis) before a live server is taken for dead, and a dead one is noticed within
     * about six seconds, inside the ten that the protocol promises.
     */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_REDIS_TIMEOUT = Duration.ofSeconds(2);
    /** Publishes are one short round trip each; 32 connections keep 2 cores busy without queueing. */
    public static final int DEFAULT_POOL_SIZE = 32;

    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern PREFIX = Pattern.compile("[\\x21-\\x7e]{0,64}");

    public ClusterConfig {
        if (redis == null) {
            throw new IllegalArgumentException("--redis is needed in cluster mode");
        }
        if (nodeName == null || !NODE_NAME.matcher(nodeName).matches()) {
            throw new IllegalArgumentException("--node-id must be 1-64 letters, digits, '.', '_' or '-', not '"
                    + nodeName + "'");
        }
        if (channelPrefix == null || !PREFIX.matcher(channelPrefix).matches()) {
            throw new IllegalArgumentException("--channel-prefix must be at most 64 visible ASCII characters");
        }
        if (heartbeat.isNegative() || heartbeat.isZero() || leaseTtl.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("the lease must last at least two heartbeats");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("the Redis pool size must be positive, not " + poolSize);
        }
    }

    /**
     * Cluster settings with the defaults, from the command line's values.
     *
     * @param redisUri {@code redis://host:port} or {@code redis-sentinel://host:port[,host:port...]/master}
     * @param nodeName null or blank for a generated name
     * @param channelPrefix null for the default
     */
    public static ClusterConfig of(String redisUri, String nodeName, String channelPrefix) {
        return new ClusterConfig(RedisUrls.parse(redisUri),
                nodeName == null || nodeName.isBlank() ? generatedNodeName() : nodeName,
                channelPrefix == null ? DEFAULT_CHANNEL_PREFIX : channelPrefix,
                DEFAULT_LEASE_TTL, DEFAULT_HEARTBEAT, DEFAULT_REDIS_TIMEOUT, DEFAULT_POOL_SIZE);
    }


    /** Connection settings of every connection to a Redis server (not to a Sentinel). */
    JedisClientConfig clientConfig(String clientName) {
        int timeout = (int) redisTimeout.toMillis();
        // RESP2: pub/sub and scripts need nothing newer, and it keeps Jedis from negotiating.
        return DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout)
                .protocol(RedisProtocol.RESP2).clientName(clientName).build();
    }

    /**
     * Connection settings of the connections to the Sentinels: the same timeouts, RESP2 (Jedis
     * subscribes to {@code +switch-master} on them), and a name that says whose they are.
     */
    JedisClientConfig sentinelClientConfig(String clientName) {
        return clientConfig(clientName + "-sentinel");
    }

    /** The address as given, for messages and the startup line. */
    public String redisAddress() {
        return redis.url();
    }

    private static String generatedNodeName() {
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return "node-" + HexFormat.of().formatHex(random);
    }
}
