package io.loomchat.cluster;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The one Redis connection a server listens on, on a named virtual thread of its own. It
 * subscribes to this server's channel and the everyone channel, hands each message to the
 * cluster in arrival order (which keeps one sender's messages in order), and when the
 * connection breaks it reconnects with a back-off from {@link #MIN_BACKOFF} to
 * {@link #MAX_BACKOFF}.
 */
final class Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);
    static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    /** How often a back-off looks whether the Sentinels named a new master (a volatile read). */
    private static final Duration MASTER_POLL = Duration.ofMillis(20);

    /** What the subscriber reports to its owner. */
    interface Handler {
        /** Both channels are subscribed: from now on no message for this server is missed. */
        void subscribed();

        /** The subscription ended; messages published from now on are not heard. */
        void unsubscribed(RuntimeException cause);

        void inbox(byte[] message);

        void everyone(byte[] message);
    }

    private final ClusterConfig config;
    private final RedisMaster master;
    private final RedisKeys keys;
    private final Handler handler;
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Listening current;
    private Thread thread;

    Subscriber(ClusterConfig config, RedisMaster master, RedisKeys keys, Handler handler) {
        this.config = config;
        this.master = master;
        this.keys = keys;
        this.handler = handler;
    }

    void start() {
        thread = Thread.ofVirtual().name("loomchat-redis-subscriber").start(this::run);
    }

    /** Waits until the first subscription is in place; false on timeout. */
    boolean awaitSubscribed(Duration timeout) throws InterruptedException {
        return firstSubscription.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        long backoff = MIN_BACKOFF.toMillis();
        byte[] inbox = keys.myChannel();
        byte[] everyone = keys.everyone();
        while (!stopping) {
            HostAndPort address = master.current();
            Listening listening = new Listening(inbox, address);
            try (Jedis jedis = new Jedis(address, config.clientConfig("loomchat-subscriber-" + config.nodeName()))) {
                listening.jedis = jedis;
                current = listening;
                if (stopping) {
                    break;
                }
                jedis.subscribe(listening, inbox, everyone); // returns when unsubscribed, throws when the connection breaks
            } catch (JedisException e) {
                if (!stopping) {
                    boolean wasSubscribed = listening.subscribed;
                    handler.unsubscribed(e);
                    if (wasSubscribed) {
                        backoff = MIN_BACKOFF.toMillis();
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("the Redis subscriber failed unexpectedly; subscribing again", e);
                handler.unsubscribed(e);
            } finally {
                listening.subscribed = false;
            }
            if (stopping) {
                break;
            }
            try {
                awaitRetry(backoff, address);
            } catch (InterruptedException e) {
                break;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
        }
    }

    /**
     * Sleeps the back-off, but no longer than until a new master is named: after a failover the
     * subscription is what brings live delivery back, so it should not wait out a back-off that
     * grew while the old master was gone.
     */
    private void awaitRetry(long backoffMillis, HostAndPort failed) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
        while (System.nanoTime() < deadline && failed.equals(master.current())) {
            Thread.sleep(Math.min(MASTER_POLL.toMillis(), backoffMillis));
        }
    }

    /**
     * Drops the subscription when it is not on the current master: a master demoted to replica
     * while alive would still pass on what the new master publishes, but not for long, and
     * nothing published to it would reach anyone. Sentinel disconnects the clients of a server it
     * reconfigures; this covers the case where that did not reach us. The subscribe loop then
     * reports the subscription gone and subscribes on the new master, as after a broken connection.
     * Called every heartbeat, on the housekeeper's thread.
     */
    void followMaster() {
        Listening listening = current;
        if (listening != null && listening.subscribed && !listening.address.equals(master.current())) {
            LOG.info("Redis master moved from {} to {}: subscribing there", listening.address, master.current());
            Jedis jedis = listening.jedis;
            if (jedis != null) {
                jedis.disconnect(); // the subscribe call on the subscriber thread then fails
            }
        }
    }

    void stop() {
        stopping = true;
        Listening listening = current;
        if (listening != null && listening.isSubscribed()) {
            try {
                listening.unsubscribe();
            } catch (JedisException e) {
                LOG.debug("unsubscribing while stopping: {}", e.getMessage());
            }
        }
        Background.stop(thread, config.redisTimeout().multipliedBy(2));
    }

    /** One subscription's callbacks; they run on the subscriber thread. */
    private final class Listening extends BinaryJedisPubSub {
        private final byte[] inbox;
        private final HostAndPort address;
        private volatile Jedis jedis;
        private volatile boolean subscribed;

        Listening(byte[] inbox, HostAndPort address) {
            this.inbox = inbox;
            this.address = address;
        }

        @Override
        public void onSubscribe(byte[] channel, int subscribedChannels) {
            if (subscribedChannels == 2) {
                subscribed = true;
                handler.subscribed();
                firstSubscription.countDown();
            }
        }

        /** A message that fails to be handled is logged and skipped; it must not end the subscription. */
        @Override
        public void onMessage(byte[] channel, byte[] message) {
            try {
                if (Arrays.equals(channel, inbox)) {
                    handler.inbox(message);
                } else {
                    handler.everyone(message);
                }
            } catch (RuntimeException e) {
                LOG.error("a cluster message could not be handled ({} bytes)", message.length, e);
            }
        }
    }
}
