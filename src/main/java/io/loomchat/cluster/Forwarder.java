package io.loomchat.cluster;

import static io.loomchat.cluster.RedisKeys.bytes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Hands deliveries to Redis for every sender of this server through one connection, pipelined:
 * senders queue their forward and wait for its result; one virtual thread takes whatever has
 * queued meanwhile and sends it as one pipeline (one write, one read for the whole batch).
 *
 * <p>Why: with a pool, 100 senders per server contended for 32 connections, each forward a
 * synchronous round trip of its own, and cross-server throughput fell as senders were added
 * (23,000 msgs/s with 10 pairs, 12,900 with 100: loadtest/results/2026-11-27-cross-server.md).
 * A batch costs Redis one read and one write however many messages it holds.
 */
final class Forwarder {

    /** Messages per pipeline: enough to carry a burst, small enough to keep replies prompt. */
    private static final int MAX_BATCH = 256;

    /** One chunk of recipients of one delivery, and the caller waiting for those not reached. */
    private record Job(byte[] header, byte[] frame, List<Integer> ids, CompletableFuture<List<Integer>> unreached) {
    }

    private final ClusterConfig config;
    private final RedisKeys keys;
    private final Consumer<JedisException> onFailure;
    private final Runnable onSuccess;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private volatile boolean stopping;
    private Thread thread;
    /** Used by the forwarder thread only; null until connected, and after a failure. */
    private Jedis jedis;

    Forwarder(ClusterConfig config, RedisKeys keys, Runnable onSuccess, Consumer<JedisException> onFailure) {
        this.config = config;
        this.keys = keys;
        this.onSuccess = onSuccess;
        this.onFailure = onFailure;
    }

    void start() {
        thread = Thread.ofVirtual().name("loomchat-redis-forwarder").start(this::run);
    }

    /** Forwards one chunk (at most {@link RedisCluster#CHUNK} ids) and waits for the ones not reached. */
    List<Integer> forward(Delivery delivery, List<Integer> ids) {
        CompletableFuture<List<Integer>> unreached = new CompletableFuture<>();
        queue.add(new Job(Envelope.header(delivery), delivery.frame(), ids, unreached));
        if (stopping) {
            failAll(List.copyOf(drain()));
        }
        return unreached.join();
    }

    private void run() {
        List<Job> batch = new ArrayList<>(MAX_BATCH);
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
        failAll(drain());
        closeConnection();
    }

    private void send(List<Job> batch) {
        try {
            if (jedis == null) {
                jedis = new Jedis(config.redisHostAndPort(), config.clientConfig("loomchat-forwarder-" + config.nodeName()));
                RedisScripts.FORWARD.load(jedis);
            }
            List<Response<Object>> replies = new ArrayList<>(batch.size());
            Pipeline pipeline = jedis.pipelined();
            byte[] sha = RedisScripts.FORWARD.sha();
            byte[] inboxPrefix = bytes(keys.inboxPrefix());
            for (Job job : batch) {
                List<byte[]> userKeys = new ArrayList<>(job.ids().size());
                List<byte[]> args = new ArrayList<>(job.ids().size() + 3);
                args.add(inboxPrefix);
                args.add(job.header());
                args.add(job.frame());
                for (int id : job.ids()) {
                    userKeys.add(bytes(keys.user(id)));
                    args.add(bytes(Integer.toString(id)));
                }
                replies.add(pipeline.evalsha(sha, userKeys, args));
            }
            pipeline.sync();
            onSuccess.run();
            for (int i = 0; i < batch.size(); i++) {
                Job job = batch.get(i);
                List<?> reached = (List<?>) replies.get(i).get();
                List<Integer> unreached = new ArrayList<>(0);
                for (int j = 0; j < job.ids().size(); j++) {
                    if (!Long.valueOf(1).equals(reached.get(j))) {
                        unreached.add(job.ids().get(j));
                    }
                }
                job.unreached().complete(unreached);
            }
        } catch (JedisException e) {
            // Not known to be delivered: the callers store the messages offline. (A batch that
            // Redis ran but whose replies were lost would then arrive twice; at-least-once here.)
            closeConnection();
            onFailure.accept(e);
            failAll(batch);
        } catch (RuntimeException e) {
            closeConnection();
            failAll(batch);
            throw e;
        }
    }

    private List<Job> drain() {
        List<Job> left = new ArrayList<>();
        queue.drainTo(left);
        return left;
    }

    private static void failAll(List<Job> jobs) {
        for (Job job : jobs) {
            job.unreached().complete(job.ids());
        }
    }

    private void closeConnection() {
        jedis = Background.close(jedis);
    }

    void stop() {
        stopping = true;
        Background.stop(thread, config.redisTimeout().multipliedBy(2));
        failAll(drain());
    }
}
