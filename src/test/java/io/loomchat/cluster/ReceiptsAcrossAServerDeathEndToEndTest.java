package io.loomchat.cluster;

import static io.loomchat.testing.ClusterExtension.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.ClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Protocol 2.2 across the death of a server: two `loomchat server` processes behind a real nginx.
 * The recipient's server is killed with `kill -9` while it holds messages the recipient read but
 * did not confirm; after logging in again through nginx (on the other server), the recipient
 * gets every acknowledged message, with its mid, oldest first.
 */
class ReceiptsAcrossAServerDeathEndToEndTest {

    private static final int FROM_OTHER_SERVER = 200;
    private static final int FROM_SAME_SERVER = 50;

    @RegisterExtension
    final ClusterExtension cluster = ClusterExtension.processes(List.of("a", "b"), true);

    @Test
    void everyAcknowledgedMessageArrivesAfterTheRecipientsServerIsKilled() {
        // bob and carol on server a (the one to die), alice on server b.
        int bob = register();
        ChatClient bobClient = loginOn("a", bob, true);
        int carol = register();
        ChatClient carolClient = loginOn("a", carol, false);
        int alice = register();
        ChatClient aliceClient = loginOn("b", alice, false);

        List<Long> acknowledged = new ArrayList<>();
        for (int i = 0; i < FROM_OTHER_SERVER; i++) {
            JsonNode ack = aliceClient.call("{\"msgid\":6,\"toid\":" + bob + ",\"msg\":\"from alice " + i + "\"}");
            assertEquals("online", ack.path("stored").asText(), ack::toString);
            acknowledged.add(ack.path("mid").asLong());
        }
        for (int i = 0; i < FROM_SAME_SERVER; i++) {
            JsonNode ack = carolClient.call("{\"msgid\":6,\"toid\":" + bob + ",\"msg\":\"from carol " + i + "\"}");
            assertEquals("online", ack.path("stored").asText(), ack::toString);
            acknowledged.add(ack.path("mid").asLong());
        }
        // bob reads them all and confirms none
        for (int i = 0; i < acknowledged.size(); i++) {
            bobClient.next(6);
        }

        cluster.processes().server(0).kill9();
        assertTrue(bobClient.closedByServer(Duration.ofSeconds(5)), "nginx passes the crash on to the client");

        ChatClient again = cluster.connectThroughNginx();
        JsonNode ack = again.loginWithReceipts(bob, PASSWORD, Duration.ofSeconds(15));
        List<Long> received = new ArrayList<>();
        ack.path("offlinemsg").forEach(message -> received.add(message.path("mid").asLong()));
        for (int i = ack.path("pending").asInt(); i > 0; i--) {
            received.add(again.next(6).path("mid").asLong());
        }
        again.expectNothing(Duration.ofMillis(300));
        assertEquals(acknowledged.stream().sorted().toList(), received,
                "every acknowledged message, once, oldest first, with the mid its sender was given");
    }

    private int register() {
        return cluster.registerThroughNginx("user");
    }

    /**
     * Logs a user in through nginx, again and again until nginx puts it on {@code node}. nginx
     * balances by open connections (least_conn), so a connection that landed on the other server
     * stays open, logged out, until the user is placed: closing it at once would leave that server
     * the emptier one and nginx would pick it every time.
     */
    private ChatClient loginOn(String node, int user, boolean receipts) {
        List<ChatClient> elsewhere = new ArrayList<>();
        try {
            for (int attempt = 0; attempt < 50; attempt++) {
                ChatClient client = ChatClient.connect("127.0.0.1", cluster.processes().nginxPort());
                JsonNode ack = client.call("{\"msgid\":1,\"id\":" + user + ",\"password\":\"" + PASSWORD + "\""
                        + (receipts ? ",\"receipts\":true" : "") + "}");
                assertEquals(0, ack.path("errno").asInt(), ack::toString);
                if (node.equals(cluster.nodeOf(user))) {
                    cluster.track(client);
                    return client;
                }
                assertEquals(0, client.call("{\"msgid\":3}").path("errno").asInt());
                elsewhere.add(client);
            }
        } finally {
            elsewhere.forEach(ChatClient::close);
        }
        throw new AssertionError("nginx never put user " + user + " on server " + node);
    }
}
