package io.loomchat.cluster;

import redis.clients.jedis.HostAndPort;

/**
 * The Redis server that is master now: where each dedicated connection (subscriber, script
 * pipeline, lease) connects, and whom it checks it is still talking to. Fixed for
 * {@code redis://}; for {@code redis-sentinel://} it is what Jedis's {@code JedisSentinelPool}
 * last heard from the Sentinels, so every connection of a server follows one view of the master,
 * the same the pool uses.
 */
@FunctionalInterface
interface RedisMaster {
    HostAndPort current();
}
