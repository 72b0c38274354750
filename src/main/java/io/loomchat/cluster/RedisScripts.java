package io.loomchat.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The Lua scripts that make the cluster's decisions atomic. Each runs inside Redis as one
 * step: no other client's command lands between its reads and its writes, which is what
 * makes "exactly one of two racing logins wins" true without any lock of ours.
 */
final class RedisScripts {

    /**
     * KEYS: user:{id}, users:{me}. ARGV: me, id. Returns 1 when the user is ours now, or the
     * name of the server holding it. A key naming this server is stale (a release that failed
     * while Redis was away, or this server's previous run): the caller has no local session,
     * so it is taken over. A key naming a dead server stays until that server is reaped, so
     * that the reaper's "offline" in the database can never overwrite a newer login.
     */
    static final Script CLAIM = new Script("""
            local holder = redis.call('GET', KEYS[1])
            if holder and holder ~= ARGV[1] then return holder end
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('SADD', KEYS[2], ARGV[2])
            return 1
            """);

    /** KEYS: user:{id}, users:{me}. ARGV: me, id. Drops the claim if it is still ours. */
    static final Script RELEASE = new Script("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
            redis.call('SREM', KEYS[2], ARGV[2])
            return 1
            """);

    /**
     * KEYS: user:{id} per recipient. ARGV: inbox prefix, header, frame, then the recipients'
     * ids. Groups the recipients by the server holding them and publishes one message per
     * server, with that server's recipients appended to the header. Returns, per recipient, 1
     * when a server received it and 0 when no live subscriber did (held nowhere, or by a server
     * that died: its subscription ended with its connection).
     */
    static final Script FORWARD = new Script("""
            local holders = redis.call('MGET', unpack(KEYS))
            local byNode, order = {}, {}
            for i, node in ipairs(holders) do
              if node then
                if not byNode[node] then byNode[node] = {}; order[#order + 1] = node end
                local list = byNode[node]
                list[#list + 1] = ARGV[i + 3]
              end
            end
            local reached = {}
            for _, node in ipairs(order) do
              local ids = byNode[node]
              local message = ARGV[2] .. table.concat(ids, ',') .. '\\n' .. ARGV[3]
              if redis.call('PUBLISH', ARGV[1] .. node, message) > 0 then
                for _, id in ipairs(ids) do reached[id] = true end
              end
            end
            local result = {}
            for i = 1, #KEYS do result[i] = reached[ARGV[i + 3]] and 1 or 0 end
            return result
            """);

    /**
     * KEYS: node:{me}, nodes. ARGV: incarnation, lease ms, me. Renews the lease; returns 1 when
     * the lease was still this incarnation's, 0 when it had lapsed (Redis restarted empty, or
     * this server missed its heartbeats) and what this server keeps in Redis must be rebuilt.
     */
    static final Script RENEW_LEASE = new Script("""
            local previous = redis.call('GET', KEYS[1])
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[3])
            if previous == ARGV[1] then return 1 end
            return 0
            """);

    /**
     * KEYS: user:{id} per user, then users:{me} last. ARGV: me, then the ids. Claims again the
     * users this server holds, after Redis lost track of them. Returns per user: 0 it was ours,
     * 1 it was unclaimed and is ours again, 2 another server holds it now.
     */
    static final Script RECLAIM = new Script("""
            local mine = KEYS[#KEYS]
            local result = {}
            for i = 1, #KEYS - 1 do
              local holder = redis.call('GET', KEYS[i])
              if not holder then
                redis.call('SET', KEYS[i], ARGV[1]); redis.call('SADD', mine, ARGV[i + 1]); result[i] = 1
              elseif holder == ARGV[1] then
                redis.call('SADD', mine, ARGV[i + 1]); result[i] = 0
              else
                result[i] = 2
              end
            end
            return result
            """);

    /**
     * KEYS: user:{id} per user, then users:{node} last. ARGV: node, then the ids. Drops the
     * claims that still name {@code node} and forgets the users from its set.
     */
    static final Script DROP = new Script("""
            local set = KEYS[#KEYS]
            for i = 1, #KEYS - 1 do
              if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
              redis.call('SREM', set, ARGV[i + 1])
            end
            return #KEYS - 1
            """);

    private RedisScripts() {
    }

    /** A script run by its SHA1, loaded again when Redis has forgotten it (after a restart). */
    static final class Script {
        private final byte[] source;
        private volatile byte[] sha;

        Script(String source) {
            this.source = source.getBytes(StandardCharsets.UTF_8);
        }

        /** Loads the script into this Redis (after a connect: Redis may have restarted empty). */
        void load(Jedis jedis) {
            sha = jedis.scriptLoad(source);
        }

        /** The SHA1 to run it by; only after {@link #load}. */
        byte[] sha() {
            return sha;
        }

        Object run(Jedis jedis, List<byte[]> keys, List<byte[]> args) {
            byte[] loaded = sha;
            if (loaded != null) {
                try {
                    return jedis.evalsha(loaded, keys, args);
                } catch (JedisNoScriptException e) {
                    // Redis restarted and lost its script cache: load it again below.
                }
            }
            sha = jedis.scriptLoad(source);
            return jedis.evalsha(sha, keys, args);
        }
    }
}
