package io.loomchat;

import io.loomchat.cluster.Cluster;
import io.loomchat.cluster.ClusterConfig;
import io.loomchat.cluster.RedisCluster;
import io.loomchat.cluster.SingleNode;
import io.loomchat.server.NetworkConfig;
import io.loomchat.server.NetworkServer;
import io.loomchat.server.WebConfig;
import io.loomchat.server.WebPort;
import io.loomchat.service.ChatService;
import io.loomchat.service.ServiceConfig;
import io.loomchat.store.Database;
import io.loomchat.store.StoreConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running chat server: database, cluster, business layer and network, started in that order
 * and stopped in reverse. This is where the layers meet; none of them knows the others' insides.
 */
public final class LoomChatServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoomChatServer.class);

    private final NetworkConfig networkConfig;
    private final Database database;
    private final Cluster cluster;
    private final ChatService service;
    private final NetworkServer network;
    /** The browser client and its WebSocket; null without --web-port. */
    private final WebPort web;
    private final ReentrantLock stopLock = new ReentrantLock();
    private boolean stopped; // guarded by stopLock

    private LoomChatServer(NetworkConfig networkConfig, Database database, Cluster cluster, ChatService service,
                           NetworkServer network, WebPort web) {
        this.networkConfig = networkConfig;
        this.database = database;
        this.cluster = cluster;
        this.service = service;
        this.network = network;
        this.web = web;
    }

    /** A single-node server: no Redis, and nobody else can hold a session of its users. */
    public static LoomChatServer start(NetworkConfig network, StoreConfig store, ServiceConfig service)
            throws IOException {
        return start(network, store, service, null);
    }

    /** A server whose metrics go nowhere. */
    public static LoomChatServer start(NetworkConfig network, StoreConfig store, ServiceConfig service,
                                       ClusterConfig cluster) throws IOException {
        return start(network, store, service, cluster, new CompositeMeterRegistry());
    }

    /**
     * Opens the database (creating missing tables), joins the cluster ({@code cluster} null:
     * runs as a single node and resets presence left over from an earlier run), and starts
     * accepting connections.
     *
     * @throws IllegalArgumentException cluster mode over the embedded database
     * @throws io.loomchat.cluster.ClusterUnavailableException Redis cannot be reached
     */
    public static LoomChatServer start(NetworkConfig network, StoreConfig store, ServiceConfig service,
                                       ClusterConfig cluster, MeterRegistry metrics) throws IOException {
        return start(network, store, service, cluster, metrics, null);
    }

    /**
     * As above, with the web port ({@code web} null: none): the browser client and WebSocket
     * sessions, served by the same business layer as the TCP port.
     */
    public static LoomChatServer start(NetworkConfig network, StoreConfig store, ServiceConfig service,
                                       ClusterConfig cluster, MeterRegistry metrics, WebConfig web) throws IOException {
        if (cluster != null && store.embedded()) {
            throw new IllegalArgumentException("cluster mode needs a MySQL/MariaDB database that every server shares "
                    + "(--db-url jdbc:mysql://...); the embedded database belongs to one server");
        }
        Database database = Database.open(store, metrics);
        Cluster peers = null;
        ChatService chat = null;
        NetworkServer server = null;
        try {
            if (cluster == null) {
                // Single node: nobody can be online before we accept anyone, whatever a kill -9 left behind.
                int reset = ChatService.resetPresence(database);
                if (reset > 0) {
                    LOG.info("marked {} users offline that an earlier run left online", reset);
                }
                peers = new SingleNode();
            } else {
                // In a cluster the other servers' users are online: only this server's own
                // leftovers are reset, by the cluster when it starts.
                peers = RedisCluster.connect(cluster);
            }
            chat = new ChatService(service, database, peers, metrics);
            server = new NetworkServer(network, chat);
            server.start();
            WebPort webPort = web == null ? null : WebPort.start(network, web, chat);
            NetworkServer tcp = server;
            // One figure for every transport: capacity is per server, whatever the clients speak.
            metrics.gauge("loomchat.connections", tcp,
                    s -> s.connectionCount() + (webPort == null ? 0 : webPort.connectionCount()));
            Cluster members = peers;
            metrics.gauge("loomchat.redis.up", members, c -> c.healthy() ? 1 : 0);
            // Asked at each scrape (a pooled connection's validation, ~1 ms), not on any request path.
            metrics.gauge("loomchat.database.up", database, db -> db.isReachable() ? 1 : 0);
            if (network.tls() != null) {
                // An alert can fire weeks before the certificate lapses: expiry - time() < 14 days.
                Gauge.builder("loomchat.tls.certificate.expiry", network.tls(), tls -> tls.notAfter().getEpochSecond())
                        .baseUnit("seconds")
                        .description("When the TLS certificate in use expires, in seconds since the epoch")
                        .register(metrics);
            }
            return new LoomChatServer(network, database, peers, chat, server, webPort);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.stop(Duration.ZERO);
            }
            if (chat != null) {
                chat.close();
            }
            if (peers != null) {
                peers.close();
            }
            database.close();
            throw e;
        }
    }

    /**
     * Whether this server can serve logins and store messages: the database answers and, in a
     * cluster, Redis too. Empty when ready, else the reasons.
     */
    public List<String> unreadiness() {
        List<String> reasons = new ArrayList<>();
        if (!database.isReachable()) {
            reasons.add("the database does not answer");
        }
        if (!cluster.healthy()) {
            reasons.add("Redis does not answer");
        }
        return reasons;
    }

    /** This server's name in the cluster ("single" without one). */
    public String nodeName() {
        return cluster.nodeName();
    }

    public int port() {
        return network.port();
    }

    /** The web port, or -1 without one. */
    public int webPort() {
        return web == null ? -1 : web.port();
    }

    public int onlineUsers() {
        return service.onlineUsers();
    }

    public int connections() {
        return network.connectionCount() + (web == null ? 0 : web.connectionCount());
    }

    /**
     * Stops accepting, closes every connection after flushing what is queued for it (its user
     * goes offline and friends are told), then closes the pool. Safe to call more than once.
     */
    @Override
    public void close() {
        stopLock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            LOG.info("shutting down: {} connections, {} users online", connections(), onlineUsers());
            if (web != null) {
                web.stop(networkConfig.flushTimeout().plus(Duration.ofSeconds(5)));
            }
            network.stop(networkConfig.flushTimeout().plus(Duration.ofSeconds(5)));
            service.close();
            cluster.close();
            database.close();
            LOG.info("shut down");
        } finally {
            stopLock.unlock();
        }
    }
}
