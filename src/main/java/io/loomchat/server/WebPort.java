package io.loomchat.server;

import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.staticcontent.StaticContentService;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.loomchat.tls.ServerTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web side of the server: the browser client's files at {@code /} and the protocol over
 * WebSocket at {@code /ws}, served by Helidon's WebServer (over TLS when the chat port is: https
 * and wss). Helidon parses HTTP and RFC 6455 and
 * gives each connection a virtual thread that reads in blocking style, as our TCP port does;
 * each WebSocket then becomes a {@link WebSocketConnection}, an {@link Outbound} like any other,
 * so nothing above the network knows which transport a session uses.
 */
public final class WebPort implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebPort.class);
    private static final int ACCEPT_BACKLOG = 4_096;
    private static final long STOP_POLL_MILLIS = 10;
    /** Where the browser client lives in the jar (src/main/resources/web). */
    private static final String PAGE_LOCATION = "web";

    private final NetworkConfig config;
    private final TrustedProxies proxies;
    private final Semaphore permits;
    private final Set<WebSocketConnection> connections = ConcurrentHashMap.newKeySet();
    private WebServer server;
    private IdleSweeper idleSweeper;

    private WebPort(NetworkConfig config, WebConfig web) {
        this.config = config;
        this.proxies = TrustedProxies.of(web.trustedProxies());
        this.permits = new Semaphore(config.maxConnections());
    }

    /**
     * Binds the web port and starts serving.
     *
     * @throws IOException the port cannot be bound
     */
    public static WebPort start(NetworkConfig config, WebConfig web, ConnectionListener.Factory listeners)
            throws IOException {
        WebPort port = new WebPort(config, web);
        try {
            port.server = port.build(web, listeners).start();
        } catch (UncheckedIOException e) {
            throw new IOException("cannot listen on " + config.host() + ":" + web.port() + " (web port): "
                    + e.getCause().getMessage(), e.getCause());
        }
        port.idleSweeper = IdleSweeper.start(config.idleTimeout(), port.connections, "loomchat-web-idle-" + port.port());
        LOG.info("web client and WebSocket on {}:{} (/ and /ws){}", config.host(), port.port(),
                config.tls() == null ? "" : " with TLS");
        return port;
    }

    private WebServer build(WebConfig web, ConnectionListener.Factory listeners) {
        WebServerConfig.Builder builder = WebServer.builder();
        if (config.tls() != null) {
            // The same JSSE context as the chat port: one certificate, read once, for both.
            builder.tls(Tls.builder()
                    .sslContext(config.tls().context())
                    .enabledProtocols(ServerTls.protocols())
                    .build());
        }
        return builder
                .host(config.host())
                .port(web.port())
                .backlog(ACCEPT_BACKLOG)
                // Our own sweep closes idle sockets; Helidon's must not do it first.
                .idleConnectionTimeout(config.idleTimeout().multipliedBy(2).plus(Duration.ofMinutes(5)))
                // Blocking java.net sockets rather than NIO channels: Helidon's NIO socket keeps two
                // 8 KB buffers per connection, the plain one a single one; for ten thousand mostly
                // idle chat clients that is 80 MB (loadtest/results/2026-12-03-websocket.md).
                .useNio(false)
                .connectionOptions(socket -> socket
                        // Chat frames are small and each is wanted at once: without this, Nagle's
                        // algorithm meets the client's delayed ACK and a reply waits ~40 ms.
                        .tcpNoDelay(true)
                        // Helidon's default of 30 s would cut a WebSocket whose client pings every
                        // 30 s (our idle sweep closes silent ones at --idle-timeout); it still ends
                        // an HTTP connection that never finishes its request.
                        .readTimeout(config.idleTimeout().multipliedBy(2)))
                // The JVM's shutdown goes through LoomChatServer.close, which stops this port in order.
                .shutdownHook(false)
                .addProtocol(WsConfig.builder()
                        .name("websocket")
                        // Same origin only when empty (Helidon matches Origin against Host).
                        .origins(Set.copyOf(web.origins()))
                        // Larger than ours, so that an oversized frame reaches us and gets errno 9
                        // before the close; beyond this Helidon closes with 1009 on its own.
                        .maxFrameLength(Math.max(config.maxFrameBytes() * 4, 64 * 1024))
                        .build())
                .routing(routing -> routing.addFilter(new PageHeaders()).register("/", StaticContentService.builder(PAGE_LOCATION)
                        .welcomeFileName("index.html")
                        .build()))
                .addRouting(WsRouting.builder().endpoint("/ws", () -> new WebSocketConnection(config, this, listeners)))
                .build();
    }

    public int port() {
        return server.port();
    }

    public int connectionCount() {
        return connections.size();
    }

    TrustedProxies proxies() {
        return proxies;
    }

    /** Takes a connection permit; false when --max-connections WebSockets are open. */
    boolean admit(WebSocketConnection connection) {
        if (!permits.tryAcquire()) {
            return false;
        }
        connections.add(connection);
        return true;
    }

    void ended(WebSocketConnection connection) {
        if (connections.remove(connection)) {
            permits.release();
        }
    }

    /**
     * Closes every WebSocket after flushing it (its user goes offline, its unconfirmed messages
     * are stored), waiting at most {@code timeout}, then stops Helidon.
     */
    public void stop(Duration timeout) {
        idleSweeper.stop();
        for (WebSocketConnection connection : connections) {
            connection.closeGoingAway();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!connections.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                TimeUnit.MILLISECONDS.sleep(STOP_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!connections.isEmpty()) {
            LOG.warn("{} WebSocket connections still open after {}; stopping anyway", connections.size(), timeout);
        }
        server.stop();
    }

    @Override
    public void close() {
        stop(config.flushTimeout());
    }
}
