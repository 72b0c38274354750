package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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

/** Protocol 2.2 delivery receipts on one server: every rule of PROTOCOL.md's section, over real TCP. */
@ParameterizedClass
@EnumSource(Backend.class)
class ReceiptsEndToEndTest extends EndToEndTest {

    private static final int PAGE = 5;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);

    @Override
    protected RunningServer startServerFor(Backend backend) {
        return RunningServer.start(TestDatabase.create(backend), true,
                RunningServer.defaultNetwork().toBuilder().idleTimeout(IDLE_TIMEOUT).build(),
                RunningServer.defaultService().withLogin(LoginPolicy.defaults().withLoginBacklog(PAGE)), web());
    }

    @Test
    void aLoginAskingForReceiptsIsAnsweredWithReceipts() {
        TestUser bob = offlineUser("bob");
        ChatClient client = connect();
        assertTrue(loginWithReceipts(client, bob.id()).path("receipts").asBoolean(false));
        ChatClient plain = connect();
        TestUser carol = offlineUser("carol");
        assertFalse(plain.login(carol.id(), PASSWORD).has("receipts"), "a 2.1 login stays 2.1");
    }

    @Test
    void aConfirmedMessageNeverComesAgainAndAnUnconfirmedOneComesAgainAfterLogout() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient client = connect();
        loginWithReceipts(client, bob.id());
        List<Long> sent = send(alice, bob, 3);
        List<Long> got = receive(client, 3);
        assertEquals(sent, got, "live, in order, with the mids the sender was given");

        confirm(client, got.subList(0, 2));
        ping(client); // the RECEIPT has been served once its PONG is back
        assertEquals(0, client.call("{\"msgid\":3}").path("errno").asInt());

        JsonNode ack = loginWithReceipts(client, bob.id());
        assertEquals(List.of(sent.get(2)), mids(ack.path("offlinemsg")), "only the unconfirmed one, same mid");
        confirm(client, List.of(sent.get(2)));
        ping(client);
        client.call("{\"msgid\":3}");
        assertEquals(List.of(), mids(loginWithReceipts(client, bob.id()).path("offlinemsg")));
    }

    @Test
    void unconfirmedMessagesComeAgainAfterADroppedConnectionOldestFirstBeforeNewerOnes() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient first = connect();
        loginWithReceipts(first, bob.id());
        List<Long> live = send(alice, bob, 3);
        assertEquals(live, receive(first, 3));
        first.close(); // read, never confirmed
        List<Long> later = send(alice, bob, 2); // stored offline (or undeliverable), after the unconfirmed ones

        ChatClient second = connect();
        JsonNode ack = loginWithReceipts(second, bob.id());
        List<Long> expected = new ArrayList<>(live);
        expected.addAll(later);
        assertEquals(expected, mids(ack.path("offlinemsg")), "one history, oldest first");
    }

    @Test
    void backlogPagesOfAReceiptsSessionStayStoredUntilConfirmed() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        List<Long> sent = send(alice, bob, PAGE * 2 + 3);

        ChatClient first = connect();
        JsonNode ack = loginWithReceipts(first, bob.id());
        List<Long> got = new ArrayList<>(mids(ack.path("offlinemsg")));
        assertEquals(PAGE + 3, ack.path("pending").asInt());
        got.addAll(receive(first, PAGE + 3));
        assertEquals(sent, got);
        confirm(first, got.subList(0, PAGE + 1)); // the ack's page and one more
        ping(first);
        first.close();

        ChatClient second = connect();
        List<Long> again = new ArrayList<>(mids(loginWithReceipts(second, bob.id()).path("offlinemsg")));
        again.addAll(receive(second, sent.size() - PAGE - 1 - again.size()));
        assertEquals(sent.subList(PAGE + 1, sent.size()), again);
    }

    @Test
    void groupMessagesAreKeptUntilConfirmedToo() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient client = connect();
        loginWithReceipts(client, bob.id());
        int group = alice.client().call("{\"msgid\":8,\"groupname\":\"g-" + alice.id() + "\",\"groupdesc\":\"\"}")
                .path("groupid").asInt();
        assertEquals(0, client.call("{\"msgid\":9,\"groupid\":" + group + "}").path("errno").asInt());
        long mid = alice.client().call("{\"msgid\":10,\"groupid\":" + group + ",\"msg\":\"hi all\"}").path("mid").asLong();
        assertEquals(mid, client.next(10).path("mid").asLong());
        client.close();
        assertEquals(List.of(mid), mids(loginWithReceipts(connect(), bob.id()).path("offlinemsg")));
    }

    @Test
    void theIdleTimeoutEndsTheSessionAndTheUnconfirmedComeAgain() throws InterruptedException {
        TestUser bob = offlineUser("bob");
        ChatClient client = connect();
        loginWithReceipts(client, bob.id());
        ChatClient aliceClient = connect();
        TestUser alice = offlineUser("alice");
        aliceClient.login(alice.id(), PASSWORD);
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            sent.add(aliceClient.call("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"m" + i + "\"}").path("mid").asLong());
        }
        assertEquals(sent, receive(client, 2));
        // bob stays silent past the idle timeout; alice keeps her connection alive
        long deadline = System.nanoTime() + IDLE_TIMEOUT.multipliedBy(3).toNanos();
        while (!client.closedByServer(Duration.ofMillis(500))) {
            ping(aliceClient);
            assertTrue(System.nanoTime() < deadline, "the idle connection was not closed");
        }
        assertEquals(sent, mids(loginWithReceipts(connect(), bob.id()).path("offlinemsg")));
    }

    @Test
    void aMalformedReceiptIsErrno4AndAValidOneGetsNoReply() {
        TestUser bob = offlineUser("bob");
        ChatClient client = connect();
        loginWithReceipts(client, bob.id());
        for (String bad : List.of("{\"msgid\":15}", "{\"msgid\":15,\"mids\":5}", "{\"msgid\":15,\"mids\":[]}",
                "{\"msgid\":15,\"mids\":[\"1\"]}", "{\"msgid\":15,\"mids\":[1.5]}", "{\"msgid\":15,\"mids\":[1,null]}")) {
            JsonNode reply = client.call(bad);
            assertEquals(11, reply.path("msgid").asInt(), bad);
            assertEquals(15, reply.path("ack").asInt(), bad);
            assertEquals(4, reply.path("errno").asInt(), bad);
        }
        StringBuilder tooMany = new StringBuilder("{\"msgid\":15,\"mids\":[1");
        for (int i = 2; i <= 1_001; i++) {
            tooMany.append(',').append(i);
        }
        assertEquals(4, client.call(tooMany.append("]}").toString()).path("errno").asInt());
        client.send("{\"msgid\":15,\"mids\":[1,2,3]}"); // unknown mids: ignored, no reply
        client.expectNothing(Duration.ofMillis(300));
        assertEquals(3, connect().call("{\"msgid\":15,\"mids\":[1]}").path("errno").asInt(), "before login: errno 3");
        assertEquals(4, connect().call("{\"msgid\":1,\"id\":" + bob.id() + ",\"password\":\"x\",\"receipts\":\"yes\"}")
                .path("errno").asInt(), "receipts must be a boolean");
    }

    @Test
    void aSessionWithoutReceiptsIsUnchanged() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient client = connect();
        client.login(bob.id(), PASSWORD);
        List<Long> sent = send(alice, bob, 2);
        assertEquals(sent, receive(client, 2));
        client.send("{\"msgid\":15,\"mids\":[" + sent.get(0) + "]}");
        client.expectNothing(Duration.ofMillis(300));
        client.close();
        assertEquals(List.of(), mids(loginWithReceipts(connect(), bob.id()).path("offlinemsg")),
                "2.1: handed to the session is delivered");
    }

    // --- steps

    private static JsonNode loginWithReceipts(ChatClient client, int id) {
        return client.loginWithReceipts(id, PASSWORD);
    }

    private static List<Long> send(TestUser from, TestUser to, int count) {
        List<Long> mids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JsonNode ack = from.client().call("{\"msgid\":6,\"toid\":" + to.id() + ",\"msg\":\"m" + i + "\"}");
            assertEquals(0, ack.path("errno").asInt(), ack::toString);
            mids.add(ack.path("mid").asLong());
        }
        return mids;
    }

    private static List<Long> receive(ChatClient client, int count) {
        List<Long> mids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            mids.add(client.next(frame -> frame.path("msgid").asInt() == 6 || frame.path("msgid").asInt() == 10,
                    "a chat message").path("mid").asLong());
        }
        return mids;
    }

    private static void confirm(ChatClient client, List<Long> mids) {
        client.send("{\"msgid\":15,\"mids\":" + mids + "}");
    }

    private static void ping(ChatClient client) {
        assertEquals(13, client.call("{\"msgid\":12}").path("msgid").asInt());
    }

    private static List<Long> mids(JsonNode frames) {
        List<Long> mids = new ArrayList<>();
        frames.forEach(frame -> mids.add(frame.path("mid").asLong()));
        return mids;
    }

}
