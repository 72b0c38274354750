package io.loomchat;

import io.loomchat.cluster.Cluster;
import io.loomchat.cluster.RedisCluster;
import io.loomchat.cluster.SingleNode;
import io.loomchat.ops.OpsServer;
import io.loomchat.ops.ServerMetrics;
import io.loomchat.server.NetworkConfig;
import io.loomchat.server.NetworkServer;
import io.loomchat.server.WebPort;
import io.loomchat.service.ChatService;
import io.loomchat.store.Database;
import io.loomchat.tls.CertificateReloader;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running chat server, and the one place that assembles it: database, cluster, business
 * layer, TCP port, web port, operator's port and certificate reloader, started in that order
 * from one {@link ServerSettings} and stopped in reverse. This is where the layers meet; none of
 * them knows the others' insides.
 */
public final class LoomChatServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoomChatServer.class);

    /** One started part's way down; {@code grace} is how long its connections may take to flush. */
    private interface Stop {
        void stop(Duration grace);
    }

    /** A part and its way down, named for the log should stopping it fail. */
    private record Part(String name, Stop stop) {
    }

    private final NetworkConfig networkConfig;
    private final Database database;
    private final Cluster cluster;
    private final ChatService service;
    private final NetworkServer network;
    /** The browser client and its WebSocket; null without a web port. */
    private final WebPort web;
    /** The operator's port; null without a metrics port. */
    private final OpsServer ops;
    /** Every started part, the last started first. */
    private final Deque<Part> parts;
    private final ReentrantLock stopLock = new ReentrantLock();
    private boolean stopped; // guarded by stopLock

    private LoomChatServer(Starting started) {
        this.networkConfig = started.settings.network();
        this.database = started.database;
        this.cluster = started.cluster;
        this.service = started.service;
        this.network = started.network;
        this.web = started.web;
        this.ops = started.ops;
        this.parts = started.parts;
    }

    /**
     * Opens the database (creating missing tables), joins the cluster (none: runs as a single
     * node and resets presence left over from an earlier run), starts the chat service, accepts
     * connections on the TCP port and the web port, then opens the operator's port and starts
     * reloading the certificate. If any part fails, those already started are stopped again.
     *
     * @throws IOException a port cannot be bound; the message names the port and what it is for
     * @throws io.loomchat.store.StoreException the database cannot be opened
     * @throws io.loomchat.cluster.ClusterUnavailableException Redis cannot be reached
     * @throws IllegalStateException another running server uses the cluster node id
     */
    public static LoomChatServer start(ServerSettings settings) throws IOException {
        Starting starting = new Starting(settings);
        try {
            starting.startAll();
        } catch (IOException | RuntimeException e) {
            stopAll(starting.parts, Duration.ZERO);
            throw e;
        }
        return new LoomChatServer(starting);
    }

    /** The parts as they come up; on a failure, {@link #parts} says what to stop. */
    private static final class Starting {
        final ServerSettings settings;
        final Deque<Part> parts = new ArrayDeque<>();
        Database database;
        Cluster cluster;
        ChatService service;
        NetworkServer network;
        WebPort web;
        OpsServer ops;

        Starting(ServerSettings settings) {
            this.settings = settings;
        }

        void startAll() throws IOException {
            NetworkConfig net = settings.network();
            // Prometheus only when someone can scrape it; otherwise the meters go nowhere.
            PrometheusMeterRegistry prometheus = settings.metricsPort() == null ? null
                    : ServerMetrics.newRegistry(settings.nodeName());
            MeterRegistry metrics = prometheus == null ? new CompositeMeterRegistry() : prometheus;

            database = Database.open(settings.store(), metrics);
            parts.push(new Part("database", grace -> database.close()));
            if (settings.cluster() == null) {
                // Single node: nobody can be online before we accept anyone, whatever a kill -9 left behind.
                int reset = ChatService.resetPresence(database);
                if (reset > 0) {
                    LOG.info("marked {} users offline that an earlier run left online", reset);
                }
                cluster = new SingleNode();
            } else {
                // In a cluster the other servers' users are online: only this server's own
                // leftovers are reset, by the cluster when it starts.
                cluster = RedisCluster.connect(settings.cluster());
            }
            parts.push(new Part("cluster", grace -> cluster.close()));
            service = new ChatService(settings.service(), database, cluster, metrics);
            parts.push(new Part("chat service", grace -> service.close()));

            network = new NetworkServer(net, service);
            parts.push(new Part("TCP port", network::stop));
            try {
                network.start();
            } catch (IOException e) {
                throw cannotListen(net.port(), "", e);
            }
            if (settings.web() != null) {
                try {
                    web = WebPort.start(net, settings.web(), service);
                } catch (IOException e) {
                    throw cannotListen(settings.web().port(), " for the browser client", e);
                }
                parts.push(new Part("web port", web::stop));
            }
            registerGauges(metrics);

            if (prometheus != null) {
                try {
                    ops = OpsServer.start(net.host(), settings.metricsPort(), prometheus, this::unreadiness);
                } catch (IOException e) {
                    throw cannotListen(settings.metricsPort(), " for metrics", e);
                }
                parts.push(new Part("operator's port", grace -> ops.close()));
            }
            if (net.tls() != null && !settings.tlsReloadInterval().isZero()) {
                CertificateReloader reloader = CertificateReloader.start(net.tls(), settings.tlsReloadInterval());
                parts.push(new Part("certificate reloader", grace -> reloader.close()));
            }
        }

        private List<String> unreadiness() {
            return LoomChatServer.unreadiness(database, cluster);
        }

        private IOException cannotListen(int port, String purpose, IOException cause) {
            return new IOException("cannot listen on " + settings.network().host() + ":" + port + purpose + ": "
                    + cause.getMessage(), cause);
        }

        private void registerGauges(MeterRegistry metrics) {
            NetworkServer tcp = network;
            WebPort webPort = web;
            // One figure for every transport: capacity is per server, whatever the clients speak.
            metrics.gauge("loomchat.connections", tcp,
                    s -> s.connectionCount() + (webPort == null ? 0 : webPort.connectionCount()));
            // Connections whose client is quiet and whose reader thread has ended until it speaks.
            metrics.gauge("loomchat.connections.sleeping", tcp, NetworkServer::sleepingReaderCount);
            metrics.gauge("loomchat.redis.up", cluster, c -> c.healthy() ? 1 : 0);
            // Asked at each scrape (a pooled connection's validation, ~1 ms), not on any request path.
            metrics.gauge("loomchat.database.up", database, db -> db.isReachable() ? 1 : 0);
            if (settings.network().tls() != null) {
                // An alert can fire weeks before the certificate lapses: expiry - time() < 14 days.
                Gauge.builder("loomchat.tls.certificate.expiry", settings.network().tls(),
                                tls -> tls.notAfter().getEpochSecond())
                        .baseUnit("seconds")
                        .description("When the TLS certificate in use expires, in seconds since the epoch")
                        .register(metrics);
            }
        }
    }

    /**
     * Whether this server can serve logins and store messages: the database answers and, in a
     * cluster, Redis too. Empty when ready, else the reasons.
     */
    public List<String> unreadiness() {
        return unreadiness(database, cluster);
    }

    private static List<String> unreadiness(Database database, Cluster cluster) {
        List<String> reasons = new ArrayList<>();
        if (!database.isReachable()) {
            reasons.add("the database does not answer");
        }
        if (!cluster.healthy()) {
            reasons.add("Redis does not answer");
        }
        return reasons;
    }

    /** The server's database, for tools and tests in the same process (the history's size, say). */
    public Database database() {
        return database;
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

    /** TCP connections whose reader sleeps while their client is quiet. */
    public int sleepingConnections() {
        return network.sleepingReaderCount();
    }

    /** The operator's port, or -1 without one. */
    public int metricsPort() {
        return ops == null ? -1 : ops.port();
    }

    /**
     * Stops the parts in reverse order of their start: stops reloading the certificate, closes
     * the operator's port, stops accepting, closes every connection after flushing what is
     * queued for it (its user goes offline and friends are told), stops the chat service, leaves
     * the cluster, then closes the pool. Safe to call more than once.
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
            stopAll(parts, networkConfig.flushTimeout().plus(Duration.ofSeconds(5)));
            LOG.info("shut down");
        } finally {
            stopLock.unlock();
        }
    }

    /** Stops every part, the last started first; one that fails to stop does not keep the others up. */
    private static void stopAll(Deque<Part> parts, Duration grace) {
        while (!parts.isEmpty()) {
            Part part = parts.pop();
            try {
                part.stop().stop(grace);
            } catch (RuntimeException e) {
                LOG.warn("stopping the {} failed", part.name(), e);
            }
        }
    }
}
