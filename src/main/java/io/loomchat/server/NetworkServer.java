package io.loomchat.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP side of the server, plaintext or TLS: one named platform thread accepts, one virtual
 * thread per connection reads (and runs the TLS handshake). It knows frames and sockets, never users or message types.
 */
public final class NetworkServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkServer.class);
    /** Pending connections the kernel keeps while every permit is taken or the loop is busy. */
    private static final int ACCEPT_BACKLOG = 4_096;
    /** Pause after a failed accept (EMFILE, say) so that the loop does not spin. */
    private static final long ACCEPT_RETRY_MILLIS = 100;
    private static final Duration REFUSAL_WRITE_TIMEOUT = Duration.ofSeconds(1);
    /** A full server refuses in bursts; one log line per this many refusals is enough. */
    private static final int REFUSAL_LOG_EVERY = 1_000;
    private static final long STOP_POLL_MILLIS = 10;
    private final AtomicLong refusals = new AtomicLong();

    private final NetworkConfig config;
    private final ConnectionListener.Factory listeners;
    private final Semaphore permits;
    /** Every open connection, for the idle sweeper and shutdown. */
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private ServerSocketChannel serverSocket;
    private Thread acceptThread;
    private IdleSweeper idleSweeper;
    private DormantReaders dormantReaders;

    public NetworkServer(NetworkConfig config, ConnectionListener.Factory listeners) {
        this.config = config;
        this.listeners = listeners;
        this.permits = new Semaphore(config.maxConnections());
    }

    /** Binds the port and starts accepting. */
    public void start() throws IOException {
        serverSocket = ServerSocketChannel.open();
        serverSocket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        serverSocket.bind(new InetSocketAddress(config.host(), config.port()), ACCEPT_BACKLOG);
        // Channels, not plain sockets, so that a quiet reader can sleep on a selector.
        dormantReaders = config.readersSleep() ? DormantReaders.start("loomchat-sleeping-" + port()) : null;
        acceptThread = Thread.ofPlatform().name("loomchat-accept-" + port()).start(this::acceptLoop);
        idleSweeper = IdleSweeper.start(config.idleTimeout(), connections, "loomchat-idle-" + port());
        LOG.info("listening on {}:{}{}", config.host(), port(),
                config.tls() == null ? "" : " with TLS (" + config.tls().subject() + ")");
    }

    /** The bound port: the configured one, or the one the OS picked for port 0. */
    public int port() {
        return serverSocket.socket().getLocalPort();
    }

    public int connectionCount() {
        return connections.size();
    }

    /** Connections whose reader sleeps while they are quiet (see {@link DormantReaders}). */
    public int sleepingReaderCount() {
        return dormantReaders == null ? 0 : dormantReaders.asleep();
    }

    /**
     * Accepts, then takes a connection permit. A client beyond the limit is told so in one frame
     * and closed at once, rather than left waiting in the backlog without a word; it can try
     * another server (nginx does not do that for it: the connect succeeded).
     */
    private void acceptLoop() {
        while (!stopping) {
            SocketChannel socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (stopping) {
                    return;
                }
                LOG.warn("accept failed, retrying: {}", e.toString());
                sleepQuietly(ACCEPT_RETRY_MILLIS);
                continue;
            }
            if (permits.tryAcquire()) {
                handOff(socket);
            } else {
                refuse(socket);
            }
        }
    }

    /** On a virtual thread of its own, so that a client slow to take the frame never holds up accepting. */
    private void refuse(SocketChannel channel) {
        Socket socket = channel.socket();
        if (refusals.getAndIncrement() % REFUSAL_LOG_EVERY == 0) {
            LOG.warn("{} connections open, the most allowed: refusing {} (logged once per {} refusals)",
                    config.maxConnections(), socket.getRemoteSocketAddress(), REFUSAL_LOG_EVERY);
        }
        Thread.ofVirtual().name("loomchat-refuse").start(() -> {
            try (channel) {
                socket.setSoTimeout((int) REFUSAL_WRITE_TIMEOUT.toMillis());
                // A TLS client reads the refusal only inside TLS: the handshake comes first.
                Socket stream = config.tls() == null ? socket : config.tls().wrap(socket);
                byte[] refusal = listeners.serverFull(config.maxConnections());
                new StreamFrameWriter(stream.getOutputStream()).write(List.of(OutboundFrame.of(refusal)), refusal.length);
                socket.shutdownOutput();
            } catch (IOException e) {
                LOG.debug("refusing {}: {}", socket.getRemoteSocketAddress(), e.toString());
            }
        });
    }

    private void handOff(SocketChannel socket) {
        Connection connection = null;
        try {
            connection = new Connection(socket, config, listeners, this::ended, dormantReaders);
            connections.add(connection);
            Thread.ofVirtual().start(connection);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            LOG.warn("could not start a connection for {}: {}", socket.socket().getRemoteSocketAddress(), e.toString());
            if (connection != null) {
                connections.remove(connection);
            }
            try {
                socket.close();
            } catch (IOException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            permits.release();
        }
    }

    /** A connection has ended, on whichever of its reader threads it was. */
    private void ended(Connection connection) {
        connections.remove(connection);
        permits.release();
    }

    /**
     * Stops accepting, asks every connection to finish (each flushes what is queued and runs its
     * listener's close), and waits up to {@code grace} for them.
     */
    public void stop(Duration grace) {
        stopping = true;
        try {
            if (serverSocket != null) {
                serverSocket.close();
            }
        } catch (IOException e) {
            LOG.warn("closing the listening socket failed", e);
        }
        if (idleSweeper != null) {
            idleSweeper.stop();
        }
        if (acceptThread != null) {
            acceptThread.interrupt();
            joinQuietly(acceptThread, TimeUnit.SECONDS.toNanos(5));
        }
        connections.forEach(Connection::close);
        // A connection may change reader threads (see Connection#readFrames), so wait for the
        // set to empty rather than join threads.
        long deadline = System.nanoTime() + grace.toNanos();
        while (!connections.isEmpty() && deadline - System.nanoTime() > 0 && !Thread.currentThread().isInterrupted()) {
            sleepQuietly(STOP_POLL_MILLIS);
        }
        if (!connections.isEmpty()) {
            LOG.warn("{} connections still open after {}", connections.size(), grace);
        }
        if (dormantReaders != null) {
            dormantReaders.stop();
        }
    }

    @Override
    public void close() {
        stop(config.flushTimeout().plusSeconds(1));
    }

    private static void joinQuietly(Thread thread, long nanos) {
        try {
            if (nanos > 0) {
                thread.join(Duration.ofNanos(nanos));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
