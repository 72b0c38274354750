package io.loomchat.server;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one socket from accept to close. {@link #run} is the connection's virtual thread: it
 * reads frames in plain blocking style and hands each to the {@link ConnectionListener}, so
 * the requests of one client are served one after another, in order.
 */
final class Connection implements Runnable, Outbound {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    private final Socket socket;
    private final NetworkConfig config;
    private final ConnectionListener.Factory listeners;
    private final Semaphore permits;
    private final String peer;
    private final OutboundQueue queue;

    Connection(Socket socket, NetworkConfig config, ConnectionListener.Factory listeners,
               Semaphore permits) throws IOException {
        this.socket = socket;
        this.config = config;
        this.listeners = listeners;
        this.permits = permits;
        this.peer = String.valueOf(socket.getRemoteSocketAddress());
        this.queue = new OutboundQueue(socket.getOutputStream(), this::closeSocket,
                config.maxQueuedFrames(), config.maxQueuedBytes());
    }

    @Override
    public void run() {
        ConnectionListener listener = null;
        try {
            socket.setSoTimeout((int) config.idleTimeout().toMillis());
            socket.setTcpNoDelay(true);
            listener = listeners.connected(this);
            ConnectionListener reading = listener;
            new FrameReader(socket.getInputStream(), config.maxFrameBytes()).readAll(reading::onFrame);
            LOG.debug("{} closed by the peer", peer);
        } catch (FrameReader.FrameTooLargeException e) {
            LOG.debug("{} sent a {}", peer, e.getMessage());
            if (listener != null) {
                listener.onFrameTooLarge(config.maxFrameBytes());
            }
        } catch (SocketTimeoutException e) {
            LOG.debug("{} idle for {}, closing", peer, config.idleTimeout());
        } catch (IOException e) {
            // Killed by the OS, a proxy, the client, or our own close: nothing to report loudly.
            LOG.debug("{} disconnected: {}", peer, e.toString());
        } catch (RuntimeException | Error e) {
            LOG.warn("{} failed unexpectedly", peer, e);
        } finally {
            end(listener);
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
                LOG.info("{} disconnected: it stopped reading and its outbound queue filled up ({})", peer, overflow);
            }
            if (listener != null) {
                listener.onClose();
            }
        } catch (RuntimeException e) {
            LOG.warn("{} could not be closed cleanly", peer, e);
        } finally {
            closeSocket();
            permits.release();
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
            LOG.trace("{} shutdownInput: {}", peer, e.toString());
        } catch (IOException e) {
            LOG.debug("{} shutdownInput failed", peer, e);
            closeSocket();
        }
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public String clientAddress() {
        return socket.getInetAddress().getHostAddress();
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("{} close failed", peer, e);
        }
    }
}
