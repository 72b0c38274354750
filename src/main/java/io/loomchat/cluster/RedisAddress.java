package io.loomchat.cluster;

import java.util.List;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;

/**
 * Where the cluster's Redis is, as {@code --redis} names it: one Redis server
 * ({@code redis://host:port}), or a master that Sentinels watch and replace when it dies
 * ({@code redis-sentinel://host:port[,host:port...]/master}). Which server is master at a given
 * moment is not part of the address; {@link RedisMaster} answers that while the server runs.
 * {@link RedisUrls} parses the option.
 */
public sealed interface RedisAddress {

    /** As the {@code --redis} option takes it (and the startup line shows it). */
    String url();

    /** One Redis server, always the master. */
    record Direct(HostAndPort server) implements RedisAddress {
        @Override
        public String url() {
            return "redis://" + server;
        }
    }

    /**
     * A master named {@code master} in the Sentinels' configuration.
     *
     * @param sentinels at least one; any one that answers names the current master
     */
    record Sentinel(List<HostAndPort> sentinels, String master) implements RedisAddress {
        public Sentinel {
            sentinels = List.copyOf(sentinels);
        }

        @Override
        public String url() {
            return "redis-sentinel://" + sentinels.stream().map(HostAndPort::toString).collect(Collectors.joining(","))
                    + "/" + master;
        }
    }
}
