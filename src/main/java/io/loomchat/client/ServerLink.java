package io.loomchat.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.protocol.Json;
import io.loomchat.tls.ClientTls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One TCP connection to the server (inside TLS when asked), speaking modern ({@code \n}-terminated) frames. It knows
 * nothing about users or reconnecting: when it breaks, {@link Connector} opens a new one.
 *
 * <p>Reading happens on the connection thread only; writing on any thread (the user's commands
 * and the heartbeat), serialized by a lock so that two frames never interleave.
 */
final class ServerLink implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    /** Guards writes to {@link #out}. Held during a blocking write: the only contenders are one
     *  person typing and the heartbeat, and a frame must go out whole. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile long lastSentNanos = System.nanoTime();
    /** Why this link was given up by a writer, so the reader can tell the user the real cause. */
    private volatile IOException failure;

    private ServerLink(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    /**
     * Connects; with {@code tls} (null: plaintext) the handshake is done before this returns, so
     * a refused server has been sent nothing.
     *
     * @throws io.loomchat.tls.ServerNotTrustedException with TLS: the server cannot be trusted
     */
    static ServerLink open(String host, int port, Duration connectTimeout, Duration readTimeout, ClientTls tls)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) readTimeout.toMillis());
            return new ServerLink(tls == null ? socket : tls.handshake(socket, host, connectTimeout));
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Writes one frame. On failure the link is closed, so that the reader notices and reconnects. */
    void send(JsonNode frame) throws IOException {
        byte[] json = Json.frame(frame);
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n'; // the stream's terminator, in the same write
        writeLock.lock();
        try {
            out.write(line);
            out.flush();
            lastSentNanos = System.nanoTime();
        } catch (IOException e) {
            fail(e);
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * The next frame, or {@code null} at the end of the stream. Empty lines are skipped.
     *
     * @throws java.net.SocketTimeoutException when the server was silent longer than the read timeout
     * @throws io.loomchat.tls.ServerNotTrustedException a plaintext link met a server speaking TLS
     * @throws com.fasterxml.jackson.core.JsonProcessingException when a line is not JSON
     */
    JsonNode read() throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (ClientTls.looksLikeTls(line)) {
                throw ClientTls.speaksTls();
            }
            if (!line.isBlank()) {
                return Json.parse(line);
            }
        }
        return null;
    }

    long nanosSinceLastSend() {
        return System.nanoTime() - lastSentNanos;
    }

    /** Gives the link up because of {@code cause}; a reader blocked in {@link #read()} wakes with an exception. */
    void fail(IOException cause) {
        if (failure == null) {
            failure = cause;
        }
        try {
            socket.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** The error that made a writer give this link up, or {@code null}. */
    IOException failure() {
        return failure;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
