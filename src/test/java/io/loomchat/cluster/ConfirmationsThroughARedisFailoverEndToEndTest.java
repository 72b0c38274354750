package io.loomchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.PrivateSentinels;
import io.loomchat.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Protocol 2.2's "a confirmed message is never delivered again" across the death of the Redis
 * master (issue 25): Redis replicates asynchronously, so an erasure the master had done but not
 * yet passed on would be missing on the replica Sentinel promotes, and the copy would come back.
 * A RECEIPT therefore counts only once a replica has its erasure: while the replica is stalled
 * the client is told errno 10 (send it again), and what it confirmed does not come back after
 * the master is killed.
 */
class ConfirmationsThroughARedisFailoverEndToEndTest {

    private static final String PASSWORD = "pw";
    private static final int MESSAGES = 5;
    /** The failover (down after 1 s, then the vote) and the servers' rebuild on the new master. */
    private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(30);

    private PrivateSentinels sentinels;
    private TestCluster cluster;
    private final List<ChatClient> clients = new ArrayList<>();

    @BeforeEach
    void startCluster() {
        sentinels = PrivateSentinels.create();
        cluster = TestCluster.start(2, sentinels.url());
    }

    @AfterEach
    void stopCluster() {
        clients.forEach(ChatClient::close);
        if (cluster != null) {
            cluster.close();
        }
        if (sentinels != null) {
            sentinels.close();
        }
    }

    @Test
    void aReceiptTheReplicaHasNotIsRefusedAndWhatWasConfirmedNeverComesBackAfterTheMasterDies() {
        int alice = register(0, "alice");
        int bob = register(1, "bob");
        ChatClient aliceClient = connect(0);
        aliceClient.login(alice, PASSWORD);
        ChatClient bobClient = connect(1);
        bobClient.loginWithReceipts(bob, PASSWORD);

        List<Long> first = chat(aliceClient, bobClient, bob, "before");
        assertReceiptHandled(bobClient, first, "with the replica in step");

        List<Long> second = chat(aliceClient, bobClient, bob, "while the replica stalls");
        sentinels.pauseReplica();
        JsonNode refused;
        try {
            refused = bobClient.call("{\"msgid\":15,\"mids\":" + second + "}");
        } finally {
            sentinels.resumeReplica();
        }
        assertEquals(10, refused.path("errno").asInt(),
                () -> "a RECEIPT whose erasure only the master has is not counted: " + refused);
        assertReceiptHandled(bobClient, second, "sent again once the replica is back");

        sentinels.killMaster();
        JsonNode login = loginOnceTheClusterIsBack(bob);
        List<Long> again = new ArrayList<>();
        login.path("offlinemsg").forEach(message -> again.add(message.path("mid").asLong()));
        assertEquals(List.of(), again, "confirmed messages never come again, not even after a failover");
        assertEquals(0, login.path("pending").asInt(), login::toString);
    }

    /** Alice sends {@link #MESSAGES} chats to bob, who reads them; returns their mids. */
    private static List<Long> chat(ChatClient alice, ChatClient bob, int bobId, String text) {
        List<Long> mids = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            JsonNode ack = alice.call("{\"msgid\":6,\"toid\":" + bobId + ",\"msg\":\"" + text + " " + i + "\"}");
            assertEquals("online", ack.path("stored").asText(), ack::toString);
            mids.add(ack.path("mid").asLong());
        }
        for (long mid : mids) {
            assertEquals(mid, bob.next(6).path("mid").asLong());
        }
        return mids;
    }

    /**
     * A RECEIPT, then a PING: frames of one connection are handled in order, so a PONG means no
     * error came first. An errno 10 is what the protocol answers whenever the replica has not
     * acknowledged the erasure within its timeout, and a client then sends the RECEIPT again, as
     * this does a few times: on a loaded box (a CI run's four test JVMs) a replica in step once
     * took longer than the 500 ms the server waits. Any other answer fails.
     */
    private static void assertReceiptHandled(ChatClient bob, List<Long> mids, String when) {
        JsonNode reply = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            bob.send("{\"msgid\":15,\"mids\":" + mids + "}");
            reply = bob.call("{\"msgid\":12}");
            if (reply.path("msgid").asInt() != 11 || reply.path("errno").asInt() != 10) {
                break;
            }
            bob.next(13); // the PING's PONG, behind the refusal
        }
        JsonNode last = reply;
        assertEquals(13, last.path("msgid").asInt(), () -> "the RECEIPT " + when + " was answered with " + last);
    }

    /**
     * Bob's old session ends with the failover's errors or not at all; he logs out and in on the
     * other server as soon as Redis has a master again.
     */
    private JsonNode loginOnceTheClusterIsBack(int bob) {
        long deadline = System.nanoTime() + FAILOVER_LIMIT.toNanos();
        clients.get(1).close();
        while (true) {
            try (ChatClient client = cluster.connect(0)) {
                JsonNode ack = client.call("{\"msgid\":1,\"id\":" + bob + ",\"password\":\"" + PASSWORD + "\",\"receipts\":true}");
                if (ack.path("errno").asInt() == 0 || System.nanoTime() > deadline) {
                    assertEquals(0, ack.path("errno").asInt(), () -> "bob's login after the failover: " + ack);
                    return ack;
                }
            }
            FailoverChat.sleep(100);
        }
    }

    private int register(int server, String name) {
        try (ChatClient client = cluster.connect(server)) {
            return client.register(name + "-" + System.nanoTime(), PASSWORD);
        }
    }

    private ChatClient connect(int server) {
        ChatClient client = cluster.connect(server);
        clients.add(client);
        return client;
    }
}
