package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Protocol 2.2 roster pushes: FRIEND_ADDED (16) and GROUP_JOINED (17), live notices only. */
@ParameterizedClass
@EnumSource(Backend.class)
class RosterPushesEndToEndTest extends EndToEndTest {

    @Test
    void theUserWhoWasAddedAsAFriendIsToldAtOnce() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        assertEquals(0, alice.client().call("{\"msgid\":7,\"friendid\":" + bob.id() + "}").path("errno").asInt());
        JsonNode push = bob.client().next(16);
        assertEquals(alice.id(), push.path("friend").path("id").asInt());
        assertEquals(alice.name(), push.path("friend").path("name").asText());
        assertEquals("online", push.path("friend").path("state").asText());
        alice.client().expectNothing(Duration.ofMillis(200)); // the adder gets its ACK, no push
    }

    @Test
    void anOfflineUserLearnsOfTheNewFriendFromTheNextLoginAck() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        assertEquals(0, alice.client().call("{\"msgid\":7,\"friendid\":" + bob.id() + "}").path("errno").asInt());
        JsonNode ack = connect().login(bob.id(), PASSWORD);
        assertEquals(alice.id(), ack.path("friends").get(0).path("id").asInt());
    }

    @Test
    void theOtherOnlineMembersOfAGroupSeeANewcomerJoin() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        TestUser carol = newUser("carol");
        int group = alice.client().call("{\"msgid\":8,\"groupname\":\"g-" + alice.id() + "\",\"groupdesc\":\"\"}")
                .path("groupid").asInt();
        assertEquals(0, bob.client().call("{\"msgid\":9,\"groupid\":" + group + "}").path("errno").asInt());
        assertJoined(alice.client().next(17), group, bob);
        bob.client().expectNothing(Duration.ofMillis(200)); // not told of its own joining

        assertEquals(0, carol.client().call("{\"msgid\":9,\"groupid\":" + group + "}").path("errno").asInt());
        assertJoined(alice.client().next(17), group, carol);
        assertJoined(bob.client().next(17), group, carol);
    }

    @Test
    void legacyConnectionsNeverGetRosterPushes() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient legacy = connect();
        legacy.sendRaw(("{\"msgid\":1,\"id\":" + bob.id() + ",\"password\":\"" + PASSWORD + "\"}\0")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(2, legacy.next().path("msgid").asInt());
        assertEquals(0, alice.client().call("{\"msgid\":7,\"friendid\":" + bob.id() + "}").path("errno").asInt());
        legacy.expectNothing(Duration.ofMillis(300));
    }

    private static void assertJoined(JsonNode push, int group, TestUser joiner) {
        assertEquals(group, push.path("groupid").asInt(), push::toString);
        assertEquals(joiner.id(), push.path("user").path("id").asInt(), push::toString);
        assertEquals(joiner.name(), push.path("user").path("name").asText(), push::toString);
        assertEquals("online", push.path("user").path("state").asText(), push::toString);
        assertEquals("normal", push.path("user").path("role").asText(), push::toString);
        assertFalse(push.has("errno"), push::toString);
    }
}
