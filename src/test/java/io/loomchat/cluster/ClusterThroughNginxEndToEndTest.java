package io.loomchat.cluster;

import static io.loomchat.testing.ClusterExtension.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Await;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.ClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real cluster: two `loomchat server` processes on one MariaDB and the local Redis, behind a
 * real nginx running the shipped configuration. Clients connect through nginx, as in production.
 */
class ClusterThroughNginxEndToEndTest {

    /** What the protocol promises: a dead server's sessions stop counting within 10 seconds. */
    private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(10);

    @RegisterExtension
    final ClusterExtension cluster = ClusterExtension.processes(List.of("a", "b"), true);

    @Test
    void usersOnDifferentServersChatOneToOneAndInAGroupThroughNginx() {
        int alice = register();
        ChatClient aliceClient = loginThroughNginx(alice);
        // nginx decides where a connection goes; log users in until one lands on the other server.
        int bob;
        ChatClient bobClient;
        do {
            bob = register();
            bobClient = loginThroughNginx(bob);
        } while (nodeOf(bob).equals(nodeOf(alice)));
        assertNotEquals(nodeOf(alice), nodeOf(bob));

        JsonNode ack = aliceClient.call("{\"msgid\":6,\"toid\":" + bob + ",\"msg\":\"hi bob\"}");
        assertEquals("online", ack.path("stored").asText(), ack::toString);
        assertEquals("hi bob", bobClient.next(6).path("msg").asText());

        int groupId = aliceClient.call("{\"msgid\":8,\"groupname\":\"team-" + cluster.prefix() + "\"}").path("groupid").asInt();
        assertEquals(0, bobClient.call("{\"msgid\":9,\"groupid\":" + groupId + "}").path("errno").asInt());
        JsonNode groupAck = bobClient.call("{\"msgid\":10,\"groupid\":" + groupId + ",\"msg\":\"hi team\"}");
        assertEquals(1, groupAck.path("online").asInt(), groupAck::toString);
        assertEquals("hi team", aliceClient.next(10).path("msg").asText());
    }

    @Test
    void theUsersOfAKilledServerLogInAgainThroughNginxWithTheirTokensWithinTenSecondsAndMissNothing() throws Exception {
        // A friend of everyone, connected straight to server b, which survives.
        int watcher = register();
        ChatClient watcherClient = connectDirect(1);
        watcherClient.login(watcher, PASSWORD);

        Map<Integer, ChatClient> onA = new HashMap<>();
        Map<Integer, String> tokens = new HashMap<>();
        while (onA.size() < 5) {
            int user = register();
            ChatClient client = cluster.connectThroughNginx();
            tokens.put(user, client.login(user, PASSWORD).path("token").asText());
            assertEquals(0, watcherClient.call("{\"msgid\":7,\"friendid\":" + user + "}").path("errno").asInt());
            if (nodeOf(user).equals("a")) {
                onA.put(user, client);
            }
        }
        watcherClient.expectNothing(Duration.ofMillis(200));

        long killedAt = System.nanoTime();
        cluster.processes().server(0).kill9();
        for (ChatClient client : onA.values()) {
            assertTrue(client.closedByServer(Duration.ofSeconds(5)), "nginx passes the crash on to the client");
        }

        // Meanwhile the watcher keeps writing to every one of them.
        Map<Integer, Set<String>> acknowledged = new HashMap<>();
        onA.keySet().forEach(user -> acknowledged.put(user, new HashSet<>()));
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger rounds = new AtomicInteger();
        Thread sender = Thread.ofVirtual().start(() -> {
            for (int n = 0; sending.get(); n++, rounds.incrementAndGet()) {
                for (int user : onA.keySet()) {
                    String text = "m" + n + "-" + user;
                    JsonNode ack = watcherClient.call("{\"msgid\":6,\"toid\":" + user + ",\"msg\":\"" + text + "\"}");
                    if (ack.path("errno").asInt() == 0) {
                        acknowledged.get(user).add(text);
                    }
                }
                Await.pause(Duration.ofMillis(20)); // a chat's pace, not a flood
            }
        });

        Map<Integer, List<String>> received = new HashMap<>();
        Map<Integer, ChatClient> again = new HashMap<>();
        for (int user : onA.keySet()) {
            ChatClient client = null;
            JsonNode ack = null;
            while (ack == null) {
                assertTrue(System.nanoTime() - killedAt < TAKEOVER_LIMIT.toNanos(),
                        "user " + user + " could not log in again within " + TAKEOVER_LIMIT);
                if (client == null) {
                    client = cluster.connectThroughNginx();
                }
                // The resume token: no password hash for a reconnect storm to pay for.
                JsonNode reply = client.call("{\"msgid\":1,\"id\":" + user + ",\"token\":\"" + tokens.get(user) + "\"}");
                if (reply.path("errno").asInt() == 0) {
                    ack = reply;
                } else {
                    assertEquals(2, reply.path("errno").asInt(), "until the dead server is cleaned up: " + reply);
                    Await.pause(Duration.ofMillis(100)); // only a login can tell that the clean-up is done
                }
            }
            List<String> texts = new ArrayList<>();
            ack.path("offlinemsg").forEach(message -> texts.add(message.path("msg").asText()));
            received.put(user, texts);
            again.put(user, client);
        }
        long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.println("every user of the killed server was back after " + takeoverMillis + " ms");

        int roundsAtTakeover = rounds.get();
        Await.until(Duration.ofSeconds(10), "five more rounds of messages, live on server b",
                () -> rounds.get() >= roundsAtTakeover + 5);
        sending.set(false);
        sender.join();
        for (var entry : again.entrySet()) {
            List<String> texts = received.get(entry.getKey());
            int expected = acknowledged.get(entry.getKey()).size();
            while (texts.size() < expected) {
                texts.add(entry.getValue().next(6).path("msg").asText());
            }
            entry.getValue().expectNothing(Duration.ofMillis(300));
            assertEquals(acknowledged.get(entry.getKey()), new HashSet<>(texts), "every acknowledged message arrives");
            assertEquals(texts.size(), new HashSet<>(texts).size(), "and none twice: " + texts);
            assertEquals("online", stateOf(entry.getKey()));
        }

        // The watcher saw each of them go (when server a's lease lapsed) and come back, once each.
        Map<Integer, List<String>> presence = new HashMap<>();
        while (presence.values().stream().mapToInt(List::size).sum() < 2 * onA.size()) {
            JsonNode frame = watcherClient.next(14);
            presence.computeIfAbsent(frame.path("id").asInt(), id -> new ArrayList<>()).add(frame.path("state").asText());
        }
        for (int user : onA.keySet()) {
            assertEquals(List.of("offline", "online"), presence.get(user), "presence of user " + user);
        }
    }

    private int register() {
        return cluster.registerThroughNginx("user");
    }

    private ChatClient loginThroughNginx(int user) {
        ChatClient client = cluster.connectThroughNginx();
        client.login(user, PASSWORD);
        return client;
    }

    /** A client on one server, past nginx: it sends the PROXY header itself, as nginx would. */
    private ChatClient connectDirect(int server) {
        ChatClient client = cluster.connect(server);
        client.sendRaw("PROXY TCP4 127.0.0.1 127.0.0.1 40000 6000\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return client;
    }

    /** The node holding a user's session, as the cluster records it in Redis. */
    private String nodeOf(int user) {
        return cluster.nodeOf(user);
    }

    private String stateOf(int user) {
        return cluster.database().query("SELECT state FROM User WHERE id = " + user, rows -> rows.next() ? rows.getString(1) : null);
    }
}
