package io.loomchat.cluster;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
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
    private final RedisKeys keys;
    private final Handler handler;
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Listening current;
    private Thread thread;

    Subscriber(ClusterConfig config, RedisKeys keys, Handler handler) {
        this.config = config;
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
            Listening listening = new Listening(inbox);
            try (Jedis jedis = new Jedis(config.redisHostAndPort(),
                    config.clientConfig("loomchat-subscriber-" + config.nodeName()))) {
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
            }
            if (stopping) {
                break;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                break;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
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
        private volatile boolean subscribed;

        Listening(byte[] inbox) {
            this.inbox = inbox;
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
