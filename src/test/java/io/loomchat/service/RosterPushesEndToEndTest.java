package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import io.loomchat.testing.ReadStateSteps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Roster pushes, live notices only: FRIEND_ADDED (16) and GROUP_JOINED (17) to the other user and
 * the other members (2.2), and to the user's own other devices (2.3).
 */
@ParameterizedClass
@EnumSource(Backend.class)
class RosterPushesEndToEndTest extends EndToEndTest {

    private static final Duration QUIET = Duration.ofMillis(300);

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

    @Test
    void aFriendAddedOnOneDeviceIsPushedToTheUsersOtherDevicesButNotToTheOneThatAsked() {
        TestUser alice = offlineUser("alice");
        TestUser bob = newUser("bob"); // a 2.2 session: no device
        ChatClient phone = device(alice, "phone");
        ChatClient laptop = device(alice, "laptop");

        JsonNode ack = phone.call("{\"msgid\":7,\"friendid\":" + bob.id() + "}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        JsonNode push = laptop.next(16);
        assertEquals(ack.path("friend"), push.path("friend"), "the new friend as the ACK describes them");
        assertEquals(bob.id(), push.path("friend").path("id").asInt(), push::toString);
        assertEquals("online", push.path("friend").path("state").asText(), push::toString);
        assertEquals(alice.id(), push.path("by").asInt(), "added by the user itself, on another device");

        JsonNode toBob = bob.client().next(16);
        assertEquals(alice.id(), toBob.path("friend").path("id").asInt(), toBob::toString);
        assertEquals(alice.id(), toBob.path("by").asInt(), toBob::toString);
        assertEquals(List.of("msgid", "friend", "by"), fieldNames(toBob), "the 2.2 frame, with one field more");
        phone.expectNothing(QUIET); // the ACK was its answer
        laptop.expectNothing(QUIET);
    }

    @Test
    void aGroupCreatedOrJoinedOnOneDeviceIsPushedWholeToTheUsersOtherDevices() {
        TestUser alice = offlineUser("alice");
        TestUser bob = newUser("bob");
        ChatClient phone = device(alice, "phone");
        ChatClient laptop = device(alice, "laptop");

        int team = phone.call("{\"msgid\":8,\"groupname\":\"team-" + alice.id() + "\",\"groupdesc\":\"the A team\"}")
                .path("groupid").asInt();
        JsonNode created = laptop.next(17);
        assertEquals(team, created.path("groupid").asInt(), created::toString);
        assertEquals(alice.id(), created.path("user").path("id").asInt(), created::toString);
        assertEquals("creator", created.path("user").path("role").asText(), created::toString);
        JsonNode group = created.path("group");
        assertEquals(team, group.path("id").asInt(), created::toString);
        assertEquals("team-" + alice.id(), group.path("groupname").asText(), created::toString);
        assertEquals("the A team", group.path("groupdesc").asText(), created::toString);
        assertEquals(1, group.path("users").size(), created::toString);
        assertEquals(alice.name(), group.path("users").get(0).path("name").asText(), created::toString);
        assertEquals("creator", group.path("users").get(0).path("role").asText(), created::toString);

        int club = bob.client().call("{\"msgid\":8,\"groupname\":\"club-" + bob.id() + "\",\"groupdesc\":\"\"}")
                .path("groupid").asInt();
        JsonNode joinAck = phone.call("{\"msgid\":9,\"groupid\":" + club + "}");
        assertEquals(0, joinAck.path("errno").asInt(), joinAck::toString);
        JsonNode joined = laptop.next(17);
        assertEquals(club, joined.path("groupid").asInt(), joined::toString);
        assertEquals(alice.id(), joined.path("user").path("id").asInt(), joined::toString);
        assertEquals("normal", joined.path("user").path("role").asText(), joined::toString);
        assertEquals(joinAck.path("group"), joined.path("group"), "the group as the join ACK lists it");

        JsonNode toBob = bob.client().next(17);
        assertJoined(toBob, club, alice);
        assertFalse(toBob.has("group"), "the other members' push stays as in 2.2: " + toBob);
        bob.client().expectNothing(QUIET); // nothing of its own creating
        phone.expectNothing(QUIET);
        laptop.expectNothing(QUIET);
    }

    private ChatClient device(TestUser user, String device) {
        ChatClient client = connect();
        ReadStateSteps.loginDevice(client, user.id(), PASSWORD, device);
        return client;
    }

    private static List<String> fieldNames(JsonNode frame) {
        List<String> names = new ArrayList<>();
        frame.fieldNames().forEachRemaining(names::add);
        return names;
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
