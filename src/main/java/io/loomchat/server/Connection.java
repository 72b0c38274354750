package io.loomchat.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one socket from accept to close. {@link #run} is the connection's virtual thread: it
 * reads frames in plain blocking style and hands each to the {@link ConnectionListener}, so
 * the requests of one client are served one after another, in order.
 *
 * <p>The idle timeout is not a socket read timeout: a timed read makes every wait for the next
 * frame schedule and cancel a timer in the virtual-thread scheduler, which cost a wake-up of its
 * timer thread per message and a timer object per idle connection. Instead the reader stamps
 * when it starts waiting, and the {@link IdleSweeper} closes connections that waited too long.
 *
 * <p>With TLS the connection keeps two sockets: the TCP one, and the TLS layer over it that
 * frames are read from and written to. Closing and half-closing go to the TCP socket: that never
 * waits for the TLS layer's record lock, which a writer stuck on a client that stopped reading
 * holds. No close_notify is sent for the same reason (it is a write that can block); JSSE
 * clients take the end of the stream after the handshake as the close, and a cut frame is
 * visible anyway, since every frame ends with its terminator.
 */
final class Connection implements Runnable, Outbound, IdleWatched {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    /** The TCP socket: addresses, half-close and close. */
    private final Socket socket;
    /** The TLS layer over {@link #socket}, or {@code null} on a plaintext port. */
    private final SSLSocket tls;
    private final NetworkConfig config;
    private final ConnectionListener.Factory listeners;
    /** Told once, when the connection has ended: the server forgets it and frees its permit. */
    private final Consumer<Connection> ended;
    /** Formatted only when a log line needs it, rather than kept as a string per connection. */
    private final SocketAddress peerAddress;
    /** The client a PROXY protocol header named; null without one (or for a balancer's own check). */
    private volatile InetSocketAddress proxiedClient;
    private final OutboundQueue queue;
    /** When the reader started waiting for bytes ({@link System#nanoTime}), or 0 while it is not waiting. */
    private volatile long waitingSince;
    private volatile boolean idledOut;

    Connection(Socket socket, NetworkConfig config, ConnectionListener.Factory listeners,
               Consumer<Connection> ended) throws IOException {
        this.socket = socket;
        this.config = config;
        this.listeners = listeners;
        this.ended = ended;
        this.peerAddress = socket.getRemoteSocketAddress();
        // Only the layer is made here, on the accept thread; its handshake runs on the reader's.
        this.tls = config.tls() == null ? null : config.tls().wrap(socket);
        this.queue = new OutboundQueue(new StreamFrameWriter((tls != null ? tls : socket).getOutputStream()), this::closeSocket,
                config.maxQueuedFrames(), config.maxQueuedBytes());
    }

    /** The connection's first reader thread: sets the connection up, then reads. */
    @Override
    public void run() {
        ConnectionListener listener = null;
        InputStream input = null;
        try {
            socket.setTcpNoDelay(true);
            input = new StampedInput(socket.getInputStream());
            if (config.proxyProtocol()) {
                readProxyHeader(input);
            }
            if (tls != null) {
                handshake();
                input = new StampedInput(tls.getInputStream());
            }
            listener = listeners.connected(this);
        } catch (ProxyProtocol.BadHeaderException e) {
            LOG.info("{} refused: {}", who(listener), e.getMessage());
        } catch (SSLException e) {
            // A plaintext client, a client that does not trust our certificate, a port scanner.
            LOG.debug("{} failed the TLS handshake: {}", who(listener), e.getMessage());
        } catch (IOException e) {
            LOG.debug("{} disconnected before its first frame: {}", who(listener), e.toString());
        } catch (RuntimeException | Error e) {
            LOG.warn("{} failed unexpectedly", who(listener), e);
        }
        if (listener == null) {
            end(null);
            return;
        }
        readFrames(listener, new FrameReader(input, config.maxFrameBytes()));
    }

    /**
     * Reads until the connection ends, then ends it; or, when the listener asks for a fresh
     * thread after a frame, starts one that carries on with the same reader and returns.
     */
    private void readFrames(ConnectionListener listener, FrameReader frames) {
        boolean handedOver = false;
        try {
            if (frames.readAll(listener::onFrame)) {
                Thread.ofVirtual().start(() -> readFrames(listener, frames));
                handedOver = true;
                return;
            }
            if (idledOut) {
                LOG.debug("{} idle for {}, closed", who(listener), config.idleTimeout());
            } else {
                LOG.debug("{} closed by the peer", who(listener));
            }
        } catch (FrameReader.FrameTooLargeException e) {
            LOG.debug("{} sent a {}", who(listener), e.getMessage());
            listener.onFrameTooLarge(config.maxFrameBytes());
        } catch (IOException e) {
            // Killed by the OS, a proxy, the client, or our own close: nothing to report loudly.
            LOG.debug("{} disconnected: {}", who(listener), e.toString());
        } catch (RuntimeException | Error e) {
            LOG.warn("{} failed unexpectedly", who(listener), e);
        } finally {
            if (!handedOver) {
                end(listener);
            }
        }
    }

    /**
     * The queue is finished first: frames still queued are flushed or handed back (a chat message
     * goes to the offline store) while the user is still signed in here, so that a new login of
     * the same user cannot fetch the offline store before they are in it.
     */
    private void end(ConnectionListener listener) {
        try {
            queue.finish(config.flushTimeout().toNanos());
            String overflow = queue.overflow();
            if (overflow != null) {
                LOG.info("{} disconnected: it stopped reading and its outbound queue filled up ({})", who(listener), overflow);
            }
            if (listener != null) {
                listener.onClose();
            }
        } catch (RuntimeException e) {
            LOG.warn("{} could not be closed cleanly", who(listener), e);
        } finally {
            closeSocket();
            ended.accept(this);
        }
    }

    /** Called by the {@link IdleSweeper}: the reader stamps when it starts waiting for bytes. */
    @Override
    public void closeIfWaitingSince(long deadline) {
        long since = waitingSince;
        if (since != 0 && since - deadline < 0 && !idledOut) {
            idledOut = true;
            close();
        }
    }

    @Override
    public boolean send(OutboundFrame frame) {
        return queue.send(frame);
    }

    /** Stops reading: the reader sees end of stream and the connection ends after a flush. */
    @Override
    public void close() {
        try {
            socket.shutdownInput();
        } catch (SocketException e) {
            // Already closed or never connected: the reader is ending anyway.
            LOG.trace("{} shutdownInput: {}", this, e.toString());
        } catch (IOException e) {
            LOG.debug("{} shutdownInput failed", this, e);
            closeSocket();
        }
    }

    @Override
    public String peer() {
        InetSocketAddress client = proxiedClient;
        return client == null ? String.valueOf(peerAddress) : client + " via " + peerAddress;
    }

    @Override
    public String clientAddress() {
        InetSocketAddress client = proxiedClient;
        return client != null ? client.getAddress().getHostAddress() : socket.getInetAddress().getHostAddress();
    }

    /**
     * What a log line names: the listener's own description once there is one (the business
     * layer adds the logged-in user to the client's address), else this connection. Passed as
     * an object, so nothing is formatted unless the line is logged.
     */
    private Object who(ConnectionListener listener) {
        return listener != null ? listener : this;
    }

    @Override
    public String toString() {
        return peer();
    }

    /**
     * The handshake reads the TCP socket directly, past the {@link StampedInput}, so the idle
     * sweeper cannot see it wait: a socket timeout bounds it instead, for this once.
     */
    private void handshake() throws IOException {
        socket.setSoTimeout((int) config.idleTimeout().toMillis());
        tls.startHandshake();
        socket.setSoTimeout(0);
    }

    /** Takes the client's address from the balancer's header; a health check's header names none. */
    private void readProxyHeader(InputStream input) throws IOException {
        proxiedClient = ProxyProtocol.read(input);
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("{} close failed", this, e);
        }
    }

    /** Stamps {@link #waitingSince} around every read of the socket. */
    private final class StampedInput extends InputStream {
        private final InputStream in;

        StampedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            waitingSince = System.nanoTime() | 1; // never 0, which means "not waiting"
            try {
                return in.read(buffer, offset, length);
            } finally {
                waitingSince = 0;
            }
        }

        @Override
        public int read() throws IOException {
            throw new UnsupportedOperationException("FrameReader reads whole buffers");
        }
    }
}
