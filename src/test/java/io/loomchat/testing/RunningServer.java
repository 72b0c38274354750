package io.loomchat.testing;

import io.loomchat.LoomChatServer;
import io.loomchat.ServerSettings;
import io.loomchat.cluster.ClusterConfig;
import io.loomchat.server.NetworkConfig;
import io.loomchat.server.WebConfig;
import io.loomchat.service.ServiceConfig;
import io.loomchat.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/**
 * A real server on a free port of 127.0.0.1, over a database of its own. Tests hash passwords
 * with the minimum iteration count so that logging in many users stays fast; the hashing
 * itself is the server's real code.
 */
public final class RunningServer implements AutoCloseable {

    public static final int TEST_PASSWORD_ITERATIONS = 1_000;

    private final TestDatabase database;
    private final boolean ownsDatabase;
    /** What the server is started from; after the first start, with the ports it got. */
    private ServerSettings settings;
    private LoomChatServer server;

    private RunningServer(TestDatabase database, boolean ownsDatabase, ServerSettings settings) {
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.settings = settings;
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
        return start(database, ownsDatabase, network, service, null, null);
    }

    /** As above, with a web port ({@code web} null: none). */
    public static RunningServer start(TestDatabase database, boolean ownsDatabase, NetworkConfig network,
                                      ServiceConfig service, WebConfig web) {
        return start(database, ownsDatabase, network, service, null, web);
    }

    /** A server with its own database and a web port (the browser client and WebSocket). */
    public static RunningServer startWithWeb(Backend backend, NetworkConfig network, WebConfig web) {
        return start(TestDatabase.create(backend), true, network, defaultService(), null, web);
    }

    /** A web port on a free port, for this host's pages only. */
    public static WebConfig defaultWeb() {
        return new WebConfig(0, List.of(), List.of());
    }

    /** A node of a cluster, over a database that the test shares between its servers and owns. */
    public static RunningServer startNode(TestDatabase database, ClusterConfig cluster) {
        return start(database, false, defaultNetwork(), defaultService(), cluster, null);
    }

    private static RunningServer start(TestDatabase database, boolean ownsDatabase, NetworkConfig network,
                                       ServiceConfig service, ClusterConfig cluster, WebConfig web) {
        RunningServer running;
        try {
            running = new RunningServer(database, ownsDatabase, settings(database.config())
                    .network(network).service(service).cluster(cluster).web(web).build());
            running.boot();
        } catch (RuntimeException e) {
            if (ownsDatabase) {
                database.close();
            }
            throw e;
        }
        return running;
    }

    /** 127.0.0.1, a free port, room for a thousand clients, and a short flush at shutdown. */
    public static NetworkConfig defaultNetwork() {
        return NetworkConfig.builder().host("127.0.0.1").port(0).maxConnections(1_000)
                .flushTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * A test server's settings over {@code store}: {@link #defaultNetwork}, {@link #defaultService},
     * a single node; for tests that start a {@link LoomChatServer} of their own.
     */
    public static ServerSettings.Builder settings(StoreConfig store) {
        return ServerSettings.builder(store).network(defaultNetwork()).service(defaultService());
    }

    /** Unlimited requests: several tests pipeline thousands of messages on purpose. */
    public static ServiceConfig defaultService() {
        return ServiceConfig.defaults().withPasswordIterations(TEST_PASSWORD_ITERATIONS).withRequestsPerSecond(0);
    }

    private void boot() {
        try {
            server = LoomChatServer.start(settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // A restart comes back on the same ports, as a real server would.
        settings = settings.toBuilder().network(settings.network().withPort(server.port()))
                .web(settings.web() == null ? null : settings.web().withPort(server.webPort())).build();
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

    /** A WebSocket client on the web port, as a program connects (no Origin header). */
    public ChatClient connectWebSocket() {
        return ChatClient.connectWebSocket("127.0.0.1", webPort());
    }

    public int webPort() {
        return server.webPort();
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
