package io.loomchat.cluster;

import static io.loomchat.testing.ClusterExtension.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.ClusterExtension;
import io.loomchat.testing.ReadStateSteps;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Roster pushes across two {@code loomchat server} processes sharing MariaDB and Redis: what a
 * user does to its friends and groups from a device on one server reaches its device on the other
 * at once (2.3), the other user and the other members get the 2.2 pushes as before, the device
 * that asked gets its ACK only, and a 2.2 session and a legacy connection see what they always saw.
 */
class RosterPushesAcrossServersEndToEndTest {

    private static final Duration QUIET = Duration.ofMillis(400);

    @RegisterExtension
    final ClusterExtension cluster = ClusterExtension.processes(List.of("a", "b"), false);

    @Test
    void aFriendAddedOnADeviceOnOneServerReachesTheUsersDeviceOnTheOther() {
        int alice = cluster.register(0, "alice");
        int bob = cluster.register(0, "bob");
        ChatClient phone = device(0, alice, "phone");
        ChatClient laptop = device(1, alice, "laptop");
        ChatClient bobOld = cluster.login(1, bob); // a 2.2 session: no device

        JsonNode ack = phone.call("{\"msgid\":7,\"friendid\":" + bob + "}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        JsonNode push = laptop.next(16);
        assertEquals(ack.path("friend"), push.path("friend"), "the new friend as the ACK describes them");
        assertEquals(bob, push.path("friend").path("id").asInt(), push::toString);
        assertEquals("online", push.path("friend").path("state").asText(), push::toString);
        assertEquals(alice, push.path("by").asInt(), "added by the user itself, on another device");

        JsonNode toBob = bobOld.next(16);
        assertEquals(alice, toBob.path("friend").path("id").asInt(), toBob::toString);
        assertEquals("online", toBob.path("friend").path("state").asText(), toBob::toString);
        assertEquals(alice, toBob.path("by").asInt(), toBob::toString);
        assertEquals(List.of("msgid", "friend", "by"), fieldNames(toBob), "the 2.2 frame, with one field more");
        phone.expectNothing(QUIET); // the ACK was its answer
        laptop.expectNothing(QUIET);
    }

    @Test
    void groupsCreatedAndJoinedOnADeviceOnOneServerReachTheUsersDeviceOnTheOther() {
        int alice = cluster.register(0, "alice");
        int bob = cluster.register(0, "bob");
        int carol = cluster.register(1, "carol");
        ChatClient phone = device(0, alice, "phone");
        ChatClient laptop = device(1, alice, "laptop");
        ChatClient bobOld = cluster.login(0, bob);
        ChatClient carolLegacy = cluster.connect(1);
        carolLegacy.sendRaw(legacy("{\"msgid\":1,\"id\":" + carol + ",\"password\":\"" + PASSWORD + "\"}"));
        assertEquals(0, carolLegacy.next(2).path("errno").asInt());

        int club = bobOld.call("{\"msgid\":8,\"groupname\":\"club-" + bob + "\",\"groupdesc\":\"\"}").path("groupid").asInt();
        carolLegacy.sendRaw(legacy("{\"msgid\":9,\"groupid\":" + club + "}")); // the legacy dialect gets no ACK
        assertEquals(carol, bobOld.next(17).path("user").path("id").asInt(), "carol joined, as in 2.2");

        JsonNode createAck = phone.call("{\"msgid\":8,\"groupname\":\"team-" + alice + "\",\"groupdesc\":\"the A team\"}");
        int team = createAck.path("groupid").asInt();
        JsonNode created = laptop.next(17);
        assertEquals(team, created.path("groupid").asInt(), created::toString);
        assertEquals(alice, created.path("user").path("id").asInt(), created::toString);
        assertEquals("creator", created.path("user").path("role").asText(), created::toString);
        JsonNode group = created.path("group");
        assertEquals(team, group.path("id").asInt(), created::toString);
        assertEquals("team-" + alice, group.path("groupname").asText(), created::toString);
        assertEquals("the A team", group.path("groupdesc").asText(), created::toString);
        assertEquals(1, group.path("users").size(), created::toString);
        assertEquals(alice, group.path("users").get(0).path("id").asInt(), created::toString);

        JsonNode joinAck = phone.call("{\"msgid\":9,\"groupid\":" + club + "}");
        assertEquals(0, joinAck.path("errno").asInt(), joinAck::toString);
        JsonNode joined = laptop.next(17);
        assertEquals(club, joined.path("groupid").asInt(), joined::toString);
        assertEquals(alice, joined.path("user").path("id").asInt(), joined::toString);
        assertEquals("normal", joined.path("user").path("role").asText(), joined::toString);
        assertEquals(joinAck.path("group"), joined.path("group"), "the group as the join ACK lists it, on the other server");
        assertEquals(3, joined.path("group").path("users").size(), joined::toString);

        JsonNode toBob = bobOld.next(17);
        assertEquals(club, toBob.path("groupid").asInt(), toBob::toString);
        assertEquals(alice, toBob.path("user").path("id").asInt(), toBob::toString);
        assertEquals("normal", toBob.path("user").path("role").asText(), toBob::toString);
        assertFalse(toBob.has("group"), "the other members' push stays as in 2.2: " + toBob);
        phone.expectNothing(QUIET);
        laptop.expectNothing(QUIET);
        bobOld.expectNothing(QUIET); // nothing of its own creating
        carolLegacy.expectNothing(QUIET); // legacy connections never get roster pushes
    }

    private ChatClient device(int server, int user, String device) {
        ChatClient client = cluster.connect(server);
        ReadStateSteps.loginDevice(client, user, PASSWORD, device);
        return client;
    }

    private static byte[] legacy(String json) {
        return (json + "\0").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> fieldNames(JsonNode frame) {
        List<String> names = new ArrayList<>();
        frame.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
