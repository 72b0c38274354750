package io.loomchat.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

/**
 * The setup every cluster test repeated: a fresh cluster before each test, the clients it opened
 * and the cluster (and its private Redis) gone after it, whatever the test left behind. Either
 * servers in this JVM on a private Redis that the test may kill, or {@code loomchat server}
 * processes on the shared Redis, behind nginx or not. Register it on a field:
 * {@code @RegisterExtension final ClusterExtension cluster = ClusterExtension.inJvmOnPrivateRedis(2);}
 */
public final class ClusterExtension implements BeforeEachCallback, AfterEachCallback {

    /** Every user a cluster test registers has this password. */
    public static final String PASSWORD = "pw";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final Supplier<PrivateRedis> privateRedis;
    private final int size;
    private final List<String> nodes;
    private final boolean behindNginx;

    private PrivateRedis redis;
    private TestCluster inJvm;
    private ProcessCluster processes;
    private final List<ChatClient> clients = new ArrayList<>();

    private ClusterExtension(Supplier<PrivateRedis> privateRedis, int size, List<String> nodes, boolean behindNginx) {
        this.privateRedis = privateRedis;
        this.size = size;
        this.nodes = nodes;
        this.behindNginx = behindNginx;
    }

    /** {@code size} servers in this JVM on a private Redis that keeps nothing on disk. */
    public static ClusterExtension inJvmOnPrivateRedis(int size) {
        return new ClusterExtension(PrivateRedis::create, size, null, false);
    }

    /** {@code size} servers in this JVM on a private Redis with its append-only file: a restart keeps its data. */
    public static ClusterExtension inJvmOnPrivateRedisWithAppendOnlyFile(int size) {
        return new ClusterExtension(PrivateRedis::createWithAppendOnlyFile, size, null, false);
    }

    /** {@code loomchat server} processes named {@code nodes} on the shared Redis, behind nginx when asked. */
    public static ClusterExtension processes(List<String> nodes, boolean behindNginx) {
        return new ClusterExtension(null, nodes.size(), List.copyOf(nodes), behindNginx);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (nodes != null) {
            processes = ProcessCluster.start(nodes, behindNginx);
        } else {
            redis = privateRedis.get();
            inJvm = TestCluster.start(size, redis.url());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            clients.forEach(ChatClient::close);
            clients.clear();
        } finally {
            try {
                if (inJvm != null) {
                    inJvm.close();
                }
                if (processes != null) {
                    processes.close();
                }
            } finally {
                if (redis != null) {
                    redis.close();
                }
            }
        }
    }

    /** The private Redis of an in-JVM cluster, for the test to kill and start. */
    public PrivateRedis redis() {
        return redis;
    }

    /** The servers, when they run in this JVM. */
    public TestCluster inJvm() {
        return inJvm;
    }

    /** The servers, when they are processes. */
    public ProcessCluster processes() {
        return processes;
    }

    public String prefix() {
        return inJvm != null ? inJvm.prefix() : processes.prefix();
    }

    public TestDatabase database() {
        return inJvm != null ? inJvm.database() : processes.database();
    }

    /** The chat port of server {@code index}. */
    public int port(int index) {
        return inJvm != null ? inJvm.server(index).port() : processes.server(index).port();
    }

    /** A client of server {@code index}, closed after the test. */
    public ChatClient connect(int index) {
        return track(ChatClient.connect("127.0.0.1", port(index)));
    }

    /** A client of server {@code index} with {@code userId} logged in (no receipts), closed after the test. */
    public ChatClient login(int index, int userId) {
        ChatClient client = connect(index);
        client.login(userId, PASSWORD);
        return client;
    }

    /** A client connected through nginx, closed after the test. */
    public ChatClient connectThroughNginx() {
        return track(ChatClient.connect("127.0.0.1", processes.nginxPort()));
    }

    /** Closes {@code client} after the test. */
    public ChatClient track(ChatClient client) {
        clients.add(client);
        return client;
    }

    /** Registers a user with a name of its own on server {@code index}, on a connection closed again. */
    public int register(int index, String prefix) {
        try (ChatClient client = ChatClient.connect("127.0.0.1", port(index))) {
            return client.register(uniqueName(prefix), PASSWORD);
        }
    }

    /** Registers a user through nginx, on a connection closed again. */
    public int registerThroughNginx(String prefix) {
        try (ChatClient client = ChatClient.connect("127.0.0.1", processes.nginxPort())) {
            return client.register(uniqueName(prefix), PASSWORD);
        }
    }

    /** The node that holds {@code userId}'s claim in Redis, or null when none does. */
    public String nodeOf(int userId) {
        try (Jedis jedis = redis != null ? redis.connect() : TestRedis.connect()) {
            return jedis.get(prefix() + "user:" + userId);
        }
    }

    private static String uniqueName(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime();
    }
}
