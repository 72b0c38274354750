package io.loomchat.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket client, from handshake to close: the same kind of connection as a TCP
 * {@link Connection} for everything above the network (one {@link ConnectionListener}, an
 * {@link OutboundQueue}, the idle sweep), with Helidon doing the reading.
 *
 * <p>Helidon reads on the connection's virtual thread and calls {@link #onMessage} there, so
 * frames are served one after another, in order, as on TCP. What Helidon does not promise is to
 * say when a connection ends: a peer that vanishes, or a frame over Helidon's own size limit,
 * ends its thread without {@code onClose} (helidon-io/helidon#7012, #11825). So the idle sweep,
 * which looks at every connection at least once a second anyway, also ends a session whose
 * reader thread has finished; a client that closes politely is ended at once, from
 * {@code onClose}. (A virtual thread per connection waiting for the reader to finish would say it
 * at once too, for about a kilobyte per idle connection: loadtest/results/2026-12-03-websocket.md.)
 * Ending also happens from other threads (idle timeout, a slow client's full queue, shutdown);
 * {@link #serving} keeps it from overlapping a frame being served, which the listener relies on.
 */
final class WebSocketConnection implements WsListener, Outbound, IdleWatched {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnection.class);
    /** How long a client may take to answer our close frame before its socket is closed anyway. */
    private static final Duration CLOSE_HANDSHAKE_GRACE = Duration.ofSeconds(1);

    private final NetworkConfig config;
    private final WebPort port;
    private final ConnectionListener.Factory listeners;

    /** Held while a frame is served and while the session ends, so that the two never overlap. */
    private final ReentrantLock serving = new ReentrantLock();
    private final AtomicBoolean ending = new AtomicBoolean();
    private volatile WsSession session;
    private volatile Thread reader;
    private OutboundQueue queue;
    private ConnectionListener listener; // guarded by serving after onOpen
    private boolean ended; // guarded by serving
    /** Text of a message that arrives in fragments, until its last one; reader thread only. */
    private StringBuilder fragments;
    private boolean discardingFragments;
    private volatile long waitingSince;
    private volatile String client;
    private volatile SocketAddress peerAddress;
    /** Set from the handshake, read in onOpen on the same thread. */
    private String forwardedFor;

    WebSocketConnection(NetworkConfig config, WebPort port, ConnectionListener.Factory listeners) {
        this.config = config;
        this.port = port;
        this.listeners = listeners;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        // Helidon has checked the Origin already (WebConfig#origins).
        forwardedFor = headers.first(HeaderNames.X_FORWARDED_FOR).orElse(null);
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession newSession) {
        session = newSession;
        reader = Thread.currentThread();
        peerAddress = newSession.socketContext().remotePeer().address();
        client = peerAddress instanceof InetSocketAddress inet
                ? port.proxies().clientOf(inet.getAddress(), forwardedFor)
                : String.valueOf(peerAddress);
        queue = new OutboundQueue(new WebSocketFrameWriter(newSession), this::abort,
                config.maxQueuedFrames(), config.maxQueuedBytes());
        if (!port.admit(this)) {
            refuseAsFull(newSession);
            return;
        }
        serving.lock();
        try {
            listener = listeners.connected(this);
        } finally {
            serving.unlock();
        }
        waitingSince = System.nanoTime();
    }

    @Override
    public void onMessage(WsSession ignored, String text, boolean last) {
        waitingSince = 0;
        try {
            if (fragments == null && last) {
                serve(text);
            } else {
                collect(text, last);
            }
        } finally {
            waitingSince = System.nanoTime();
        }
    }

    @Override
    public void onMessage(WsSession ignored, BufferData binary, boolean last) {
        waitingSince = 0;
        try {
            if (last) {
                serving.lock();
                try {
                    if (!ended) {
                        listener.onUnreadableFrame("binary WebSocket messages carry no frames; send each frame as one text message");
                    }
                } finally {
                    serving.unlock();
                }
            }
        } finally {
            waitingSince = System.nanoTime();
        }
    }

    @Override
    public void onClose(WsSession ignored, int status, String reason) {
        LOG.debug("{} closed the WebSocket: {} {}", this, status, reason);
        endLater(WsCloseCodes.NORMAL_CLOSE, "closed by the client");
    }

    @Override
    public void onError(WsSession ignored, Throwable error) {
        LOG.warn("{} failed unexpectedly", this, error);
    }

    private void collect(String text, boolean last) {
        if (fragments == null) {
            fragments = new StringBuilder();
            discardingFragments = false;
        }
        if (!discardingFragments) {
            fragments.append(text);
            // A char is at least one byte in UTF-8: this many chars cannot fit, whatever they are.
            if (fragments.length() > config.maxFrameBytes()) {
                discardingFragments = true;
                fragments.setLength(0);
            }
        }
        if (last) {
            String whole = fragments.toString();
            boolean tooLarge = discardingFragments;
            fragments = null;
            if (tooLarge) {
                frameTooLarge();
            } else {
                serve(whole);
            }
        }
    }

    private void serve(String text) {
        if (text.length() > config.maxFrameBytes()) {
            frameTooLarge();
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > config.maxFrameBytes()) {
            frameTooLarge();
            return;
        }
        serving.lock();
        try {
            if (!ended) {
                // The return value asks TCP connections to move to a fresh thread after a deep
                // park; Helidon owns this thread, so the WebSocket reader keeps its stack.
                listener.onFrame(bytes, 0, bytes.length, false);
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("{} failed unexpectedly", this, e);
            endLater(WsCloseCodes.UNEXPECTED_CONDITION, "server error");
        } finally {
            serving.unlock();
        }
    }

    private void frameTooLarge() {
        LOG.debug("{} sent a message over {} bytes", this, config.maxFrameBytes());
        serving.lock();
        try {
            if (!ended) {
                listener.onFrameTooLarge(config.maxFrameBytes());
            }
        } finally {
            serving.unlock();
        }
        endLater(WsCloseCodes.TOO_BIG, "frame larger than " + config.maxFrameBytes() + " bytes");
    }

    @Override
    public boolean send(OutboundFrame frame) {
        return queue.send(frame);
    }

    /** Ends the session after what is queued has been written; the close code says why. */
    @Override
    public void close() {
        endLater(WsCloseCodes.NORMAL_CLOSE, "closed by the server");
    }

    /** Server shutdown: as {@link #close}, with the code that tells a browser to come back later. */
    void closeGoingAway() {
        endLater(WsCloseCodes.GOING_AWAY, "server shutting down");
    }

    @Override
    public void sweep(long now) {
        long deadline = now - config.idleTimeout().toNanos();
        Thread reading = reader;
        if (reading != null && !reading.isAlive()) {
            // The socket is gone (see the class comment): nothing more will arrive.
            endLater(WsCloseCodes.NORMAL_CLOSE, "connection lost");
            return;
        }
        long since = waitingSince;
        if (since != 0 && since - deadline < 0) {
            LOG.debug("{} idle for {}, closing", this, config.idleTimeout());
            endLater(WsCloseCodes.NORMAL_CLOSE, "idle for " + config.idleTimeout().toSeconds() + " s");
        }
    }

    @Override
    public String peer() {
        String address = String.valueOf(peerAddress);
        return client == null || address.contains(client) ? address : client + " via " + address;
    }

    @Override
    public String clientAddress() {
        return client;
    }

    @Override
    public String toString() {
        return "websocket " + peer();
    }

    private void endLater(int code, String reason) {
        if (ending.compareAndSet(false, true)) {
            Thread.ofVirtual().name("loomchat-ws-close").start(() -> end(code, reason));
        }
    }

    /**
     * Flushes or hands back what is queued, tells the listener, then closes the WebSocket: our
     * close frame goes after the last data frame, and the socket is closed if the client does
     * not answer it in time. Runs once; later calls return at once.
     */
    private void end(int code, String reason) {
        serving.lock();
        try {
            if (ended) {
                return;
            }
            ended = true;
            queue.finish(config.flushTimeout().toNanos());
            String overflow = queue.overflow();
            if (overflow != null) {
                LOG.info("{} disconnected: it stopped reading and its outbound queue filled up ({})", this, overflow);
            }
            listener.onClose();
        } catch (RuntimeException e) {
            LOG.warn("{} could not be closed cleanly", this, e);
        } finally {
            serving.unlock();
        }
        try {
            session.close(code, reason);
        } catch (RuntimeException e) {
            LOG.trace("{} close frame not sent: {}", this, e.toString());
        }
        if (!awaitEnd(reader, CLOSE_HANDSHAKE_GRACE)) {
            abort();
        }
        port.ended(this);
    }

    /** Closes the socket under the reader: its read fails and its thread ends. */
    private void abort() {
        if (session instanceof ServerConnection connection) {
            connection.close(true);
        }
    }

    /** A client beyond --max-connections hears why, as on TCP, then its socket closes. */
    private void refuseAsFull(WsSession newSession) {
        byte[] refusal = listeners.serverFull(config.maxConnections());
        try {
            new WebSocketFrameWriter(newSession).write(List.of(OutboundFrame.of(refusal)), refusal.length);
            newSession.close(WsCloseCodes.TRY_AGAIN_LATER, "server full");
        } catch (IOException | RuntimeException e) {
            LOG.trace("{} refusal not written: {}", this, e.toString());
        }
        abort();
    }

    private static boolean awaitEnd(Thread thread, Duration timeout) {
        try {
            return thread.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !thread.isAlive();
        }
    }
}
