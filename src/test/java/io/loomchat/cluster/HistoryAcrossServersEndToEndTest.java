package io.loomchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.ProcessCluster;
import io.loomchat.testing.TestCluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Protocol 2.3: "a message is in the history on every server of the cluster within 1 second of
 * its ACK, and stays there across the death of any one server". The history is read at once,
 * with no waiting, from the server that did not acknowledge the message.
 */
class HistoryAcrossServersEndToEndTest {

    private static final String PASSWORD = "pw";
    private static final int MESSAGES = 40;

    @Test
    void aMessageIsInTheHistoryOfTheOtherServerAsSoonAsItIsAcknowledged() {
        try (TestCluster cluster = TestCluster.start(2);
             ChatClient alice = cluster.connect(0); ChatClient bob = cluster.connect(1)) {
            int aliceId = registerAndLogIn(alice, "alice");
            int bobId = registerAndLogIn(bob, "bob");
            int group = alice.call("{\"msgid\":8,\"groupname\":\"team\",\"groupdesc\":\"\"}").path("groupid").asInt();
            assertEquals(0, bob.call("{\"msgid\":9,\"groupid\":" + group + "}").path("errno").asInt());

            List<Long> oneToOne = new ArrayList<>();
            List<Long> groupMids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                oneToOne.add(ack(alice.call("{\"msgid\":6,\"toid\":" + bobId + ",\"msg\":\"a" + i + "\"}")));
                assertEquals(oneToOne, mids(bob.call("{\"msgid\":18,\"with\":" + aliceId + "}")), "read on server 1");
                oneToOne.add(ack(bob.call("{\"msgid\":6,\"toid\":" + aliceId + ",\"msg\":\"b" + i + "\"}")));
                assertEquals(oneToOne, mids(alice.call("{\"msgid\":18,\"with\":" + bobId + "}")), "read on server 0");
                groupMids.add(ack(alice.call("{\"msgid\":10,\"groupid\":" + group + ",\"msg\":\"g" + i + "\"}")));
                assertEquals(groupMids, mids(bob.call("{\"msgid\":18,\"groupid\":" + group + "}")));
            }
        }
    }

    @Test
    void acknowledgedMessagesStayInTheHistoryAfterTheirServerIsKilled() {
        try (ProcessCluster cluster = ProcessCluster.start(List.of("a", "b"), false)) {
            List<Long> acknowledged = new ArrayList<>();
            int aliceId;
            int bobId;
            try (ChatClient bob = ChatClient.connect("127.0.0.1", cluster.server(1).port())) {
                bobId = bob.register("bob", PASSWORD);
            }
            try (ChatClient alice = ChatClient.connect("127.0.0.1", cluster.server(0).port())) {
                aliceId = registerAndLogIn(alice, "alice");
                for (int i = 0; i < MESSAGES; i++) {
                    acknowledged.add(ack(alice.call("{\"msgid\":6,\"toid\":" + bobId + ",\"msg\":\"m" + i + "\"}")));
                }
                cluster.server(0).kill9(); // right after the last ACK
            }
            try (ChatClient bob = ChatClient.connect("127.0.0.1", cluster.server(1).port())) {
                bob.login(bobId, PASSWORD);
                assertEquals(acknowledged, mids(bob.call("{\"msgid\":18,\"with\":" + aliceId + ",\"limit\":200}")));
            }
        }
    }

    private static int registerAndLogIn(ChatClient client, String name) {
        int id = client.register(name, PASSWORD);
        client.login(id, PASSWORD);
        return id;
    }

    private static long ack(JsonNode ack) {
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return ack.path("mid").asLong();
    }

    private static List<Long> mids(JsonNode historyAck) {
        assertEquals(0, historyAck.path("errno").asInt(), historyAck::toString);
        List<Long> mids = new ArrayList<>();
        historyAck.path("messages").forEach(message -> mids.add(message.path("mid").asLong()));
        return mids;
    }
}
