package io.loomchat.service;

import static io.loomchat.testing.InProcessChat.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.InProcessChat;
import io.loomchat.testing.InProcessChat.User;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chat service of a single server over H2, its sessions reached through a recording
 * {@link io.loomchat.server.Outbound} instead of sockets: the rules, in milliseconds.
 */
class ChatServiceTest {

    private InProcessChat chat;

    @BeforeEach
    void start() {
        chat = InProcessChat.start(Backend.H2);
    }

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void aRegisteredUserLogsInAndCountsAsOnlineUntilItsConnectionCloses() {
        ChatClient client = chat.connect();
        int id = client.register("alice", PASSWORD);
        JsonNode ack = client.login(id, PASSWORD);
        assertEquals(0, ack.path("offlinemsg").size(), ack::toString);
        assertEquals(1, chat.service().onlineUsers());

        client.close(); // returns once the session's end has been served
        assertEquals(0, chat.service().onlineUsers());
    }

    @Test
    void aWrongPasswordOrARequestBeforeLoginIsRefused() {
        ChatClient client = chat.connect();
        int id = client.register("alice", PASSWORD);
        assertEquals(1, client.call("{\"msgid\":1,\"id\":" + id + ",\"password\":\"wrong\"}").path("errno").asInt());
        assertEquals(3, client.call("{\"msgid\":6,\"toid\":" + id + ",\"msg\":\"x\"}").path("errno").asInt());
        assertEquals(0, chat.service().onlineUsers());
    }

    @Test
    void aSecondLoginOfAnOnlineUserIsRefused() {
        User alice = chat.newUser("alice");
        JsonNode second = chat.connect().call("{\"msgid\":1,\"id\":" + alice.id() + ",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(2, second.path("errno").asInt(), second::toString);
    }

    @Test
    void aMessageBetweenTwoOnlineUsersIsAcknowledgedAndDelivered() {
        User alice = chat.newUser("alice");
        User bob = chat.newUser("bob");

        JsonNode ack = alice.client().call("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"hi bob\",\"seq\":5}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        assertEquals("online", ack.path("stored").asText());
        assertEquals(5, ack.path("seq").asInt());

        JsonNode message = bob.client().next(6);
        assertEquals(ack.path("mid").asLong(), message.path("mid").asLong());
        assertEquals(alice.id(), message.path("id").asInt());
        assertEquals(alice.name(), message.path("name").asText());
        assertEquals("hi bob", message.path("msg").asText());
        alice.client().expectNothing(Duration.ofMillis(50));
    }

    @Test
    void aMessageToAnOfflineUserIsStoredAndHandedOverAtItsNextLoginOnce() {
        User alice = chat.newUser("alice");
        User bob = chat.offlineUser("bob");
        for (int i = 0; i < 3; i++) {
            JsonNode ack = alice.client().call("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"m" + i + "\"}");
            assertEquals("offline", ack.path("stored").asText(), ack::toString);
        }

        ChatClient bobClient = chat.connect();
        JsonNode offline = bobClient.login(bob.id(), PASSWORD).path("offlinemsg");
        assertEquals(3, offline.size(), offline::toString);
        for (int i = 0; i < 3; i++) {
            assertEquals("m" + i, offline.get(i).path("msg").asText(), "oldest first");
        }

        bobClient.call("{\"msgid\":3}");
        assertEquals(0, bobClient.login(bob.id(), PASSWORD).path("offlinemsg").size(), "handed over once");
    }
}
