package io.loomchat.loadtest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A load connection over WebSocket ({@code ws://host:port/ws}), one text message per frame, with
 * the JDK's own client: an RFC 6455 implementation independent of the server's, and one selector
 * thread for every connection of the process, so ten thousand idle clients cost no thread each.
 * Messages are handed to the connection in order: the client asks for the next one only after
 * the last was dispatched.
 */
final class WebSocketWire implements LoadConnection.Wire, WebSocket.Listener {

    /** One client per process: it owns the selector thread and the connection pool. */
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(LoadConnection.CONNECT_TIMEOUT)
            .build();

    private final LoadConnection connection;
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private volatile boolean closed;

    private WebSocketWire(LoadConnection connection) {
        this.connection = connection;
    }

    /** Opens the WebSocket of the server whose web port is {@code server}. */
    static void connect(InetSocketAddress server, LoadConnection connection) throws IOException {
        WebSocketWire wire = new WebSocketWire(connection);
        connection.attach(wire);
        URI uri = URI.create("ws://" + server.getHostString() + ":" + server.getPort() + "/ws");
        try {
            wire.socket = CLIENT.newWebSocketBuilder()
                    .connectTimeout(LoadConnection.CONNECT_TIMEOUT)
                    .buildAsync(uri, wire)
                    .get(LoadConnection.CONNECT_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("cannot open " + uri + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("cannot open " + uri + ": no handshake within " + LoadConnection.CONNECT_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening " + uri, e);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            byte[] bytes = partial.toString().getBytes(StandardCharsets.UTF_8);
            partial.setLength(0);
            try {
                connection.received(Frame.parse(bytes, 0, bytes.length));
            } catch (IOException | RuntimeException e) {
                closed = true;
                webSocket.abort();
                connection.ended(e);
                return null;
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed = true;
        connection.ended(new SocketException("the server closed the WebSocket: " + statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed = true;
        connection.ended(error instanceof Exception e ? e : new IOException(error));
    }

    @Override
    public void write(byte[] frame) throws IOException {
        // The frame ends in its \\n terminator, which a WebSocket message does not carry.
        String text = new String(frame, 0, frame.length - 1, StandardCharsets.UTF_8);
        try {
            socket.sendText(text, true).join();
        } catch (CompletionException e) {
            throw new IOException("WebSocket send failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        WebSocket open = socket;
        if (open != null) {
            open.abort();
        }
    }
}
