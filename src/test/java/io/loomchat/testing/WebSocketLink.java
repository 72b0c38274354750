package io.loomchat.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Frames over a WebSocket, one text message each, through the JDK's own client: an
 * implementation of RFC 6455 independent of the server's.
 */
final class WebSocketLink implements FrameLink, WebSocket.Listener {

    private static final byte[] CLOSED = new byte[0];

    private final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;
    private volatile boolean ended;
    private volatile int closeCode = -1;

    private WebSocketLink() {
    }

    /**
     * Opens {@code uri} ({@code ws://host:port/ws}) sending {@code origin} as a browser would
     * (null: no Origin header, as programs do).
     *
     * @throws CompletionException the handshake failed (refused origin, nothing listening)
     */
    static WebSocketLink open(HttpClient http, URI uri, String origin) {
        WebSocketLink link = new WebSocketLink();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (origin != null) {
            builder.header("Origin", origin);
        }
        link.socket = builder.buildAsync(uri, link).join();
        return link;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString().getBytes(StandardCharsets.UTF_8));
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode = statusCode;
        messages.add(CLOSED);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        messages.add(CLOSED);
    }

    @Override
    public void write(byte[] bytes) {
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\n') {
            length--;
        }
        socket.sendText(new String(bytes, 0, length, StandardCharsets.UTF_8), true).join();
    }

    /** Sends a binary message, which carries no frame in this protocol. */
    void writeBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    @Override
    public byte[] read(Duration wait) {
        if (ended) {
            return null;
        }
        try {
            byte[] message = messages.poll(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
            if (message == CLOSED) {
                ended = true;
                return null;
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public boolean ended() {
        return ended;
    }

    /** The close code the server sent, or -1 while open (1006 when the socket died without one). */
    int closeCode() {
        return closeCode;
    }

    @Override
    public void close() {
        socket.abort();
    }

    /** A client that closes politely, with a close frame, as a browser tab does. */
    void closeNormally() {
        CompletableFuture<WebSocket> sent = socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        sent.join();
    }
}
