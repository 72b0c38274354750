package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.RunningServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket transport (PROTOCOL.md, "Transports"), from the JDK's own WebSocket client
 * against a real server: what is particular to WebSocket, and WebSocket and TCP users together.
 * The protocol's rules themselves run over WebSocket in the *OverWebSocketEndToEndTest classes.
 */
class WebSocketEndToEndTest {

    private static final String PASSWORD = "s3cret";
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);
    private static final int MAX_FRAME_BYTES = 4_096;
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final List<ChatClient> clients = new ArrayList<>();
    private RunningServer server;

    @AfterEach
    void stop() {
        clients.forEach(ChatClient::close);
        if (server != null) {
            server.close();
        }
    }

    private void start(List<String> origins) {
        NetworkConfig network = RunningServer.defaultNetwork().toBuilder()
                .maxFrameBytes(MAX_FRAME_BYTES).idleTimeout(IDLE_TIMEOUT).build();
        server = RunningServer.startWithWeb(Backend.H2, network, new WebConfig(0, origins, List.of()));
    }

    private ChatClient webSocket() {
        return keep(server.connectWebSocket());
    }

    private ChatClient tcp() {
        return keep(server.connect());
    }

    private ChatClient keep(ChatClient client) {
        clients.add(client);
        return client;
    }

    private record User(int id, String name, ChatClient client) {
    }

    private User loggedIn(ChatClient client, String prefix) {
        String name = prefix + "-" + NAMES.incrementAndGet();
        int id = client.register(name, PASSWORD);
        client.login(id, PASSWORD);
        return new User(id, name, client);
    }

    @Test
    void everyMessageTypeWorksBetweenTwoWebSocketUsers() {
        start(List.of());
        User alice = loggedIn(webSocket(), "alice");
        ChatClient bobClient = webSocket();
        String bobName = "bob-" + NAMES.incrementAndGet();
        int bobId = bobClient.register(bobName, PASSWORD);
        JsonNode bobLogin = bobClient.loginWithReceipts(bobId, PASSWORD);
        assertTrue(bobLogin.path("receipts").asBoolean(), bobLogin::toString);

        assertEquals(13, alice.client().call("{\"msgid\":12}").path("msgid").asInt(), "PING is answered with PONG");

        assertEquals(0, alice.client().call("{\"msgid\":7,\"friendid\":" + bobId + "}").path("errno").asInt());
        assertEquals(alice.id(), bobClient.next(16).path("friend").path("id").asInt(), "FRIEND_ADDED reaches bob");

        JsonNode ack = alice.client().call("{\"msgid\":6,\"toid\":" + bobId + ",\"msg\":\"héllo 👋\"}");
        assertEquals("online", ack.path("stored").asText(), ack::toString);
        JsonNode message = bobClient.next(6);
        assertEquals("héllo 👋", message.path("msg").asText(), "text survives UTF-8 both ways");
        bobClient.send("{\"msgid\":15,\"mids\":[" + message.path("mid").asLong() + "]}");

        bobClient.send("{\"msgid\":6,\"toid\":" + alice.id() + ",\"msg\":\"hi alice\"}");
        assertEquals("hi alice", alice.client().next(6).path("msg").asText());

        int group = alice.client().call("{\"msgid\":8,\"groupname\":\"g-" + alice.id() + "\",\"groupdesc\":\"web\"}")
                .path("groupid").asInt();
        assertEquals(0, bobClient.call("{\"msgid\":9,\"groupid\":" + group + "}").path("errno").asInt());
        assertEquals(bobId, alice.client().next(17).path("user").path("id").asInt(), "GROUP_JOINED reaches alice");
        alice.client().call("{\"msgid\":10,\"groupid\":" + group + ",\"msg\":\"standup\"}");
        assertEquals("standup", bobClient.next(10).path("msg").asText());

        assertEquals(0, bobClient.call("{\"msgid\":3}").path("errno").asInt(), "LOGINOUT");
        JsonNode offline = alice.client().next(14);
        assertEquals(bobId, offline.path("id").asInt());
        assertEquals("offline", offline.path("state").asText());
    }

    @Test
    void aWebSocketUserAndATcpUserChatBothWays() {
        start(List.of());
        User web = loggedIn(webSocket(), "web");
        User tcp = loggedIn(tcp(), "tcp");
        web.client().call("{\"msgid\":6,\"toid\":" + tcp.id() + ",\"msg\":\"from the browser\"}");
        assertEquals("from the browser", tcp.client().next(6).path("msg").asText());
        tcp.client().call("{\"msgid\":6,\"toid\":" + web.id() + ",\"msg\":\"from the console\"}");
        JsonNode got = web.client().next(6);
        assertEquals("from the console", got.path("msg").asText());
        assertEquals(tcp.id(), got.path("id").asInt());
    }

    @Test
    void aTextMessageThatIsNotJsonOrABinaryMessageGetsErrno4AndTheSessionGoesOn() {
        start(List.of());
        User alice = loggedIn(webSocket(), "alice");
        alice.client().send("this is not json");
        JsonNode notJson = alice.client().nextReply();
        assertEquals(4, notJson.path("errno").asInt(), notJson::toString);

        alice.client().sendBinary("{\"msgid\":12}".getBytes(StandardCharsets.UTF_8));
        JsonNode binary = alice.client().nextReply();
        assertEquals(4, binary.path("errno").asInt(), binary::toString);
        assertTrue(binary.path("errmsg").asText().contains("binary"), binary::toString);

        assertEquals(13, alice.client().call("{\"msgid\":12}").path("msgid").asInt(), "still served");
    }

    @Test
    void aMessageOverTheFrameLimitGetsErrno9ThenClose1009AndTheUserGoesOffline() {
        start(List.of());
        User watcher = loggedIn(tcp(), "watcher");
        User alice = loggedIn(webSocket(), "alice");
        watcher.client().call("{\"msgid\":7,\"friendid\":" + alice.id() + "}");

        alice.client().send("{\"msgid\":6,\"toid\":1,\"msg\":\"" + "x".repeat(MAX_FRAME_BYTES) + "\"}");
        JsonNode refusal = alice.client().nextReply();
        assertEquals(9, refusal.path("errno").asInt(), refusal::toString);
        assertTrue(alice.client().closedByServer(Duration.ofSeconds(5)), "closed after the refusal");
        assertEquals(1009, alice.client().closeCode());
        JsonNode presence = watcher.client().next(f -> f.path("msgid").asInt() == 14
                && f.path("state").asText().equals("offline"), "alice going offline");
        assertEquals(alice.id(), presence.path("id").asInt());
    }

    @Test
    void aSilentWebSocketIsClosedAfterTheIdleTimeout() {
        start(List.of());
        User watcher = loggedIn(tcp(), "watcher");
        User alice = loggedIn(webSocket(), "alice");
        watcher.client().call("{\"msgid\":7,\"friendid\":" + alice.id() + "}");
        // The watcher keeps its own TCP session alive meanwhile.
        long deadline = System.nanoTime() + IDLE_TIMEOUT.multipliedBy(3).toNanos();
        boolean closed = false;
        while (!closed && System.nanoTime() < deadline) {
            watcher.client().call("{\"msgid\":12}");
            closed = alice.client().closedByServer(Duration.ofMillis(500));
        }
        assertTrue(closed, "closed within about the idle timeout");
        watcher.client().next(f -> f.path("msgid").asInt() == 14 && f.path("state").asText().equals("offline"),
                "alice going offline");
    }

    @Test
    void aWebSocketThatVanishesEndsItsSessionAndItsUnconfirmedMessagesComeAgain() {
        start(List.of());
        User alice = loggedIn(tcp(), "alice");
        ChatClient bobClient = webSocket();
        String bobName = "bob-" + NAMES.incrementAndGet();
        int bobId = bobClient.register(bobName, PASSWORD);
        bobClient.loginWithReceipts(bobId, PASSWORD);
        alice.client().call("{\"msgid\":7,\"friendid\":" + bobId + "}");
        alice.client().call("{\"msgid\":6,\"toid\":" + bobId + ",\"msg\":\"read, never confirmed\"}");
        assertEquals("read, never confirmed", bobClient.next(6).path("msg").asText());

        bobClient.close(); // the TCP connection under the WebSocket is dropped, no close frame
        alice.client().next(f -> f.path("msgid").asInt() == 14 && f.path("state").asText().equals("offline"),
                "bob going offline", Duration.ofSeconds(5));

        ChatClient again = webSocket();
        JsonNode login = again.loginWithReceipts(bobId, PASSWORD);
        assertEquals("read, never confirmed", login.path("offlinemsg").get(0).path("msg").asText(), login::toString);
    }

    @Test
    void byDefaultOnlyThePagesOwnOriginMayOpenAWebSocket() {
        start(List.of());
        int port = server.webPort();
        assertThrows(CompletionException.class,
                () -> ChatClient.connectWebSocket("127.0.0.1", port, "https://evil.example.net"));
        try (ChatClient sameOrigin = ChatClient.connectWebSocket("127.0.0.1", port, "http://127.0.0.1:" + port)) {
            assertEquals(13, sameOrigin.call("{\"msgid\":12}").path("msgid").asInt());
        }
    }

    @Test
    void withListedOriginsOnlyThoseMayOpenAWebSocket() {
        start(List.of("https://chat.example.com"));
        int port = server.webPort();
        assertThrows(CompletionException.class,
                () -> ChatClient.connectWebSocket("127.0.0.1", port, "https://evil.example.net"));
        try (ChatClient listed = ChatClient.connectWebSocket("127.0.0.1", port, "https://chat.example.com")) {
            assertEquals(13, listed.call("{\"msgid\":12}").path("msgid").asInt());
        }
    }

    @Test
    void aServerShuttingDownClosesWebSocketsWithGoingAwayAfterTellingFriends() {
        start(List.of());
        User alice = loggedIn(webSocket(), "alice");
        server.stop();
        assertTrue(alice.client().closedByServer(Duration.ofSeconds(10)));
        assertEquals(1001, alice.client().closeCode());
    }
}
