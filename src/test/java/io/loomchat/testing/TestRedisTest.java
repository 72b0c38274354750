package io.loomchat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class TestRedisTest {

    @Test
    void deleteKeysRemovesTheKeysUnderItsPrefixAndNoOthers() {
        TestRedis.requireReachable();
        String mine = TestRedis.uniquePrefix();
        String other = TestRedis.uniquePrefix();
        assertNotEquals(mine, other);
        try (Jedis jedis = TestRedis.connect()) {
            jedis.set(mine + "a", "1");
            jedis.set(mine + "b", "2");
            jedis.set(other + "a", "3");
            try {
                assertEquals(2, TestRedis.deleteKeys(mine));
                assertTrue(jedis.exists(other + "a"));
            } finally {
                TestRedis.deleteKeys(other);
            }
        }
    }

    @Test
    void aPrefixWithGlobCharactersMatchesOnlyItself() {
        assertEquals("a\\*b\\?\\[c\\]:", TestRedis.globEscape("a*b?[c]:"));
    }
}
