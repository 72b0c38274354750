package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.store.Conversation;
import io.loomchat.store.Database;
import io.loomchat.store.HistoryDao;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Protocol 2.3 HISTORY on one server, over real TCP: every rule of PROTOCOL.md's section. */
@ParameterizedClass
@EnumSource(Backend.class)
class HistoryEndToEndTest extends EndToEndTest {

    @Test
    void aOneToOneHistoryHoldsBothDirectionsOldestFirstRightAfterEachAck() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(chat(alice, bob, "from alice " + i));
            sent.add(chat(bob, alice, "from bob " + i));
            // read at once, without waiting: in the history as soon as its ACK is
            assertEquals(sent, mids(history(alice, "\"with\":" + bob.id()).path("messages")));
        }
        JsonNode page = history(bob, "\"with\":" + alice.id());
        assertEquals(sent, mids(page.path("messages")), "the same conversation from either side, ordered by mid");
        assertFalse(page.path("more").asBoolean(true));
        JsonNode first = page.path("messages").get(0);
        assertEquals(6, first.path("msgid").asInt());
        assertEquals(alice.id(), first.path("id").asInt());
        assertEquals(alice.name(), first.path("name").asText());
        assertEquals(bob.id(), first.path("toid").asInt());
        assertEquals("from alice 0", first.path("msg").asText());
        assertTrue(first.has("time") && first.path("ts").asLong() > 0, first::toString);
        assertEquals("from bob 0", page.path("messages").get(1).path("msg").asText());
    }

    @Test
    void pagesWithBeforeCoverTheConversationWithoutGapsOrRepeats() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        TestUser carol = newUser("carol");
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            sent.add(chat(alice, bob, "m" + i));
            chat(alice, carol, "elsewhere " + i); // another conversation, never in this one
        }
        List<Long> collected = new ArrayList<>();
        String before = "";
        List<Boolean> more = new ArrayList<>();
        for (int pageNumber = 0; pageNumber < 3; pageNumber++) {
            JsonNode page = history(alice, "\"with\":" + bob.id() + ",\"limit\":10" + before);
            List<Long> mids = mids(page.path("messages"));
            collected.addAll(0, mids);
            more.add(page.path("more").asBoolean());
            before = ",\"before\":" + mids.get(0);
        }
        assertEquals(sent, collected);
        assertEquals(List.of(true, true, false), more);
        assertEquals(sent, mids(history(alice, "\"with\":" + bob.id() + ",\"limit\":50").path("messages")),
                "the whole conversation in one page");
    }

    @Test
    void theDefaultPageIsTheNewest50() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < HistoryHandler.DEFAULT_LIMIT + 3; i++) {
            sent.add(chat(alice, bob, "m" + i));
        }
        JsonNode page = history(alice, "\"with\":" + bob.id());
        assertEquals(sent.subList(3, sent.size()), mids(page.path("messages")));
        assertTrue(page.path("more").asBoolean());
    }

    @Test
    void badRequestsAreErrno4() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        assertEquals(4, errno(alice, "\"with\":" + bob.id() + ",\"limit\":0"));
        assertEquals(4, errno(alice, "\"with\":" + bob.id() + ",\"limit\":201"));
        assertEquals(0, errno(alice, "\"with\":" + bob.id() + ",\"limit\":200"));
        assertEquals(4, errno(alice, "\"with\":" + bob.id() + ",\"limit\":\"ten\""));
        assertEquals(4, errno(alice, "\"with\":" + bob.id() + ",\"before\":\"yesterday\""));
        assertEquals(4, errno(alice, ""), "neither with nor groupid");
        assertEquals(4, errno(alice, "\"with\":" + bob.id() + ",\"groupid\":1"), "both");
        assertEquals(4, errno(alice, "\"with\":" + alice.id()), "with oneself");
    }

    @Test
    void unknownUsersAndGroupsAre5AndOthersGroupsAre6() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        assertEquals(5, errno(alice, "\"with\":" + (bob.id() + 1_000)));
        int group = createGroup(bob);
        assertEquals(6, errno(alice, "\"groupid\":" + group));
        assertEquals(5, errno(alice, "\"groupid\":" + (group + 1_000)));
    }

    @Test
    void aClientNotLoggedInGetsErrno3() {
        TestUser bob = offlineUser("bob");
        ChatClient client = connect();
        JsonNode ack = client.call("{\"msgid\":18,\"with\":" + bob.id() + "}");
        assertEquals(18, ack.path("ack").asInt());
        assertEquals(3, ack.path("errno").asInt(), ack::toString);
    }

    @Test
    void aGroupsHistoryStartsWhereTheMemberJoined() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        int group = createGroup(alice);
        long beforeBob = groupChat(alice, group, "before bob");
        assertEquals(0, bob.client().call("{\"msgid\":9,\"groupid\":" + group + "}").path("errno").asInt());
        long afterBob = groupChat(alice, group, "after bob");
        long fromBob = groupChat(bob, group, "bob here");

        JsonNode bobs = history(bob, "\"groupid\":" + group);
        assertEquals(List.of(afterBob, fromBob), mids(bobs.path("messages")));
        assertFalse(bobs.path("more").asBoolean(true), "what came before the join is not 'more'");
        JsonNode alices = history(alice, "\"groupid\":" + group);
        assertEquals(List.of(beforeBob, afterBob, fromBob), mids(alices.path("messages")));
        JsonNode first = alices.path("messages").get(0);
        assertEquals(10, first.path("msgid").asInt());
        assertEquals(group, first.path("groupid").asInt());
        assertEquals("before bob", first.path("msg").asText());
    }

    @Test
    void aMessageToAnUnknownUserIsNotKept() {
        TestUser alice = newUser("alice");
        JsonNode ack = alice.client().call("{\"msgid\":6,\"toid\":" + (alice.id() + 1_000) + ",\"msg\":\"anyone?\"}");
        assertEquals(5, ack.path("errno").asInt(), ack::toString);
        assertEquals(0, historyRows(), "a refused message leaves nothing behind for a later user of that id");
    }

    @Test
    void aRetentionOf0KeepsNothingAndAnswersEmptyPages() {
        try (RunningServer noHistory = RunningServer.start(TestDatabase.create(backend), true,
                RunningServer.defaultNetwork(),
                RunningServer.defaultService().withHistory(HistoryPolicy.defaults().withRetention(Duration.ZERO)), null);
             ChatClient alice = noHistory.connect(); ChatClient bob = noHistory.connect()) {
            int aliceId = alice.register("alice", PASSWORD);
            int bobId = bob.register("bob", PASSWORD);
            alice.login(aliceId, PASSWORD);
            assertEquals(0, alice.call("{\"msgid\":6,\"toid\":" + bobId + ",\"msg\":\"hi\"}").path("errno").asInt());
            JsonNode page = alice.call("{\"msgid\":18,\"with\":" + bobId + "}");
            assertEquals(0, page.path("errno").asInt(), page::toString);
            assertEquals(0, page.path("messages").size());
            assertFalse(page.path("more").asBoolean(true));
            assertEquals(0L, noHistory.server().database().history().size());
        }
    }

    @Test
    void theRetentionJobDeletesWhatIsOlderThanTheRetentionOnly() {
        // A server whose job looks every 100 ms: the test waits for the outcome, not for time.
        try (RunningServer sweeping = RunningServer.start(TestDatabase.create(backend), true,
                RunningServer.defaultNetwork(), RunningServer.defaultService().withHistory(
                        HistoryPolicy.defaults().withRetention(Duration.ofDays(30)).withSweepInterval(Duration.ofMillis(100))),
                null);
             ChatClient alice = sweeping.connect(); ChatClient bob = sweeping.connect()) {
            Database direct = sweeping.server().database();
            int aliceId = alice.register("alice", PASSWORD);
            int bobId = bob.register("bob", PASSWORD);
            alice.login(aliceId, PASSWORD);
            long now = System.currentTimeMillis();
            long expired = MessageIds.firstMidAt(now - Duration.ofDays(31).toMillis());
            long kept = MessageIds.firstMidAt(now - Duration.ofDays(29).toMillis());
            long conv = Conversation.between(aliceId, bobId);
            direct.history().append(List.of(
                    new HistoryDao.Entry(conv, expired, "{\"msgid\":6,\"mid\":" + expired + ",\"msg\":\"old\"}"),
                    new HistoryDao.Entry(conv, kept, "{\"msgid\":6,\"mid\":" + kept + ",\"msg\":\"recent\"}")));
            long fresh = alice.call("{\"msgid\":6,\"toid\":" + bobId + ",\"msg\":\"new\"}").path("mid").asLong();

            long deadline = System.nanoTime() + ChatClient.DEFAULT_WAIT.toNanos();
            List<Long> left;
            do {
                left = mids(alice.call("{\"msgid\":18,\"with\":" + bobId + "}").path("messages"));
            } while (left.contains(expired) && System.nanoTime() < deadline);
            assertEquals(List.of(kept, fresh), left);
        }
    }

    // --- steps

    private static long chat(TestUser from, TestUser to, String text) {
        JsonNode ack = from.client().call("{\"msgid\":6,\"toid\":" + to.id() + ",\"msg\":" + ChatClient.quote(text) + "}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return ack.path("mid").asLong();
    }

    private static int createGroup(TestUser creator) {
        JsonNode ack = creator.client().call("{\"msgid\":8,\"groupname\":\"g-" + creator.id() + "\",\"groupdesc\":\"\"}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return ack.path("groupid").asInt();
    }

    private static long groupChat(TestUser from, int group, String text) {
        JsonNode ack = from.client().call("{\"msgid\":10,\"groupid\":" + group + ",\"msg\":" + ChatClient.quote(text) + "}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return ack.path("mid").asLong();
    }

    private static JsonNode history(TestUser user, String fields) {
        JsonNode ack = user.client().call("{\"msgid\":18" + (fields.isEmpty() ? "" : "," + fields) + "}");
        assertEquals(11, ack.path("msgid").asInt(), ack::toString);
        assertEquals(18, ack.path("ack").asInt(), ack::toString);
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        assertTrue(ack.path("messages").isArray(), ack::toString);
        return ack;
    }

    private static int errno(TestUser user, String fields) {
        return user.client().call("{\"msgid\":18" + (fields.isEmpty() ? "" : "," + fields) + "}").path("errno").asInt();
    }

    private long historyRows() {
        return server.server().database().history().size();
    }

    private static List<Long> mids(JsonNode messages) {
        List<Long> mids = new ArrayList<>();
        messages.forEach(message -> mids.add(message.path("mid").asLong()));
        return mids;
    }
}
