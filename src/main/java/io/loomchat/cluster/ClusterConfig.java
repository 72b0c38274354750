package io.loomchat.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisProtocol;

/**
 * Settings of cluster mode.
 *
 * @param redisHost     Redis host (from {@code --redis redis://host:port})
 * @param redisPort     Redis port
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
public record ClusterConfig(String redisHost, int redisPort, String nodeName, String channelPrefix,
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
        if (redisHost == null || redisHost.isBlank()) {
            throw new IllegalArgumentException("--redis needs a host, as in redis://127.0.0.1:6379");
        }
        if (redisPort < 1 || redisPort > 65_535) {
            throw new IllegalArgumentException("--redis port must be between 1 and 65535, not " + redisPort);
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
     * @param redisUri {@code redis://host:port}
     * @param nodeName null or blank for a generated name
     * @param channelPrefix null for the default
     */
    public static ClusterConfig of(String redisUri, String nodeName, String channelPrefix) {
        URI uri = parse(redisUri);
        return new ClusterConfig(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort(),
                nodeName == null || nodeName.isBlank() ? generatedNodeName() : nodeName,
                channelPrefix == null ? DEFAULT_CHANNEL_PREFIX : channelPrefix,
                DEFAULT_LEASE_TTL, DEFAULT_HEARTBEAT, DEFAULT_REDIS_TIMEOUT, DEFAULT_POOL_SIZE);
    }


    /** Connection settings shared by the pool and the subscriber. */
    JedisClientConfig clientConfig(String clientName) {
        int timeout = (int) redisTimeout.toMillis();
        // RESP2: pub/sub and scripts need nothing newer, and it keeps Jedis from negotiating.
        return DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout)
                .protocol(RedisProtocol.RESP2).clientName(clientName).build();
    }

    HostAndPort redisHostAndPort() {
        return new HostAndPort(redisHost, redisPort);
    }

    public String redisAddress() {
        return redisHost + ":" + redisPort;
    }

    private static URI parse(String redisUri) {
        try {
            URI uri = new URI(redisUri);
            if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("--redis must look like redis://host:port, not " + redisUri);
            }
            if (uri.getUserInfo() != null || (uri.getPath() != null && !uri.getPath().isEmpty() && !"/".equals(uri.getPath()))) {
                throw new IllegalArgumentException("--redis takes only redis://host:port (no password, no database number)");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--redis must look like redis://host:port, not " + redisUri, e);
        }
    }

    private static String generatedNodeName() {
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return "node-" + HexFormat.of().formatHex(random);
    }
}
