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
     * KEYS: user:{id}, users:{me}, receipts:{m}, inbox:{m}, leftover:{m}, devices:{id}. ARGV: me,
     * the session's token, receipts ("1" or "0"), its mailbox ("" for a session without a device
     * id), the device limit. Returns {leftovers, alone}: leftovers 1 when copies of an earlier
     * session wait (see below), alone 1 when the user has no other session; or, refused, the name
     * of the server holding the session in the way ("full" when the device limit is reached).
     *
     * <p>The rules of protocol 2.3: a session without a device id is the user's only one; device
     * sessions are up to the limit, one per device. An entry naming this server is stale (a
     * release that failed while Redis was away, or this server's previous run): the caller's own
     * table of sessions allowed this claim, so it is taken over. An entry naming a dead server
     * stays until that server is reaped, so that the reaper's "offline" in the database can
     * never overwrite a newer login, and so that the reaper has put the dead session's
     * unconfirmed copies back first. Copies still in the inbox belong to an earlier session that
     * could not put them back: they move to the leftovers, which the login puts back, so the new
     * session's copies start from an empty inbox.
     */
    static final Script CLAIM = new Script(MOVE_TO_LEFTOVERS + """
            local me, mailbox = ARGV[1], ARGV[4]
            local holder = redis.call('GET', KEYS[1])
            if holder and holder ~= me then return holder end
            local devices = redis.call('HGETALL', KEYS[6])
            local others = 0
            for i = 1, #devices, 2 do
              if devices[i] == mailbox or mailbox == '' then
                if devices[i + 1] ~= me then return devices[i + 1] end
                if mailbox == '' then redis.call('HDEL', KEYS[6], devices[i]) end
              else
                others = others + 1
              end
            end
            if mailbox == '' then
              redis.call('SET', KEYS[1], me)
            else
              if others >= tonumber(ARGV[5]) then return 'full' end
              if holder then redis.call('DEL', KEYS[1]) end
              redis.call('HSET', KEYS[6], mailbox, me)
            end
            redis.call('SADD', KEYS[2], ARGV[2])
            moveToLeftovers(KEYS[4], KEYS[5])
            if ARGV[3] == '1' then redis.call('SET', KEYS[3], me) else redis.call('DEL', KEYS[3]) end
            return {redis.call('EXISTS', KEYS[5]), others == 0 and 1 or 0}
            """);

    /**
     * KEYS: user:{id}, users:{me}, receipts:{m}, devices:{id}. ARGV: me, the session's token, its
     * mailbox ("" without a device id). Drops the claim if it is still ours; returns 1 when the
     * user has no session left in the cluster, 0 otherwise.
     */
    static final Script RELEASE = new Script("""
            if ARGV[3] == '' then
              if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
            elseif redis.call('HGET', KEYS[4], ARGV[3]) == ARGV[1] then
              redis.call('HDEL', KEYS[4], ARGV[3])
            end
            if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
            redis.call('SREM', KEYS[2], ARGV[2])
            if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('EXISTS', KEYS[4]) == 0 then return 1 end
            return 0
            """);

    /**
     * Forwards messages to the other servers' sessions of their recipients; a section per message
     * (see {@link Script#sectioned}), so that a pipeline's batch of forwards is one run.
     *
     * <p>KEYS: per message, its recipients' user:{id} keys, then their devices:{id} keys. ARGV:
     * the channel prefix, me, the key prefix, then per message: header, frame, mid ("" when
     * nothing is to be kept: not chat), the mailbox to leave out ("": none; the sender's own
     * session, for carbons), the number of recipients, their ids. Finds every session of each
     * recipient, groups them by the server holding them (this server's own are left to the
     * caller) and publishes one message per server, with its sessions' tokens ({@link Mailbox})
     * appended to the header. A session that is a receipts session of the server holding it gets
     * a copy in its inbox (protocol 2.2), in the same step: no extra round trip, and no instant at
     * which the message has been acknowledged but exists only in the memory of one server (those
     * keys are built here from the prefix: the script runs on one Redis, never a Redis Cluster).
     * Returns, per message and per recipient, the mailboxes a live subscriber received it for; a
     * server that died is not among them (its subscription ended with its connection).
     *
     * <p>Written for Redis's sake, which runs it for every message of the cluster: no closure and
     * few tables a message (Lua itself, its interpreter, strings and collector, took 44% of
     * Redis's CPU samples: loadtest/results/2026-12-07-redis-receipts.md, fifth sitting).
     */
    static final Script FORWARD = Script.sectioned(3, """
            local channel, me, prefix = ARGV[1], ARGV[2], ARGV[3]
            local results, a, k = {}, 4, 1
            while a <= #ARGV do
              local header, frame, mid, except = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
              local n, ids = tonumber(ARGV[a + 4]), a + 4
              local holders = redis.call('MGET', unpack(KEYS, k, k + n - 1))
              -- The sessions to reach, four entries each: server, token, recipient, mailbox.
              local hits, h = {}, 0
              for i = 1, n do
                local id, node = ARGV[ids + i], holders[i]
                if node and node ~= me and id ~= except then
                  hits[h + 1], hits[h + 2], hits[h + 3], hits[h + 4] = node, id, i, id
                  h = h + 4
                end
                local devices = redis.call('HGETALL', KEYS[k + n + i - 1])
                for j = 1, #devices, 2 do
                  local mailbox = devices[j]
                  node = devices[j + 1]
                  if node ~= me and mailbox ~= except then
                    hits[h + 1], hits[h + 2], hits[h + 3], hits[h + 4] = node, id .. '/' .. mailbox, i, mailbox
                    h = h + 4
                  end
                end
              end
              local reached, published = {}, {}
              for i = 1, n do reached[i] = {} end
              for x = 1, h, 4 do
                local node = hits[x]
                if not published[node] then
                  published[node] = true
                  local tokens = {}
                  for y = x, h, 4 do
                    if hits[y] == node then
                      tokens[#tokens + 1] = hits[y + 1]
                      if mid ~= '' and redis.call('GET', prefix .. 'receipts:' .. hits[y + 3]) == node then
                        redis.call('HSET', prefix .. 'inbox:' .. hits[y + 3], mid, frame)
                      end
                    end
                  end
                  if redis.call('PUBLISH', channel .. node, header .. table.concat(tokens, ',') .. '\\n' .. frame) > 0 then
                    for y = x, h, 4 do
                      if hits[y] == node then
                        local list = reached[hits[y + 2]]
                        list[#list + 1] = tonumber(hits[y + 3])
                      end
                    end
                  end
                end
              end
              results[#results + 1] = reached
              a, k = ids + n + 1, k + 2 * n
            end
            return results
            """);

    /**
     * Keeps copies of messages this server delivers to its own receipts sessions; a section per
     * message. KEYS: per message, its users' receipts:{id} keys, then their inbox:{id} keys.
     * ARGV: me, then per message: mid, frame, the number of users. Returns per message and per
     * user 1 when kept, 0 when the user's session here is no longer a receipts session of ours (it
     * is ending: the caller stores the message instead).
     */
    static final Script KEEP = Script.sectioned(1, """
            local me = ARGV[1]
            local results, a, k = {}, 2, 1
            while a <= #ARGV do
              local mid, frame, n = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
              local kept = {}
              for i = 1, n do
                if redis.call('GET', KEYS[k + i - 1]) == me then
                  redis.call('HSET', KEYS[k + n + i - 1], mid, frame)
                  kept[i] = 1
                else
                  kept[i] = 0
                end
              end
              results[#results + 1] = kept
              a, k = a + 3, k + 2 * n
            end
            return results
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
     * KEYS: per session user:{id} and devices:{id}, then users:{me} last. ARGV: me, then per
     * session its token and mailbox ("" without a device id). Claims again the sessions this
     * server holds, after Redis lost track of them. Returns per session: 0 it was ours, 1 it was
     * unclaimed and is ours again, 2 another server holds it now.
     */
    static final Script RECLAIM = new Script("""
            local mine = KEYS[#KEYS]
            local result = {}
            for i = 1, (#KEYS - 1) / 2 do
              local token, mailbox = ARGV[2 * i], ARGV[2 * i + 1]
              local holder
              if mailbox == '' then holder = redis.call('GET', KEYS[2 * i - 1])
              else holder = redis.call('HGET', KEYS[2 * i], mailbox) end
              if not holder then
                if mailbox == '' then redis.call('SET', KEYS[2 * i - 1], ARGV[1])
                else redis.call('HSET', KEYS[2 * i], mailbox, ARGV[1]) end
                redis.call('SADD', mine, token); result[i] = 1
              elseif holder == ARGV[1] then
                redis.call('SADD', mine, token); result[i] = 0
              else
                result[i] = 2
              end
            end
            return result
            """);

    /**
     * KEYS: per session user:{id}, devices:{id}, receipts:{m}, then users:{node} last. ARGV: node,
     * then per session its token and mailbox ("" without a device id). Drops the claims that
     * still name {@code node} and forgets the sessions from its set.
     */
    static final Script DROP = new Script("""
            local set = KEYS[#KEYS]
            local n = (#KEYS - 1) / 3
            for i = 1, n do
              local token, mailbox = ARGV[2 * i], ARGV[2 * i + 1]
              local user, devices, receipts = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
              if mailbox == '' then
                if redis.call('GET', user) == ARGV[1] then redis.call('DEL', user) end
              elseif redis.call('HGET', devices, mailbox) == ARGV[1] then
                redis.call('HDEL', devices, mailbox)
              end
              if redis.call('GET', receipts) == ARGV[1] then redis.call('DEL', receipts) end
              redis.call('SREM', set, token)
            end
            return n
            """);

    private RedisScripts() {
    }

    /** A script run by its SHA1, loaded again when Redis has forgotten it (after a restart). */
    static final class Script {
        private final byte[] source;
        /** -1: one call, one reply; else see {@link #sectioned}. */
        private final int sharedArgs;
        private volatile byte[] sha;

        Script(String source) {
            this(source, -1);
        }

        private Script(String source, int sharedArgs) {
            this.source = source.getBytes(StandardCharsets.UTF_8);
            this.sharedArgs = sharedArgs;
        }

        /**
         * A script that serves several calls in one run, so that a pipeline can fold a run of
         * them into one EVALSHA ({@link ScriptCall}): its first {@code sharedArgs} ARGV are the
         * same for every call of this server; after them come the calls' own ARGV, one section
         * after another, and its KEYS are theirs in the same order. It returns a list with one
         * reply per section. Why: Redis pays for an EVALSHA (the script's tables, its call, the
         * reply, the append-only file's MULTI and EXEC) once, however many sections it carries.
         */
        static Script sectioned(int sharedArgs, String source) {
            return new Script(source, sharedArgs);
        }

        boolean isSectioned() {
            return sharedArgs >= 0;
        }

        /** How many leading ARGV every call of a {@linkplain #sectioned sectioned} script shares. */
        int sharedArgs() {
            return sharedArgs;
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
