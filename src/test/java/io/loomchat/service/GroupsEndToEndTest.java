package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.EndToEndTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class GroupsEndToEndTest extends EndToEndTest {

    @Test
    void theCreatorOfAGroupIsItsFirstMemberWithRoleCreator() {
        TestUser alice = newUser("alice");
        JsonNode ack = alice.client().call("{\"msgid\":8,\"groupname\":\"team\",\"groupdesc\":\"the team\"}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        int groupId = ack.path("groupid").asInt();
        assertTrue(groupId > 0);

        alice.client().call("{\"msgid\":3}");
        JsonNode group = alice.client().login(alice.id(), PASSWORD).path("groups").get(0);
        assertEquals(groupId, group.path("id").asInt());
        assertEquals("team", group.path("groupname").asText());
        assertEquals("the team", group.path("groupdesc").asText());
        assertEquals(1, group.path("users").size());
        assertEquals("creator", group.path("users").get(0).path("role").asText());
        assertEquals("online", group.path("users").get(0).path("state").asText());
    }

    @Test
    void aTakenGroupNameIsAConflictAndABlankOneABadRequest() {
        TestUser alice = newUser("alice");
        alice.client().call("{\"msgid\":8,\"groupname\":\"dup\",\"groupdesc\":\"\"}");
        assertEquals(7, alice.client().call("{\"msgid\":8,\"groupname\":\"dup\",\"groupdesc\":\"x\"}").path("errno").asInt());
        assertEquals(4, alice.client().call("{\"msgid\":8,\"groupname\":\"  \"}").path("errno").asInt());
        assertEquals(4, alice.client().call("{\"msgid\":8,\"groupdesc\":\"no name\"}").path("errno").asInt());
        assertEquals(4, alice.client().call("{\"msgid\":8,\"groupname\":\"" + "g".repeat(51) + "\"}").path("errno").asInt());
    }

    @Test
    void joiningReturnsTheGroupWithItsMembersAndJoiningTwiceIsAConflict() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        int groupId = createGroup(alice, "club");
        JsonNode ack = bob.client().call("{\"msgid\":9,\"groupid\":" + groupId + "}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        JsonNode users = ack.path("group").path("users");
        assertEquals(2, users.size());
        assertEquals(alice.id(), users.get(0).path("id").asInt());
        assertEquals("creator", users.get(0).path("role").asText());
        assertEquals(bob.id(), users.get(1).path("id").asInt());
        assertEquals("normal", users.get(1).path("role").asText());

        assertEquals(7, bob.client().call("{\"msgid\":9,\"groupid\":" + groupId + "}").path("errno").asInt());
        assertEquals(7, alice.client().call("{\"msgid\":9,\"groupid\":" + groupId + "}").path("errno").asInt());
        assertEquals(5, bob.client().call("{\"msgid\":9,\"groupid\":999999}").path("errno").asInt());
    }

    @Test
    void groupChatReachesEveryOtherMemberLiveOrOffline() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        TestUser carol = newUser("carol");
        int groupId = createGroup(alice, "trio");
        join(bob, groupId);
        join(carol, groupId);
        alice.client().next(17); // GROUP_JOINED (2.2): bob joined
        alice.client().next(17); // and carol
        bob.client().next(17); // carol joined
        carol.client().call("{\"msgid\":3}");

        JsonNode ack = alice.client().call("{\"msgid\":10,\"groupid\":" + groupId + ",\"msg\":\"hello all\"}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        assertEquals(1, ack.path("online").asInt());
        assertEquals(1, ack.path("offline").asInt());

        JsonNode live = bob.client().next(10);
        assertEquals(ack.path("mid").asLong(), live.path("mid").asLong());
        assertEquals(groupId, live.path("groupid").asInt());
        assertEquals(alice.id(), live.path("id").asInt());
        assertEquals("hello all", live.path("msg").asText());
        alice.client().expectNothing(Duration.ofMillis(200));

        JsonNode offline = carol.client().login(carol.id(), PASSWORD).path("offlinemsg");
        assertEquals(1, offline.size());
        assertEquals(10, offline.get(0).path("msgid").asInt());
        assertEquals(ack.path("mid").asLong(), offline.get(0).path("mid").asLong());
    }

    @Test
    void onlyMembersMaySendToAGroupThatExists() {
        TestUser alice = newUser("alice");
        TestUser outsider = newUser("outsider");
        int groupId = createGroup(alice, "private");
        JsonNode forbidden = outsider.client().call("{\"msgid\":10,\"groupid\":" + groupId + ",\"msg\":\"let me in\"}");
        assertEquals(6, forbidden.path("errno").asInt(), forbidden::toString);
        alice.client().expectNothing(Duration.ofMillis(200));
        JsonNode missing = outsider.client().call("{\"msgid\":10,\"groupid\":424242,\"msg\":\"hello?\"}");
        assertEquals(5, missing.path("errno").asInt(), missing::toString);
        assertEquals(4, alice.client().call("{\"msgid\":10,\"groupid\":" + groupId + "}").path("errno").asInt());
    }

    private int createGroup(TestUser owner, String name) {
        JsonNode ack = owner.client().call("{\"msgid\":8,\"groupname\":\"" + name + "-" + owner.id() + "\",\"groupdesc\":\"d\"}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return ack.path("groupid").asInt();
    }

    private void join(TestUser user, int groupId) {
        assertEquals(0, user.client().call("{\"msgid\":9,\"groupid\":" + groupId + "}").path("errno").asInt());
    }
}
