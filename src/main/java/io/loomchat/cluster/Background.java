package io.loomchat.cluster;

import java.time.Duration;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** What the cluster's background threads (housekeeper, lease, forwarder, subscriber) share. */
final class Background {

    private Background() {
    }

    /** Interrupts {@code thread} (null: never started) and waits up to {@code patience} for it to end. */
    static void stop(Thread thread, Duration patience) {
        if (thread == null) {
            return;
        }
        thread.interrupt();
        try {
            thread.join(patience);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes a connection that is being dropped, most often because it failed; returns null. */
    static Jedis close(Jedis jedis) {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (JedisException e) {
                // it failed already: nothing more to do with it
            }
        }
        return null;
    }
}
