package io.loomchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Users on different servers of one cluster chat as if they were on one server. */
class CrossServerChatEndToEndTest {

    private static final String PASSWORD = "pw";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private TestCluster cluster;
    private final List<ChatClient> clients = new ArrayList<>();

    @BeforeEach
    void startCluster() {
        cluster = TestCluster.start(2);
    }

    @AfterEach
    void stopCluster() {
        clients.forEach(ChatClient::close);
        cluster.close();
    }

    @Test
    void oneToOneChatReachesAUserOnAnotherServerBothWays() {
        User alice = loggedIn(0, "alice");
        User bob = loggedIn(1, "bob");

        JsonNode ack = alice.client.call(chat(bob.id, "hi bob"));
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        assertEquals("online", ack.path("stored").asText(), "handed to the server that holds bob");
        JsonNode received = bob.client.next(6);
        assertEquals("hi bob", received.path("msg").asText());
        assertEquals(alice.id, received.path("id").asInt());
        assertEquals(ack.path("mid").asLong(), received.path("mid").asLong());

        assertEquals("online", bob.client.call(chat(alice.id, "hi alice")).path("stored").asText());
        assertEquals("hi alice", alice.client.next(6).path("msg").asText());
    }

    @Test
    void rosterPushesReachUsersOnAnotherServer() {
        User alice = loggedIn(0, "alice");
        User bob = loggedIn(1, "bob");
        assertEquals(0, alice.client.call("{\"msgid\":7,\"friendid\":" + bob.id + "}").path("errno").asInt());
        assertEquals(alice.id, bob.client.next(16).path("friend").path("id").asInt(), "FRIEND_ADDED across servers");

        int group = alice.client.call("{\"msgid\":8,\"groupname\":\"roster-" + alice.id + "\",\"groupdesc\":\"\"}")
                .path("groupid").asInt();
        assertEquals(0, bob.client.call("{\"msgid\":9,\"groupid\":" + group + "}").path("errno").asInt());
        JsonNode joined = alice.client.next(17);
        assertEquals(group, joined.path("groupid").asInt(), joined::toString);
        assertEquals(bob.id, joined.path("user").path("id").asInt(), "GROUP_JOINED across servers");
    }

    @Test
    void messagesOfOneSenderArriveInOrderAcrossServers() {
        User alice = loggedIn(0, "alice");
        User bob = loggedIn(1, "bob");
        int count = 500;
        for (int i = 0; i < count; i++) {
            alice.client.send(chat(bob.id, "m" + i));
        }
        for (int i = 0; i < count; i++) {
            assertEquals("m" + i, bob.client.next(6).path("msg").asText());
        }
        for (int i = 0; i < count; i++) {
            assertEquals("online", alice.client.nextReply().path("stored").asText());
        }
    }

    @Test
    void aMessageForAUserOnlineNowhereWaitsAndArrivesAtLoginOnAnyServer() {
        User alice = loggedIn(0, "alice");
        int bob = registered(1, "bob");
        JsonNode ack = alice.client.call(chat(bob, "while you were away"));
        assertEquals("offline", ack.path("stored").asText());

        ChatClient bobClient = connect(1);
        JsonNode login = bobClient.login(bob, PASSWORD);
        assertEquals(1, login.path("offlinemsg").size(), login::toString);
        assertEquals("while you were away", login.path("offlinemsg").get(0).path("msg").asText());
    }

    @Test
    void chatToAUserThatDoesNotExistIsNotFound() {
        User alice = loggedIn(0, "alice");
        assertEquals(5, alice.client.call(chat(999_999, "anyone?")).path("errno").asInt());
    }

    @Test
    void groupChatReachesMembersOnEveryServerAndStoresForTheOthers() {
        User alice = loggedIn(0, "alice");
        User bob = loggedIn(1, "bob");
        User carol = loggedIn(0, "carol");
        User dave = loggedIn(1, "dave");
        int groupId = alice.client.call("{\"msgid\":8,\"groupname\":\"g" + NAMES.incrementAndGet() + "\"}")
                .path("groupid").asInt();
        for (User member : List.of(bob, carol, dave)) {
            assertEquals(0, member.client.call(join(groupId)).path("errno").asInt());
        }
        dave.client.call("{\"msgid\":3}"); // logs out: dave's copy waits offline

        JsonNode ack = alice.client.call(groupChat(groupId, "standup"));
        assertEquals(2, ack.path("online").asInt(), ack::toString);
        assertEquals(1, ack.path("offline").asInt(), ack::toString);
        assertEquals("standup", bob.client.next(10).path("msg").asText());
        assertEquals("standup", carol.client.next(10).path("msg").asText());
        JsonNode login = dave.client.login(dave.id, PASSWORD);
        assertEquals("standup", login.path("offlinemsg").get(0).path("msg").asText());
    }

    @Test
    void aMemberWhoJoinsOnAnotherServerGetsTheNextGroupMessage() {
        User alice = loggedIn(0, "alice");
        User bob = loggedIn(1, "bob");
        int groupId = alice.client.call("{\"msgid\":8,\"groupname\":\"g" + NAMES.incrementAndGet() + "\"}")
                .path("groupid").asInt();
        // Server 0 caches the members (alice alone) with this message...
        assertEquals(0, alice.client.call(groupChat(groupId, "anyone?")).path("online").asInt());
        // ...and must forget them when bob joins through server 1.
        assertEquals(0, bob.client.call(join(groupId)).path("errno").asInt());
        JsonNode ack = awaitGroupAck(alice, groupId, "welcome bob");
        assertEquals(1, ack.path("online").asInt(), ack::toString);
        assertEquals("welcome bob", bob.client.next(10).path("msg").asText());
    }

