package io.loomchat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.function.Predicate;

/**
 * A test's view of a chat client: a real TCP socket or WebSocket speaking the wire protocol, with helpers
 * that wait for a frame and fail the test, saying what was expected, when none comes.
 * Frames read while waiting for another one are kept, in order, for later calls.
 */
public final class ChatClient implements AutoCloseable {

    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);
    private static final int REPLY_LOGIN = 2;
    private static final int REPLY_REGISTER = 5;
    private static final int REPLY_ACK = 11;
    private static final int REPLY_PONG = 13;

    /** One for every WebSocket client of a test run: it holds a selector thread and a pool. */
    private static final HttpClient WEB = HttpClient.newHttpClient();

    private final FrameLink link;
    private final Deque<JsonNode> backlog = new ArrayDeque<>();

    private ChatClient(FrameLink link) {
        this.link = link;
    }

    private ChatClient(Socket socket) throws IOException {
        this(new TcpLink(socket));
    }

    /** A client on the server's web port ({@code ws://host:port/ws}), as a program connects: no Origin. */
    public static ChatClient connectWebSocket(String host, int webPort) {
        return connectWebSocket(host, webPort, null);
    }

    /** As a page of {@code origin} would connect. */
    public static ChatClient connectWebSocket(String host, int webPort, String origin) {
        return new ChatClient(WebSocketLink.open(WEB, URI.create("ws://" + host + ":" + webPort + "/ws"), origin));
    }

    /** A client on {@code wss://host:port/ws}, trusting what {@code tls} trusts (host name checked). */
    public static ChatClient connectSecureWebSocket(String host, int webPort, javax.net.ssl.SSLContext tls) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(tls).build();
        return new ChatClient(WebSocketLink.open(http, URI.create("wss://" + host + ":" + webPort + "/ws"), null));
    }

    /**
     * A client of {@code service} without a network: its frames reach the service's session on a
     * reader thread of its own and its replies are recorded (see {@link InProcessLink}).
     */
    public static ChatClient connectInProcess(io.loomchat.server.ConnectionListener.Factory service) {
        return new ChatClient(new InProcessLink(service));
    }

    public static ChatClient connect(String host, int port) {
        try {
            Socket socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            return new ChatClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + host + ":" + port, e);
        }
    }

    /** A client on a TLS chat port, trusting what {@code tls} trusts, the host name checked. */
    public static ChatClient connectTls(String host, int port, javax.net.ssl.SSLContext tls) {
        try {
            javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(host, port);
            javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setTcpNoDelay(true);
            socket.startHandshake();
            return new ChatClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect with TLS to " + host + ":" + port, e);
        }
    }

    /** Sends one modern frame: the JSON text and a newline. */
    public ChatClient send(String json) {
        return sendRaw((json + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends bytes as they are (on a WebSocket: as one text message, without a final newline). */
    public ChatClient sendRaw(byte[] bytes) {
        link.write(bytes);
        return this;
    }

    /** WebSocket only: sends a binary message. */
    public ChatClient sendBinary(byte[] bytes) {
        webSocket().writeBinary(bytes);
        return this;
    }

    /** WebSocket only: the close code the server sent, -1 while open. */
    public int closeCode() {
        return webSocket().closeCode();
    }

    /** WebSocket only: closes with a close frame, as a browser tab does. */
    public void closeNormally() {
        webSocket().closeNormally();
    }

    private WebSocketLink webSocket() {
        if (link instanceof WebSocketLink webSocket) {
            return webSocket;
        }
        throw new IllegalStateException("not a WebSocket client");
    }

    /** Sends a request and returns the reply to it (LOGIN/REG ack, ACK or PONG); pushes stay queued. */
    public JsonNode call(String json) {
        send(json);
        return nextReply();
    }

    public JsonNode nextReply() {
        return next(ChatClient::isReply, "a reply");
    }

    /** The next frame of this msgid; frames of other types stay queued. */
    public JsonNode next(int msgid) {
        return next(frame -> frame.path("msgid").asInt() == msgid, "a frame with msgid " + msgid);
    }

    /** The next frame, whatever it is. */
    public JsonNode next() {
        return next(frame -> true, "any frame");
    }

    public JsonNode next(Predicate<JsonNode> wanted, String description) {
        return next(wanted, description, DEFAULT_WAIT);
    }

    public JsonNode next(Predicate<JsonNode> wanted, String description, Duration wait) {
        for (Iterator<JsonNode> it = backlog.iterator(); it.hasNext(); ) {
            JsonNode frame = it.next();
            if (wanted.test(frame)) {
                it.remove();
                return frame;
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode frame = left <= 0 ? null : read(Duration.ofNanos(left));
            if (frame == null) {
                throw new AssertionError("waited " + wait + " for " + description + (link.ended()
                        ? ", but the server closed the connection" : "") + "; queued meanwhile: " + backlog);
            }
            if (wanted.test(frame)) {
                return frame;
            }
            backlog.addLast(frame);
        }
    }

    /** The next frame (queued ones first) if one arrives within {@code wait}, else null. */
    public JsonNode poll(Duration wait) {
        JsonNode queued = backlog.pollFirst();
        return queued != null ? queued : read(wait);
    }

    /** Fails if any frame arrives within {@code wait}. */
    public void expectNothing(Duration wait) {
        if (!backlog.isEmpty()) {
            throw new AssertionError("expected no frame, but have " + backlog);
        }
        JsonNode frame = read(wait);
        if (frame != null) {
            throw new AssertionError("expected no frame within " + wait + ", got " + frame);
        }
    }

    /** True when the server closes the connection within {@code wait}; frames before that are kept. */
    public boolean closedByServer(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!link.ended()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            JsonNode frame = read(Duration.ofNanos(left));
            if (frame != null) {
                backlog.addLast(frame);
            }
        }
        return true;
    }

    /** Reads one raw frame (bytes up to and without {@code \n}), or null on timeout or end of stream. */
    public byte[] readRawFrame(Duration wait) {
        return link.read(wait);
    }

    private JsonNode read(Duration wait) {
        byte[] raw = readRawFrame(wait);
        if (raw == null) {
            return null;
        }
        try {
            return Json.parse(raw, 0, raw.length);
        } catch (IOException e) {
            throw new AssertionError("the server sent something that is not JSON: "
                    + new String(raw, StandardCharsets.UTF_8), e);
        }
    }

    // --- conveniences for the common steps of a scenario

    /** Registers and returns the new user's id, failing the test if registration fails. */
    public int register(String name, String password) {
        JsonNode ack = call("{\"msgid\":4,\"name\":" + quote(name) + ",\"password\":" + quote(password) + "}");
        assertEquals(5, ack.path("msgid").asInt(), ack::toString);
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return ack.path("id").asInt();
    }

    /** Logs in and returns the login ack, failing the test if the login fails. */
    public JsonNode login(int id, String password) {
        JsonNode ack = call("{\"msgid\":1,\"id\":" + id + ",\"password\":" + quote(password) + "}");
        assertEquals(2, ack.path("msgid").asInt(), ack::toString);
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return ack;
    }

    /**
     * Logs in, retrying while the server still holds the user's previous session (errno 2): a
     * dropped connection is signed out only after what was queued for it is flushed or stored.
     */
    public JsonNode loginAfterDisconnect(int id, String password) {
        long deadline = System.nanoTime() + DEFAULT_WAIT.toNanos();
        while (true) {
            JsonNode ack = call("{\"msgid\":1,\"id\":" + id + ",\"password\":" + quote(password) + "}");
            if (ack.path("errno").asInt() != 2 || System.nanoTime() > deadline) {
                assertEquals(0, ack.path("errno").asInt(), ack::toString);
                return ack;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /**
     * Logs in asking for delivery receipts (protocol 2.2) and returns the login ack, failing the
     * test unless receipts are granted. Retries while the user's previous session is still being
     * signed out or its server cleaned up after (errno 2), or Redis is coming back (errno 10).
     */
    public JsonNode loginWithReceipts(int id, String password) {
        return loginWithReceipts(id, password, DEFAULT_WAIT);
    }

    public JsonNode loginWithReceipts(int id, String password, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            JsonNode ack = call("{\"msgid\":1,\"id\":" + id + ",\"password\":" + quote(password) + ",\"receipts\":true}");
            int errno = ack.path("errno").asInt();
            if ((errno != 2 && errno != 10) || System.nanoTime() > deadline) {
                assertEquals(0, errno, ack::toString);
                assertEquals(true, ack.path("receipts").asBoolean(false), () -> "receipts not granted: " + ack);
                return ack;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    public static String quote(String text) {
        return Json.text(Json.MAPPER.getNodeFactory().textNode(text));
    }

    public static boolean isReply(JsonNode frame) {
        int msgid = frame.path("msgid").asInt();
        return msgid == REPLY_LOGIN || msgid == REPLY_REGISTER || msgid == REPLY_ACK || msgid == REPLY_PONG;
    }

    @Override
    public void close() {
        link.close();
    }
}
