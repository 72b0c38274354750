package io.loomchat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

class PrivateRedisTest {

    @Test
    void aKilledRedisAnswersAgainOnTheSamePortAfterStartAndHasForgottenEverything() {
        try (PrivateRedis redis = PrivateRedis.create()) {
            try (Jedis jedis = redis.connect()) {
                jedis.set("k", "v");
            }
            int port = redis.port();

            redis.kill();
            assertFalse(redis.isRunning());
            assertThrows(JedisConnectionException.class, () -> {
                try (Jedis jedis = redis.connect()) {
                    jedis.ping();
                }
            });

            redis.start();
            assertEquals(port, redis.port());
            try (Jedis jedis = redis.connect()) {
                assertEquals("PONG", jedis.ping());
                assertNull(jedis.get("k"), "nothing is persisted across a restart");
            }
        }
    }
}
