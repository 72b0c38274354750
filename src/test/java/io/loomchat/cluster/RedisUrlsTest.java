package io.loomchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

class RedisUrlsTest {

    @Test
    void aRedisUrlNamesOneServerWithTheDefaultPortWhenNoneIsGiven() {
        assertEquals(new RedisAddress.Direct(new HostAndPort("10.0.0.5", 6380)), RedisUrls.parse("redis://10.0.0.5:6380"));
        assertEquals(new RedisAddress.Direct(new HostAndPort("redis", 6379)), RedisUrls.parse("redis://redis"));
    }

    @Test
    void aSentinelUrlNamesEverySentinelAndTheMaster() {
        RedisAddress address = RedisUrls.parse("redis-sentinel://10.0.0.1:26379,s2:26380,s3/loomchat");
        assertEquals(new RedisAddress.Sentinel(List.of(new HostAndPort("10.0.0.1", 26379), new HostAndPort("s2", 26380),
                new HostAndPort("s3", 26379)), "loomchat"), address);
        assertEquals("redis-sentinel://10.0.0.1:26379,s2:26380,s3:26379/loomchat", address.url());
    }

    @Test
    void malformedUrlsAreRefusedWithAMessageNamingTheOption() {
        for (String bad : List.of("", "http://x", "redis://h:6379/3", "redis://user:pw@h:6379",
                "redis-sentinel://h:26379", "redis-sentinel://h:26379/", "redis-sentinel://h:26379/two words",
                "redis-sentinel:///m", "redis-sentinel://h:x/m", "redis-sentinel://h:26379,,h2:26379/m",
                "redis-sentinel://h:70000/m")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> RedisUrls.parse(bad), bad);
            assertTrue(refused.getMessage().startsWith("--redis"), refused.getMessage());
        }
    }
}
