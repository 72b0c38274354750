package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Protocol 2.1: a large offline backlog comes as a login ack with the oldest page, then the rest, in order. */
@ParameterizedClass
@EnumSource(Backend.class)
class OfflineBacklogEndToEndTest extends EndToEndTest {

    private static final int PAGE = 5;

    @Override
    protected RunningServer startServerFor(Backend backend) {
        return RunningServer.start(TestDatabase.create(backend), true, RunningServer.defaultNetwork(),
                RunningServer.defaultService().withLogin(LoginPolicy.defaults().withLoginBacklog(PAGE)));
    }

    @Test
    void theAckCarriesTheOldestPageAndTheRestFollowMarkedOfflineInOrder() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        for (int i = 0; i < 17; i++) {
            alice.client().call(chat(bob.id(), "m" + i));
        }
        ChatClient client = connect();
        JsonNode ack = client.login(bob.id(), PASSWORD);
        assertEquals(PAGE, ack.path("offlinemsg").size());
        assertEquals(12, ack.path("pending").asInt(), ack::toString);
        List<String> texts = new ArrayList<>();
        ack.path("offlinemsg").forEach(message -> texts.add(message.path("msg").asText()));
        for (int i = 0; i < 12; i++) {
            JsonNode frame = client.next(6);
            assertTrue(frame.path("offline").asBoolean(), frame::toString);
            texts.add(frame.path("msg").asText());
        }
        for (int i = 0; i < 17; i++) {
            assertEquals("m" + i, texts.get(i));
        }
        client.expectNothing(Duration.ofMillis(200));
        awaitStoreEmpty(bob.id());
    }

    @Test
    void aMessageSentWhileTheBacklogIsSentArrivesAfterIt() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        for (int i = 0; i < 40; i++) {
            alice.client().call(chat(bob.id(), "old" + i));
        }
        ChatClient client = connect();
        client.send("{\"msgid\":1,\"id\":" + bob.id() + ",\"password\":\"" + PASSWORD + "\"}");
        for (int i = 0; i < 10; i++) {
            alice.client().send(chat(bob.id(), "new" + i));
        }
        JsonNode ack = client.next(2);
        List<String> texts = new ArrayList<>();
        ack.path("offlinemsg").forEach(message -> texts.add(message.path("msg").asText()));
        while (texts.size() < 50) {
            texts.add(client.next(6).path("msg").asText());
        }
        for (int i = 0; i < 40; i++) {
            assertEquals("old" + i, texts.get(i), texts::toString);
        }
        for (int i = 0; i < 10; i++) {
            assertEquals("new" + i, texts.get(40 + i), texts::toString);
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(0, alice.client().nextReply().path("errno").asInt());
        }
    }

    @Test
    void loggingOutAndInAgainRightAwayNeverBringsAMessageTwice() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient client = connect();
        List<String> received = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 3; i++) {
                alice.client().call(chat(bob.id(), "r" + round + "-" + i));
            }
            JsonNode ack = client.login(bob.id(), PASSWORD);
            ack.path("offlinemsg").forEach(message -> received.add(message.path("msg").asText()));
            for (int i = 0; i < ack.path("pending").asInt(); i++) {
                received.add(client.next(6).path("msg").asText());
            }
            assertEquals(0, client.call("{\"msgid\":3}").path("errno").asInt());
        }
        assertEquals(60, received.size(), received::toString);
        assertEquals(60, new HashSet<>(received).size(), "none twice: " + received);
    }

    /**
     * A message written to a socket counts as delivered (it is deleted), whether or not the client
     * read it before closing; so this backlog is large (4 MB), far more than the sockets' buffers
     * hold when the client leaves, and most of it must still be stored for the next login.
     */
    @Test
    void aClientThatDisconnectsMidwayGetsTheRestAtItsNextLoginAndNoneTwice() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        String filler = "x".repeat(4_000);
        int count = 1_000;
        for (int i = 0; i < count; i++) {
            alice.client().send(chat(bob.id(), "m" + i + " " + filler));
        }
        for (int i = 0; i < count; i++) {
            assertEquals(0, alice.client().nextReply().path("errno").asInt());
        }
        List<String> received = new ArrayList<>();
        ChatClient first = connect();
        JsonNode ack = first.login(bob.id(), PASSWORD);
        ack.path("offlinemsg").forEach(message -> received.add(message.path("msg").asText()));
        first.close(); // with the rest unread: the server's writes fail once the client is gone

        ChatClient second = connect();
        JsonNode again = second.loginAfterDisconnect(bob.id(), PASSWORD);
        again.path("offlinemsg").forEach(message -> received.add(message.path("msg").asText()));
        for (int i = 0; i < again.path("pending").asInt(); i++) {
            received.add(second.next(6).path("msg").asText());
        }
        assertEquals(received.size(), new HashSet<>(received).size(), "none twice");
        assertTrue(received.get(received.size() - 1).startsWith("m" + (count - 1) + " "), "the rest came, up to the newest");
        awaitStoreEmpty(bob.id());
    }

    private void awaitStoreEmpty(int userId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int left;
        do {
            left = server.database().query("SELECT COUNT(*) FROM OfflineMessage WHERE userid = " + userId,
                    rows -> rows.next() ? rows.getInt(1) : -1);
        } while (left != 0 && System.nanoTime() < deadline);
        assertEquals(0, left, "every delivered row is deleted");
    }

    private static String chat(int to, String text) {
        return "{\"msgid\":6,\"toid\":" + to + ",\"msg\":\"" + text + "\"}";
    }
}
