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
     * Moves the copies in an inbox to the user's leftovers (field by field: Lua's unpack() stops
     * at a few thousand values). Defined once and put before the scripts that use it.
     */
    private static final String MOVE_TO_LEFTOVERS = """
            local function moveToLeftovers(inbox, leftover)
              local copies = redis.call('HGETALL', inbox)
              for i = 1, #copies, 2 do redis.call('HSET', leftover, copies[i], copies[i + 1]) end
              redis.call('DEL', inbox)
            end
            """;

    /**
     * KEYS: user:{id}, users:{me}, receipts:{id}, inbox:{id}, leftover:{id}. ARGV: me, id,
     * receipts ("1" or "0"). Returns 1 when the user is ours now (2 when copies of an earlier
     * session wait in its leftovers, see below), or the name of the server holding it. A key naming this server is stale (a release that failed while Redis was
     * away, or this server's previous run): the caller has no local session, so it is taken
     * over. A key naming a dead server stays until that server is reaped, so that the reaper's
     * "offline" in the database can never overwrite a newer login, and so that the reaper has
     * put the dead session's unconfirmed copies back first. Copies still in the inbox belong to
     * an earlier session that could not put them back: they move to the leftovers, which the
     * login puts back, so the new session's copies start from an empty inbox.
     */
    static final Script CLAIM = new Script(MOVE_TO_LEFTOVERS + """
            local holder = redis.call('GET', KEYS[1])
            if holder and holder ~= ARGV[1] then return holder end
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('SADD', KEYS[2], ARGV[2])
            moveToLeftovers(KEYS[4], KEYS[5])
            if ARGV[3] == '1' then redis.call('SET', KEYS[3], ARGV[1]) else redis.call('DEL', KEYS[3]) end
            if redis.call('EXISTS', KEYS[5]) == 1 then return 2 end
            return 1
            """);

    /** KEYS: user:{id}, users:{me}, receipts:{id}. ARGV: me, id. Drops the claim if it is still ours. */
    static final Script RELEASE = new Script("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
            if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
            redis.call('SREM', KEYS[2], ARGV[2])
            return 1
            """);

    /**
     * KEYS: per recipient user:{id}, then per recipient receipts:{id}, then per recipient
     * inbox:{id}. ARGV: channel prefix, header, frame, mid ("" when nothing is to be kept: not
     * chat), then the recipients' ids. Groups the recipients by the server holding them and
     * publishes one message per server, with that server's recipients appended to the header.
     * A recipient whose receipts session is on the server that holds it gets a copy in its inbox
     * (protocol 2.2), in the same step: no extra round trip, and no instant at which the message
     * has been acknowledged but exists only in the memory of one server. Returns, per recipient,
     * 1 when a server received it and 0 when no live subscriber did (held nowhere, or by a
     * server that died: its subscription ended with its connection).
     */
    static final Script FORWARD = new Script("""
            local n = #KEYS / 3
            local holders = redis.call('MGET', unpack(KEYS, 1, n))
            local keepers = nil
            if ARGV[4] ~= '' then keepers = redis.call('MGET', unpack(KEYS, n + 1, 2 * n)) end
            local byNode, order = {}, {}
            for i = 1, n do
              local node = holders[i]
              if node then
                if not byNode[node] then byNode[node] = {}; order[#order + 1] = node end
                local list = byNode[node]
                list[#list + 1] = ARGV[i + 4]
                if keepers and keepers[i] == node then redis.call('HSET', KEYS[2 * n + i], ARGV[4], ARGV[3]) end
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
            for i = 1, n do result[i] = reached[ARGV[i + 4]] and 1 or 0 end
            return result
            """);

    /**
     * KEYS: per user receipts:{id}, then per user inbox:{id}. ARGV: me, mid, frame. Keeps a
     * copy of a message this server delivers to its own receipts sessions. Returns per user 1
     * when kept, 0 when the user's session here is no longer a receipts session of ours (it is
     * ending: the caller stores the message instead).
     */
    static final Script KEEP = new Script("""
            local n = #KEYS / 2
            local result = {}
            for i = 1, n do
              if redis.call('GET', KEYS[i]) == ARGV[1] then
                redis.call('HSET', KEYS[n + i], ARGV[2], ARGV[3]); result[i] = 1
              else
                result[i] = 0
              end
            end
            return result
            """);

    /** KEYS: inbox:{id}. ARGV: the confirmed mids. The copies are no longer needed. */
    static final Script CONFIRM = new Script("""
            return redis.call('HDEL', KEYS[1], unpack(ARGV))
            """);

    /**
     * KEYS: per user receipts:{id}, inbox:{id}, leftover:{id} (three keys a user). ARGV: the
     * node whose sessions ended. Stops keeping copies for those sessions (only if they are still
     * that node's: a user may be another server's by now), moves what was kept to the leftovers
     * and returns, per user, the leftovers as mid, frame, mid, frame... They stay in Redis until
     * the caller has put them back in the offline store and deleted them.
     */
    static final Script TAKE = new Script(MOVE_TO_LEFTOVERS + """
            local result = {}
            for i = 1, #KEYS, 3 do
              if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
              moveToLeftovers(KEYS[i + 1], KEYS[i + 2])
              result[#result + 1] = redis.call('HGETALL', KEYS[i + 2])
            end
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
     * KEYS: user:{id} per user, then receipts:{id} per user, then users:{node} last. ARGV: node,
     * then the ids. Drops the claims that still name {@code node} and forgets the users from its set.
     */
    static final Script DROP = new Script("""
            local n = (#KEYS - 1) / 2
            local set = KEYS[#KEYS]
            for i = 1, n do
              if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
              if redis.call('GET', KEYS[n + i]) == ARGV[1] then redis.call('DEL', KEYS[n + i]) end
              redis.call('SREM', set, ARGV[i + 1])
            end
            return n
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
