package io.loomchat.loadtest.wire;

import io.loomchat.protocol.MessageType;
import io.loomchat.tls.ClientTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * One simulated client's connection, used by every scenario: the server's frames are handed, in
 * order, to a {@link Listener}; {@link #send} writes one frame with the terminator of the chosen
 * {@link Framing}, from any thread (a sender and the heartbeat may write at the same time, so
 * writes take a lock; frames never interleave). How the bytes travel is a {@link Wire}: a TCP
 * socket read by a virtual thread, or a WebSocket.
 */
public final class LoadConnection implements AutoCloseable {

    /**
     * What happens to frames and to the end of the connection. Runs on the reader thread, so a
     * client sees its frames in the order the server sent them, replies to {@link #call} included.
     */
    public interface Listener {
        void onFrame(LoadConnection connection, Frame frame);

        /** The connection ended without {@link #close} being called first. */
        void onDropped(LoadConnection connection, Exception cause);
    }

    /** The transport under a connection; it calls {@link #received} and {@link #ended}. */
    interface Wire {
        /** Writes one frame, terminator included; called under the connection's write lock. */
        void write(byte[] frame) throws IOException;

        boolean isClosed();

        void close() throws IOException;
    }

    private static final int PONG = MessageType.PONG.code();
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private Wire wire;
    private final Framing framing;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Listener listener;
    private volatile boolean closing;
    /**
     * A write failed: the connection is gone, even before its reader has seen the end (on a busy
     * box that can take a while, and a sender asking {@link #isOpen} meanwhile would count its
     * failed writes as errors rather than as the drop the reader is about to count).
     */
    private volatile boolean writeFailed;
    /** A request waiting for its reply (register, login, setup); at most one at a time. */
    private volatile Call call;
    /** PINGs sent on this connection that no PONG has answered yet (PONGs come back in order). */
    private final AtomicInteger pingsAwaitingPong = new AtomicInteger();
    /** PINGs written so far, counted under the write lock: the n-th is the n-th on the wire. */
    private long pingsWritten;
    /** PONGs read so far; by the reader thread only (read by listeners it calls). */
    private volatile long pongsRead;

    private record Call(Predicate<Frame> isReply, CompletableFuture<Frame> reply) {
    }

    private LoadConnection(Framing framing, Listener listener) {
        this.framing = framing;
        this.listener = listener;
    }

    /** Set once, right after the wire is connected and before anything is sent. */
    private void attach(Wire connected) {
        this.wire = connected;
    }

    /**
     * Connects from {@code source} (null: any local address), with {@code tls} (null: plaintext)
     * verifying the server as {@code server}'s host string, and starts reading.
     */
    static LoadConnection open(InetSocketAddress server, InetAddress source, Framing framing, Listener listener,
                               ClientTls tls) throws IOException {
        Socket socket = connect(server, source, tls);
        LoadConnection connection = new LoadConnection(framing, listener);
        SocketWire wire = new SocketWire(socket, framing);
        connection.attach(wire);
        Thread.ofVirtual().name("load-reader").start(() -> wire.readLoop(connection));
        return connection;
    }

    /** As {@link #open}, to a web port: upgrades to its WebSocket at {@code /ws} first. */
    static LoadConnection openWebSocket(InetSocketAddress server, InetAddress source, Listener listener,
                                        ClientTls tls) throws IOException {
        Socket socket = connect(server, source, tls);
        WebSocketWire wire;
        try {
            wire = WebSocketWire.upgrade(socket, server.getHostString() + ":" + server.getPort());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        LoadConnection connection = new LoadConnection(Framing.MODERN, listener);
        connection.attach(wire);
        Thread.ofVirtual().name("load-reader").start(() -> wire.readLoop(connection));
        return connection;
    }

    private static Socket connect(InetSocketAddress server, InetAddress source, ClientTls tls) throws IOException {
        Socket socket = new Socket();
        try {
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.setTcpNoDelay(true);
            socket.connect(server, (int) CONNECT_TIMEOUT.toMillis());
            if (tls != null) {
                socket = tls.handshake(socket, server.getHostString(), CONNECT_TIMEOUT);
            }
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    public Framing framing() {
        return framing;
    }

    public void send(String json) throws IOException {
        byte[] frame = frameOf(json);
        writeLock.lock();
        try {
            wire.write(frame);
        } catch (IOException e) {
            writeFailed = true;
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Sends a PING and counts it as awaiting its PONG; returns its ordinal on this connection
     * (1 for the first): the PONG that answers it is the one {@link #pongsRead} counts as the same
     * number, whoever sent the PINGs in between.
     */
    public long sendPing(String json) throws IOException {
        byte[] frame = frameOf(json);
        pingsAwaitingPong.incrementAndGet();
        writeLock.lock();
        try {
            wire.write(frame);
            return ++pingsWritten;
        } catch (IOException e) {
            pingsAwaitingPong.decrementAndGet();
            writeFailed = true;
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    private byte[] frameOf(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] frame = Arrays.copyOf(body, body.length + 1);
        frame[body.length] = framing.terminator();
        return frame;
    }

    /** PONGs read on this connection so far, the one being handled included (see {@link #sendPing}). */
    public long pongsRead() {
        return pongsRead;
    }

    /** PINGs sent here that no PONG has answered yet; see {@link #sendPing}. */
    public int pingsAwaitingPong() {
        return pingsAwaitingPong.get();
    }

    /** Sends a request and waits for the frame {@code isReply} accepts (which the listener also sees). */
    public Frame call(String json, Predicate<Frame> isReply, Duration timeout) throws IOException, InterruptedException {
        Call pending = new Call(isReply, new CompletableFuture<>());
        call = pending;
        try {
            send(json);
            return pending.reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no reply within " + timeout + " to " + json, e);
        } catch (ExecutionException e) {
            throw new IOException("connection ended while waiting for the reply to " + json + ": " + e.getCause(), e.getCause());
        } finally {
            call = null;
        }
    }

    /** The wire ended: a call waiting for its reply fails, and the listener hears of it unless we closed. */
    void ended(Exception cause) {
        Call pending = call;
        if (pending != null) {
            pending.reply.completeExceptionally(cause);
        }
        if (!closing) {
            listener.onDropped(this, cause);
        }
    }

    /** The listener sees every frame first (a login ack's offline messages are in order), then a waiting call gets its reply. */
    void received(Frame frame) {
        if (frame.msgid == PONG) {
            pingsAwaitingPong.updateAndGet(n -> Math.max(0, n - 1));
            pongsRead++; // the reader thread is the only writer
        }
        listener.onFrame(this, frame);
        Call pending = call;
        if (pending != null && pending.isReply.test(frame)) {
            pending.reply.complete(frame);
        }
    }

    public boolean isOpen() {
        return !closing && !writeFailed && !wire.isClosed();
    }

    @Override
    public void close() {
        closing = true;
        try {
            wire.close();
        } catch (IOException e) {
            // Nothing is waiting on this socket any more; a failing close is worth a line, not a failure.
            System.err.println("closing a load-test connection failed: " + e);
        }
    }
}
