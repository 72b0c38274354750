package io.loomchat.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Runs the scripts of the hot path (forwards, kept copies, receipts) for every thread of this
 * server through one connection, pipelined: callers queue a script and wait for its reply; one
 * virtual thread takes whatever has queued meanwhile and sends it as one pipeline (one write,
 * one read for the whole batch).
 *
 * <p>Why: with a pool, 100 senders per server contended for 32 connections, each forward a
 * synchronous round trip of its own, and cross-server throughput fell as senders were added
 * (23,000 msgs/s with 10 pairs, 12,900 with 100: loadtest/results/2026-11-27-cross-server.md).
 * A batch costs Redis one read and one write however many scripts it holds, and consecutive
 * calls of a sectioned script (forwards, kept copies) go as one call ({@link ScriptCall}). One
 * connection also keeps the scripts of one server in the order they were queued.
 *
 * <p>A server runs two: one for forwards and kept copies, one for the erasures of RECEIPTs. The
 * second ends each batch with {@code WAIT} for a replica ({@link ReplicaAcks}), which blocks its
 * connection until the replica answers; on the first, that wait would hold up every message. An
 * erasure cannot overtake the writing of its copy across the two: a client confirms only a
 * message it got, and a message is delivered only after the script that kept its copy replied.
 */
final class ScriptPipeline {

    /** Scripts per pipeline: enough to carry a burst, small enough to keep replies prompt. */
    private static final int MAX_BATCH = 256;
    /** What this pipeline runs; loaded on every new connection (Redis may have restarted empty). */
    private static final List<RedisScripts.Script> SCRIPTS =
            List.of(RedisScripts.FORWARD, RedisScripts.KEEP, RedisScripts.CONFIRM);

    private final ClusterConfig config;
    private final RedisMaster master;
    /** Names the thread and the connection (CLIENT LIST shows it). */
    private final String name;
    /** When set, a batch counts as done only once a replica has it; null: done when the master answered. */
    private final ReplicaAcks replicaAcks;
    private final Failure onFailure;
    private final Runnable onSuccess;
    private final LinkedBlockingQueue<ScriptCall.Job> queue = new LinkedBlockingQueue<>();
    private volatile boolean stopping;
    private Thread thread;
    /** Used by the pipeline thread only; null until connected, and after a failure. */
    private Jedis jedis;
    /** Where {@link #jedis} is connected; used by the pipeline thread only. */
    private HostAndPort connectedTo;
    /** When {@link #jedis} was opened (System.nanoTime); used by the pipeline thread only. */
    private long connectedAtNanos;

    /** Told when a batch failed to reach Redis, with when the connection it failed on was opened. */
    @FunctionalInterface
    interface Failure {
        void failed(JedisException cause, long connectedAtNanos);
    }

    ScriptPipeline(ClusterConfig config, RedisMaster master, String name, ReplicaAcks replicaAcks,
                   Runnable onSuccess, Failure onFailure) {
        this.config = config;
        this.master = master;
        this.name = name;
        this.replicaAcks = replicaAcks;
        this.onSuccess = onSuccess;
        this.onFailure = onFailure;
    }

    void start() {
        thread = Thread.ofVirtual().name("loomchat-redis-" + name).start(this::run);
    }

    /**
     * Runs one script in the next batch and waits for its reply.
     *
     * @throws JedisException when Redis could not be reached or the script failed: whether it
     *                        ran is then unknown
     */
    Object run(RedisScripts.Script script, List<byte[]> keys, List<byte[]> args) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        queue.add(new ScriptCall.Job(script, keys, args, reply));
        if (stopping) {
            failAll(drain(), new JedisException("the Redis pipeline is stopped"));
        }
        try {
            return reply.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof JedisException jedisException) {
                throw jedisException;
            }
            throw e;
        }
    }

    private void run() {
        List<ScriptCall.Job> batch = new ArrayList<>(MAX_BATCH);
        while (!stopping) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            send(batch);
            batch.clear();
        }
        failAll(drain(), new JedisException("the Redis pipeline is stopped"));
        closeConnection();
    }

    private void send(List<ScriptCall.Job> batch) {
        try {
            HostAndPort current = master.current();
            if (jedis != null && !current.equals(connectedTo)) {
                closeConnection(); // a failover moved the master: a demoted one refuses writes
            }
            boolean newConnection = jedis == null;
            if (newConnection) {
                connectedAtNanos = System.nanoTime();
                jedis = new Jedis(current, config.clientConfig("loomchat-" + name + "-" + config.nodeName()));
                connectedTo = current;
                SCRIPTS.forEach(script -> script.load(jedis));
            }
            if (replicaAcks != null) {
                replicaAcks.recount(jedis, newConnection); // a new connection may be to a new master
            }
            List<ScriptCall> calls = ScriptCall.fold(batch);
            List<Response<Object>> replies = new ArrayList<>(calls.size());
            Pipeline pipeline = jedis.pipelined();
            for (ScriptCall call : calls) {
                replies.add(pipeline.evalsha(call.script().sha(), call.keys(), call.args()));
            }
            Response<Long> replicated = replicaAcks == null ? null : replicaAcks.awaitAfter(pipeline);
            pipeline.sync();
            onSuccess.run();
            if (!ReplicaAcks.settled(replicated)) {
                // Done on the master only: a failover now could undo it. The callers keep what
                // they asked for and ask again (what runs here, the erasures of RECEIPTs, may run
                // twice to the same effect).
                failAll(batch, new JedisException("no replica acknowledged the batch within "
                        + ReplicaAcks.ACK_TIMEOUT.toMillis() + " ms"));
                return;
            }
            boolean scriptsForgotten = false;
            for (int i = 0; i < calls.size(); i++) {
                try {
                    calls.get(i).complete(replies.get(i).get());
                } catch (JedisNoScriptException e) { // SCRIPT FLUSH: load them again on a fresh connection
                    scriptsForgotten = true;
                    calls.get(i).fail(e);
                } catch (JedisException e) { // this call failed: the others stand
                    calls.get(i).fail(e);
                }
            }
            if (scriptsForgotten) {
                closeConnection();
            }
        } catch (JedisException e) {
            // Not known to have run: forwards are then stored offline by their callers. (A batch
            // that Redis ran but whose replies were lost would then arrive twice: at least once.)
            closeConnection();
            onFailure.failed(e, connectedAtNanos);
            failAll(batch, e);
        } catch (RuntimeException e) {
            closeConnection();
            failAll(batch, new JedisException(e));
            throw e;
        }
    }

    private List<ScriptCall.Job> drain() {
        List<ScriptCall.Job> left = new ArrayList<>();
        queue.drainTo(left);
        return left;
    }

    private static void failAll(List<ScriptCall.Job> jobs, JedisException cause) {
        for (ScriptCall.Job job : jobs) {
            job.reply().completeExceptionally(cause);
        }
    }

    private void closeConnection() {
        jedis = Background.close(jedis);
    }

    void stop() {
        stopping = true;
        Background.stop(thread, config.redisTimeout().multipliedBy(2));
        failAll(drain(), new JedisException("the Redis pipeline is stopped"));
    }
}
