package io.loomchat.testing;

import io.loomchat.cluster.ClusterConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Several real servers in this JVM forming one cluster: one MariaDB/MySQL database of their
 * own, and a Redis (the shared one under a prefix of this cluster's own, or a private one that
 * the test may kill). Each server has its own port, node name and Redis connections, exactly
 * as separate processes would; only the JVM is shared.
 */
public final class TestCluster implements AutoCloseable {

    private final TestDatabase database;
    private final String redisUrl;
    private final String prefix;
    private final List<RunningServer> servers = new ArrayList<>();

    private TestCluster(TestDatabase database, String redisUrl, String prefix) {
        this.database = database;
        this.redisUrl = redisUrl;
        this.prefix = prefix;
    }

    /** {@code size} servers on the shared Redis. */
    public static TestCluster start(int size) {
        TestRedis.requireReachable();
        return start(size, TestRedis.url());
    }

    /** {@code size} servers on the Redis at {@code redisUrl}. */
    public static TestCluster start(int size, String redisUrl) {
        TestCluster cluster = new TestCluster(TestDatabase.create(Backend.MYSQL), redisUrl, TestRedis.uniquePrefix());
        try {
            for (int i = 0; i < size; i++) {
                cluster.servers.add(RunningServer.startNode(cluster.database, cluster.config(i)));
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The cluster settings of server {@code index}: node names n0, n1, ... */
    public ClusterConfig config(int index) {
        return ClusterConfig.of(redisUrl, "n" + index, prefix);
    }

    public RunningServer server(int index) {
        return servers.get(index);
    }

    public ChatClient connect(int index) {
        return servers.get(index).connect();
    }

    public TestDatabase database() {
        return database;
    }

    public String prefix() {
        return prefix;
    }

    /** A user's state column, as every server reads it. */
    public String stateOf(int userId) {
        return database.query("SELECT state FROM User WHERE id = " + userId, rows -> rows.next() ? rows.getString(1) : null);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (RunningServer server : servers) {
            try {
                server.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        database.close();
        if (redisUrl.equals(TestRedis.url())) {
            TestRedis.deleteKeys(prefix);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