    @Test
    void friendsOnAnotherServerSeeAUserComeAndGoOnceEach() {
        User alice = loggedIn(0, "alice");
        User bob = loggedIn(1, "bob");
        assertEquals(0, alice.client.call("{\"msgid\":7,\"friendid\":" + bob.id + "}").path("errno").asInt());
        bob.client.next(16); // FRIEND_ADDED (2.2)

        alice.client.call("{\"msgid\":3}");
        JsonNode offline = bob.client.next(14);
        assertEquals(alice.id, offline.path("id").asInt());
        assertEquals("offline", offline.path("state").asText());
        alice.client.login(alice.id, PASSWORD);
        JsonNode online = bob.client.next(14);
        assertEquals("online", online.path("state").asText());
        bob.client.expectNothing(Duration.ofMillis(500));
    }

    @Test
    void aUserLoggedInOnOneServerCannotLogInOnAnotherUntilLoggedOut() {
        User alice = loggedIn(0, "alice");
        ChatClient second = connect(1);
        JsonNode refused = second.call(login(alice.id));
        assertEquals(2, refused.path("errno").asInt(), refused::toString);

        alice.client.call("{\"msgid\":3}");
        assertEquals(0, second.call(login(alice.id)).path("errno").asInt());
        assertEquals("online", cluster.stateOf(alice.id));
    }

    @Test
    void twoServersRacingToLogInOneUserLetExactlyOneWinEveryRound() throws Exception {
        int alice = registered(0, "alice");
        for (int round = 0; round < 30; round++) {
            ChatClient onFirst = connect(0);
            ChatClient onSecond = connect(1);
            onFirst.send(login(alice));
            onSecond.send(login(alice));
            int first = onFirst.nextReply().path("errno").asInt();
            int second = onSecond.nextReply().path("errno").asInt();
            assertTrue((first == 0 && second == 2) || (first == 2 && second == 0),
                    "round " + round + ": errno " + first + " and " + second);
            ChatClient winner = first == 0 ? onFirst : onSecond;
            assertEquals(0, winner.call("{\"msgid\":3}").path("errno").asInt());
        }
    }

    @Test
    void aCleanShutdownOfOneServerLogsOutOnlyItsOwnUsers() {
        User alice = loggedIn(0, "alice");
        User bob = loggedIn(1, "bob");
        alice.client.call("{\"msgid\":7,\"friendid\":" + bob.id + "}");

        cluster.server(0).stop();
        assertTrue(alice.client.closedByServer(Duration.ofSeconds(10)));
        JsonNode presence = bob.client.next(14);
        assertEquals(alice.id, presence.path("id").asInt());
        assertEquals("offline", presence.path("state").asText());
        assertEquals("offline", cluster.stateOf(alice.id));
        assertEquals("online", cluster.stateOf(bob.id));
        // bob is still reachable, and alice can come back through the remaining server.
        ChatClient again = connect(1);
        again.login(alice.id, PASSWORD);
        assertEquals("online", again.call(chat(bob.id, "back")).path("stored").asText());
        assertEquals("back", bob.client.next(6).path("msg").asText());
    }

    @Test
    void aServerStartingUpLeavesTheUsersOfTheOtherServersOnline() {
        User bob = loggedIn(1, "bob");
        cluster.server(0).restart(); // a single node would mark everybody offline here
        assertEquals("online", cluster.stateOf(bob.id));
        ChatClient alice = connect(0);
        alice.login(registered(0, "alice"), PASSWORD);
        assertEquals("online", alice.call(chat(bob.id, "still there?")).path("stored").asText());
        assertEquals(2, connect(0).call(login(bob.id)).path("errno").asInt(), "bob's session on server 1 still counts");
    }

    @Test
    void aSecondServerCannotStartWithTheNodeIdOfARunningOne() {
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> RunningServer.startNode(cluster.database(), cluster.config(0)));
        assertTrue(refused.getMessage().contains("--node-id"), refused.getMessage());
    }

    /** Sends to a group until the ACK counts one member online: the join's invalidation is asynchronous. */
    private JsonNode awaitGroupAck(User sender, int groupId, String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (true) {
            JsonNode ack = sender.client.call(groupChat(groupId, text));
            assertEquals(0, ack.path("errno").asInt(), ack::toString);
            if (ack.path("online").asInt() > 0 || System.nanoTime() > deadline) {
                return ack;
            }
        }
    }

    private User loggedIn(int server, String prefix) {
        int id = registered(server, prefix);
        ChatClient client = connect(server);
        client.login(id, PASSWORD);
        return new User(id, client);
    }

    private int registered(int server, String prefix) {
        try (ChatClient client = cluster.connect(server)) {
            return client.register(prefix + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime(), PASSWORD);
        }
    }

    private ChatClient connect(int server) {
        ChatClient client = cluster.connect(server);
        clients.add(client);
        return client;
    }

    private static String login(int id) {
        return "{\"msgid\":1,\"id\":" + id + ",\"password\":\"" + PASSWORD + "\"}";
    }

    private static String chat(int to, String text) {
        return "{\"msgid\":6,\"toid\":" + to + ",\"msg\":" + ChatClient.quote(text) + "}";
    }

    private static String groupChat(int groupId, String text) {
        return "{\"msgid\":10,\"groupid\":" + groupId + ",\"msg\":" + ChatClient.quote(text) + "}";
    }

    private static String join(int groupId) {
        return "{\"msgid\":9,\"groupid\":" + groupId + "}";
    }

    private record User(int id, ChatClient client) {
    }
}
