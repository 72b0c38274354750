package io.loomchat.loadtest;

import io.loomchat.tls.ClientTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * One simulated client's socket, used by every scenario: a virtual thread reads the server's
 * {@code \n}-terminated frames and hands each to a {@link Listener}; {@link #send} writes one
 * frame with the terminator of the chosen {@link Framing}, from any thread (a sender and the
 * heartbeat may write at the same time, so writes take a lock; frames never interleave).
 */
final class LoadConnection implements AutoCloseable {

    /**
     * What happens to frames and to the end of the connection. Runs on the reader thread, so a
     * client sees its frames in the order the server sent them, replies to {@link #call} included.
     */
    interface Listener {
        void onFrame(LoadConnection connection, Frame frame);

        /** The connection ended without {@link #close} being called first. */
        void onDropped(LoadConnection connection, Exception cause);
    }

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int READ_CHUNK_BYTES = 8 * 1024;

    private final Socket socket;
    private final OutputStream out;
    private final Framing framing;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Listener listener;
    private volatile boolean closing;
    /** A request waiting for its reply (register, login, setup); at most one at a time. */
    private volatile Call call;

    private record Call(Predicate<Frame> isReply, CompletableFuture<Frame> reply) {
    }

    private LoadConnection(Socket socket, Framing framing, Listener listener) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.framing = framing;
        this.listener = listener;
    }

    /**
     * Connects from {@code source} (null: any local address), with {@code tls} (null: plaintext)
     * verifying the server as {@code server}'s host string, and starts reading.
     */
    static LoadConnection open(InetSocketAddress server, InetAddress source, Framing framing, Listener listener,
                               ClientTls tls) throws IOException {
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
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        LoadConnection connection = new LoadConnection(socket, framing, listener);
        Thread.ofVirtual().name("load-reader").start(connection::readLoop);
        return connection;
    }

    Framing framing() {
        return framing;
    }

    void send(String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] frame = Arrays.copyOf(body, body.length + 1);
        frame[body.length] = framing.terminator();
        writeLock.lock();
        try {
            out.write(frame);
        } finally {
            writeLock.unlock();
        }
    }

    /** Sends a request and waits for the frame {@code isReply} accepts (which the listener also sees). */
    Frame call(String json, Predicate<Frame> isReply, Duration timeout) throws IOException, InterruptedException {
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

    private void readLoop() {
        byte[] buffer = new byte[READ_CHUNK_BYTES];
        int filled = 0;
        try (InputStream in = socket.getInputStream()) {
            while (true) {
                if (filled == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                int read = in.read(buffer, filled, buffer.length - filled);
                if (read < 0) {
                    throw new SocketException("the server closed the connection");
                }
                int start = 0;
                int end = filled + read;
                for (int i = filled; i < end; i++) {
                    if (buffer[i] == '\n') {
                        if (i > start) {
                            dispatch(Frame.parse(buffer, start, i - start));
                        }
                        start = i + 1;
                    }
                }
                filled = end - start;
                System.arraycopy(buffer, start, buffer, 0, filled);
            }
        } catch (IOException | RuntimeException e) {
            Call pending = call;
            if (pending != null) {
                pending.reply.completeExceptionally(e);
            }
            if (!closing) {
                listener.onDropped(this, e);
            }
        }
    }

    /** The listener sees every frame first (a login ack's offline messages are in order), then a waiting call gets its reply. */
    private void dispatch(Frame frame) {
        listener.onFrame(this, frame);
        Call pending = call;
        if (pending != null && pending.isReply.test(frame)) {
            pending.reply.complete(frame);
        }
    }

    boolean isOpen() {
        return !closing && !socket.isClosed();
    }

    @Override
    public void close() {
        closing = true;
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing is waiting on this socket any more; a failing close is worth a line, not a failure.
            System.err.println("closing a load-test connection failed: " + e);
        }
    }
}
