package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class FriendsAndPresenceEndToEndTest extends EndToEndTest {

    @Test
    void addingAFriendIsMutualAndShowsTheFriendsState() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        JsonNode ack = alice.client().call("{\"msgid\":7,\"friendid\":" + bob.id() + "}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        assertEquals(bob.id(), ack.path("friend").path("id").asInt());
        assertEquals(bob.name(), ack.path("friend").path("name").asText());
        assertEquals("offline", ack.path("friend").path("state").asText());

        JsonNode friends = connect().login(bob.id(), PASSWORD).path("friends");
        assertEquals(1, friends.size());
        assertEquals(alice.id(), friends.get(0).path("id").asInt());
        assertEquals("online", friends.get(0).path("state").asText());
    }

    @Test
    void addingBackAnExistingFriendYourselfOrNobodyIsRefused() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        assertEquals(0, alice.client().call("{\"msgid\":7,\"friendid\":" + bob.id() + "}").path("errno").asInt());
        assertEquals(7, bob.client().call("{\"msgid\":7,\"friendid\":" + alice.id() + "}").path("errno").asInt());
        assertEquals(4, alice.client().call("{\"msgid\":7,\"friendid\":" + alice.id() + "}").path("errno").asInt());
        assertEquals(5, alice.client().call("{\"msgid\":7,\"friendid\":777777}").path("errno").asInt());
        assertEquals(4, alice.client().call("{\"msgid\":7}").path("errno").asInt());
    }

    @Test
    void onlineFriendsSeeALoginALogoutAndADroppedConnection() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        TestUser stranger = newUser("stranger");
        alice.client().call("{\"msgid\":7,\"friendid\":" + bob.id() + "}");

        ChatClient bobClient = connect();
        bobClient.login(bob.id(), PASSWORD);
        assertPresence(alice.client().next(14), bob, "online");

        bobClient.call("{\"msgid\":3}");
        assertPresence(alice.client().next(14), bob, "offline");

        bobClient.login(bob.id(), PASSWORD);
        assertPresence(alice.client().next(14), bob, "online");
        bobClient.close();
        assertPresence(alice.client().next(14), bob, "offline");

        stranger.client().expectNothing(Duration.ofMillis(200));
    }

    private static void assertPresence(JsonNode frame, TestUser who, String state) {
        assertEquals(who.id(), frame.path("id").asInt(), frame::toString);
        assertEquals(who.name(), frame.path("name").asText());
        assertEquals(state, frame.path("state").asText());
    }
}
