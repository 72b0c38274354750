package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.EndToEndTest;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class OneToOneChatEndToEndTest extends EndToEndTest {

    private static final Pattern CLASSIC_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");

    @Test
    void aMessageToAnOnlineUserIsDeliveredAsTheServerBuiltIt() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        long before = System.currentTimeMillis();
        JsonNode ack = alice.client().call("{\"msgid\":6,\"id\":" + alice.id() + ",\"name\":\"forged\",\"toid\":"
                + bob.id() + ",\"msg\":\"hi bob\",\"time\":\"forged\",\"seq\":5}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        assertEquals(6, ack.path("ack").asInt());
        assertEquals("online", ack.path("stored").asText());
        assertEquals(5, ack.path("seq").asInt());

        JsonNode message = bob.client().next(6);
        assertEquals(ack.path("mid").asLong(), message.path("mid").asLong());
        assertEquals(alice.id(), message.path("id").asInt());
        assertEquals(alice.name(), message.path("name").asText(), "the sender's name comes from the session");
        assertEquals(bob.id(), message.path("toid").asInt());
        assertEquals("hi bob", message.path("msg").asText());
        assertTrue(CLASSIC_TIME.matcher(message.path("time").asText()).matches(), message::toString);
        assertTrue(message.path("ts").asLong() >= before && message.path("ts").asLong() <= System.currentTimeMillis() + 1);
        assertTrue(!message.has("seq"), "the sender's seq is not the recipient's business");
    }

    @Test
    void aMessageToAnOfflineUserWaitsAndArrivesAtLoginOldestFirstThenIsGone() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        long previousMid = 0;
        for (int i = 0; i < 5; i++) {
            JsonNode ack = alice.client().call("{\"msgid\":6,\"to\":" + bob.id() + ",\"msg\":\"m" + i + "\"}");
            assertEquals("offline", ack.path("stored").asText(), ack::toString);
            assertTrue(ack.path("mid").asLong() > previousMid, "mids increase per sender");
            previousMid = ack.path("mid").asLong();
        }
        assertEquals(5, offlineRows(bob.id()));

        var bobClient = connect();
        JsonNode login = bobClient.login(bob.id(), PASSWORD);
        JsonNode offline = login.path("offlinemsg");
        assertEquals(5, offline.size(), login::toString);
        for (int i = 0; i < 5; i++) {
            assertEquals("m" + i, offline.get(i).path("msg").asText());
            assertEquals(6, offline.get(i).path("msgid").asInt());
            assertEquals(alice.id(), offline.get(i).path("id").asInt());
        }
        waitUntilNoOfflineRows(bob.id());

        bobClient.call("{\"msgid\":3}");
        assertEquals(0, bobClient.login(bob.id(), PASSWORD).path("offlinemsg").size(), "delivered once only");
    }

    @Test
    void messagesFromOneSenderArriveInTheOrderSent() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        int count = 500;
        for (int i = 0; i < count; i++) {
            alice.client().send("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"" + i + "\"}");
        }
        for (int i = 0; i < count; i++) {
            assertEquals(String.valueOf(i), bob.client().next(6).path("msg").asText());
        }
        for (int i = 0; i < count; i++) {
            assertEquals(0, alice.client().nextReply().path("errno").asInt());
        }
    }

    @Test
    void chatToAnUnknownUserIsNotFound() {
        TestUser alice = newUser("alice");
        JsonNode ack = alice.client().call("{\"msgid\":6,\"toid\":987654,\"msg\":\"anyone?\"}");
        assertEquals(5, ack.path("errno").asInt(), ack::toString);
    }

    @Test
    void chatInAnotherUsersNameIsForbiddenAndNotDelivered() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        TestUser mallory = newUser("mallory");
        JsonNode ack = mallory.client().call("{\"msgid\":6,\"id\":" + alice.id() + ",\"toid\":" + bob.id()
                + ",\"msg\":\"I am alice\"}");
        assertEquals(6, ack.path("errno").asInt(), ack::toString);
        bob.client().expectNothing(Duration.ofMillis(300));
    }

    @Test
    void emptyMissingMistypedOrOverlongTextIsABadRequest() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        for (String body : new String[] {
            "\"toid\":" + bob.id() + ",\"msg\":\"\"",
            "\"toid\":" + bob.id(),
            "\"toid\":" + bob.id() + ",\"msg\":7",
            "\"toid\":\"" + bob.id() + "\",\"msg\":\"x\"",
            "\"msg\":\"x\"",
            "\"toid\":1.5,\"msg\":\"x\"",
            "\"toid\":" + bob.id() + ",\"msg\":\"" + "x".repeat(4097) + "\"",
        }) {
            JsonNode ack = alice.client().call("{\"msgid\":6," + body + "}");
            assertEquals(4, ack.path("errno").asInt(), () -> body + " -> " + ack);
            assertTrue(!ack.path("errmsg").asText().isBlank());
        }
        JsonNode longest = alice.client().call("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"" + "x".repeat(4096) + "\"}");
        assertEquals(0, longest.path("errno").asInt());
        assertEquals(4096, bob.client().next(6).path("msg").asText().length());
        bob.client().expectNothing(Duration.ofMillis(200));
    }

    @Test
    void unicodeTextSurvivesTheRoundTripLiveAndOffline() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        TestUser carol = offlineUser("carol");
        String text = "你好, \uD83D\uDE00 \"quoted\" \\ back\nslash";
        alice.client().call("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":" + io.loomchat.testing.ChatClient.quote(text) + "}");
        alice.client().call("{\"msgid\":6,\"toid\":" + carol.id() + ",\"msg\":" + io.loomchat.testing.ChatClient.quote(text) + "}");
        assertEquals(text, bob.client().next(6).path("msg").asText());
        assertEquals(text, connect().login(carol.id(), PASSWORD).path("offlinemsg").get(0).path("msg").asText());
    }

    private int offlineRows(int userId) {
        return server.database().query("SELECT COUNT(*) FROM OfflineMessage WHERE userid = " + userId,
                rows -> rows.next() ? rows.getInt(1) : -1);
    }

    /** Deletion happens right after the ack is written, on the writer's thread. */
    private void waitUntilNoOfflineRows(int userId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (offlineRows(userId) > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("offline messages of user " + userId + " were not deleted after delivery");
            }
            Thread.onSpinWait();
        }
    }
}
