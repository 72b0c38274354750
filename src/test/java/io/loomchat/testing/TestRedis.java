package io.loomchat.testing;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis that tests share, from {@code LOOMCHAT_TEST_REDIS} (default
 * {@code redis://127.0.0.1:6379}). Tests never flush it: each one works under a prefix of its
 * own ({@link #uniquePrefix()}) and deletes only the keys under that prefix. When Redis cannot
 * be reached the test fails under {@code CI=true} and is skipped elsewhere, as with MySQL.
 * As with MySQL, a Redis container stands in when LOOMCHAT_TEST_REDIS is unset, none answers at
 * the default address and a Docker engine does ({@link FallbackServices}).
 */
public final class TestRedis {

    /** Short: a test machine's Redis answers in microseconds or is not there at all. */
    private static final int TIMEOUT_MILLIS = 2_000;
    private static final int SCAN_BATCH = 500;

    private static final String DEFAULT_URL = "redis://127.0.0.1:6379";

    private static final ReentrantLock URL_LOCK = new ReentrantLock();
    /** Guarded by URL_LOCK; chosen once per test run. */
    private static String url;

    private TestRedis() {
    }

    /** The shared Redis, as the server's {@code --redis} option takes it. */
    public static String url() {
        URL_LOCK.lock();
        try {
            if (url == null) {
                url = chooseUrl();
            }
            return url;
        } finally {
            URL_LOCK.unlock();
        }
    }

    private static String chooseUrl() {
        String configured = System.getenv("LOOMCHAT_TEST_REDIS");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        if (FallbackServices.forced()) {
            return FallbackServices.redisUrl();
        }
        try (Jedis probe = connect(DEFAULT_URL)) {
            probe.ping();
            return DEFAULT_URL;
        } catch (JedisException notHere) {
            return Docker.available() ? FallbackServices.redisUrl() : DEFAULT_URL;
        }
    }

    /** A channel/key prefix no other test uses, e.g. {@code loomchat-test-3f9c0a1b2c4d:}. */
    public static String uniquePrefix() {
        return "loomchat-test-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + ":";
    }

    /** Returns when the shared Redis answers PING; otherwise fails (CI) or skips the test. */
    public static void requireReachable() {
        try (Jedis jedis = connect()) {
            jedis.ping();
        } catch (JedisException e) {
            throw Prerequisite.missing("Redis at " + url() + " is unreachable (" + e.getMessage()
                    + "); start one (redis-server) or set LOOMCHAT_TEST_REDIS", e);
        }
    }

    /**
     * Deletes every key that starts with {@code prefix}, with SCAN (never KEYS, which blocks a
     * shared Redis) and DEL in batches. Returns how many keys were deleted.
     */
    public static long deleteKeys(String prefix) {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("an empty prefix would delete every key of the shared Redis");
        }
        ScanParams params = new ScanParams().match(globEscape(prefix) + "*").count(SCAN_BATCH);
        long deleted = 0;
        try (Jedis jedis = connect()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, params);
                List<String> keys = page.getResult();
                if (!keys.isEmpty()) {
                    deleted += jedis.del(keys.toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
        return deleted;
    }

    /** A client of the shared Redis; the caller closes it. */
    public static Jedis connect() {
        return connect(url());
    }

    /**
     * A client of the Redis at {@code url} with short timeouts; the caller closes it. It speaks
     * the server's default protocol (RESP2) instead of negotiating, which Jedis 8 would warn
     * about on every connection.
     */
    public static Jedis connect(String url) {
        return new Jedis(URI.create(url), DefaultJedisClientConfig.builder().timeoutMillis(TIMEOUT_MILLIS)
                .serverDefaultProtocol().build());
    }

    /** SCAN MATCH takes a glob: a prefix containing *, ?, [ or \ must match only itself. */
    static String globEscape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
