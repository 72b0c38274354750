package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** What one user may own is limited, and each limit is answered with a clear errno and text. */
@ParameterizedClass
@EnumSource(Backend.class)
class LimitsEndToEndTest extends EndToEndTest {

    @Override
    protected RunningServer startServerFor(Backend backend) {
        return RunningServer.start(TestDatabase.create(backend), true, RunningServer.defaultNetwork(),
                RunningServer.defaultService().withLimits(new Limits(12, 2, 2, 3)));
    }

    @Test
    void aNameLongerThanTheLimitIsABadRequest() {
        JsonNode ack = connect().call("{\"msgid\":4,\"name\":\"" + "n".repeat(13) + "\",\"password\":\"pw\"}");
        assertEquals(4, ack.path("errno").asInt(), ack::toString);
        assertTrue(ack.path("errmsg").asText().contains("at most 12"), ack::toString);
    }

    @Test
    void friendsPerUserAreLimitedOnBothSides() {
        TestUser alice = newUser("a");
        TestUser bob = newUser("b");
        TestUser carol = newUser("c");
        TestUser dave = newUser("d");
        assertEquals(0, addFriend(alice, bob).path("errno").asInt());
        assertEquals(0, addFriend(alice, carol).path("errno").asInt());
        JsonNode refused = addFriend(alice, dave);
        assertEquals(6, refused.path("errno").asInt(), refused::toString);
        assertTrue(refused.path("errmsg").asText().contains("2 friends"), refused::toString);
        assertEquals(0, addFriend(bob, carol).path("errno").asInt());
        assertEquals(6, addFriend(dave, bob).path("errno").asInt(), "bob is full too");
    }

    @Test
    void groupsPerUserAndMembersPerGroupAreLimited() {
        TestUser alice = newUser("a");
        int first = createGroup(alice, "g1-" + alice.id()).path("groupid").asInt();
        createGroup(alice, "g2-" + alice.id());
        JsonNode refused = createGroup(alice, "g3-" + alice.id());
        assertEquals(6, refused.path("errno").asInt(), refused::toString);
        assertTrue(refused.path("errmsg").asText().contains("2 groups"), refused::toString);

        assertEquals(0, join(newUser("b"), first).path("errno").asInt());
        assertEquals(0, join(newUser("c"), first).path("errno").asInt());
        JsonNode full = join(newUser("d"), first);
        assertEquals(6, full.path("errno").asInt(), full::toString);
        assertTrue(full.path("errmsg").asText().contains("3 members"), full::toString);
    }

    private static JsonNode addFriend(TestUser user, TestUser friend) {
        return user.client().call("{\"msgid\":7,\"friendid\":" + friend.id() + "}");
    }

    private static JsonNode createGroup(TestUser user, String name) {
        return user.client().call("{\"msgid\":8,\"groupname\":" + ChatClient.quote(name) + "}");
    }

    private static JsonNode join(TestUser user, int groupId) {
        return user.client().call("{\"msgid\":9,\"groupid\":" + groupId + "}");
    }
}
