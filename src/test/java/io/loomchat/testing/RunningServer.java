package io.loomchat.testing;

import io.loomchat.LoomChatServer;
import io.loomchat.cluster.ClusterConfig;
import io.loomchat.server.NetworkConfig;
import io.loomchat.service.ServiceConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * A real server on a free port of 127.0.0.1, over a database of its own. Tests hash passwords
 * with the minimum iteration count so that logging in many users stays fast; the hashing
 * itself is the server's real code.
 */
public final class RunningServer implements AutoCloseable {

    public static final int TEST_PASSWORD_ITERATIONS = 1_000;

    private final TestDatabase database;
    private final boolean ownsDatabase;
    private NetworkConfig network;
    private final ServiceConfig service;
    /** Null for a single node. */
    private final ClusterConfig cluster;
    private LoomChatServer server;

    private RunningServer(TestDatabase database, boolean ownsDatabase, NetworkConfig network, ServiceConfig service,
                          ClusterConfig cluster) {
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.network = network;
        this.service = service;
        this.cluster = cluster;
    }

    public static RunningServer start(Backend backend) {
        return start(TestDatabase.create(backend), true, defaultNetwork(), defaultService());
    }

    /** A server with its own database and the given network settings. */
    public static RunningServer start(Backend backend, NetworkConfig network) {
        return start(TestDatabase.create(backend), true, network, defaultService());
    }

    public static RunningServer start(TestDatabase database, boolean ownsDatabase, NetworkConfig network,
                                      ServiceConfig service) {
        return start(database, ownsDatabase, network, service, null);
    }

    /** A node of a cluster, over a database that the test shares between its servers and owns. */
    public static RunningServer startNode(TestDatabase database, ClusterConfig cluster) {
        return start(database, false, defaultNetwork(), defaultService(), cluster);
    }

    private static RunningServer start(TestDatabase database, boolean ownsDatabase, NetworkConfig network,
                                       ServiceConfig service, ClusterConfig cluster) {
        RunningServer running = new RunningServer(database, ownsDatabase, network, service, cluster);
        try {
            running.boot();
        } catch (RuntimeException e) {
            if (ownsDatabase) {
                database.close();
            }
            throw e;
        }
        return running;
    }

    public static NetworkConfig defaultNetwork() {
        NetworkConfig defaults = NetworkConfig.defaults();
        return new NetworkConfig("127.0.0.1", 0, 1_000, defaults.maxFrameBytes(), defaults.idleTimeout(),
                defaults.maxQueuedFrames(), defaults.maxQueuedBytes(), Duration.ofSeconds(2));
    }

    /** Unlimited requests: several tests pipeline thousands of messages on purpose. */
    public static ServiceConfig defaultService() {
        return ServiceConfig.defaults().withPasswordIterations(TEST_PASSWORD_ITERATIONS).withRequestsPerSecond(0);
    }

    private void boot() {
        try {
            server = LoomChatServer.start(network, database.config(), service, cluster);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // A restart comes back on the same port, as a real server would.
        network = network.withPort(server.port());
    }

    /** Stops the server as SIGTERM would, then starts it again over the same database and port. */
    public void restart() {
        server.close();
        boot();
    }

    /** Stops the server as SIGTERM would; the database stays. */
    public void stop() {
        server.close();
    }

    public int port() {
        return server.port();
    }

    public LoomChatServer server() {
        return server;
    }

    public TestDatabase database() {
        return database;
    }

    public ChatClient connect() {
        return ChatClient.connect("127.0.0.1", port());
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            if (ownsDatabase) {
                database.close();
            }
        }
    }
}
