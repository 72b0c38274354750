package io.loomchat.cluster;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@link FailureCounts} in Redis, shared by every server: a hash per key with the count and the
 * time of the last failure, expiring a window after that failure. While Redis is unreachable
 * nothing is counted and nothing is refused for it (logins wait for Redis anyway).
 */
final class RedisFailureCounts implements FailureCounts {

    private static final RedisScripts.Script ADD = new RedisScripts.Script("""
            redis.call('HINCRBY', KEYS[1], 'count', 1)
            redis.call('HSET', KEYS[1], 'last', ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """);

    private final String prefix;
    private final Function<Function<Jedis, Object>, Object> redis;

    /** {@code redis} runs a command on a pooled connection, keeping the outage state right. */
    RedisFailureCounts(String prefix, Function<Function<Jedis, Object>, Object> redis) {
        this.prefix = prefix + "fail:";
        this.redis = redis;
    }

    @Override
    public Tally read(String key) {
        try {
            List<?> values = (List<?>) redis.apply(jedis -> jedis.hmget(prefix + key, "count", "last"));
            if (values.get(0) == null || values.get(1) == null) {
                return Tally.NONE;
            }
            return new Tally(Long.parseLong((String) values.get(0)), Long.parseLong((String) values.get(1)));
        } catch (JedisException e) {
            return Tally.NONE;
        }
    }

    @Override
    public void add(String key, Duration window) {
        try {
            redis.apply(jedis -> ADD.run(jedis, List.of(RedisKeys.bytes(prefix + key)),
                    List.of(RedisKeys.bytes(Long.toString(System.currentTimeMillis())),
                            RedisKeys.bytes(Long.toString(window.toMillis())))));
        } catch (JedisException e) {
            // Not counted: Redis is down, and the outage is logged once elsewhere.
        }
    }

    @Override
    public void clear(String key) {
        try {
            redis.apply(jedis -> jedis.del(prefix + key));
        } catch (JedisException e) {
            // The count lapses with its window.
        }
    }
}
